"""Regression guards on tests/data/regression/set*.jsonl: 240 articles written for the
project (before issue 8) and labelled by the rules of ../shared/eval/README.md. The old
rule lexicon was tuned on them, so they measure nothing about unseen text; they pin
today's behaviour. Each set must stay within one case of the figures recorded here (as
printed by `newsbot eval tests/data/regression/setN.jsonl --json`) and raise no error."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.analysis.evaluate import Report, score_case

DATA = Path(__file__).parent / "data" / "regression"

# set: true positives, false positives, false alarms (of 16 negatives), right countries,
# gold places found — for each figure the best recorded so far (the shipped models before
# and after the civilian-harm re-read of training/README.md, the rules of 2026-12-04, and
# that evening's displacement cue and background checks),
# so an improvement stays pinned and a slip is never recorded. (set3's false positives went
# back to 7 for a while when the veto audit removed business words without two real
# examples; a percentage no longer counts as people who fled, and they are 6 again. The
# model `make train` rebuilds, chosen end to end on 2026-12-04, gains set3 and set4 a case
# each and costs set3 a false alarm, within one case of the best: 49/7/5/49/48.)
RECORDED = {
    "set1": (42, 1, 1, 42, 51),
    "set2": (60, 4, 3, 60, 70),
    "set3": (49, 6, 4, 49, 48),
    "set4": (47, 2, 2, 46, 36),
    "set5": (44, 3, 2, 43, 39),
    "set6": (49, 0, 0, 49, 48),
}


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
    tp, fp, false_alarms, countries, places = RECORDED[name]
    summary = {k: v for k, v in report.to_json().items() if k != "cases_detail"}
    assert report.errors == 0, summary
    assert report.total.tp >= tp - 1, summary
    assert report.total.fp <= fp + 1, summary
    assert report.false_alarms <= false_alarms + 1, summary
    assert report.country_correct >= countries - 1, summary
    assert report.places_found >= places - 1, summary
