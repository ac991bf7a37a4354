"""The ingest path end to end: a loopback news site, the real analyzer, a SQLite store."""

from __future__ import annotations

import asyncio
import html
import logging
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from databases import fresh_database
from sqlalchemy import func, select

from bot.analysis.alerts import Alert
from bot.analysis.analyze import Analyzer
from bot.analysis.regions import resolve_region
from bot.service.pipeline import Ingestor
from bot.service.store import ArticleRow, DeliveryRow, EventClusterRow, Store
from config.settings import Settings

pytestmark = pytest.mark.slow

# -- the articles (written for these tests) ------------------------------------------------

ARTICLES: dict[str, tuple[str, str, list[str]]] = {
    # path: (site, headline, paragraphs)
    "/kabul-times/kandahar-police-attack": (
        "Kabul Times",
        "Taliban fighters attack Kandahar police headquarters",
        [
            "KANDAHAR, Afghanistan — Taliban fighters attacked the police headquarters in the "
            "southern city of Kandahar on Tuesday, killing at least 12 officers, provincial "
            "officials said.",
            "The assault began before dawn when a car bomb exploded at the gate of the "
            "compound, followed by gunmen who stormed the building. Fighting continued for "
            "several hours.",
            "Residents said they heard heavy gunfire across the centre of the city. The "
            "Interior Ministry in Kabul said reinforcements had been sent and the attackers "
            "had been killed.",
            "The Taliban claimed responsibility for the attack in a statement.",
        ],
    ),
    "/frontier-post/police-compound-raid": (
        "Frontier Post",
        "Deadly raid on police compound in southern Afghan city",
        [
            "Gunmen stormed a police compound in Kandahar on Tuesday after a car bomb blew "
            "open its gate, killing at least 12 officers, local officials said.",
            "The Taliban said they carried out the attack. Fighting lasted several hours "
            "before security forces regained control.",
        ],
    ),
    "/kabul-times/kandahar-falls": (
        "Kabul Times",
        "Taliban seize Kandahar city",
        [
            "Taliban fighters captured the city of Kandahar on Thursday after government "
            "forces withdrew overnight, officials said.",
            "The insurgents took control of the governor's office and the main police "
            "headquarters, residents said. The fall of Kandahar, the second-largest city in "
            "Afghanistan, follows days of heavy fighting. Taliban fighters shelled the city's "
            "airport on Wednesday.",
        ],
    ),
    "/ariana/kandahar-toll-rises": (
        "Ariana Daily",
        "Taliban attack on Kandahar police kills 30",
        [
            "Taliban fighters attacked the police headquarters in Kandahar on Tuesday, "
            "killing 30 officers, provincial officials said on Wednesday as the death toll "
            "rose.",
            "Gunmen stormed the compound after a car bomb exploded at its gate. Dozens more "
            "were wounded.",
        ],
    ),
    "/euro-daily/kharkiv-shelling": (
        "Euro Daily",
        "Russian forces shell Kharkiv, killing five",
        [
            "Russian forces shelled the city of Kharkiv in north-eastern Ukraine on "
            "Wednesday, killing five civilians and wounding 20, the regional governor said.",
            "Artillery and rocket fire hit residential districts in the north of the city. "
            "Emergency crews worked through the night to rescue people trapped in damaged "
            "buildings.",
        ],
    ),
    "/yorkshire-post/library-budget": (
        "Yorkshire Courier",
        "City council approves new library budget",
        [
            "The city council of Leeds voted on Monday to approve a budget for a new central "
            "library, which will open in 2027.",
            "Council members said the library would include a children's reading room and a "
            "cafe. Construction is expected to begin next spring after a public consultation.",
        ],
    ),
}
ATTACK = "/kabul-times/kandahar-police-attack"
COPY = "/frontier-post/police-compound-raid"
CAPTURE = "/kabul-times/kandahar-falls"
TOLL = "/ariana/kandahar-toll-rises"
KHARKIV = "/euro-daily/kharkiv-shelling"
LIBRARY = "/yorkshire-post/library-budget"
# Other addresses of the same page: a feed's redirect-free alias with rel=canonical, and a
# mirror with the same text and no canonical link at all.
ALIAS = "/feeds/item/8812"
MIRROR = "/mirror/af-police-story"
LATE = "/late/arrival"


