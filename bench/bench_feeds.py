"""Feed-load benchmark (issue 9): prints figures; it is not a test.

Everything runs on loopback against real `newsbot run` processes (``python -m bot.cli
run``), each on a fresh database (SQLite by default):

feeds     1,000 feeds on 50 loopback hosts (127.0.0.1–50), each answering after 200 ms,
          polled for three cycles: seconds per cycle, polls at once (in all, per host),
          and lateness — how long after its interval each feed was polled again.
articles  2,000 new articles published at once in 20 feeds: articles processed per second
          (fetched, read, analysed, stored, alerts queued) with the analysis pool (one
          worker per CPU) and, for comparison, in one process (``--no-baseline`` skips).
crash     2,000 more: SIGTERM after ~30 % are done, restart, ``kill -9`` after ~50, 65
          and 80 %, restarting each time; then every link must be processed exactly once,
          every alert sent, and no alert sent twice (the receiver counts messages). One
          run per receiver (``--sinks``): a Discord incoming webhook, Slack's
          chat.postMessage and Discord's channel messages with bot tokens (loopback fakes
          of tests/, answering 200 ms after making each message; each kill -9 lands in that
          window, between the receiver's work and newsbot's record of it, when one comes).

The feed and article hosts run in a separate process, so serving them does not compete
with the service for the event loop. Article texts come from ../shared/eval/dev.jsonl
(real news, 216 words on average) when present, else from the bundled samples; each copy
gets its own outlet and closing sentence, so all 2,000 are different articles.

    .venv/bin/python bench/bench_feeds.py                      # everything (~10 min)
    .venv/bin/python bench/bench_feeds.py --only feeds --interval 30
    .venv/bin/python bench/bench_feeds.py --postgres "$NEWSBOT_TEST_POSTGRES_URL"
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import html
import itertools
import json
import multiprocessing
import os
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
SAMPLES = ROOT / "config" / "data" / "samples"
OUTLETS = 40


# -- the hosts: feeds and article pages, in a process of their own ------------------------------


def base_texts() -> list[tuple[str, str]]:
    """(title, text) of real articles when the dev set is there, else the samples."""
    texts: list[tuple[str, str]] = []
    if DEV.is_file():
        for line in DEV.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                if case.get("text"):
                    texts.append((case.get("title") or "Untitled", case["text"]))
    if not texts:
        for path in sorted(SAMPLES.glob("*.txt")):
            title, _, body = path.read_text(encoding="utf-8").partition("\n")
            texts.append((title.strip(), body.strip()))
    return texts


def article_html(n: int, texts: list[tuple[str, str]], url: str) -> bytes:
    title, text = texts[n % len(texts)]
    outlet = f"Outlet {n % OUTLETS}"
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)} | {outlet}</title>"
        f'<meta property="og:site_name" content="{outlet}">'
        f'<link rel="canonical" href="{url}"></head><body><article>'
        f"<h1>{html.escape(title)}</h1>{paras}"
        f"<p>Reporting by correspondent number {n} of {outlet}.</p>"
        "</article></body></html>"
    ).encode()


def _farm(conn: Any, hosts: int, latency: float) -> None:
    """The host process: one HTTP server per loopback address. Commands over ``conn``:
    ("publish", {feed path: [article numbers]}), ("stats", None), ("stop", None)."""
    texts = base_texts()
    items: dict[str, list[int]] = defaultdict(list)
    hits: dict[str, list[float]] = defaultdict(list)
    in_flight: Counter[str] = Counter()
    peak: Counter[str] = Counter()
    total = {"now": 0, "peak": 0}
    bases: list[str] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode().split("?")[0]
                ip, port = writer.get_extra_info("sockname")[:2]
                base = f"http://{ip}:{port}"
                extra = b""
                if path.startswith("/feed"):
                    hits[base + path].append(time.monotonic())
                    in_flight[ip] += 1
                    total["now"] += 1
                    peak[ip] = max(peak[ip], in_flight[ip])
                    total["peak"] = max(total["peak"], total["now"])
                    try:
                        await asyncio.sleep(latency)
                    finally:
                        in_flight[ip] -= 1
                        total["now"] -= 1
                    # Validators, as real feeds have: an unchanged feed answers 304.
                    etag = f'"{len(items.get(base + path, []))}"'
                    extra = f"ETag: {etag}\r\n".encode()
                    if f"if-none-match: {etag}".encode() in head.lower():
                        writer.write(b"HTTP/1.1 304 Not Modified\r\n" + extra
                                     + b"Content-Length: 0\r\n\r\n")
                        await writer.drain()
                        continue
                    now = format_datetime(datetime.now(UTC))
                    entries = "".join(
                        f"<item><title>Story {n}</title><link>{bases[n % len(bases)]}/a/{n}"
                        f"</link><guid>a-{n}</guid><pubDate>{now}</pubDate></item>"
                        for n in items.get(base + path, [])
                    )
                    body = (
                        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                        f"<title>{path}</title><link>{base}/</link><description>d"
                        f"</description>{entries}</channel></rss>"
                    ).encode()
                    ctype = b"application/rss+xml"
                elif path.startswith("/a/"):
                    body = article_html(int(path[3:]), texts, base + path)
                    ctype = b"text/html; charset=utf-8"
                else:
                    body, ctype = b"not found", b"text/plain"
                status = b"200 OK" if body != b"not found" else b"404 Not Found"
                writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Type: " + ctype + b"\r\n"
                             + extra + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                asyncio.CancelledError):
            pass  # the client went away, or the farm is stopping
        finally:
            writer.close()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        servers = []
        for i in range(hosts):
            ip = f"127.0.0.{i + 1}"
            srv = await asyncio.start_server(handle, ip, 0, backlog=1024)
            servers.append(srv)
            bases.append(f"http://{ip}:{srv.sockets[0].getsockname()[1]}")
        conn.send(bases)
        done = asyncio.Event()

        def command() -> None:
            what, arg = conn.recv()
            if what == "publish":
                for path, numbers in arg.items():
                    items[path].extend(numbers)
                conn.send(True)
            elif what == "stats":
                conn.send({"hits": dict(hits), "peak": dict(peak), "total_peak": total["peak"]})
                hits.clear()
                peak.clear()
                total["peak"] = 0
            else:
                done.set()

        loop.add_reader(conn.fileno(), command)
        await done.wait()
        for srv in servers:
            srv.close()

    asyncio.run(main())


class Farm:
    def __init__(self, hosts: int, latency: float) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_farm, args=(child, hosts, latency), daemon=True)
        self.proc.start()
        self.bases: list[str] = self.conn.recv()

    def call(self, what: str, arg: Any = None) -> Any:
        self.conn.send((what, arg))
        return None if what == "stop" else self.conn.recv()

    def close(self) -> None:
        self.call("stop")
        self.proc.join(5)


# -- databases and the service ---------------------------------------------------------------


@dataclass
class Database:
    url: str
    sqlite_path: Path | None = None

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.sqlite_path is not None:
            with sqlite3.connect(f"file:{self.sqlite_path}?mode=ro", uri=True, timeout=30) as c:
                return c.execute(sql).fetchall()
        # A thread of its own: callable from inside and outside the bench's event loop.
        with concurrent.futures.ThreadPoolExecutor(1) as one:
            return one.submit(asyncio.run, self._pg(sql)).result()

    async def _pg(self, sql: str) -> list[tuple[Any, ...]]:
        import asyncpg
        from sqlalchemy.engine import make_url

        dsn = make_url(self.url).set(drivername="postgresql").render_as_string(
            hide_password=False)
        conn = await asyncpg.connect(dsn)
        try:
            return [tuple(r) for r in await conn.fetch(sql)]
        finally:
            await conn.close()


async def fresh_database(tmp: Path, postgres: str | None) -> Database:
    if postgres is None:
        path = tmp / f"bench-{uuid.uuid4().hex[:6]}.db"
        return Database(f"sqlite+aiosqlite:///{path}", path)
    import asyncpg
    from sqlalchemy.engine import make_url

    server = make_url(postgres)
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"newsbot_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    url = server.set(drivername="postgresql+asyncpg", database=name)
    return Database(url.render_as_string(hide_password=False))


class Service:
    """One `newsbot run` process."""

    def __init__(self, tmp: Path, db: Database, config: str, env: dict[str, str]) -> None:
        self.cfg = tmp / "newsbot.toml"
        self.cfg.write_text(config)
        self.db, self.env, self.tmp = db, env, tmp
        self.log = tmp / "newsbot.log"
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = {**os.environ, "NEWSBOT_CONFIG": str(self.cfg),
               "NEWSBOT_DATABASE_URL": self.db.url, "NEWSBOT_ALLOW_PRIVATE_NETWORKS": "true",
               "PYTHONUNBUFFERED": "1", **self.env}
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "run", cwd=str(self.tmp), env=env,
                stdout=asyncio.subprocess.DEVNULL, stderr=out,
            )

    def children(self) -> list[int]:
        assert self.proc is not None
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.proc.pid:
                    found.append(int(entry.name))
        return found

    async def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(sig)
        return await asyncio.wait_for(self.proc.wait(), 120)

    async def kill(self) -> None:
        """Whatever happened, leave no service running (its pool workers follow it)."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()

    def log_count(self, needle: str) -> int:
        return self.log.read_text(errors="replace").count(needle)


