"""Cluster rules: which reports are one event, and which are stronger."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from databases import fresh_database
from sqlalchemy import func, select

from bot.analysis.places import get_gazetteer
from bot.models import Casualties, Event
from bot.service.clusters import (
    assign_clusters,
    lock_keys,
    places_overlap,
    stronger_reason,
)
from bot.service.store import EventClusterRow, Store

KANDAHAR_CITY = "geonames:1138336"
KANDAHAR_PROVINCE = "admin1:AF.23"
SPIN_BOLDAK = "geonames:1123906"  # another town in Kandahar province
LASHKAR_GAH = "geonames:1134720"
QUETTA = "geonames:1167528"
AFGHANISTAN = "country:AF"
T0 = datetime(2026, 3, 3, 6, 0, tzinfo=UTC)


def _event(*keys: str, type: str = "attack", severity: str = "high", killed: int | None = None):
    gaz = get_gazetteer()
    places = [gaz.get(k) for k in keys]
    assert all(places), keys
    return Event(
        type=type,
        places=places,  # type: ignore[arg-type]
        evidence="…",
        severity=severity,
        casualties=Casualties(killed=killed) if killed is not None else None,
    )


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ([KANDAHAR_CITY], [KANDAHAR_CITY], True),
        ([KANDAHAR_CITY], [KANDAHAR_PROVINCE], True),  # city inside the province
        ([KANDAHAR_PROVINCE], [KANDAHAR_CITY], True),
        ([KANDAHAR_CITY], [SPIN_BOLDAK], False),  # siblings in one province
        ([KANDAHAR_CITY], [AFGHANISTAN], False),  # the country alone is too coarse
        ([KANDAHAR_CITY, AFGHANISTAN], [AFGHANISTAN], False),
        ([AFGHANISTAN], [AFGHANISTAN], True),  # both only country-level
        ([AFGHANISTAN], ["country:PK"], False),
        ([LASHKAR_GAH], [KANDAHAR_CITY], False),
        ([LASHKAR_GAH, KANDAHAR_CITY], [SPIN_BOLDAK, KANDAHAR_PROVINCE], True),
        ([QUETTA], [KANDAHAR_PROVINCE], False),
        (["region:middle-east"], ["region:middle-east"], True),
    ],
)
def test_places_overlap(a: list[str], b: list[str], same: bool) -> None:
    assert places_overlap(a, b) is same


def _cluster(rank: int, killed: int | None) -> EventClusterRow:
    return EventClusterRow(type="attack", max_severity_rank=rank, max_killed=killed)


def test_stronger_report() -> None:
    high = 2
    assert stronger_reason(_event(KANDAHAR_CITY, severity="critical"), _cluster(high, None))
    assert stronger_reason(_event(KANDAHAR_CITY, severity="high"), _cluster(high, None)) is None
    assert stronger_reason(_event(KANDAHAR_CITY, killed=30), _cluster(high, 12)) == (
        "killed rose from 12 to 30"
    )
    # Up by half but by fewer than five; up by five but not by half.
    assert stronger_reason(_event(KANDAHAR_CITY, killed=6), _cluster(high, 4)) is None
    assert stronger_reason(_event(KANDAHAR_CITY, killed=17), _cluster(high, 12)) is None
    assert stronger_reason(_event(KANDAHAR_CITY, killed=18), _cluster(high, 12)) is not None
    assert stronger_reason(_event(KANDAHAR_CITY, killed=8), _cluster(high, None)) == (
        "8 reported killed"
    )
    assert stronger_reason(_event(KANDAHAR_CITY, killed=3), _cluster(high, None)) is None


def test_lock_keys_are_sorted_and_cover_every_country() -> None:
    events = [
        _event(QUETTA, KANDAHAR_CITY),
        _event(KANDAHAR_CITY, type="capture"),
        Event(type="disaster", places=[], evidence=""),
    ]
    assert lock_keys(events) == [
        "cluster:attack:AF",
        "cluster:attack:PK",
        "cluster:capture:AF",
        "cluster:disaster:-",
    ]


async def test_reports_join_create_and_expire(store: Store) -> None:
    async with store.session() as repo:
        [first] = await assign_clusters(
            repo, [_event(KANDAHAR_PROVINCE, killed=12)], source="Kabul Times", seen_at=T0
        )
    assert first.created and first.new_source
    cluster_id = first.cluster.id

    async with store.session() as repo:
        [same] = await assign_clusters(
            repo,
            [_event(KANDAHAR_CITY, killed=12)],
            source="Frontier Post",
            seen_at=T0 + timedelta(hours=5),
        )
    assert not same.created and same.cluster.id == cluster_id
    assert same.new_source and same.stronger is None
    assert same.cluster.sources == ["Kabul Times", "Frontier Post"]
    assert same.cluster.article_count == 2
    assert set(same.cluster.place_keys) == {KANDAHAR_PROVINCE, KANDAHAR_CITY}

    async with store.session() as repo:
        inside, other_type, stronger = await assign_clusters(
            repo,
            [
                _event(SPIN_BOLDAK),  # in the province the cluster's first report named
                _event(KANDAHAR_CITY, type="displacement"),
                _event(KANDAHAR_CITY, killed=30),
            ],
            source="Frontier Post",
            seen_at=T0 + timedelta(hours=10),
        )
    assert not inside.created and inside.cluster.id == cluster_id
    assert other_type.created
    assert not stronger.created and stronger.cluster.id == cluster_id
    assert stronger.stronger == "killed rose from 12 to 30" and not stronger.new_source
    assert stronger.cluster.max_killed == 30

    # The window counts from the cluster's first report.
    async with store.session() as repo:
        [late] = await assign_clusters(
            repo, [_event(KANDAHAR_CITY)], source="Ariana", seen_at=T0 + timedelta(hours=49)
        )
    assert late.created and late.cluster.id != cluster_id


async def test_sibling_towns_are_separate_events(store: Store) -> None:
    async with store.session() as repo:
        city, sibling = await assign_clusters(
            repo, [_event(KANDAHAR_CITY), _event(SPIN_BOLDAK)], source="X", seen_at=T0
        )
    assert city.created and sibling.created and city.cluster.id != sibling.cluster.id


async def test_two_events_of_one_article_in_one_cluster_count_once(store: Store) -> None:
    async with store.session() as repo:
        a, b = await assign_clusters(
            repo, [_event(KANDAHAR_CITY), _event(KANDAHAR_PROVINCE)], source="X", seen_at=T0
        )
    assert a.cluster.id == b.cluster.id
    assert a.created and not b.created
    assert b.cluster.article_count == 1


async def test_a_capture_follows_a_recent_attack_at_the_same_place(store: Store) -> None:
    async with store.session() as repo:
        [attack] = await assign_clusters(repo, [_event(KANDAHAR_PROVINCE)], source="X", seen_at=T0)
    async with store.session() as repo:
        capture, elsewhere = await assign_clusters(
            repo,
            [_event(KANDAHAR_CITY, type="capture"), _event(LASHKAR_GAH, type="capture")],
            source="X",
            seen_at=T0 + timedelta(hours=20),
        )
    assert capture.created and capture.cluster.type == "capture"
    assert [c.id for c in capture.follows] == [attack.cluster.id]
    assert elsewhere.follows == []


# -- two processes on one database ----------------------------------------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
async def shared_db(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[str]:
    """An empty database on each backend (PostgreSQL as in tests/store/conftest.py)."""
    async for url in fresh_database(request.param, tmp_path):
        yield url


async def test_concurrent_reports_from_two_processes_make_one_cluster(shared_db: str) -> None:
    stores = [await Store.open(shared_db), Store(shared_db)]  # two engines, as two processes
    try:

        async def report(store: Store, source: str, place: str) -> int:
            async with store.session() as repo:
                [a] = await assign_clusters(repo, [_event(place)], source=source, seen_at=T0)
                await asyncio.sleep(0.05)  # hold the transaction open: widen the race
                return a.cluster.id

        ids = await asyncio.gather(
            *(
                report(stores[i % 2], f"outlet {i}", [KANDAHAR_CITY, KANDAHAR_PROVINCE][i % 2])
                for i in range(6)
            )
        )
        assert len(set(ids)) == 1
        async with stores[0].session() as repo:
            total = await repo.session.scalar(select(func.count()).select_from(EventClusterRow))
            cluster = await repo.get_cluster(ids[0])
        assert total == 1
        assert cluster is not None and cluster.article_count == 6
        assert sorted(cluster.sources) == [f"outlet {i}" for i in range(6)]
    finally:
        for store in stores:
            await store.close()
