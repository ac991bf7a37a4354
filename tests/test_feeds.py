"""bot.service.feeds against a real loopback feed server and a real SQLite store."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from bot.service.feeds import (
    FeedItem,
    FeedPolicy,
    PollResult,
    count_feed_items,
    describe_health,
    poll_feed,
)
from bot.service.store import FeedRow, Store
from config.settings import Settings

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
POLICY = FeedPolicy(poll_interval=60, max_backoff=3600, max_failures=3)
WORKER = "w1"


def rss(*items: str, title: str = "Frontline News") -> bytes:
    """An RSS 2.0 document with the given <item> bodies."""
    body = "".join(f"<item>{i}</item>" for i in items)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://news.example/</link>"
        f"<description>d</description>{body}</channel></rss>"
    ).encode()


def item(n: int, *, link: str | None = None, guid: str | None = None) -> str:
    link = link if link is not None else f"https://news.example/story/{n}?utm_source=rss"
    parts = [
        f"<title>Story {n}</title>",
        f"<pubDate>Sun, 01 Mar 2026 0{n % 10}:00:00 GMT</pubDate>",
    ]
    if link:
        parts.append(f"<link>{link}</link>")
    if guid:
        parts.append(f'<guid isPermaLink="false">{guid}</guid>')
    return "".join(parts)


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">Border &lt;b&gt;Watch&lt;/b&gt;</title>
  <id>urn:uuid:feed</id><updated>2026-03-01T10:00:00Z</updated>
  <entry>
    <title type="html">Town &lt;i&gt;captured&lt;/i&gt; overnight</title>
    <id>urn:uuid:1</id>
    <link rel="alternate" href="/2026/03/town-captured?fbclid=abc&amp;id=7#comments"/>
    <published>2026-03-01T09:30:00Z</published>
  </entry>
  <entry>
    <title>Refugees cross the border</title>
    <id>urn:uuid:2</id>
    <link rel="enclosure" href="https://border.example/podcast.mp3"/>
    <link rel="alternate" href="https://Border.Example:443/2026/03/refugees?utm_medium=social"/>
    <updated>2026-03-01T08:00:00Z</updated>
  </entry>
  <entry>
    <title>Podcast only</title>
    <id>urn:uuid:3</id>
    <link rel="enclosure" href="https://border.example/only.mp3"/>
  </entry>
</feed>"""


@dataclass
class Doc:
    """What the server answers on one path."""

    body: bytes = b""
    content_type: str | None = "application/rss+xml; charset=utf-8"
    status: str = "200 OK"
    etag: str | None = None
    last_modified: str | None = None
    stall: bool = False


@dataclass
class FeedServer:
    port: int = 0
    docs: dict[str, Doc] = field(default_factory=dict)
    hits: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def requests(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.hits if p == path]

    async def answer(
        self, path: str, headers: dict[str, str], writer: asyncio.StreamWriter
    ) -> None:
        doc = self.docs.get(path)
        if doc is None:
            return self._write(writer, "404 Not Found", "text/html", b"<h1>no such feed</h1>")
        if doc.stall:
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n")
            await writer.drain()
            await asyncio.sleep(30)
            return None
        extra = ""
        if doc.etag:
            extra += f"ETag: {doc.etag}\r\n"
        if doc.last_modified:
            extra += f"Last-Modified: {doc.last_modified}\r\n"
        fresh = (doc.etag and headers.get("if-none-match") == doc.etag) or (
            doc.last_modified and headers.get("if-modified-since") == doc.last_modified
        )
        if fresh and doc.status.startswith("200"):
            return self._write(writer, "304 Not Modified", None, b"", extra)
        return self._write(writer, doc.status, doc.content_type, doc.body, extra)

    @staticmethod
    def _write(
        writer: asyncio.StreamWriter, status: str, ctype: str | None, body: bytes, extra: str = ""
    ) -> None:
        head = f"HTTP/1.1 {status}\r\nConnection: close\r\n{extra}"
        if status != "304 Not Modified":
            head += f"Content-Length: {len(body)}\r\n"
        if ctype:
            head += f"Content-Type: {ctype}\r\n"
        writer.write(head.encode() + b"\r\n" + body)


@pytest.fixture
async def server() -> AsyncIterator[FeedServer]:
    state = FeedServer()
    tasks: set[asyncio.Task[None]] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        tasks.add(asyncio.current_task())  # type: ignore[arg-type]
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            lines = head.split("\r\n")
            path = lines[0].split(" ")[1]
            headers = {}
            for line in lines[1:]:
                name, sep, value = line.partition(":")
                if sep:
                    headers[name.strip().lower()] = value.strip()
            state.hits.append((path, headers))
            await state.answer(path, headers, writer)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    srv = await asyncio.start_server(handle, "127.0.0.1", 0)
    state.port = srv.sockets[0].getsockname()[1]
    try:
        yield state
    finally:
        for task in tasks:
            task.cancel()
        srv.close()
        await asyncio.gather(*tasks, return_exceptions=True)
        await srv.wait_closed()