async def wait_for(predicate: Any, timeout: float, what: str, every: float = 0.5) -> float:
    start = time.monotonic()
    while not await asyncio.to_thread(predicate):
        if time.monotonic() - start > timeout:
            raise SystemExit(f"bench: timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(every)
    return time.monotonic() - start


def feeds_toml(urls: list[str], interval: float, channel: str | None = None) -> str:
    lines = [f"poll_interval = {interval}", ""]
    for url in urls:
        lines += ["[[feeds]]", f'url = "{url}"', ""]
    if channel:
        lines += ["[[channels]]", 'name = "bench"', 'kind = "discord-webhook"',
                  f'url = "{channel}"', 'regions = ["world"]', ""]
    return "\n".join(lines)


def first_polls_done(db: Database, feeds: int) -> bool:
    try:
        rows = db.query("SELECT count(*) FROM feeds WHERE first_poll_done")
    except (sqlite3.Error, OSError, Exception):
        return False
    return bool(rows) and rows[0][0] >= feeds


def _ts(value: Any) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC).timestamp()


# -- the figures -------------------------------------------------------------------------------


async def bench_feeds(args: argparse.Namespace, tmp: Path) -> None:
    n, hosts, latency, interval = args.feeds, args.hosts, args.latency, args.interval
    print(f"\n== feeds: {n} feeds on {hosts} loopback hosts, {latency * 1000:.0f} ms each, "
          f"poll_interval {interval:g} s")
    farm = Farm(hosts, latency)
    try:
        urls = [f"{farm.bases[i % hosts]}/feed{i}" for i in range(n)]
        db = await fresh_database(tmp, args.postgres)
        service = Service(tmp, db, feeds_toml(urls, interval), {})
        await service.start()
        try:
            await wait_for(lambda: first_polls_done(db, n), 300, "the first cycle")
            await asyncio.sleep(3 * interval)
            code = await service.stop()
        finally:
            await service.kill()
        stats = farm.call("stats")
    finally:
        farm.close()
    hits: dict[str, list[float]] = stats["hits"]
    cycles: list[list[float]] = []
    for k in range(3):
        starts = [times[k] for times in hits.values() if len(times) > k]
        if len(starts) == n:
            cycles.append(starts)
    for k, starts in enumerate(cycles):
        span = max(starts) - min(starts) + latency
        print(f"cycle {k + 1}: {len(starts)} polls in {span:5.2f} s "
              f"(first to last request + one latency)"
              + ("   ← all due at once" if k == 0 else ""))
    late = [b - a - interval for times in hits.values()
            for a, b in itertools.pairwise(times)]
    polled = sum(len(t) for t in hits.values())
    print(f"polls at once: {stats['total_peak']} in all, at most "
          f"{max(stats['peak'].values())} on one host ({polled} polls)")
    if late:
        late.sort()
        print(f"lateness (time between polls of a feed − interval), {len(late)} gaps: "
              f"median {statistics.median(late):+.3f} s, p99 {late[int(0.99 * len(late))]:+.3f} s, "
              f"max {late[-1]:+.3f} s")
    print(f"claim lost: {service.log_count('claim lost')}, exit code {code}")


