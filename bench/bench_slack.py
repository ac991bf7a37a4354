"""Latency of the Slack path on loopback: a link posted in a channel (the signed
``message`` event sent to ``POST /slack/events``) → its alert's ``chat.postMessage`` on the
fake Slack Web API. Prints median, p95 and max over N links (default 50).

The real service (``bot.service.app.Service``: SQLite in a temporary directory, the real Analyzer,
pipeline and outbox) with its Slack app in HTTP mode; Slack and the news site are the
loopback fakes of ``tests/slack_fake.py``. Each link is a different attack in a different
country, and each country has its own subscribed channel, so one alert answers each link
and Slack's one-message-a-second pacing per channel does not enter the figure. Links are
posted one after another, each once the previous alert has landed and a random pause of
up to ``--gap`` seconds has passed (0: back to back, which lines every link up with the
outbox's 0.5 s poll and so measures its worst phase). Also printed: the time to the
thread reply, which is posted as soon as the pipeline has stored the article and queued
its alerts — the difference is the outbox's wait.

    .venv/bin/python bench/bench_slack.py [--links 50] [--gap 0.5]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from slack_fake import BOT_TOKEN, SIGNING_SECRET, ArticleSite, FakeSlack  # noqa: E402

PLACES = [
    ("Kandahar", "Afghanistan"), ("Kharkiv", "Ukraine"), ("Aleppo", "Syria"),
    ("Mosul", "Iraq"), ("Taiz", "Yemen"), ("Omdurman", "Sudan"),
    ("Goma", "Democratic Republic of the Congo"), ("Mogadishu", "Somalia"),
    ("Maiduguri", "Nigeria"), ("Gao", "Mali"), ("Djibo", "Burkina Faso"),
    ("Niamey", "Niger"), ("Sirte", "Libya"), ("Beirut", "Lebanon"), ("Mandalay", "Myanmar"),
    ("Peshawar", "Pakistan"), ("Bamenda", "Cameroon"), ("Bangui", "Central African Republic"),
    ("Juba", "South Sudan"), ("Mekelle", "Ethiopia"), ("Maputo", "Mozambique"),
    ("Port-au-Prince", "Haiti"), ("Culiacan", "Mexico"), ("Medellin", "Colombia"),
    ("Caracas", "Venezuela"), ("Tehran", "Iran"), ("Istanbul", "Turkey"),
    ("Yerevan", "Armenia"), ("Baku", "Azerbaijan"), ("Minsk", "Belarus"), ("Amman", "Jordan"),
    ("Riyadh", "Saudi Arabia"), ("Cairo", "Egypt"), ("Tunis", "Tunisia"),
    ("Algiers", "Algeria"), ("Nouakchott", "Mauritania"), ("N'Djamena", "Chad"),
    ("Nairobi", "Kenya"), ("Kampala", "Uganda"), ("Bujumbura", "Burundi"),
    ("Kigali", "Rwanda"), ("Dhaka", "Bangladesh"), ("Colombo", "Sri Lanka"),
    ("Kathmandu", "Nepal"), ("Marawi", "Philippines"), ("Bangkok", "Thailand"),
    ("Jakarta", "Indonesia"), ("Lima", "Peru"), ("Quito", "Ecuador"),
    ("Tegucigalpa", "Honduras"), ("Belgorod", "Russia"), ("Karachi", "Pakistan"),
]


def article(city: str, country: str, n: int) -> tuple[str, str]:
    return (
        f"Gunmen attack market in {city}",
        f"Gunmen attacked a crowded market in the city of {city}, {country}, on Monday, "
        f"killing {n} people and wounding dozens more, police said.\n\n"
        "Witnesses said the attackers opened fire from two vehicles before fleeing. "
        "Security forces sealed off the area and hospitals appealed for blood donors.",
    )


async def run(links: int, gap: float) -> int:
    from bot.service.app import Service
    from config.settings import get_settings

    tmp = Path(tempfile.mkdtemp(prefix="bench_slack_"))
    async with FakeSlack() as slack, ArticleSite() as site:
        slack.users["UADMIN"] = {"is_admin": True}
        os.chdir(tmp)
        os.environ.update({
            "NEWSBOT_CONFIG": str(tmp / "absent.toml"),
            "NEWSBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/bench.db",
            "NEWSBOT_ALLOW_PRIVATE_NETWORKS": "true", "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET, "NEWSBOT_SLACK_API_URL": slack.api_url,
            "NEWSBOT_HTTP_HOST": "127.0.0.1", "NEWSBOT_HTTP_PORT": "0",
        })
        get_settings.cache_clear()
        service = Service(get_settings(), worker="bench")
        await service.start()
        if not any(p.name == "slack" for p in service.platforms):
            # The newsbot.platforms entry point is not installed yet: start it by hand.
            from handlers.slack.platform import build_platform

            platform = build_platform(service)
            assert platform is not None
            await platform.start()
            service.platforms.append(platform)
        [platform] = [p for p in service.platforms if p.name == "slack"]
        url = f"http://127.0.0.1:{platform.port}/slack/events"  # type: ignore[attr-defined]
        try:
            places = PLACES[:links]
            for i, (_, country) in enumerate(places):
                reply = await slack.command(url, f"subscribe {country}", channel=f"C{i:04d}")
                assert reply.text.startswith("Subscribed"), reply.text
            latencies: list[float] = []
            analysed: list[float] = []
            acks: list[float] = []
            missed: list[str] = []
            for i, (city, country) in enumerate(places):
                link = site.publish(f"/news/{i}", *article(city, country, 10 + i))
                channel = f"C{i:04d}"
                if gap > 0:
                    await asyncio.sleep(random.uniform(0, gap))
                message = slack.message(f"<{link}>", channel="C0NEWS")
                sent = time.monotonic()
                answer = await slack.event(url, message)
                acks.append(time.monotonic() - sent)
                assert answer.status_code == 200
                try:
                    [alert] = await slack.wait_for(
                        "chat.postMessage", 1, timeout=10.0,
                        where=lambda c, ch=channel: c.ok and c.args["channel"] == ch)
                except TimeoutError:
                    missed.append(f"{city}, {country}")
                    continue
                latencies.append(alert.at - sent)
                [reply] = await slack.wait_for(
                    "chat.postMessage", 1,
                    where=lambda c, ts=message["ts"]: c.ok and c.args.get("thread_ts") == ts)
                analysed.append(reply.at - sent)
        finally:
            await service.stop()
    if not latencies:
        print("no alert arrived", file=sys.stderr)
        return 1
    print(f"links posted: {len(places)}, alerts: {len(latencies)}, missed: {len(missed)}, "
          f"random pause before each link: up to {gap:g} s")
    if missed:
        print("  no alert for: " + "; ".join(missed))
    for label, values in (("event → alert chat.postMessage", latencies),
                          ("event → thread reply (pipeline done)", analysed)):
        q = statistics.quantiles(values, n=20, method="inclusive")
        print(f"{label}: median {statistics.median(values) * 1000:.0f} ms, "
              f"p95 {q[18] * 1000:.0f} ms, max {max(values) * 1000:.0f} ms")
    print(f"event HTTP ack: median {statistics.median(acks) * 1000:.1f} ms, "
          f"max {max(acks) * 1000:.1f} ms")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--links", type=int, default=50)
    parser.add_argument("--gap", type=float, default=0.5,
                        help="longest random pause (s) before each link; 0: back to back")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    return asyncio.run(run(min(args.links, len(PLACES)), args.gap))


if __name__ == "__main__":
    sys.exit(main())
