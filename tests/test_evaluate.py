from bot.analysis.evaluate import (
    Report,
    analyze_case,
    format_report,
    load_cases,
    names_match,
    score_case,
    score_cases,
    slips,
)
from bot.models import Analysis, Event, Place

KABUL = Place("geonames:1", "Kabul", "city", "AF")
QUETTA = Place("geonames:2", "Quetta", "city", "PK")


def analysis(*events: Event) -> Analysis:
    return Analysis(id="x", title="", url=None, published=None, summary="", events=list(events))


def test_names_match_is_accent_and_prefix_insensitive():
    assert names_match("Baghlan", "Baghlan-e-Markazi")
    assert names_match("Lashkar Gah", "Lashkar Gāh")
    assert names_match("gaza", "Gaza Strip")
    assert names_match("Marib", "Ma'rib")
    assert not names_match("Gaza", "Gazan")
    assert not names_match("Herat", "Kandahar")


def test_scores_types_countries_and_places():
    report = Report()
    gold = {"id": "a", "text": "…", "events": [
        {"type": "attack", "headline": True, "places": [{"name": "Kabul", "country": "AF"}]},
        {"type": "displacement", "headline": False,
         "places": [{"name": "Afghanistan", "country": "AF", "kind": "country"}]},
    ]}
    score_case(report, gold, analysis(
        Event("attack", [KABUL], "e"), Event("protest", [QUETTA], "e")))
    neg = {"id": "b", "text": "…", "events": []}
    score_case(report, neg, analysis(Event("disaster", [KABUL], "e")))
    score_case(report, {"id": "c", "text": "…", "events": []}, analysis())

    assert (report.total.tp, report.total.fp, report.total.fn) == (1, 2, 1)
    assert report.headline_recall == 1.0
    assert report.false_alarm_rate == 0.5
    assert report.country_accuracy == 1.0
    assert report.place_recall == 1.0  # the country-level gold place is not counted
    text = format_report(report)
    assert "false alarm      0.500" in text and "missed displacement" in text


def test_wrong_country_and_missing_place_are_reported():
    report = Report()
    gold = {"id": "a", "text": "…", "events": [
        {"type": "attack", "places": [{"name": "Kabul", "country": "AF"}]}]}
    score_case(report, gold, analysis(Event("attack", [QUETTA], "e")))
    assert report.country_accuracy == 0.0
    assert report.place_recall == 0.0
    assert any("country" in n for n in report.results[0].notes)


def test_an_event_with_no_gold_country_is_not_counted_for_country_accuracy():
    # "strikes on a boat in the Caribbean Sea": right type, no country to get right.
    report = Report()
    at_sea = {"id": "a", "text": "…", "events": [{"type": "attack", "places": []}]}
    score_case(report, at_sea, analysis(Event("attack", [QUETTA], "e")))
    assert report.total.tp == 1 and report.country_pairs == 0
    inland = {"id": "b", "text": "…", "events": [
        {"type": "attack", "places": [{"name": "Kabul", "country": "AF"}]}]}
    score_case(report, inland, analysis(Event("attack", [KABUL], "e")))
    assert report.country_pairs == 1 and report.country_accuracy == 1.0


def test_load_cases_names_the_broken_line():
    try:
        load_cases(['{"id": 1, "text": "a"}', "{oops"])
    except ValueError as exc:
        assert "line 2" in str(exc)
    else:
        raise AssertionError("a broken line must raise")


def test_a_slip_of_more_than_one_case_is_reported():
    report = Report()
    report.total.tp, report.total.fp, report.false_alarms = 41, 3, 1
    report.country_correct, report.places_found = 40, 50
    recorded = (42, 1, 1, 42, 51)  # true and false positives, false alarms, countries, places
    assert slips(report, recorded) == ["false positives 3 > 1 + 1", "right countries 40 < 42 - 1"]
    report.total.fp, report.country_correct = 2, 41
    assert slips(report, recorded) == []
    report.errors = 1
    assert slips(report, recorded) == ["1 errors"]


def test_score_cases_scores_each_case_and_reports_progress():
    cases = [
        {"id": "a", "text": "…", "events": [{"type": "attack", "places": []}]},
        {"id": "b", "text": "…", "events": []},
    ]
    answers = {"a": analysis(Event("attack", [KABUL], "e")),
               "b": analysis(Event("protest", [QUETTA], "e"))}
    done: list[int] = []
    report = score_cases(cases, lambda case: answers[case["id"]], done.append)
    assert (report.cases, report.total.tp, report.total.fp, report.false_alarms) == (2, 1, 1, 1)
    assert done == [1, 2]


def test_analyze_case_reads_title_and_publication_date(analyzer):
    case = {"id": "k1", "title": "Rocket attack on Kharkiv",
            "published": "2025-03-10",
            "text": "Russian forces fire missiles at the centre of Kharkiv, Ukraine, "
                    "killing four people and wounding twenty, the regional governor says."}
    result = analyze_case(analyzer, case)
    assert result.id == "k1" and result.title == "Rocket attack on Kharkiv"
    assert str(result.published) == "2025-03-10"
    assert "attack" in {e.type for e in result.events}