def all_sent(db: Database) -> bool:
    rows = dict(db.query("SELECT status, count(*) FROM deliveries GROUP BY status"))
    return not any(rows.get(s) for s in ("pending", "sending", "failed"))


def publish(farm: Farm, feeds: list[str], first: int, count: int) -> list[int]:
    numbers = list(range(first, first + count))
    by_feed: dict[str, list[int]] = defaultdict(list)
    for n in numbers:
        by_feed[feeds[n % len(feeds)]].append(n)
    farm.call("publish", dict(by_feed))
    return numbers


def intake_figures(db: Database) -> dict[str, Any]:
    counts = dict(db.query("SELECT status, count(*) FROM intake GROUP BY status"))
    span = db.query("SELECT min(created_at), max(finished_at) FROM intake WHERE status = 'done'")
    return {"counts": counts, "span": span[0] if span else (None, None)}


async def run_articles(args: argparse.Namespace, tmp: Path, workers: str | None,
                       label: str) -> None:
    from fakes import FakeWebhookReceiver

    farm = Farm(8, 0.0)
    try:
        async with FakeWebhookReceiver("discord") as rx:
            feeds = [f"{farm.bases[i % 8]}/feed{i}" for i in range(20)]
            db = await fresh_database(tmp, args.postgres)
            env = {} if workers is None else {"NEWSBOT_ANALYSIS_WORKERS": workers}
            service = Service(tmp, db, feeds_toml(feeds, 2.0, rx.webhook_url), env)
            try:
                await _articles(args, service, farm, feeds, db, rx, label)
            finally:
                await service.kill()
    finally:
        farm.close()


