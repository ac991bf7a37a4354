"""`newsbot run` end to end, as real processes: a loopback feed server with article pages,
two loopback webhook receivers (Slack and Discord flavours), SQLite or PostgreSQL.

The bars of the service issue: one alert per event per channel within seconds; nothing to
the wrong region; nothing lost when receivers fail and newsbot is killed with SIGKILL;
two processes on one PostgreSQL share the work without duplicates.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from articles import AFGHAN, AFGHAN_COPY, QUIET, UKRAINE
from databases import fresh_database
from fakes import FakeWebhookReceiver, Reply

ROOT = Path(__file__).resolve().parent.parent


class FeedSite:
    """Feeds and article pages on one loopback HTTP server; items can be added live."""

    def __init__(self) -> None:
        self.items: dict[str, list[tuple[str, str]]] = {"one": [], "two": [], "three": []}
        self.pages: dict[str, tuple[str, str]] = {}
        self.hits: dict[str, int] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                site.hits[path] = site.hits.get(path, 0) + 1
                if path.startswith("/feeds/"):
                    body = site.rss(path.rsplit("/", 1)[1]).encode()
                    ctype = "application/rss+xml; charset=utf-8"
                elif path in site.pages:
                    title, text = site.pages[path]
                    paras = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
                    body = (f"<html><head><title>{title}</title></head><body><article>"
                            f"<h1>{title}</h1>{paras}</article></body></html>").encode()
                    ctype = "text/html; charset=utf-8"
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def rss(self, name: str) -> str:
        now = format_datetime(datetime.now(UTC))
        entries = "".join(
            f"<item><title>{title}</title><link>{self.base}{link}</link>"
            f"<guid>{link}</guid><pubDate>{now}</pubDate></item>"
            for title, link in self.items[name]
        )
        return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>'
                f"<link>{self.base}/</link><description>x</description>{entries}"
                "</channel></rss>")

    def publish(self, feed: str, path: str, article: tuple[str, str], link: str | None = None):
        self.pages[path] = article
        self.items[feed].append((article[0], link or path))

    def close(self) -> None:
        self.server.shutdown()


def write_config(tmp: Path, site: FeedSite, slack: str, discord: str) -> Path:
    feeds = "".join(f'[[feeds]]\nurl = "{site.base}/feeds/{n}"\n\n' for n in site.items)
    cfg = tmp / "newsbot.toml"
    cfg.write_text(
        "poll_interval = 2\n\n" + feeds
        + f'[[channels]]\nname = "A"\nkind = "slack-webhook"\nurl = "{slack}"\n'
        'regions = ["South Asia"]\n\n'
        f'[[channels]]\nname = "B"\nkind = "discord-webhook"\nurl = "{discord}"\n'
        'regions = ["Europe"]\n'
    )
    return cfg


class Bot:
    """One `newsbot run` process."""

    def __init__(self, cfg: Path, db_url: str, log: Path) -> None:
        self.cfg, self.db_url, self.log = cfg, db_url, log
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = {**os.environ, "NEWSBOT_CONFIG": str(self.cfg), "NEWSBOT_DATABASE_URL": self.db_url,
               "NEWSBOT_ALLOW_PRIVATE_NETWORKS": "true", "PYTHONUNBUFFERED": "1"}
        self.out = self.log.open("ab")
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", cwd=str(self.cfg.parent), env=env,
            stdout=self.out, stderr=self.out,
        )

    async def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(sig)
        try:
            code = await asyncio.wait_for(self.proc.wait(), 30)
        finally:
            self.out.close()
        return code


@pytest.fixture
def site() -> Iterator[FeedSite]:
    s = FeedSite()
    yield s
    s.close()


def database_urls() -> list[str]:
    urls = ["sqlite"]
    if os.environ.get("NEWSBOT_TEST_POSTGRES_URL") or os.environ.get("CI") == "true":
        urls.append("postgresql")
    return urls


@pytest.fixture(params=database_urls())
async def db_url(request, tmp_path: Path) -> AsyncIterator[str]:
    async for url in fresh_database(request.param, tmp_path):
        yield url


@pytest.fixture
async def pg_url(tmp_path: Path) -> AsyncIterator[str]:
    async for url in fresh_database("postgresql", tmp_path):
        yield url


async def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.1)


async def first_polls_done(site: FeedSite, bots: list[Bot], log: Path) -> None:
    def polled() -> bool:
        for bot in bots:
            if bot.proc is not None and bot.proc.returncode is not None:
                raise AssertionError(f"newsbot exited early:\n{log.read_text()[-3000:]}")
        return all(site.hits.get(f"/feeds/{n}", 0) >= 1 for n in site.items)

    await wait_until(polled, 60, "the first poll of every feed")
    await asyncio.sleep(0.5)  # let the poll's transaction commit


def publish_all(site: FeedSite) -> None:
    site.publish("one", "/news/kandahar", AFGHAN)
    site.publish("two", "/news/kandahar", AFGHAN,
                 link="/news/kandahar?utm_source=rss&utm_medium=feed")
    site.publish("three", "/other-outlet/insurgents-strike-kandahar", AFGHAN_COPY)
    site.publish("one", "/news/kharkiv", UKRAINE)
    site.publish("two", "/news/library", QUIET)


EVENT_LINE = re.compile(r"^\S+ ([A-Z_]+) · ([^—\n]+) — ", re.MULTILINE)


def announced(rx: FakeWebhookReceiver) -> Counter[str]:
    """How many of a Slack receiver's messages announce each event ("ATTACK · Kandahar").

    Feed items are processed in parallel, so which of two reports of one event is stored
    first varies: the copy first (its attack alerted, then the original's displacement on
    its own), or the original first (both events in one message). Either way each event
    is announced once.
    """
    found: Counter[str] = Counter()
    for r in rx.delivered:
        text = (r.json or {}).get("text", "")
        found.update({f"{t} · {where.strip()}" for t, where in EVENT_LINE.findall(text)})
    return found


def assert_each_kandahar_event_once(rx: FakeWebhookReceiver) -> None:
    events = announced(rx)
    assert events and all(n == 1 for n in events.values()), (events, titles(rx))
    assert "ATTACK · Kandahar" in events, events
    assert all("Kandahar" in e for e in events), events
    assert len(rx.delivered) <= 2, titles(rx)


def titles(rx: FakeWebhookReceiver) -> list[str]:
    out = []
    for r in rx.delivered:
        body = r.json or {}
        if rx.flavour == "slack":
            out.append(body.get("text", ""))
        else:
            out.append(" ".join(e.get("title", "") for e in body.get("embeds", [])))
    return out


async def test_one_alert_per_event_to_the_right_channel(site, db_url, tmp_path) -> None:
    async with FakeWebhookReceiver("slack") as a, FakeWebhookReceiver("discord") as b:
        log = tmp_path / "newsbot.log"
        bot = Bot(write_config(tmp_path, site, a.webhook_url, b.webhook_url), db_url, log)
        await bot.start()
        try:
            await first_polls_done(site, [bot], log)
            published = time.monotonic()
            publish_all(site)
            await wait_until(lambda: a.delivered and b.delivered, 30, "alerts on A and B")
            first_alert_after = a.delivered[0].at - published
            await asyncio.sleep(6)  # three more poll cycles: anything extra would show
        finally:
            code = await bot.stop()
    assert code == 0, log.read_text()[-3000:]
    assert first_alert_after <= 10, f"A's alert came {first_alert_after:.1f} s after publishing"
    assert_each_kandahar_event_once(a)
    assert len(b.delivered) == 1, titles(b)
    assert "Kharkiv" in titles(b)[0]


async def test_failing_receivers_and_sigkill_lose_nothing(site, db_url, tmp_path) -> None:
    flaky = [500, Reply(429, headers={"Retry-After": "1"}), 500, 500]
    async with (FakeWebhookReceiver("slack", script=flaky) as a,
                FakeWebhookReceiver("discord", script=flaky) as b):
        log = tmp_path / "newsbot.log"
        cfg = write_config(tmp_path, site, a.webhook_url, b.webhook_url)
        bot = Bot(cfg, db_url, log)
        await bot.start()
        await first_polls_done(site, [bot], log)
        publish_all(site)
        # Wait until both receivers have been tried and refused, then kill without warning.
        await wait_until(lambda: len(a.requests) >= 1 and len(b.requests) >= 1, 30,
                         "first delivery attempts")
        await bot.stop(signal.SIGKILL)
        bot = Bot(cfg, db_url, log)
        await bot.start()
        try:
            await wait_until(lambda: a.delivered and b.delivered, 90, "alerts after restart")
            await asyncio.sleep(6)
        finally:
            await bot.stop()
    assert_each_kandahar_event_once(a)
    assert len(b.delivered) == 1, titles(b)


async def test_two_processes_share_one_postgres(site, pg_url, tmp_path) -> None:
    db_url = pg_url
    async with FakeWebhookReceiver("slack") as a, FakeWebhookReceiver("discord") as b:
        log = tmp_path / "newsbot.log"
        cfg = write_config(tmp_path, site, a.webhook_url, b.webhook_url)
        bots = [Bot(cfg, db_url, log), Bot(cfg, db_url, log)]
        for bot in bots:
            await bot.start()
        try:
            await first_polls_done(site, bots, log)
            publish_all(site)
            await wait_until(lambda: a.delivered and b.delivered, 30, "alerts on A and B")
            await asyncio.sleep(6)
        finally:
            codes = [await bot.stop() for bot in bots]
    assert codes == [0, 0], log.read_text()[-3000:]
    assert_each_kandahar_event_once(a)
    assert len(b.delivered) == 1, titles(b)
