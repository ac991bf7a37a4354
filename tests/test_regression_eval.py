"""Regression guards on tests/data/regression/set*.jsonl: 240 articles written for the
project (before issue 8) and labelled by the rules of ../shared/eval/README.md. The old
rule lexicon was tuned on them, so they measure nothing about unseen text; they pin
today's behaviour. Each set must stay within one case of the figures recorded in
tests/data/regression/pins.json (what they are and how they were recorded is written there)
and raise no error."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.analysis.evaluate import Report, score_case, slips

DATA = Path(__file__).parent / "data" / "regression"
RECORDED = json.loads((DATA / "pins.json").read_text(encoding="utf-8"))["sets"]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(RECORDED))
def test_regression_set_holds(analyzer, name):
    report = Report()
    for line in (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        published = date.fromisoformat(case["published"]) if case.get("published") else None
        analysis = analyzer.analyze_text(
            case["text"], title=case["title"], id=case["id"], published=published
        )
        score_case(report, case, analysis)
    summary = {k: v for k, v in report.to_json().items() if k != "cases_detail"}
    assert not slips(report, RECORDED[name]), summary