async def _articles(args: argparse.Namespace, service: Service, farm: Farm, feeds: list[str],
                    db: Database, rx: Any, label: str) -> None:
    """One run: start, publish, wait until every article is stored and every alert sent."""
    count = args.articles
    started = time.monotonic()
    await service.start()
    await wait_for(lambda: first_polls_done(db, len(feeds)), 300, "the first polls")
    ready = time.monotonic() - started
    publish(farm, feeds, 0, count)

    def all_done() -> bool:
        return intake_figures(db)["counts"].get("done", 0) >= count

    took = await wait_for(all_done, 1800, f"{count} articles", every=0.25)
    figures = intake_figures(db)
    first, last = figures["span"]
    processing = _ts(last) - _ts(first)
    sent_after = took + await wait_for(lambda: all_sent(db), 900, "every alert sent")
    outcomes = dict(db.query("SELECT outcome, count(*) FROM intake GROUP BY outcome"))
    articles = db.query("SELECT count(*) FROM articles")[0][0]
    deliveries = dict(db.query("SELECT status, count(*) FROM deliveries GROUP BY status"))
    await service.stop()
    print(f"{label}: {count} articles in {processing:.1f} s = "
          f"{count / processing:.1f} articles/s (first queued → last stored); "
          f"{took:.1f} s from publishing ({count / took:.1f}/s); start-up {ready:.1f} s")
    print(f"   outcomes {outcomes}, {articles} articles stored; deliveries {deliveries} "
          f"({len(rx.requests)} webhook requests), the last sent {sent_after:.1f} s "
          f"after publishing (one channel: its alerts go out one at a time)")


async def bench_articles(args: argparse.Namespace, tmp: Path) -> None:
    cpus = len(os.sched_getaffinity(0))
    print(f"\n== articles: {args.articles} new articles in 20 feeds, one `newsbot run`, "
          f"{cpus} CPUs ({'dev set' if DEV.is_file() else 'bundled samples'} texts)")
    (tmp / "pool").mkdir()
    await run_articles(args, tmp / "pool", None, f"analysis pool ({cpus} workers)")
    if args.baseline:
        (tmp / "thread").mkdir()
        await run_articles(args, tmp / "thread", "0",
                           "in-process thread (NEWSBOT_ANALYSIS_WORKERS=0)")


