"""Feed-load benchmark (issue 9): prints figures; it is not a test.

Everything runs on loopback against real `newsbot run` processes (``python -m bot.cli
run``), each on a fresh database (SQLite by default):

feeds     1,000 feeds on 50 loopback hosts (127.0.0.1–50), each answering after 200 ms,
          polled for three cycles: seconds per cycle, polls at once (in all, per host),
          and lateness — how long after its interval each feed was polled again.
articles  2,000 new articles published at once in 20 feeds: articles processed per second
          (fetched, read, analysed, stored, alerts queued) with the analysis pool (one
          worker per CPU) and, for comparison, in one process (``--no-baseline`` skips).
crash     2,000 more: SIGTERM after ~30 % are done, restart, ``kill -9`` after ~60 %,
          restart; then every link must be processed exactly once, every alert sent, and
          no alert sent twice (the webhook receiver counts).

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
from typing import Any

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


async def bench_crash(args: argparse.Namespace, tmp: Path) -> None:
    from fakes import FakeWebhookReceiver

    count = args.articles
    print(f"\n== crash: {count} articles, SIGTERM at ~30 %, kill -9 at ~60 %, restarts")
    farm = Farm(8, 0.0)
    try:
        async with FakeWebhookReceiver("discord") as rx:
            feeds = [f"{farm.bases[i % 8]}/feed{i}" for i in range(20)]
            db = await fresh_database(tmp, args.postgres)
            service = Service(tmp, db, feeds_toml(feeds, 2.0, rx.webhook_url), {})
            try:
                await service.start()
                await wait_for(lambda: first_polls_done(db, len(feeds)), 300, "the first polls")
                numbers = publish(farm, feeds, 0, count)

                def done_at_least(k: int) -> Any:
                    return lambda: intake_figures(db)["counts"].get("done", 0) >= k

                await wait_for(done_at_least(int(0.3 * count)), 900, "30 %")
                code = await service.stop(signal.SIGTERM)
                print(f"SIGTERM: exit code {code}, {intake_figures(db)['counts']}")
                await service.start()
                await wait_for(done_at_least(int(0.6 * count)), 900, "60 %")
                workers = service.children()
                await service.stop(signal.SIGKILL)
                print(f"kill -9: {intake_figures(db)['counts']}")
                await asyncio.sleep(3)
                orphans = [p for p in workers if Path(f"/proc/{p}").exists()
                           and " Z " not in Path(f"/proc/{p}/stat").read_text()]
                print(f"   analysis workers left running after kill -9: {len(orphans)} "
                      f"of {len(workers)}")
                await service.start()
                await wait_for(done_at_least(count), 900, "all links")

                settle = await wait_for(lambda: all_sent(db), 300, "every delivery sent")
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
                sent = db.query("SELECT count(*) FROM deliveries WHERE status = 'sent'")[0][0]
                received = sum(1 for r in rx.requests if r.ok)
                print(f"links: {len(expected)} published, {len(seen & expected)} queued, "
                      f"{len(expected - seen)} lost, {len(twice)} queued twice; "
                      f"outcomes {dict(outcomes)}; {retried} taken up again after a stop")
                print(f"articles stored: {articles[0]} ({articles[1]} distinct URLs)")
                print(f"deliveries: {sent} sent, {received} webhook requests answered 2xx → "
                      f"{received - sent} sent twice (after {settle:.0f} s for the killed "
                      f"process's leases)")
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
