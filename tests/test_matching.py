"""Subscriptions match events through the place hierarchy, then type and severity filters."""

from __future__ import annotations

import pytest

from bot.analysis.places import get_gazetteer
from bot.analysis.regions import resolve_region
from bot.models import Event, Place
from bot.service.matching import MatchDecision, match_event, region_keys_for


def _place(key: str) -> Place:
    place = get_gazetteer().get(key)
    assert place is not None, key
    return place


KANDAHAR = "geonames:1138336"
QUETTA = "geonames:1167528"


def _event(*keys: str, type: str = "attack", severity: str = "high") -> Event:
    return Event(
        type=type,
        places=[_place(k) for k in keys],
        evidence="Taliban fighters attacked the police headquarters in Kandahar.",
        severity=severity,
    )


def _key(name: str) -> str:
    place = resolve_region(name)
    assert place is not None, name
    return place.key


def test_region_keys_cover_the_place_and_everything_containing_it() -> None:
    keys = region_keys_for(_event(KANDAHAR))
    for name in ["Kandahar", "Afghanistan", "South Asia", "Asia", "world"]:
        assert _key(name) in keys, name
    assert KANDAHAR in keys
    assert _key("Europe") not in keys
    assert _key("Pakistan") not in keys
    both = region_keys_for(_event(KANDAHAR, QUETTA))
    assert {_key("Afghanistan"), _key("Pakistan")} <= both
    assert region_keys_for(Event(type="attack", places=[], evidence="")) == set()


@pytest.mark.parametrize("region", ["Kandahar", "Afghanistan", "South Asia", "Asia", "world"])
def test_a_kandahar_event_reaches_every_containing_region(region: str) -> None:
    decision = match_event(_event(KANDAHAR), _key(region), None, None)
    assert decision.matched, decision.reason


def test_reasons_name_the_place_and_the_region() -> None:
    assert match_event(_event(KANDAHAR), _key("South Asia"), None, None) == MatchDecision(
        True, "Kandahar is in South Asia"
    )
    assert match_event(_event(QUETTA), _key("Europe"), None, None) == MatchDecision(
        False, "Quetta is not in Europe"
    )
    assert match_event(_event(KANDAHAR), _key("Afghanistan"), None, None).reason == (
        "Kandahar is in Afghanistan"
    )
    # With places in two countries, only the ones inside the region are named.
    two = match_event(_event(KANDAHAR, QUETTA), _key("Pakistan"), None, None)
    assert two == MatchDecision(True, "Quetta is in Pakistan")


def test_kandahar_is_not_in_europe_nor_in_pakistan() -> None:
    assert not match_event(_event(KANDAHAR), _key("Europe"), None, None).matched
    decision = match_event(_event(KANDAHAR), _key("Pakistan"), None, None)
    assert decision == MatchDecision(False, "Kandahar is not in Pakistan")


def test_types_filter() -> None:
    event = _event(KANDAHAR)
    refused = match_event(event, _key("South Asia"), ["protest", "disaster"], None)
    assert refused == MatchDecision(False, "attack is not among protest, disaster")
    allowed = match_event(event, _key("South Asia"), ["attack", "capture"], None)
    assert allowed.matched
    assert allowed.reason == "Kandahar is in South Asia; attack is among attack, capture"
    # None and an empty list both mean every type.
    assert match_event(event, _key("South Asia"), [], None).matched


def test_severity_filter() -> None:
    medium = _event(KANDAHAR, severity="medium")
    assert match_event(medium, _key("Asia"), None, "high") == MatchDecision(
        False, "severity medium is below high"
    )
    assert match_event(medium, _key("Asia"), None, "medium").matched
    assert match_event(medium, _key("Asia"), None, "low").matched
    critical = _event(KANDAHAR, severity="critical")
    decision = match_event(critical, _key("Asia"), None, "high")
    assert decision.matched and "severity critical is at least high" in decision.reason


def test_region_is_checked_before_filters() -> None:
    decision = match_event(_event(QUETTA, severity="low"), _key("Europe"), ["protest"], "high")
    assert decision == MatchDecision(False, "Quetta is not in Europe")


def test_world_takes_even_an_event_without_a_place() -> None:
    nowhere = Event(type="disaster", places=[], evidence="A storm hit the coast.")
    assert match_event(nowhere, "world", None, None).matched
    decision = match_event(nowhere, _key("Asia"), None, None)
    assert not decision.matched and "no known place" in decision.reason


def test_a_subscription_under_a_provinces_former_key_still_matches() -> None:
    # Tshopo was a place of its own (admin1:CD-TO) until it was found to be GeoNames'
    # CD.30; a channel that subscribed to it then keeps its alerts and its name
    from bot.service.matching import region_display_name

    kisangani = next(p for p in get_gazetteer().lookup("Kisangani") if p.country == "CD")
    event = Event(type="attack", places=[kisangani], evidence="Shelling hits Kisangani.",
                  severity="high")
    assert _key("Tshopo") == "admin1:CD.30"
    for key in ("admin1:CD.30", "admin1:CD-TO"):
        decision = match_event(event, key, None, None)
        assert decision.matched, key
        assert decision.reason == "Kisangani is in Tshopo"
    assert region_display_name("admin1:CD-TO") == "Tshopo"
    assert "admin1:CD-TO" in region_keys_for(event)
    assert not match_event(event, "admin1:CD-IT", None, None).matched  # Ituri is not it