class Receiver:
    """Where the crash run's alerts go, and how many messages each delivery made there.

    ``webhook``: a Discord incoming webhook; ``slack``: chat.postMessage with a bot token
    (history look-up by message metadata); ``discord``: channels/{id}/messages with a bot
    token (nonce). Each fake answers a post ANSWER_DELAY s after making the message, so a
    kill -9 is likely to land between the platform's work and newsbot's record of it."""

    ANSWER_DELAY = 0.2
    CHANNEL: ClassVar[dict[str, str]] = {"slack": "C0BENCH", "discord": "700000000000000001"}

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.fake: Any = None

    async def __aenter__(self) -> Receiver:
        if self.kind == "webhook":
            from fakes import FakeWebhookReceiver
            self.fake = FakeWebhookReceiver("discord")
        elif self.kind == "slack":
            from slack_fake import FakeSlack
            self.fake = FakeSlack()
        else:
            from discord_fake import FakeDiscord
            self.fake = FakeDiscord()
        await self.fake.__aenter__()
        self.fake.answer_delay = self.ANSWER_DELAY
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.fake.__aexit__(*exc)

    def env(self) -> dict[str, str]:
        if self.kind == "slack":
            from slack_fake import BOT_TOKEN, SIGNING_SECRET
            return {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                    "NEWSBOT_SLACK_API_URL": self.fake.api_url, "NEWSBOT_HTTP_HOST": "127.0.0.1",
                    "NEWSBOT_HTTP_PORT": "0"}
        if self.kind == "discord":
            from discord_fake import TOKEN
            return {"DISCORD_TOKEN": TOKEN, "NEWSBOT_DISCORD_API_URL": self.fake.api_url}
        return {}

    def config(self, feeds: list[str]) -> str:
        return feeds_toml(feeds, 2.0, self.fake.webhook_url if self.kind == "webhook" else None)

    async def add_channel(self, db: Database) -> None:
        """A bot-token channel subscribed to the world, as `/newsbot subscribe` makes it."""
        if self.kind == "webhook":
            return
        from bot.service.store import Store

        store = await Store.open(db.url)
        try:
            async with store.session() as repo:
                row = await repo.upsert_channel(self.kind, self.CHANNEL[self.kind], name="bench")
                await repo.add_subscription(row.id, "world", "World", created_by="bench")
        finally:
            await store.close()

    def made(self) -> list[tuple[str, float]]:
        """Each message made in the channel: (what identifies its delivery, when). A Slack
        message carries its delivery id as metadata, a Discord one as its nonce (a repeated
        nonce makes no message); a webhook message has no id, so its body stands for it."""
        if self.kind == "slack":
            out = []
            for call in self.fake.posts(self.CHANNEL["slack"]):
                meta = call.args.get("metadata") or {}
                meta = json.loads(meta) if isinstance(meta, str) else meta
                out.append((str(meta.get("event_payload", {}).get("delivery_id")), call.at))
            return out
        if self.kind == "discord":
            path = f"/channels/{self.CHANNEL['discord']}/messages"
            out, nonces = [], set()
            for r in self.fake.requests:
                if r.method == "POST" and r.path.endswith(path) and r.ok:
                    nonce = str(r.json.get("nonce", "")).removeprefix("newsbot-")
                    if nonce not in nonces:
                        nonces.add(nonce)
                        out.append((nonce, r.at))
            return out
        return [(r.body.decode(errors="replace"), r.at) for r in self.fake.requests
                if r.method == "POST" and r.ok]

    def post_requests(self) -> int:
        if self.kind == "slack":
            return sum(1 for c in self.fake.calls if c.method == "chat.postMessage")
        if self.kind == "discord":
            return sum(1 for r in self.fake.requests if r.method == "POST"
                       and r.path.endswith(f"/channels/{self.CHANNEL['discord']}/messages"))
        return sum(1 for r in self.fake.requests if r.method == "POST")


