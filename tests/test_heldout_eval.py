"""Regression guard on tests/data/heldout.jsonl: 40 articles written for the project and
labelled by the rules of ../shared/eval/README.md, including 16 hard negatives."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from bot.evaluate import Report, score_case

HELDOUT = Path(__file__).parent / "data" / "heldout.jsonl"


def test_heldout_bars(analyzer):
    report = Report()
    for line in HELDOUT.read_text().splitlines():
        case = json.loads(line)
        published = date.fromisoformat(case["published"]) if case.get("published") else None
        analysis = analyzer.analyze_text(
            case["text"], title=case["title"], id=case["id"], published=published
        )
        score_case(report, case, analysis)
    summary = report.to_json()
    summary.pop("cases_detail")
    assert report.total.f1 >= 0.88, summary
    assert report.false_alarm_rate <= 0.10, summary
    assert report.country_accuracy >= 0.90, summary
    assert report.place_recall >= 0.75, summary
