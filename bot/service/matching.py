"""Does an event reach a subscription? Pure functions over the place hierarchy, no I/O.

A subscription names a region key as produced by ``regions.resolve_region(...).key``
(``geonames:…``, ``admin1:…``, ``area:…``, ``country:…``, ``region:…`` or ``world``). It
matches an event when that key is the key of one of the event's places or of anything
containing one (``regions.ancestors``), and the optional type and severity filters pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.analysis.regions import WORLD, ancestors
from bot.models import SEVERITIES, Event, Place, severity_rank


@dataclass(frozen=True)
class MatchDecision:
    """Whether an event reaches a subscription, and a sentence saying why (not)."""

    matched: bool
    reason: str


def region_keys_for(event: Event) -> set[str]:
    """Every region key the event lies in: its places and all their ancestors."""
    keys: set[str] = set()
    for place in event.places:
        keys.update(ancestors(place))
    return keys


def region_display_name(key: str) -> str:
    """A readable name for a region key ("South Asia", "Afghanistan", "Kandahar")."""
    from bot.analysis.places import get_gazetteer

    if key == WORLD:
        return "the world"
    gaz = get_gazetteer()
    if key.startswith("country:"):
        return gaz.country_name(key.split(":", 1)[1])
    place = gaz.get(key)
    return place.name if place is not None else key


def _names(places: Iterable[Place]) -> str:
    return ", ".join(dict.fromkeys(p.name for p in places))


def _type_clause(event: Event, types: Sequence[str]) -> str:
    listed = ", ".join(types)
    if event.type in types:
        return f"{event.type} is among {listed}"
    return f"{event.type} is not among {listed}"


def match_event(
    event: Event, region_key: str, types: Sequence[str] | None, min_severity: str | None
) -> MatchDecision:
    """Decide whether ``event`` reaches a subscription to ``region_key`` with these filters.

    ``types`` None (or empty) means every type; ``min_severity`` None means any severity.
    The reason names the first failing check (region, then type, then severity), or the
    region (and filters) that let the event through.
    """
    region_name = region_display_name(region_key)
    inside = [p for p in event.places if region_key in ancestors(p)]
    if region_key == WORLD:
        # An event with no resolved place still happened somewhere in the world.
        where = (
            f"{_names(event.places)} is in the world"
            if event.places
            else ("every event is in the world")
        )
    elif inside:
        verb = "is" if len(inside) == 1 else "are"
        where = f"{_names(inside)} {verb} in {region_name}"
    elif event.places:
        verb = "is" if len({p.name for p in event.places}) == 1 else "are"
        return MatchDecision(False, f"{_names(event.places)} {verb} not in {region_name}")
    else:
        return MatchDecision(False, f"the event has no known place, so it is not in {region_name}")

    clauses = [where]
    if types:
        clause = _type_clause(event, types)
        if event.type not in types:
            return MatchDecision(False, clause)
        clauses.append(clause)
    if min_severity:
        if min_severity not in SEVERITIES:
            # An unknown threshold must not silently drop every alert.
            clauses.append(f"unknown minimum severity {min_severity} is ignored")
        elif severity_rank(event.severity) < severity_rank(min_severity):
            return MatchDecision(False, f"severity {event.severity} is below {min_severity}")
        else:
            clauses.append(f"severity {event.severity} is at least {min_severity}")
    return MatchDecision(True, "; ".join(clauses))
