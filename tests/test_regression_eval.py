"""Regression guards on tests/data/heldout*.jsonl: articles written for the project and
labelled by the rules of ../shared/eval/README.md (heldout: 40 short ones; heldout2: 40
long, messy ones; heldout3: mixed styles; heldout4: Wikinews/VOA style; 16 hard negatives
each; heldout5 and heldout6: Wikinews/VOA style). Each was measured untouched first and
has since informed rule changes, so they guard against regressions rather than measure
unseen data; the README gives the untouched figures."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.analysis.evaluate import Report, score_case

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("name", "min_f1", "max_false_alarm", "min_place_recall"),
    [
        ("heldout.jsonl", 0.88, 0.10, 0.75),
        ("heldout2.jsonl", 0.88, 0.10, 0.60),
        ("heldout3.jsonl", 0.85, 0.20, 0.50),
        ("heldout4.jsonl", 0.85, 0.20, 0.50),
        ("heldout5.jsonl", 0.85, 0.20, 0.50),
        ("heldout6.jsonl", 0.85, 0.20, 0.50),
    ],
)
def test_heldout_bars(analyzer, name, min_f1, max_false_alarm, min_place_recall):
    report = Report()
    for line in (DATA / name).read_text().splitlines():
        case = json.loads(line)
        published = date.fromisoformat(case["published"]) if case.get("published") else None
        analysis = analyzer.analyze_text(
            case["text"], title=case["title"], id=case["id"], published=published
        )
        score_case(report, case, analysis)
    summary = report.to_json()
    summary.pop("cases_detail")
    assert report.total.f1 >= min_f1, summary
    assert report.false_alarm_rate <= max_false_alarm, summary
    assert report.country_accuracy >= 0.90, summary
    assert report.place_recall >= min_place_recall, summary