async def in_the_window(rx: Receiver, timeout: float = 120.0) -> bool:
    """Return True while the receiver has made a message but not yet answered (a kill -9
    now leaves a message newsbot has not recorded); False after ``timeout`` s without."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        made = rx.made()
        if made and time.monotonic() - made[-1][1] < rx.ANSWER_DELAY / 2:
            return True
        await asyncio.sleep(0.01)
    return False


async def bench_crash(args: argparse.Namespace, tmp: Path) -> None:
    for kind in [k.strip() for k in args.sinks.split(",") if k.strip()]:
        where = tmp / kind
        where.mkdir()
        await crash_run(args, where, kind)


async def crash_run(args: argparse.Namespace, tmp: Path, kind: str) -> None:
    count = args.articles
    kills = (0.5, 0.65, 0.8)
    print(f"\n== crash ({kind}): {count} articles, SIGTERM at ~30 %, kill -9 at "
          f"~{', '.join(f'{k:.0%}' for k in kills)}, restarts; the receiver answers "
          f"{Receiver.ANSWER_DELAY * 1000:.0f} ms after making each message and each kill "
          f"waits (up to 2 min) for that window")
    farm = Farm(8, 0.0)
    try:
        async with Receiver(kind) as rx:
            feeds = [f"{farm.bases[i % 8]}/feed{i}" for i in range(20)]
            db = await fresh_database(tmp, args.postgres)
            await rx.add_channel(db)
            service = Service(tmp, db, rx.config(feeds), rx.env())
            try:
                await service.start()
                await wait_for(lambda: first_polls_done(db, len(feeds)), 300, "the first polls")
                numbers = publish(farm, feeds, 0, count)

                def done_at_least(k: int) -> Any:
                    return lambda: intake_figures(db)["counts"].get("done", 0) >= k

                await wait_for(done_at_least(int(0.3 * count)), 900, "30 %")
                code = await service.stop(signal.SIGTERM)
                print(f"SIGTERM: exit code {code}, {intake_figures(db)['counts']}")
                orphans = in_window = 0
                unrecorded: set[str] = set()  # messages made, not recorded when killed
                for share in kills:
                    await service.start()
                    await wait_for(done_at_least(int(share * count)), 900, f"{share:.0%}")
                    in_window += await in_the_window(rx)
                    workers = service.children()
                    await service.stop(signal.SIGKILL)
                    killed_at = time.monotonic()
                    recorded = {str(row[0]) for row in db.query(
                        "SELECT id FROM deliveries WHERE status = 'sent'")}
                    if kind != "webhook":
                        unrecorded |= {key for key, at in rx.made()
                                       if at < killed_at and key not in recorded}
                    states = db.query("SELECT status, count(*) FROM deliveries GROUP BY status")
                    print(f"kill -9: {intake_figures(db)['counts']}, deliveries {dict(states)}")
                    await asyncio.sleep(3)
                    orphans += sum(1 for p in workers if Path(f"/proc/{p}").exists()
                                   and " Z " not in Path(f"/proc/{p}/stat").read_text())
                print(f"   analysis workers left running after the kills: {orphans}; kills "
                      f"while the receiver held an answer: {in_window} of {len(kills)}")
                await service.start()
                await wait_for(done_at_least(count), 900, "all links")

                settle = await wait_for(lambda: all_sent(db), 3600, "every delivery sent")
                await asyncio.sleep(2)
                await service.stop()
                links = db.query("SELECT url, count(*), max(status), max(outcome), max(attempts) "
                                 "FROM intake GROUP BY url")
                expected = {f"{farm.bases[n % 8]}/a/{n}" for n in numbers}
                seen = {row[0] for row in links}
                twice = [row for row in links if row[1] > 1]
                articles = db.query(
                    "SELECT count(*), count(DISTINCT canonical_url) FROM articles")[0]
                outcomes = Counter(row[3] for row in links)
                retried = sum(1 for row in links if row[4] > 1)
                sent, again = db.query("SELECT count(*), count(*) FILTER (WHERE attempts > 1) "
                                       "FROM deliveries WHERE status = 'sent'")[0]
                made = [key for key, _ in rx.made()]
                asked = rx.post_requests()
                print(f"links: {len(expected)} published, {len(seen & expected)} queued, "
                      f"{len(expected - seen)} lost, {len(twice)} queued twice; "
                      f"outcomes {dict(outcomes)}; {retried} taken up again after a stop")
                print(f"articles stored: {articles[0]} ({articles[1]} distinct URLs)")
                window = ("" if kind == "webhook" else
                          f"; {len(unrecorded)} made by a killed process before it recorded "
                          f"them")
                print(f"deliveries: {sent} sent ({again} claimed again after a stop; "
                      f"'also reported' ones may edit a message instead), {asked} post "
                      f"requests, {len(made)} messages made{window} → "
                      f"{len(made) - len(set(made))} sent twice "
                      f"(after {settle:.0f} s for the killed process's leases)")
                print(f"claim lost in the logs: {service.log_count('claim lost')}")
            finally:
                await service.kill()
    finally:
        farm.close()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="feeds,articles,crash",
                        help="comma-separated sections: feeds, articles, crash")
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--interval", type=float, default=15.0)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--no-baseline", dest="baseline", action="store_false")
    parser.add_argument("--postgres", help="a PostgreSQL server URL; fresh databases on it")
    parser.add_argument("--sinks", default="webhook,slack,discord",
                        help="crash runs, one per receiver: webhook, slack, discord")
    args = parser.parse_args()
    only = {s.strip() for s in args.only.split(",")}
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as tmp:
        for name, section in (("feeds", bench_feeds), ("articles", bench_articles),
                              ("crash", bench_crash)):
            if name in only:
                where = Path(tmp) / name
                where.mkdir()
                await section(args, where)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