def page(path: str, *, canonical: str | None, site: str | None = None) -> bytes:
    own_site, title, paragraphs = ARTICLES[path]
    site = site or own_site
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} | {site}</title>
<meta property="og:site_name" content="{site}">
<meta property="og:title" content="{html.escape(title)}">
<meta property="article:published_time" content="2026-03-03T06:00:00Z">
{link}
</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<article><h1>{html.escape(title)}</h1>
{body}
</article>
<footer>© {site}</footer>
</body></html>""".encode()


class Site:
    """A loopback news site; ``pages`` may change while it runs."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        self.hits: dict[str, int] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                site.hits[path] = site.hits.get(path, 0) + 1
                body = site.pages.get(path)
                if body is None:
                    self.send_error(404, "Not Found")
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        for path in ARTICLES:
            self.pages[path] = page(path, canonical=self.base + path)
        self.pages[ALIAS] = page(ATTACK, canonical=self.base + ATTACK)
        self.pages[MIRROR] = page(ATTACK, canonical=None, site="Mirror News")

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    site = Site()
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(_env_file=None, allow_private_networks=True, fetch_timeout=5)


@pytest.fixture(scope="module")
def analyzer(settings: Settings) -> Analyzer:
    analyzer = Analyzer(settings)
    analyzer.warm_up()
    return analyzer


async def open_store(url: str) -> Store:
    """A migrated store with two channels: South Asia and Europe."""
    store = await Store.open(url)
    async with store.session() as repo:
        for name, region in [("south-asia", "South Asia"), ("europe", "Europe")]:
            channel = await repo.upsert_channel("console", name, name=name)
            place = resolve_region(region)
            assert place is not None
            await repo.add_subscription(channel.id, place.key, place.name)
    return store


@pytest.fixture
async def store(tmp_path) -> AsyncIterator[Store]:
    store = await open_store(f"sqlite+aiosqlite:///{tmp_path / 'newsbot.db'}")
    try:
        yield store
    finally:
        await store.close()


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def ingestor(
    store: Store, analyzer: Analyzer, settings: Settings, clock: Clock
) -> AsyncIterator[Ingestor]:
    ingestor = Ingestor(store, analyzer, settings, workers=3, clock=clock)
    try:
        yield ingestor
    finally:
        await ingestor.stop()


async def deliveries(store: Store, channel: str | None = None) -> list[DeliveryRow]:
    async with store.session() as repo:
        rows = list(await repo.session.scalars(select(DeliveryRow).order_by(DeliveryRow.id)))
        if channel is None:
            return rows
        found = await repo.get_channel("console", channel)
        assert found is not None
        return [d for d in rows if d.channel_id == found.id]


async def count(store: Store, table: type) -> int:
    async with store.session() as repo:
        return int(await repo.session.scalar(select(func.count()).select_from(table)) or 0)


# -- tests ------------------------------------------------------------------------------


async def test_one_article_through_several_links_is_processed_once(
    site: Site, store: Store, ingestor: Ingestor
) -> None:
    first = await ingestor.process(
        site.url(ATTACK) + "?utm_source=rss&utm_medium=feed", source="feed", feed_id=1
    )
    assert first.status == "queued_alerts", first.error
    assert first.canonical_url == site.url(ATTACK)
    assert [e.type for e in first.events] == ["attack"]
    assert first.deliveries == 1
    hits = site.hits.get(ATTACK, 0)

    again = await ingestor.process(site.url(ATTACK) + "#comments", source="chat")
    assert (again.status, again.article_id) == ("duplicate", first.article_id)
    assert [e.type for e in again.events] == ["attack"]
    assert site.hits.get(ATTACK, 0) == hits  # known by its URL: not fetched again
    alias = await ingestor.process(site.url(ALIAS), source="feed", feed_id=2)
    assert (alias.status, alias.article_id) == ("duplicate", first.article_id)
    mirror = await ingestor.process(site.url(MIRROR), source="feed", feed_id=3)
    assert (mirror.status, mirror.article_id) == ("duplicate", first.article_id)

    assert await count(store, ArticleRow) == 1
    assert await deliveries(store, "europe") == []
    [delivery] = await deliveries(store, "south-asia")
    assert (delivery.kind, delivery.article_id) == ("alert", first.article_id)
    payload = delivery.payload
    assert payload["article_url"] == site.url(ATTACK)
    assert payload["channel_kind"] == "console"
    assert payload["cluster_ids"] == [delivery.cluster_id]
    alert = Alert.from_payload(payload["alert"])
    assert alert.source == "Kabul Times"
    assert alert.url == site.url(ATTACK)
    assert alert.lines[0].startswith("🟠 ATTACK · Kandahar")
    assert alert.events[0].casualties is not None and alert.events[0].casualties.killed == 12