def settings(**overrides: object) -> Settings:
    values: dict[str, object] = {"allow_private_networks": True, "fetch_timeout": 3.0}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


class Collector:
    """The pipeline's queue, as the poller sees it: an async callable."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.items: list[tuple[str, FeedItem]] = []
        self.fail_on = fail_on

    async def __call__(self, link: str, item: FeedItem) -> None:
        if self.fail_on and self.fail_on in link:
            raise RuntimeError("queue is closed")
        self.items.append((link, item))

    @property
    def links(self) -> list[str]:
        return [link for link, _ in self.items]


async def add_feed(store: Store, url: str, *, backfill: bool = False) -> FeedRow:
    async with store.session() as repo:
        return await repo.add_feed(url, backfill=backfill, next_poll_at=T0)


async def poll(
    store: Store,
    url: str,
    submit: Collector,
    now: datetime = T0,
    cfg: Settings | None = None,
    policy: FeedPolicy = POLICY,
) -> tuple[PollResult, FeedRow]:
    """Claim the feed as a scheduler would, poll it, and return the result and new row."""
    claimed = [f for f in await store.claim_due_feeds(WORKER, now) if f.url == url]
    assert claimed, f"{url} is not due at {now}"
    result = await poll_feed(
        claimed[0], store, cfg or settings(), submit, worker_id=WORKER, now=now, policy=policy
    )
    async with store.session() as repo:
        row = await repo.get_feed_by_url(url)
    assert row is not None
    return result, row


# --------------------------------------------------------------------------- new items


async def test_first_poll_records_then_only_new_items_are_submitted(
    server: FeedServer, store: Store
) -> None:
    server.docs["/rss"] = Doc(rss(item(1), item(2)))
    url = server.url("/rss")
    await add_feed(store, url)
    submit = Collector()

    result, row = await poll(store, url, submit)
    assert result == PollResult("ok", new_items=2, submitted=0)
    assert submit.items == []
    assert row.first_poll_done and row.health == "ok" and row.title == "Frontline News"
    assert row.next_poll_at == T0 + timedelta(seconds=60)
    assert row.claimed_by is None

    server.docs["/rss"] = Doc(rss(item(3), item(1), item(2)))
    later = T0 + timedelta(seconds=60)
    result, row = await poll(store, url, submit, later)
    assert result == PollResult("ok", new_items=1, submitted=1)
    assert submit.links == ["https://news.example/story/3"]
    link, feed_item = submit.items[0]
    assert feed_item == FeedItem(
        link=link,
        title="Story 3",
        published=datetime(2026, 3, 1, 3, 0, tzinfo=UTC),
        key=link,
        feed_url=url,
        feed_id=row.id,
    )
    # Nothing new: nothing submitted.
    result, _ = await poll(store, url, submit, later + timedelta(seconds=60))
    assert (result.status, result.new_items, len(submit.items)) == ("ok", 0, 1)
    assert await count_feed_items(store) == {row.id: 3}


async def test_backfill_submits_on_first_poll_and_atom_links_are_canonical(
    server: FeedServer, store: Store
) -> None:
    server.docs["/atom"] = Doc(ATOM, "application/atom+xml")
    url = server.url("/atom")
    await add_feed(store, url, backfill=True)
    submit = Collector()

    result, row = await poll(store, url, submit)
    assert result == PollResult("ok", new_items=2, submitted=2, skipped_no_link=1)
    # Oldest first; relative links resolved against the feed; tracking and fragments gone.
    assert submit.links == [
        "https://border.example/2026/03/refugees",
        server.url("/2026/03/town-captured?id=7"),
    ]
    by_key = {i.key: i for _, i in submit.items}
    assert set(by_key) == {"urn:uuid:1", "urn:uuid:2"}
    assert by_key["urn:uuid:1"].title == "Town captured overnight"
    assert by_key["urn:uuid:1"].published == datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    assert by_key["urn:uuid:2"].published == datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    assert row.title == "Border Watch"


async def test_entries_without_a_link_are_skipped_and_counted(
    server: FeedServer, store: Store
) -> None:
    server.docs["/rss"] = Doc(
        rss(
            item(1, link="", guid="no-link"),
            item(2, link="javascript:alert(1)"),
            item(3, link="https://news.example/three?gclid=x&page=2", guid="g3"),
            item(4, link="https://news.example/three?page=2&utm_campaign=y"),
        )
    )
    url = server.url("/rss")
    await add_feed(store, url, backfill=True)
    submit = Collector()
    result, row = await poll(store, url, submit)
    assert (result.status, result.skipped_no_link, result.submitted) == ("ok", 2, 2)
    # Same article twice (a guid and a link key): the pipeline dedupes by canonical URL.
    assert submit.links == ["https://news.example/three?page=2"] * 2
    assert row.health == "ok"


async def test_html_typed_feed_is_read_and_latin1_declaration_is_honoured(
    server: FeedServer, store: Store
) -> None:
    body = rss(item(1), title="Caf\xe9 Noticias").replace(b"utf-8", b"iso-8859-1")
    server.docs["/feed.php"] = Doc(body.decode("utf-8").encode("latin-1"), "text/html")
    url = server.url("/feed.php")
    await add_feed(store, url)
    result, row = await poll(store, url, Collector())
    assert result.status == "ok" and result.new_items == 1
    assert row.title == "Café Noticias"


# --------------------------------------------------------------------------- conditional GET


async def test_validators_are_sent_back_and_304_means_nothing_new(
    server: FeedServer, store: Store
) -> None:
    stamp = "Sun, 01 Mar 2026 11:00:00 GMT"
    server.docs["/rss"] = Doc(rss(item(1)), etag='"abc"', last_modified=stamp)
    url = server.url("/rss")
    await add_feed(store, url)
    submit = Collector()

    _, row = await poll(store, url, submit)
    assert (row.etag, row.last_modified) == ('"abc"', stamp)
    assert "if-none-match" not in server.requests("/rss")[0]

    later = T0 + timedelta(seconds=60)
    result, row = await poll(store, url, submit, later)
    assert result == PollResult("not_modified")
    sent = server.requests("/rss")[1]
    assert (sent["if-none-match"], sent["if-modified-since"]) == ('"abc"', stamp)
    assert "application/rss+xml" in sent["accept"]
    assert (row.etag, row.last_modified, row.health) == ('"abc"', stamp, "ok")
    assert row.next_poll_at == later + timedelta(seconds=60)

    # A changed feed answers 200 with a new validator, and its new item goes out.
    server.docs["/rss"] = Doc(rss(item(2), item(1)), etag='"def"')
    result, row = await poll(store, url, submit, later + timedelta(seconds=60))
    assert (result.status, submit.links) == ("ok", ["https://news.example/story/2"])
    assert (row.etag, row.last_modified) == ('"def"', None)


# --------------------------------------------------------------------------- failures

FAILURES = {
    "not-xml": (Doc(b"this is { not xml", "application/xml"), "not a valid RSS or Atom feed"),
    "web-page": (Doc(b"<html><body><p>Welcome</p></body></html>", "text/html"), "a web page"),
    "image": (Doc(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"), "serves image/png"),
    "404": (None, "answered HTTP 404"),
    "500": (Doc(b"oops", "text/html", status="500 Internal Server Error"), "HTTP 500"),
}


@pytest.mark.parametrize("case", sorted(FAILURES))
async def test_bad_feeds_fail_with_a_readable_reason(
    server: FeedServer, store: Store, case: str
) -> None:
    doc, expected = FAILURES[case]
    if doc is not None:
        server.docs["/feed"] = doc
    url = server.url("/feed")
    await add_feed(store, url)
    result, row = await poll(store, url, Collector())
    assert result.status == "failing"
    assert result.error is not None and expected in result.error
    assert url in result.error
    assert (row.health, row.failures, row.health_reason) == ("failing", 1, result.error)
    assert row.next_poll_at == T0 + timedelta(seconds=120)
    assert not row.first_poll_done


async def test_stalled_feed_times_out(server: FeedServer, store: Store) -> None:
    server.docs["/slow"] = Doc(stall=True)
    url = server.url("/slow")
    await add_feed(store, url)
    result, row = await poll(store, url, Collector(), cfg=settings(fetch_timeout=0.3))
    assert result.status == "failing" and "gave up" in (result.error or "")
    assert row.health == "failing"


async def test_loopback_refused_without_the_setting(server: FeedServer, store: Store) -> None:
    server.docs["/rss"] = Doc(rss(item(1)))
    url = server.url("/rss")
    await add_feed(store, url)
    result, row = await poll(store, url, Collector(), cfg=settings(allow_private_networks=False))
    assert result.status == "failing"
    assert "loopback" in (result.error or "") and "NEWSBOT_ALLOW_PRIVATE_NETWORKS" in result.error
    assert server.hits == []
    assert row.health_reason == result.error


async def test_closed_port_fails(store: Store) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/rss"
    await add_feed(store, url)
    result, _ = await poll(store, url, Collector())
    assert result.status == "failing" and "could not connect" in (result.error or "")


async def test_backoff_grows_then_disables_and_a_good_poll_resets(
    server: FeedServer, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    server.docs["/rss"] = Doc(b"down", "text/plain", status="500 Internal Server Error")
    url = server.url("/rss")
    await add_feed(store, url)
    now = T0
    waits = []
    for _ in range(2):
        result, row = await poll(store, url, Collector(), now)
        assert result.status == "failing"
        waits.append(row.next_poll_at - now)
        now = row.next_poll_at
    assert waits == [timedelta(seconds=120), timedelta(seconds=240)]
    assert row.failures == 2

    # Healthy again: failures reset, normal interval.
    server.docs["/rss"] = Doc(rss(item(1)))
    result, row = await poll(store, url, Collector(), now)
    assert (result.status, row.health, row.failures, row.health_reason) == ("ok", "ok", 0, None)
    assert row.next_poll_at == now + timedelta(seconds=60)

    server.docs["/rss"] = Doc(b"down", "text/plain", status="500 Internal Server Error")
    caplog.set_level(logging.INFO, logger="newsbot.feeds")
    caplog.clear()
    for n in range(1, 4):
        now = row.next_poll_at
        result, row = await poll(store, url, Collector(), now)
        assert result.status == ("disabled" if n == 3 else "failing")
    assert (row.health, row.failures) == ("disabled", 3)
    assert "HTTP 500" in (row.health_reason or "")
    assert await store.claim_due_feeds(WORKER, now + timedelta(days=7)) == []
    lines = [r.getMessage() for r in caplog.records if r.name == "newsbot.feeds"]
    assert len(lines) == 3
    assert lines[-1].startswith(f"feed {url}: disabled after 3 failures")


def test_backoff_is_capped() -> None:
    policy = FeedPolicy(poll_interval=300, max_backoff=3600)
    assert [policy.backoff(n).total_seconds() for n in (1, 2, 3, 4, 50)] == [
        600,
        1200,
        2400,
        3600,
        3600,
    ]


async def test_items_the_queue_refused_come_back(server: FeedServer, store: Store) -> None:
    server.docs["/rss"] = Doc(rss(item(1)), etag='"v1"')
    url = server.url("/rss")
    await add_feed(store, url)
    await poll(store, url, Collector())
    server.docs["/rss"] = Doc(rss(item(1), item(2), item(3)), etag='"v2"')
    refusing = Collector(fail_on="/story/3")
    now = T0 + timedelta(seconds=60)
    result, row = await poll(store, url, refusing, now)
    assert (result.status, result.new_items, result.submitted) == ("ok", 2, 1)
    assert "queue is closed" in (result.error or "")
    assert refusing.links == ["https://news.example/story/2"]
    assert row.etag is None  # the next poll must get the whole feed again
    working = Collector()
    result, _ = await poll(store, url, working, now + timedelta(seconds=60))
    assert working.links == ["https://news.example/story/3"]


async def test_one_log_line_per_poll(
    server: FeedServer, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    server.docs["/rss"] = Doc(rss(item(1), item(2, link="")))
    url = server.url("/rss")
    await add_feed(store, url, backfill=True)
    caplog.set_level(logging.INFO, logger="newsbot.feeds")
    await poll(store, url, Collector())
    [line] = [r.getMessage() for r in caplog.records if r.name == "newsbot.feeds"]
    assert line == f"feed {url}: ok, 1 new items, 1 queued, 1 without a link skipped"


# --------------------------------------------------------------------------- health


def _row(**values: object) -> FeedRow:
    base: dict[str, object] = {
        "url": "https://a.example/rss",
        "health": "ok",
        "failures": 0,
        "next_poll_at": T0,
        "last_polled_at": None,
        "health_reason": None,
    }
    base.update(values)
    return FeedRow(**base)


def test_describe_health() -> None:
    now = T0
    assert describe_health(_row(), now=now) == "ok, not polled yet"
    polled = _row(last_polled_at=now - timedelta(minutes=2))
    assert describe_health(polled, items=12, now=now) == "ok, 12 items, polled 2 min ago"
    failing = _row(
        health="failing",
        failures=3,
        health_reason="https://a.example/rss answered HTTP 500",
        next_poll_at=now + timedelta(minutes=8),
    )
    assert describe_health(failing, now=now) == (
        "failing (3×): https://a.example/rss answered HTTP 500; next try in 8 min"
    )
    disabled = _row(health="disabled", failures=10, health_reason="gone")
    assert describe_health(disabled, now=now) == "disabled: gone"
