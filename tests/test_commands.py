"""The platform-neutral command layer, on a real SQLite store and a loopback article site."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.service.commands import (
    ChannelRef,
    Commands,
    parse_types,
    parse_window,
    split_subscribe_args,
)
from bot.service.pipeline import Ingestor
from bot.service.store import Store
from config.settings import Settings

PAGES = {
    "/kandahar": (
        "Taliban attack Kandahar",
        "Taliban fighters attacked the Afghan city of Kandahar on Monday after heavy fighting "
        "with government troops, officials said. Thousands of residents fled.",
    ),
}
DESK = ChannelRef("slack-webhook", "desk", name="desk", webhook_url="http://127.0.0.1:9/x")


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            if self.path not in PAGES:
                self.send_error(404)
                return
            title, text = PAGES[self.path]
            body = f"<html><head><title>{title}</title></head><body><article><p>{text}</p>" \
                   "</article></body></html>"
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
async def env(tmp_path: Path, analyzer) -> AsyncIterator[tuple[Commands, Store]]:
    store = await Store.open(f"sqlite+aiosqlite:///{tmp_path}/c.db")
    analyzer.settings = Settings(_env_file=None, allow_private_networks=True)
    yield Commands(store, analyzer), store
    await store.close()


def test_argument_parsing():
    assert split_subscribe_args(["South", "Asia", "attack,capture", "min=high"]) == (
        "South Asia", ["attack,capture"], "high")
    assert parse_types(["civilian", "harm", "refugees", "bogus"]) == (
        ["civilian_harm", "refugee_policy"], ["bogus"])
    assert parse_window("3d") == timedelta(days=3)
    assert parse_window(None) == timedelta(hours=24)
    for bad in ("soon", "0h", "90d"):
        with pytest.raises(ValueError):
            parse_window(bad)


async def test_subscribe_list_and_unsubscribe(env):
    cmd, _ = env
    reply = await cmd.subscribe(DESK, "south asia", ["attack", "capture"], "high")
    assert reply.ok and "South Asia" in reply.title and "high" in reply.title
    listed = await cmd.subscriptions(DESK)
    assert listed.ok and "South Asia — attack, capture, high+" in listed.text()
    assert (await cmd.subscribe(DESK, "Kandahar")).ok
    gone = await cmd.unsubscribe(DESK, "South Asia")
    assert gone.ok and gone.title == "Unsubscribed from South Asia."
    assert (await cmd.unsubscribe(DESK, "all")).title == "Removed 1 subscription."
    assert "no subscriptions" in (await cmd.subscriptions(DESK)).title


async def test_subscribe_errors_say_how_to_fix(env):
    cmd, _ = env
    unknown = await cmd.subscribe(DESK, "Afganistan")
    assert not unknown.ok and "Afghanistan" in unknown.text()
    assert not (await cmd.subscribe(DESK, "")).ok
    bad_type = await cmd.subscribe(DESK, "Sahel", ["bombings"])
    assert not bad_type.ok and "bombings" in bad_type.title and "attack" in bad_type.text()
    bad_severity = await cmd.subscribe(DESK, "Sahel", [], "extreme")
    assert not bad_severity.ok and "critical" in bad_severity.text()
    assert (await cmd.subscribe(DESK, "Sahel")).ok
    duplicate = await cmd.subscribe(DESK, "Sahel")
    assert not duplicate.ok and "already subscribed" in duplicate.title
    missing = await cmd.unsubscribe(DESK, "Europe")
    assert not missing.ok and "Sahel" in missing.text()


async def test_feed_commands(env):
    cmd, _ = env
    added = await cmd.feed_add("https://example.org/rss?utm_source=x")
    assert added.ok and added.title == "Watching https://example.org/rss."
    assert not (await cmd.feed_add("https://example.org/rss")).ok
    assert not (await cmd.feed_add("not a url")).ok
    listed = await cmd.feeds()
    assert "https://example.org/rss — ok, 0 items, not polled yet" in listed.text()
    assert (await cmd.feed_remove("https://example.org/rss")).ok
    assert not (await cmd.feed_remove("https://example.org/rss")).ok
    assert "No feeds" in (await cmd.feeds()).title


async def test_summary_of_a_link_and_of_a_region(env, site):
    cmd, store = env
    link = await cmd.summary(f"{site}/kandahar")
    assert link.ok and not link.ephemeral and "ATTACK" in link.text()
    assert not (await cmd.summary(f"{site}/missing")).ok
    assert not (await cmd.summary("Qwzxland")).ok
    assert not (await cmd.summary("Asia", "forever")).ok
    assert "No events" in (await cmd.summary("South Asia", "6h")).title

    ingestor = Ingestor(store, cmd.analyzer, cmd.analyzer.settings)
    async with ingestor:
        result = await ingestor.process(f"{site}/kandahar", source="test")
    assert result.status in ("queued_alerts", "no_events") and result.events
    region = await cmd.summary("South Asia", "24h")
    assert region.ok and "attack: 1 — Kandahar" in region.text()
    assert any("/kandahar" in url for _, url in region.links)
    assert "No events" in (await cmd.summary("Europe")).title


async def test_why_explains_matches_and_misses(env, site):
    cmd, _ = env
    await cmd.subscribe(DESK, "Europe")
    await cmd.subscribe(DESK, "Afghanistan", ["protest"])
    reply = await cmd.why(DESK, f"{site}/kandahar")
    text = reply.text()
    assert reply.ok and "analysed now" in text
    assert "✘ Europe: Kandahar is not in Europe" in text
    assert "✘ Afghanistan: attack is not among protest" in text
    assert not (await cmd.why(DESK, "nope")).ok
    assert not (await cmd.why(DESK, f"{site}/missing")).ok


def test_help_lists_every_command():
    text = Commands.help().text()
    for word in ("subscribe", "unsubscribe", "list", "summary", "feed add", "why"):
        assert word in text
