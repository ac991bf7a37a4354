"""The bars of the core issue, on the labelled dev set (skipped when ../shared is absent)."""

from __future__ import annotations

from datetime import date

from bot.analysis.evaluate import Report, score_case


def _analyse(analyzer, case):
    published = date.fromisoformat(case["published"]) if case.get("published") else None
    return analyzer.analyze_text(
        case["text"], title=case.get("title") or "", id=case["id"], published=published
    )


def test_dev_set_bars(analyzer, dev_cases):
    report = Report()
    for case in dev_cases:
        score_case(report, case, _analyse(analyzer, case))
    assert report.errors == 0
    assert report.total.f1 >= 0.85, report.to_json()
    assert report.false_alarm_rate <= 0.10
    assert report.country_accuracy >= 0.90
    assert report.place_recall >= 0.80


def test_seed_article(analyzer, dev_cases):
    case = next(c for c in dev_cases if c["id"] == "seed-afghanistan")
    analysis = _analyse(analyzer, case)
    by_type: dict[str, list] = {}
    for e in analysis.events:
        by_type.setdefault(e.type, []).extend(e.places)
    attack_names = {p.name for p in by_type["attack"]}
    assert {"Lashkar Gah", "Kandahar", "Herat"} <= attack_names
    assert {p.country for p in by_type["attack"]} == {"AF"}
    assert "Spin Boldak" in {p.name for p in by_type["civilian_harm"]}
    assert {p.country for p in by_type["civilian_harm"]} == {"AF"}
    assert "displacement" in by_type
    assert "US" in {p.country for p in by_type["refugee_policy"]}
    for etype in ("attack", "capture"):
        assert not {p.country for p in by_type.get(etype, [])} & {"US", "GB", "PK"}
