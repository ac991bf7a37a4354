"""Event clusters: many reports of one real-world event become one cluster.

Rules (a report = one event of one article):

* A report joins a cluster of the **same type** whose first report is at most
  ``CLUSTER_WINDOW`` (48 h) older and whose places **overlap** its places.
* Places overlap when they share a key, or one is an ancestor of the other, *below
  country level* (Kandahar city ~ Kandahar province; Kandahar city ≁ Spin Boldak, its
  sibling in the same province; Kandahar ≁ Afghanistan). Country- or region-level keys only
  count when neither side has anything more specific: "fighting in Ukraine" and "a strike
  on Kharkiv" are not known to be the same event, two country-level reports are.
* The window runs from the cluster's first report rather than its last, so a city shelled
  day after day is not folded into one cluster forever.
* A report is **stronger** than its cluster when its severity ranks higher, or its killed
  count is up by at least 50 % and by at least 5.
* A capture is its own type, but a capture at the place of a recent attack *follows* that
  attack: the pipeline treats it as an escalation of the attack's alert.

Find-or-create is a read-then-write decision, so it runs under the repository's advisory
lock on ``cluster:{type}:{country}`` for every key the article needs, taken in sorted order
before any cluster is read (no lock-order deadlock between two articles).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from bot.analysis.regions import WORLD, ancestors
from bot.models import Event, severity_rank
from bot.service.store import EventClusterRow, Repository

CLUSTER_WINDOW = timedelta(hours=48)
KILLED_RATIO = 1.5
KILLED_MIN_STEP = 5
# A capture "follows" a recent attack at the same place (attack → capture escalates).
FOLLOWS: dict[str, tuple[str, ...]] = {"capture": ("attack",)}
_NO_COUNTRY = "-"


def is_wide(key: str) -> bool:
    """Country, region or world: too coarse on its own to say two reports are one event."""
    return key == WORLD or key.startswith(("country:", "region:"))


@lru_cache(maxsize=8192)
def local_chain(key: str) -> tuple[str, ...]:
    """``key`` and its ancestors below country level (admin1, areas), most specific first."""
    from bot.analysis.places import get_gazetteer

    if is_wide(key):
        return ()
    place = get_gazetteer().get(key)
    if place is None:
        return (key,)
    return tuple(k for k in ancestors(place) if not is_wide(k))


def places_overlap(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether two sets of place keys may describe the same event (see module rules)."""
    local_a = [k for k in a if not is_wide(k)]
    local_b = [k for k in b if not is_wide(k)]
    if local_a or local_b:
        for ka in local_a:
            chain_a = local_chain(ka)
            for kb in local_b:
                if ka == kb or kb in chain_a or ka in local_chain(kb):
                    return True
        return False
    return bool(set(a) & set(b))


def event_countries(event: Event) -> list[str | None]:
    """The distinct countries of an event's places, first place first; [None] if none."""
    countries = list(dict.fromkeys(p.country for p in event.places if p.country))
    return list(countries) if countries else [None]


def lock_key(type: str, country: str | None) -> str:
    return f"cluster:{type}:{country or _NO_COUNTRY}"


def lock_keys(events: Iterable[Event]) -> list[str]:
    """Every advisory-lock key the find-or-create of these events takes, sorted."""
    keys = {lock_key(e.type, cc) for e in events for cc in event_countries(e)}
    return sorted(keys)


def killed(event: Event) -> int | None:
    return event.casualties.killed if event.casualties else None


def stronger_reason(event: Event, cluster: EventClusterRow) -> str | None:
    """Why ``event`` is a stronger report than the cluster has had so far, else None."""
    rank = severity_rank(event.severity)
    if rank > cluster.max_severity_rank:
        return f"severity rose to {event.severity}"
    new = killed(event)
    if new is not None:
        old = cluster.max_killed or 0
        if new >= old * KILLED_RATIO and new - old >= KILLED_MIN_STEP:
            return f"killed rose from {old} to {new}" if old else f"{new} reported killed"
    return None


