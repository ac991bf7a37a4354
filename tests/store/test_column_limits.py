"""What sites send does not have to fit the store's columns: a 600-character ETag, a long
Last-Modified, a 3,000-character link, a long site name. PostgreSQL enforces column
lengths (SQLite does not), so every case runs on both; a poll must never crash on them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.service.commands import Commands
from bot.service.feeds import FeedItem, FeedPolicy, poll_feed
from bot.service.store import Store
from bot.service.store.repository import MAX_URL, URLTooLong
from config.settings import Settings

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LONG_ETAG = '"' + "e" * 598 + '"'
LONG_LAST_MODIFIED = "Sun, 01 Mar 2026 12:00:00 GMT" + " " * 10 + "x" * 300
LONG_LINK = "https://news.example/story?" + "&".join(f"k{i}=v{i}" for i in range(400))


async def _serve_feed(body: bytes, headers: str) -> tuple[asyncio.Server, str]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        head = (
            f"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/rss+xml\r\n"
            f"Content-Length: {len(body)}\r\n{headers}\r\n"
        )
        writer.write(head.encode() + body)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/rss"


@pytest.fixture
async def feed_server() -> AsyncIterator[str]:
    assert len(LONG_LINK) > 3000
    rss = (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Long</title>"
        f"<item><title>Long one</title><link>{LONG_LINK.replace('&', '&amp;')}</link></item>"
        "<item><title>Short one</title><link>https://news.example/short</link></item>"
        "</channel></rss>"
    ).encode()
    headers = f"ETag: {LONG_ETAG}\r\nLast-Modified: {LONG_LAST_MODIFIED}\r\n"
    server, url = await _serve_feed(rss, headers)
    try:
        yield url
    finally:
        server.close()
        await server.wait_closed()


async def test_poll_with_oversized_validators_and_links_succeeds(
    store: Store, feed_server: str
) -> None:
    async with store.session() as repo:
        await repo.add_feed(feed_server, backfill=True, next_poll_at=T0)
    [feed] = await store.claim_due_feeds("w1", T0)
    got: list[str] = []

    async def submit(link: str, item: FeedItem) -> None:
        got.append(link)

    settings = Settings(_env_file=None, allow_private_networks=True, fetch_timeout=3.0)
    result = await poll_feed(feed, store, settings, submit, worker_id="w1", now=T0,
                             policy=FeedPolicy(poll_interval=60))
    assert (result.status, result.new_items, result.error) == ("ok", 2, None)
    assert sorted(got, key=len) == ["https://news.example/short", LONG_LINK]
    async with store.session() as repo:
        row = await repo.get_feed_by_url(feed_server)
    assert row is not None and row.health == "ok" and row.first_poll_done
    # Validators too long to keep are dropped (a cut one would never match).
    assert (row.etag, row.last_modified) == (None, None)


async def test_article_and_feed_urls_past_the_limit_are_refused_clearly(store: Store) -> None:
    async with store.session() as repo:
        row, new = await repo.add_article("https://news.example/a", site_name="S" * 400)
        assert new and row.site_name == "S" * 255
        with pytest.raises(URLTooLong) as info:
            await repo.add_article(LONG_LINK)
        assert "at most 2,048 characters" in str(info.value)
        assert await repo.get_article_by_url(LONG_LINK) is None
        with pytest.raises(URLTooLong):
            await repo.add_feed(LONG_LINK)
        await repo.add_article("https://news.example/" + "b" * (MAX_URL - 21))  # just fits
    reply = await Commands(store, analyzer=None).feed_add(LONG_LINK)  # type: ignore[arg-type]
    assert not reply.ok and "at most 2,048 characters" in reply.title
    async with store.session() as repo:
        assert await repo.list_feeds() == []
