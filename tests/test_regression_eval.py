"""Regression guards on tests/data/regression/set*.jsonl: 240 articles written for the
project (before issue 8) and labelled by the rules of ../shared/eval/README.md. The old
rule lexicon was tuned on them, so they measure nothing about unseen text; they pin
today's behaviour. Each set must stay within one case of the figures recorded in
tests/data/regression/pins.json (what they are and how they were recorded is written there)
and raise no error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.analysis.evaluate import analyze_case, load_cases, score_cases, slips

DATA = Path(__file__).parent / "data" / "regression"
RECORDED = json.loads((DATA / "pins.json").read_text(encoding="utf-8"))["sets"]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(RECORDED))
def test_regression_set_holds(analyzer, name):
    cases = load_cases((DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines())
    report = score_cases(cases, lambda case: analyze_case(analyzer, case))
    summary = {k: v for k, v in report.to_json().items() if k != "cases_detail"}
    assert not slips(report, RECORDED[name]), summary