@dataclass
class Assignment:
    """Where one event of an article went, and what that means for alerting."""

    event: Event
    cluster: EventClusterRow  # after this report was folded in
    created: bool
    stronger: str | None = None  # why the report is stronger than the cluster was
    new_source: bool = False  # the cluster had not been reported by this source
    follows: list[EventClusterRow] = field(default_factory=list)  # e.g. attack before capture


async def _candidates(
    repo: Repository, type: str, countries: Sequence[str | None], since: datetime
) -> list[EventClusterRow]:
    found: dict[int, EventClusterRow] = {}
    for cc in countries:
        rows = await repo.recent_clusters(type, since, country=cc)
        if cc is None:  # the repository reads country=None as "any country"
            rows = [r for r in rows if r.country is None]
        for row in rows:
            if row.first_seen >= since:
                found.setdefault(row.id, row)
    return sorted(found.values(), key=lambda r: (r.last_seen, r.id), reverse=True)


async def find_cluster(
    repo: Repository,
    event: Event,
    seen_at: datetime,
    *,
    type: str | None = None,
    window: timedelta = CLUSTER_WINDOW,
) -> EventClusterRow | None:
    """The most recently active cluster of ``type`` (default: the event's) the event
    belongs to, if any."""
    keys = [p.key for p in event.places]
    for row in await _candidates(
        repo, type or event.type, event_countries(event), seen_at - window
    ):
        if places_overlap(keys, row.place_keys):
            return row
    return None


async def _fold_again(
    repo: Repository, row: EventClusterRow, before: EventClusterRow | None, event: Event
) -> Assignment:
    """Another event of the same article in a cluster it already reported: update the
    maxima and places without counting a second report."""
    row.max_severity_rank = max(row.max_severity_rank, severity_rank(event.severity))
    new = killed(event)
    if new is not None:
        row.max_killed = new if row.max_killed is None else max(row.max_killed, new)
    keys = [p.key for p in event.places]
    if any(k not in row.place_keys for k in keys):
        row.place_keys = list(dict.fromkeys([*row.place_keys, *keys]))
    await repo.session.flush()
    stronger = stronger_reason(event, before) if before is not None else None
    return Assignment(event, row, created=False, stronger=stronger)


async def assign_clusters(
    repo: Repository,
    events: Sequence[Event],
    *,
    source: str | None,
    seen_at: datetime,
    window: timedelta = CLUSTER_WINDOW,
) -> list[Assignment]:
    """Find or create the cluster of each event and fold the report in, under the locks.

    Call inside the transaction that stores the article; the locks hold until commit.
    Two events of one article that land in the same cluster count as one report.
    """
    for key in lock_keys(events):
        await repo.advisory_lock(key)
    out: list[Assignment] = []
    touched: dict[int, EventClusterRow] = {}
    before: dict[int, EventClusterRow] = {}  # clusters as they were before this article
    for event in events:
        keys = [p.key for p in event.places]
        rank = severity_rank(event.severity)
        row = await find_cluster(repo, event, seen_at, window=window)
        if row is None:
            row = await repo.create_cluster(
                type=event.type,
                country=event_countries(event)[0],
                place_keys=keys,
                seen_at=seen_at,
                severity_rank=rank,
                killed=killed(event),
                source=source,
            )
            touched[row.id] = row
            assignment = Assignment(event, row, created=True, new_source=True)
        elif row.id in touched:
            assignment = await _fold_again(repo, touched[row.id], before.get(row.id), event)
        else:
            before[row.id] = EventClusterRow(
                max_severity_rank=row.max_severity_rank, max_killed=row.max_killed
            )
            stronger = stronger_reason(event, row)
            new_source = bool(source) and source not in row.sources
            row = await repo.add_report_to_cluster(
                row.id,
                seen_at=seen_at,
                severity_rank=rank,
                killed=killed(event),
                source=source,
                place_keys=keys,
            )
            touched[row.id] = row
            assignment = Assignment(
                event, row, created=False, stronger=stronger, new_source=new_source
            )
        for earlier_type in FOLLOWS.get(event.type, ()):
            earlier = await find_cluster(repo, event, seen_at, type=earlier_type, window=window)
            if earlier is not None:
                assignment.follows.append(earlier)
        out.append(assignment)
    return out