async def test_another_outlets_copy_joins_the_cluster_once(
    site: Site, store: Store, ingestor: Ingestor
) -> None:
    first = await ingestor.process(site.url(ATTACK), source="feed")
    copy = await ingestor.process(site.url(COPY), source="feed")
    assert copy.status == "queued_alerts" and copy.article_id != first.article_id
    assert await count(store, EventClusterRow) == 1
    rows = await deliveries(store, "south-asia")
    assert [d.kind for d in rows] == ["alert", "also_reported"]
    update = rows[1]
    assert update.cluster_id == rows[0].cluster_id
    alert = Alert.from_payload(update.payload["alert"])
    assert alert.source == "Frontier Post"
    assert alert.also_reported_by == ("Frontier Post",)
    assert update.payload["sources"] == ["Kabul Times", "Frontier Post"]

    # The same outlet again (a re-published copy under another URL): nothing new to say.
    site.pages["/frontier-post/updated"] = site.pages[COPY].replace(b"lasted several", b"went on")
    site.pages["/frontier-post/updated"] = site.pages["/frontier-post/updated"].replace(
        site.url(COPY).encode(), site.url("/frontier-post/updated").encode()
    )
    third = await ingestor.process(site.url("/frontier-post/updated"), source="feed")
    assert third.status == "queued_alerts" and third.deliveries == 0
    assert len(await deliveries(store)) == 2


async def test_regions_route_alerts(site: Site, store: Store, ingestor: Ingestor) -> None:
    async with store.session() as repo:
        kandahar = await repo.upsert_channel("console", "kandahar")
        place = resolve_region("Kandahar Province")
        assert place is not None
        await repo.add_subscription(kandahar.id, place.key, place.name)
        protests = await repo.upsert_channel("console", "protests")
        await repo.add_subscription(protests.id, "world", "World", types=["protest"])
    afghan = await ingestor.process(site.url(ATTACK), source="feed")
    ukraine = await ingestor.process(site.url(KHARKIV), source="feed")
    assert afghan.deliveries == 2 and ukraine.deliveries == 1
    assert [d.article_id for d in await deliveries(store, "south-asia")] == [afghan.article_id]
    assert [d.article_id for d in await deliveries(store, "kandahar")] == [afghan.article_id]
    assert [d.article_id for d in await deliveries(store, "europe")] == [ukraine.article_id]
    assert await deliveries(store, "protests") == []


async def test_an_article_without_events_alerts_nobody(
    site: Site, store: Store, ingestor: Ingestor
) -> None:
    result = await ingestor.process(site.url(LIBRARY), source="chat")
    assert (result.status, result.events, result.deliveries) == ("no_events", [], 0)
    assert result.article_id is not None
    assert await deliveries(store) == []
    again = await ingestor.process(site.url(LIBRARY), source="feed")
    assert again.status == "duplicate"


async def test_events_of_one_article_go_out_as_one_message(
    site: Site, store: Store, ingestor: Ingestor
) -> None:
    result = await ingestor.process(site.url(CAPTURE), source="feed")
    assert [e.type for e in result.events] == ["capture", "attack"]
    [delivery] = await deliveries(store, "south-asia")
    assert delivery.kind == "alert"
    assert len(delivery.payload["cluster_ids"]) == 2
    alert = Alert.from_payload(delivery.payload["alert"])
    assert [e.type for e in alert.events] == ["capture", "attack"]
    assert alert.lines[0].startswith("🟠 CAPTURE · Kandahar")


async def test_capture_after_attack_escalates(
    site: Site, store: Store, ingestor: Ingestor, clock: Clock
) -> None:
    attack = await ingestor.process(site.url(ATTACK), source="feed")
    clock.now += timedelta(hours=30)
    capture = await ingestor.process(site.url(CAPTURE), source="feed")
    assert capture.deliveries == 1
    first, second = await deliveries(store, "south-asia")
    assert (first.kind, first.article_id) == ("alert", attack.article_id)
    assert (second.kind, second.escalation_level) == ("escalation", 1)
    # Anchored on the attack's alert, so a sink can thread it under that message.
    assert second.cluster_id == first.cluster_id
    assert second.payload["cluster_ids"][0] == first.cluster_id
    assert second.payload["escalation_reason"] == "capture follows the attack reported there"
    alert = Alert.from_payload(second.payload["alert"])
    assert [e.type for e in alert.events] == ["capture"]


async def test_a_higher_death_toll_escalates(
    site: Site, store: Store, ingestor: Ingestor, clock: Clock
) -> None:
    await ingestor.process(site.url(ATTACK), source="feed")
    clock.now += timedelta(hours=20)
    toll = await ingestor.process(site.url(TOLL), source="feed")
    assert toll.deliveries == 1
    first, second = await deliveries(store, "south-asia")
    assert (second.kind, second.escalation_level) == ("escalation", 1)
    assert second.cluster_id == first.cluster_id
    assert second.payload["escalation_reason"] == "killed rose from 12 to 30"
    assert await count(store, EventClusterRow) == 1


async def test_a_report_after_the_window_is_a_new_event(
    site: Site, store: Store, ingestor: Ingestor, clock: Clock
) -> None:
    await ingestor.process(site.url(ATTACK), source="feed")
    clock.now += timedelta(hours=49)
    await ingestor.process(site.url(COPY), source="feed")
    assert [d.kind for d in await deliveries(store, "south-asia")] == ["alert", "alert"]
    assert await count(store, EventClusterRow) == 2


