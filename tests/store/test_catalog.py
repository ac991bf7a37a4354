"""Channels, subscriptions, articles, events and clusters on a real database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError

from bot.models import Casualties, Event, Place
from bot.service.store import ArticleRow, DuplicateSubscription, Store, SubscriptionRow

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
KANDAHAR = Place("af.kandahar", "Kandahar", "city", "AF", "Kandahar", 31.61, 65.71, 391190)
HELMAND = Place("af.helmand", "Helmand", "admin1", "AF")


async def test_article_canonical_url_is_unique(store: Store) -> None:
    async with store.session() as repo:
        first, created = await repo.add_article(
            "https://example.org/a", content_hash="h1", title="One", published=date(2026, 3, 1)
        )
        assert created
    async with store.session() as repo:
        again, created = await repo.add_article("https://example.org/a", title="Other title")
        assert not created
        assert again.id == first.id and again.title == "One"
        assert again.published == date(2026, 3, 1)
    # The constraint itself, not only the API, refuses a second row.
    with pytest.raises(IntegrityError):
        async with store.session() as repo:
            repo.session.add(ArticleRow(canonical_url="https://example.org/a", title="x"))
            await repo.session.flush()
    async with store.session() as repo:
        rows = await repo.session.scalars(select(ArticleRow))
        assert len(rows.all()) == 1
        assert [a.id for a in await repo.find_articles_by_hash("h1")] == [first.id]


async def test_duplicate_subscription_is_a_typed_error(store: Store) -> None:
    async with store.session() as repo:
        channel = await repo.upsert_channel("slack", "C1", workspace_id="T1", name="#news")
        await repo.add_subscription(channel.id, "af", "Afghanistan", types=["attack"])
    async with store.session() as repo:
        with pytest.raises(DuplicateSubscription) as info:
            await repo.add_subscription(channel.id, "af", "Afghanistan")
        assert info.value.region_name == "Afghanistan"
        # The transaction survives the refusal (on PostgreSQL too).
        await repo.add_subscription(channel.id, "world", "World")
    async with store.session() as repo:
        subs = await repo.list_subscriptions(channel.id)
        assert [(s.region_key, s.types) for s in subs] == [("af", ["attack"]), ("world", None)]
        replaced = await repo.add_subscription(
            channel.id, "af", "Afghanistan", min_severity="high", replace=True
        )
        assert replaced.types is None and replaced.min_severity == "high"
        assert await repo.remove_subscription(channel.id, "world")
        assert not await repo.remove_subscription(channel.id, "world")


async def test_subscriptions_for_regions_and_channel_cascade(store: Store) -> None:
    async with store.session() as repo:
        a = await repo.upsert_channel("slack-webhook", "A", webhook_url="https://hooks/secret")
        b = await repo.upsert_channel("discord-webhook", "B")
        await repo.add_subscription(a.id, "south_asia", "South Asia")
        await repo.add_subscription(b.id, "europe", "Europe")
        await repo.add_subscription(b.id, "af.kandahar", "Kandahar")
    async with store.session() as repo:
        hits = await repo.subscriptions_for_regions(["af.kandahar", "af", "south_asia", "world"])
        assert sorted((c.channel_id, s.region_key) for s, c in hits) == [
            ("A", "south_asia"),
            ("B", "af.kandahar"),
        ]
        assert await repo.subscriptions_for_regions([]) == []
        assert await repo.remove_channel(b.id)
    async with store.session() as repo:
        left = await repo.session.scalars(select(SubscriptionRow.region_key))
        assert left.all() == ["south_asia"]  # b's went with it (foreign keys are on)


async def test_channel_upsert_updates_in_place_and_hides_the_webhook(store: Store) -> None:
    async with store.session() as repo:
        first = await repo.upsert_channel("slack-webhook", "ops", webhook_url="https://h/SECRET")
        second = await repo.upsert_channel(
            "slack-webhook", "ops", name="Ops", webhook_url="https://h/NEW", source="config"
        )
        assert second.id == first.id
        assert (second.name, second.webhook_url, second.source) == (
            "Ops",
            "https://h/NEW",
            "config",
        )
        assert "NEW" not in repr(second)
        assert await repo.get_channel("slack-webhook", "ops") is not None
        assert await repo.get_channel("slack", "ops") is None
        assert [c.id for c in await repo.list_channels(source="config")] == [first.id]
        with pytest.raises(ValueError, match="platform"):
            await repo.upsert_channel("irc", "x")


async def test_events_and_clusters_round_trip(store: Store) -> None:
    event = Event(
        type="attack",
        places=[KANDAHAR, HELMAND],
        evidence="Militants attacked Kandahar.",
        headline=True,
        severity="high",
        confidence=0.9,
        actors=["Taliban"],
        casualties=Casualties(killed=12, qualifier="at least"),
        alert="ATTACK · Kandahar — Afghanistan",
    )
    async with store.session() as repo:
        article, _ = await repo.add_article("https://news.example/k", title="Attack")
        cluster = await repo.create_cluster(
            type="attack",
            country="AF",
            place_keys=["af.kandahar"],
            seen_at=T0,
            severity_rank=2,
            killed=12,
            source="news.example",
        )
        row = await repo.add_event(article.id, event, cluster_id=cluster.id, created_at=T0)
    async with store.session() as repo:
        [stored] = await repo.events_for_article(article.id)
        assert stored.id == row.id and stored.cluster_id == cluster.id
        assert stored.country == "AF"
        assert stored.place_keys == ["af.kandahar", "af.helmand"]
        assert stored.places[0]["name"] == "Kandahar" and stored.places[0]["key"] == "af.kandahar"
        assert stored.casualties == {
            "killed": 12,
            "injured": None,
            "qualifier": "at least",
            "text": None,
        }
        assert stored.created_at == T0 and stored.created_at.tzinfo is not None
        updated = await repo.add_report_to_cluster(
            cluster.id,
            seen_at=T0 + timedelta(hours=3),
            severity_rank=3,
            killed=40,
            source="other.example",
            place_keys=["af.helmand"],
        )
        assert updated.article_count == 2
    async with store.session() as repo:
        again = await repo.get_cluster(cluster.id)
        assert again is not None
        assert (again.article_count, again.max_severity_rank, again.max_killed) == (2, 3, 40)
        assert again.sources == ["news.example", "other.example"]
        assert again.place_keys == ["af.kandahar", "af.helmand"]
        assert again.last_seen == T0 + timedelta(hours=3) and again.first_seen == T0
        recent = await repo.recent_clusters("attack", T0 + timedelta(hours=1), country="AF")
        assert [c.id for c in recent] == [cluster.id]
        assert await repo.recent_clusters("capture", T0) == []
        pairs = await repo.events_since(T0 - timedelta(days=1), types=["attack"])
        assert [(e.id, a.id) for e, a in pairs] == [(row.id, article.id)]


async def test_naive_datetimes_are_refused(store: Store) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        async with store.session() as repo:
            await repo.add_feed("https://f.example/rss", next_poll_at=datetime(2026, 1, 1))