async def test_links_too_long_to_keep_are_stored_by_the_address_read_or_refused(
    site: Site, store: Store, ingestor: Ingestor
) -> None:
    long_query = "?" + "&".join(f"k{i}=v{i}" for i in range(400))  # 3,000+ characters
    site.pages["/long-canonical"] = page(LIBRARY, canonical=site.url(LIBRARY + long_query))
    try:
        kept = await ingestor.process(site.url("/long-canonical"), source="feed")
        refused = await ingestor.process(site.url("/long-canonical" + long_query), source="feed")
    finally:
        del site.pages["/long-canonical"]
    assert kept.status == "no_events" and kept.canonical_url == site.url("/long-canonical")
    assert refused.status == "error" and refused.error is not None
    assert "at most 2,048 characters" in refused.error and not refused.retry
    assert await count(store, ArticleRow) == 1


async def test_a_missing_page_is_an_error_that_can_be_retried(
    site: Site, store: Store, ingestor: Ingestor, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="newsbot.pipeline")
    missing = await ingestor.process(site.url(LATE), source="chat")
    assert missing.status == "error" and missing.article_id is None
    assert missing.error is not None and "404" in missing.error
    assert await count(store, ArticleRow) == 0
    assert any(r.levelno == logging.WARNING and LATE in r.getMessage() for r in caplog.records)

    site.pages[LATE] = page(KHARKIV, canonical=None)
    try:
        retried = await ingestor.process(site.url(LATE), source="chat")
    finally:
        del site.pages[LATE]
    assert retried.status == "queued_alerts" and retried.deliveries == 1

    for bad in ["ftp://127.0.0.1/story", "http://[::1", "not a link"]:
        refused = await ingestor.process(bad, source="chat")
        assert refused.status == "error" and refused.error, bad
        assert "internal error" not in refused.error


async def test_nothing_is_kept_when_queuing_fails(
    site: Site, store: Store, ingestor: Ingestor, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.service.store import Repository

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Repository, "enqueue_delivery", broken)
    failed = await ingestor.process(site.url(ATTACK), source="feed")
    assert failed.status == "error" and "disk full" in (failed.error or "")
    assert await count(store, ArticleRow) == 0
    assert await count(store, EventClusterRow) == 0
    monkeypatch.undo()
    retried = await ingestor.process(site.url(ATTACK), source="feed")
    assert retried.status == "queued_alerts" and retried.deliveries == 1


async def test_workers_take_links_from_the_queue(
    site: Site, store: Store, ingestor: Ingestor, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="newsbot.pipeline")
    await ingestor.start()
    links = [
        site.url(ATTACK) + "?utm_source=a",
        site.url(ATTACK) + "?utm_campaign=b",
        site.url(ALIAS),
        site.url(KHARKIV),
        site.url(LIBRARY),
        site.url("/nowhere"),
    ]
    for link in links:
        await ingestor.submit(link, source="feed", feed_id=7)
    await ingestor.stop()
    assert await count(store, ArticleRow) == 3
    assert len(await deliveries(store, "south-asia")) == 1
    assert len(await deliveries(store, "europe")) == 1
    lines = [r.getMessage() for r in caplog.records if r.name == "newsbot.pipeline"]
    assert len(lines) == len(links)
    assert sum(line.startswith("duplicate ") for line in lines) == 2
    assert sum(line.startswith("error ") for line in lines) == 1


@pytest.fixture(params=["sqlite", "postgresql"])
async def shared_db(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[str]:
    """An empty database on each backend (PostgreSQL as in tests/store/conftest.py)."""
    async for url in fresh_database(request.param, tmp_path):
        yield url


async def test_two_processes_on_one_database_alert_once(
    site: Site, shared_db: str, analyzer: Analyzer, settings: Settings
) -> None:
    first = await open_store(shared_db)
    second = Store(shared_db)  # another engine, as another `newsbot run` would have
    ingestors = [Ingestor(first, analyzer, settings), Ingestor(second, analyzer, settings)]
    try:
        links = [ATTACK, ALIAS, MIRROR, COPY, ATTACK + "?utm_source=x", KHARKIV]
        results = await asyncio.gather(
            *(ingestors[i % 2].process(site.url(p), source="feed") for i, p in enumerate(links))
        )
        statuses = sorted(r.status for r in results)
        assert statuses.count("queued_alerts") == 3, [(r.url, r.status, r.error) for r in results]
        assert await count(first, ArticleRow) == 3
        asia = sorted(d.kind for d in await deliveries(first, "south-asia"))
        assert asia == ["alert", "also_reported"]
        assert len(await deliveries(first, "europe")) == 1
    finally:
        for ingestor in ingestors:
            await ingestor.stop()
        await first.close()
        await second.close()
