"""The Slack app end to end: the real ``Service`` (SQLite in tmp_path, the real Analyzer,
pipeline and outbox) with its Slack app in HTTP mode on 127.0.0.1, driven by signed
requests from a loopback fake of Slack (``slack_fake.FakeSlack``) — and once in Socket
Mode over the fake's websocket. Nothing of ours is mocked.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from urllib.parse import parse_qsl

import httpx
import pytest
from articles import AFGHAN, AFGHAN_COPY
from slack_fake import (
    APP_TOKEN,
    BOT_ID,
    BOT_TOKEN,
    BOT_USER,
    SIGNING_SECRET,
    Answer,
    ArticleSite,
    FakeSlack,
)

from bot.service.app import Service
from bot.service.commands import Reply
from bot.service.outbox import PermanentSendError, RetryableSendError
from bot.service.store import ChannelRow, DeliveryRow
from bot.service.store.schema import utcnow
from config.settings import Settings, get_settings
from handlers import build_sinks
from handlers.render import SLACK_MAX_BLOCKS, SLACK_TEXT_MAX
from handlers.slack.blocks import reply_message
from handlers.slack.sink import SlackSink

ALERTS, OTHER, NEWS = "C0ALERTS", "C0OTHER", "C0NEWS"


# -- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def platform_entry_point(tmp_path_factory) -> Iterator[None]:
    """The ``newsbot.platforms`` entry point, as pyproject.toml declares it once installed;
    until then a throwaway dist-info on sys.path provides it."""
    if any(ep.name == "slack" for ep in entry_points(group="newsbot.platforms")):
        yield
        return
    root = tmp_path_factory.mktemp("entry_points")
    info = root / "newsbot_slack_test-0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: newsbot-slack-test\nVersion: 0\n")
    (info / "entry_points.txt").write_text(
        "[newsbot.platforms]\nslack = handlers.slack.platform:build_platform\n"
    )
    sys.path.insert(0, str(root))
    try:
        yield
    finally:
        sys.path.remove(str(root))


@pytest.fixture(scope="module")
def models(analyzer):
    """The NLP model and gazetteer, loaded once (the Service's Analyzer shares them)."""
    return analyzer


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.users["UADMIN"] = {"is_admin": True}
        yield fake


@pytest.fixture
async def site() -> AsyncIterator[ArticleSite]:
    async with ArticleSite() as s:
        yield s


@dataclass
class Bot:
    service: Service
    url: str  # POST /slack/events

    @property
    def store(self):
        assert self.service.store is not None
        return self.service.store


def configure(monkeypatch, tmp_path: Path, slack: FakeSlack, **env: str) -> Settings:
    """The environment an operator would set; ``get_settings()`` reads it."""
    monkeypatch.chdir(tmp_path)
    values = {
        "NEWSBOT_CONFIG": str(tmp_path / "absent.toml"),
        "NEWSBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/newsbot.db",
        "NEWSBOT_ALLOW_PRIVATE_NETWORKS": "true",
        "SLACK_BOT_TOKEN": BOT_TOKEN,  # Slack's usual names, without the prefix
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "NEWSBOT_SLACK_API_URL": slack.api_url,
        "NEWSBOT_HTTP_HOST": "127.0.0.1",
        "NEWSBOT_HTTP_PORT": "0",
        **env,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    return get_settings()


async def start_bot(settings: Settings) -> Bot:
    service = Service(settings, worker="test")
    await service.start()
    [platform] = [p for p in service.platforms if p.name == "slack"]
    port = getattr(platform, "port", None)
    return Bot(service, f"http://127.0.0.1:{port}/slack/events")


@pytest.fixture
async def bot(models, slack, site, monkeypatch, tmp_path) -> AsyncIterator[Bot]:
    b = await start_bot(configure(monkeypatch, tmp_path, slack))
    try:
        yield b
    finally:
        await b.service.stop()
        get_settings.cache_clear()


async def subscribe(slack: FakeSlack, bot: Bot, channel: str, region: str) -> None:
    reply = await slack.command(bot.url, f"subscribe {region}", channel=channel)
    assert reply.text.startswith("Subscribed"), reply.text


def alerts_to(slack: FakeSlack, channel: str) -> list[dict]:
    return [c.args for c in slack.posts(channel) if "thread_ts" not in c.args]


# -- the path a link takes ----------------------------------------------------------------


async def test_link_in_a_channel_alerts_the_subscribed_channel_only(bot, slack, site) -> None:
    await subscribe(slack, bot, ALERTS, "Afghanistan")
    await subscribe(slack, bot, OTHER, "Europe")
    url = site.publish("/news/kandahar", *AFGHAN)
    message = slack.message(f"Look at this <{url}>", channel=NEWS)
    answer = await slack.event(bot.url, message)
    assert answer.status_code == 200

    [alert] = await slack.wait_for("chat.postMessage", 1,
                                   where=lambda c: c.ok and c.args["channel"] == ALERTS)
    blocks = alert.args["blocks"]
    assert blocks[0]["type"] == "header" and "Kandahar" in blocks[0]["text"]["text"]
    assert "ATTACK · Kandahar" in alert.args["text"]  # the fallback text is always set
    assert any(b["type"] == "context" for b in blocks)
    [button] = next(b for b in blocks if b["type"] == "actions")["elements"]
    assert button["url"] == url
    assert alert.token == BOT_TOKEN and "thread_ts" not in alert.args

    # The poster's thread gets the compact analysis.
    [reply] = await slack.wait_for("chat.postMessage", 1,
                                   where=lambda c: c.ok and c.args["channel"] == NEWS)
    assert reply.args["thread_ts"] == message["ts"]
    assert "ATTACK" in reply.args["text"]

    await asyncio.sleep(1.0)  # anything extra or misrouted would show by now
    assert len(alerts_to(slack, ALERTS)) == 1
    assert slack.posts(OTHER) == []
    assert site.hits["/news/kandahar"] == 1


async def test_forged_or_stale_signatures_get_401_and_change_nothing(bot, slack, site) -> None:
    url = site.publish("/news/kandahar", *AFGHAN)
    body, key = slack.command_body("subscribe Afghanistan", channel=ALERTS)
    forged = {"X-Slack-Signature": "v0=" + "0" * 64}
    refused = [
        await slack.send(bot.url, body, "application/x-www-form-urlencoded", headers=forged),
        # Correctly signed, but ten minutes old: a replay.
        await slack.send(bot.url, body, "application/x-www-form-urlencoded",
                         timestamp=int(time.time()) - 600),
        await slack.send(bot.url, slack.event_body(slack.message(f"<{url}>", channel=NEWS)),
                         "application/json", headers=forged),
    ]
    # Signed with another app's secret.
    other = FakeSlack(secret="not-our-secret")
    refused.append(await slack.send(
        bot.url, body, "application/x-www-form-urlencoded", headers=other.sign(body)))
    assert [r.status_code for r in refused] == [401, 401, 401, 401]

    await asyncio.sleep(0.5)
    assert not any(r.key == key for r in slack.responses)
    assert site.hits == {}
    assert [c.method for c in slack.calls] == []  # not even auth.test
    listing = await slack.command(bot.url, "list", channel=ALERTS)
    assert listing.text.startswith("This channel has no subscriptions"), listing.text


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Slack-Request-Timestamp": "not-a-time"},
        {"X-Slack-Request-Timestamp": "١٧٠٠٠٠٠٠٠٠"},  # digits int() reads, Slack never sends
        {"X-Slack-Request-Timestamp": "1_700_000_000"},
        {"X-Slack-Request-Timestamp": "9" * 400},
        {"X-Slack-Request-Timestamp": ""},
        {"X-Slack-Signature": "v0=" + "é" * 64},  # non-ASCII: hmac.compare_digest raises
        {"X-Slack-Signature": ""},
    ],
)
async def test_malformed_signature_headers_get_401_not_500(
    bot, slack, caplog, headers: dict[str, str]
) -> None:
    body, key = slack.command_body("subscribe Afghanistan", channel=ALERTS)
    sent = {k: v.encode("utf-8") for k, v in headers.items()}  # as raw bytes on the wire
    answer = await slack.send(bot.url, body, "application/x-www-form-urlencoded",
                              headers=sent)  # type: ignore[arg-type]
    assert answer.status_code == 401, answer.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    await asyncio.sleep(0.2)
    assert not any(r.key == key for r in slack.responses)
    assert [c.method for c in slack.calls] == []


async def test_retries_bots_and_edits_are_not_processed_twice(bot, slack, site) -> None:
    await subscribe(slack, bot, ALERTS, "Afghanistan")
    url = site.publish("/news/kandahar", *AFGHAN)
    message = slack.message(f"<{url}>", channel=NEWS)
    first = await slack.event(bot.url, message, event_id="Ev1")
    retry = await slack.event(bot.url, message, event_id="Ev1", retry_num=1)
    mention = {**message, "type": "app_mention", "text": f"<@{BOT_USER}> <{url}>"}
    mention.pop("channel_type")
    also_mention = await slack.event(bot.url, mention, event_id="Ev2")
    assert [r.status_code for r in (first, retry, also_mention)] == [200, 200, 200]
    await slack.wait_for("chat.postMessage", 2)  # the alert and the thread reply

    ignored = {
        "/news/bot": slack.message("", channel=NEWS, bot_id="B0OTHER", subtype="bot_message"),
        "/news/own": slack.message("", channel=NEWS, user=BOT_USER, bot_id=BOT_ID),
        "/news/edit": {**slack.message("", channel=NEWS), "subtype": "message_changed"},
        "/news/dm": {**slack.message("", channel="D0DM"), "channel_type": "im"},
    }
    for path, event in ignored.items():
        event["text"] = f"<{site.publish(path, *AFGHAN_COPY)}>"
        assert (await slack.event(bot.url, event)).status_code == 200
    await asyncio.sleep(1.5)
    assert site.hits == {"/news/kandahar": 1}
    assert len(alerts_to(slack, ALERTS)) == 1
    assert len(slack.posts(NEWS)) == 1  # one thread reply


async def test_rate_limited_alert_is_retried_after_retry_after(
    models, slack, site, monkeypatch, tmp_path
) -> None:
    # Thread replies off: the link goes through the shared queue (Service.submit_link),
    # and the only chat.postMessage is the alert.
    bot = await start_bot(configure(monkeypatch, tmp_path, slack,
                                    NEWSBOT_SLACK_THREAD_REPLIES="false"))
    try:
        await subscribe(slack, bot, ALERTS, "Afghanistan")
        slack.script("chat.postMessage", Answer(429, {"Retry-After": "1"}))
        url = site.publish("/news/kandahar", *AFGHAN)
        await slack.event(bot.url, slack.message(f"<{url}>", channel=NEWS))
        [sent] = await slack.wait_for("chat.postMessage", 1)
        refused = [c for c in slack.calls if c.method == "chat.postMessage" and c.status == 429]
        assert len(refused) == 1
        assert sent.at - refused[0].at >= 0.95  # Retry-After: 1 was honoured
        await asyncio.sleep(1.0)
        assert len(slack.posts()) == 1 and slack.posts(NEWS) == []
        async with bot.service.store.session() as repo:
            [row] = await repo.deliveries_for_article(1, 2) or [None]
        assert row is not None and row.status == "sent" and row.attempts == 2
        assert row.sent_message_id == sent.answer["ts"]
    finally:
        await bot.service.stop()
        get_settings.cache_clear()


async def test_also_reported_goes_into_the_alert_thread(bot, slack, site) -> None:
    await subscribe(slack, bot, ALERTS, "Afghanistan")
    first = site.publish("/news/kandahar", *AFGHAN)
    await slack.event(bot.url, slack.message(f"<{first}>", channel=NEWS))
    [alert] = await slack.wait_for("chat.postMessage", 1,
                                   where=lambda c: c.ok and c.args["channel"] == ALERTS)
    # Another outlet (another host) reports the same attack.
    site.publish("/other/insurgents-strike-kandahar", *AFGHAN_COPY)
    second = site.url("/other/insurgents-strike-kandahar", host="localhost")
    await slack.event(bot.url, slack.message(f"<{second}>", channel=NEWS))
    [update] = await slack.wait_for(
        "chat.postMessage", 1,
        where=lambda c: c.ok and c.args["channel"] == ALERTS and "thread_ts" in c.args)
    assert update.args["thread_ts"] == alert.answer["ts"]
    assert "Also reported by localhost" in update.args["text"]
    assert len(alerts_to(slack, ALERTS)) == 1


# -- /newsbot -------------------------------------------------------------------------------


async def test_subscribe(bot, slack) -> None:
    ok = await slack.command(bot.url, "subscribe South Asia attack,capture min=high",
                             channel=ALERTS)
    assert ok.ephemeral and ok.text.startswith("Subscribed to South Asia (attack, capture, "
                                               "severity high or higher)")
    for text, expected in [
        ("subscribe", "Which region?"),
        ("subscribe Qwertyland", "I don't know the region 'Qwertyland'"),
        ("subscribe Afghanistan attacks,parades", "Unknown event type: parades"),
        ("subscribe Afghanistan min=apocalyptic", "Unknown severity 'apocalyptic'"),
        ("subscribe South Asia", "already subscribed to South Asia"),
    ]:
        reply = await slack.command(bot.url, text, channel=ALERTS)
        assert reply.ephemeral and expected in reply.text, (text, reply.text)
        assert reply.text.startswith("⚠️"), reply.text


async def test_unsubscribe(bot, slack) -> None:
    for region in ("Afghanistan", "Sahel", "Europe"):
        await subscribe(slack, bot, ALERTS, region)
    reply = await slack.command(bot.url, "unsubscribe Afghanistan", channel=ALERTS)
    assert reply.text.startswith("Unsubscribed from Afghanistan"), reply.text
    reply = await slack.command(bot.url, "unsubscribe all", channel=ALERTS)
    assert reply.text.startswith("Removed 2 subscriptions"), reply.text
    for text, expected in [
        ("unsubscribe", "Which region?"),
        ("unsubscribe Afghanistan", "not subscribed to 'Afghanistan'"),
    ]:
        reply = await slack.command(bot.url, text, channel=ALERTS)
        assert reply.ephemeral and expected in reply.text, (text, reply.text)


async def test_list(bot, slack) -> None:
    empty = await slack.command(bot.url, "list", channel=ALERTS)
    assert empty.ephemeral and empty.text.startswith("This channel has no subscriptions")
    await subscribe(slack, bot, ALERTS, "Afghanistan")
    await slack.command(bot.url, "subscribe Sahel attack min=high", channel=ALERTS)
    listing = await slack.command(bot.url, "list", channel=ALERTS)
    assert listing.ephemeral and listing.text.startswith("2 subscriptions")
    assert "Sahel — attack, high+" in listing.text
    other = await slack.command(bot.url, "list", channel=OTHER)  # per channel
    assert other.text.startswith("This channel has no subscriptions")


async def test_summary(bot, slack, site) -> None:
    url = site.publish("/news/kandahar", *AFGHAN)
    article = await slack.command(bot.url, f"summary <{url}>", channel=ALERTS)
    assert not article.ephemeral  # summaries go to the channel
    assert "ATTACK · Kandahar" in article.text and AFGHAN[0] in article.text
    private = await slack.command(bot.url, f"summary {url} private", channel=ALERTS)
    assert private.ephemeral and "ATTACK · Kandahar" in private.text

    await slack.event(bot.url, slack.message(f"<{url}>", channel=NEWS))
    await slack.wait_for("chat.postMessage", 1)  # the thread reply: the link is stored
    region = await slack.command(bot.url, "summary Afghanistan 24h", channel=ALERTS)
    assert not region.ephemeral and region.text.startswith("Afghanistan, last 24 h"), region.text
    assert "attack: 1 — Kandahar" in region.text
    quiet = await slack.command(bot.url, "summary Sahel", channel=ALERTS)
    assert quiet.text.startswith("No events in Sahel in the last 24 h"), quiet.text

    for text, expected in [
        ("summary", "Summary of what?"),
        ("summary Afghanistan 3x", "not a time window"),
        ("summary Afghanistan 90d", "between 1 minute and 31 days"),
        ("summary Qwertyland 24h", "I don't know the region 'Qwertyland'"),
        (f"summary {site.url('/news/missing')}", "I could not read that link"),
    ]:
        reply = await slack.command(bot.url, text, channel=ALERTS)
        assert reply.ephemeral and expected in reply.text, (text, reply.text)


async def test_feed(bot, slack) -> None:
    empty = await slack.command(bot.url, "feed list")
    assert empty.ephemeral and empty.text.startswith("No feeds are watched")
    added = await slack.command(bot.url, "feed add <https://example.org/rss>")
    assert added.text.startswith("Watching https://example.org/rss"), added.text
    listing = await slack.command(bot.url, "feed list")
    assert listing.text.startswith("1 feed:") and "https://example.org/rss" in listing.text
    removed = await slack.command(bot.url, "feed remove https://example.org/rss")
    assert removed.text.startswith("Stopped watching"), removed.text
    for text, expected in [
        ("feed", "feed add, feed remove or feed list?"),
        ("feed add", "Which feed?"),
        ("feed add not-a-link", "'not-a-link' is not a link"),
        ("feed remove https://example.org/rss", "Not watching"),
        ("feed delete https://example.org/rss", "feed add, feed remove or feed list?"),
    ]:
        reply = await slack.command(bot.url, text)
        assert reply.ephemeral and expected in reply.text, (text, reply.text)
    await slack.command(bot.url, "feed add https://example.org/rss")
    dup = await slack.command(bot.url, "feed add https://example.org/rss")
    assert "Already watching" in dup.text


async def test_why(bot, slack, site) -> None:
    await subscribe(slack, bot, ALERTS, "Europe")
    url = site.publish("/news/kandahar", *AFGHAN)
    why = await slack.command(bot.url, f"why {url}", channel=ALERTS)
    assert why.ephemeral and why.text.startswith("Why ")
    assert "not seen before; analysed now" in why.text and "✘ Europe" in why.text
    for text, expected in [
        ("why", "Why what?"),
        ("why kandahar", "'kandahar' is not a link"),
        (f"why {site.url('/news/missing')}", "I could not read that link"),
    ]:
        reply = await slack.command(bot.url, text, channel=ALERTS)
        assert reply.ephemeral and expected in reply.text, (text, reply.text)


async def test_help_and_unknown_subcommands(bot, slack) -> None:
    for text in ("help", ""):
        reply = await slack.command(bot.url, text)
        assert reply.ephemeral and reply.text.startswith("newsbot commands"), reply.text
        assert "subscribe <region>" in reply.text
    typo = await slack.command(bot.url, "subscrbe Afghanistan")
    assert typo.ephemeral and "I don't know the subcommand 'subscrbe'" in typo.text
    assert "Did you mean /newsbot subscribe?" in typo.text
    other = await slack.command(bot.url, "dance")
    assert "Try /newsbot help" in other.text


async def test_only_admins_and_named_people_may_change_things(
    models, slack, site, monkeypatch, tmp_path
) -> None:
    slack.groups["S0EDITORS"] = ["UEDITOR"]
    slack.users["UOWNER"] = {"is_owner": True}
    bot = await start_bot(configure(monkeypatch, tmp_path, slack,
                                    NEWSBOT_SLACK_ADMIN_USERS="UNAMED, UOTHER",
                                    NEWSBOT_SLACK_ADMIN_GROUPS='["S0EDITORS"]'))
    try:
        for text in ("subscribe Afghanistan", "unsubscribe all", "feed add https://x.org/rss",
                     "feed remove https://x.org/rss"):
            reply = await slack.command(bot.url, text, channel=ALERTS, user="UMEMBER")
            assert reply.ephemeral and reply.text.startswith("⚠️ You can't run"), reply.text
            assert "workspace admins and owners" in reply.text
        asked = [c.args["user"] for c in slack.calls if c.method == "users.info"]
        assert asked == ["UMEMBER"]  # the answer is cached
        listing = await slack.command(bot.url, "list", channel=ALERTS, user="UMEMBER")
        assert listing.text.startswith("This channel has no subscriptions")  # nothing changed
        async with bot.service.store.session() as repo:
            assert await repo.list_feeds() == []

        for user, region in [("UOWNER", "Afghanistan"), ("UNAMED", "Sahel"),
                             ("UEDITOR", "Europe")]:
            reply = await slack.command(bot.url, f"subscribe {region}", channel=ALERTS, user=user)
            assert reply.text.startswith("Subscribed"), (user, reply.text)
        assert "UNAMED" not in [c.args["user"] for c in slack.calls if c.method == "users.info"]
    finally:
        await bot.service.stop()
        get_settings.cache_clear()


async def test_a_failed_rights_check_is_not_remembered(bot, slack) -> None:
    slack.script("users.info", Answer(500))  # Slack has a bad moment
    refused = await slack.command(bot.url, "subscribe Afghanistan", channel=ALERTS)
    assert refused.text.startswith("⚠️ You can't run"), refused.text
    # The admin tries again at once and Slack answers: no 300 s lock-out.
    again = await slack.command(bot.url, "subscribe Afghanistan", channel=ALERTS)
    assert again.text.startswith("Subscribed"), again.text
    assert [c.status for c in slack.calls if c.method == "users.info"] == [500, 200]
    # A real answer is remembered.
    await slack.command(bot.url, "unsubscribe Afghanistan", channel=ALERTS)
    assert len([c for c in slack.calls if c.method == "users.info"]) == 2


async def test_feed_credentials_never_show(bot, slack) -> None:
    added = await slack.command(bot.url, "feed add <https://bot:hunter2@example.org/rss>")
    assert added.text.startswith("Watching https://***@example.org/rss"), added.text
    listing = await slack.command(bot.url, "feed list")
    assert "https://***@example.org/rss" in listing.text
    dup = await slack.command(bot.url, "feed add https://bot:hunter2@example.org/rss")
    assert "Already watching" in dup.text
    for reply in (added, listing, dup):
        assert "hunter2" not in json.dumps(reply.body), reply.body
    async with bot.service.store.session() as repo:  # still polled with its credentials
        [feed] = await repo.list_feeds()
    assert feed.url == "https://bot:hunter2@example.org/rss"


# -- Socket Mode ----------------------------------------------------------------------------


async def test_socket_mode(models, slack, site, monkeypatch, tmp_path) -> None:
    settings = configure(monkeypatch, tmp_path, slack, SLACK_APP_TOKEN=APP_TOKEN)
    monkeypatch.delenv("SLACK_SIGNING_SECRET")
    get_settings.cache_clear()
    settings = get_settings()
    assert settings.slack_signing_secret is None
    service = Service(settings, worker="test")
    await service.start()
    try:
        await slack.socket_connected()
        opened = [c for c in slack.calls if c.method == "apps.connections.open"]
        assert opened and opened[0].token == APP_TOKEN
        body, key = slack.command_body("subscribe Afghanistan", channel=ALERTS)
        envelope = await slack.socket_send("slash_commands", dict(parse_qsl(body.decode())))
        reply = await slack.wait_for_response(key)
        assert reply.text.startswith("Subscribed to Afghanistan"), reply.text
        await slack.wait_for_ack(envelope)  # acked over the socket, answered on response_url

        url = site.publish("/news/kandahar", *AFGHAN)
        event = slack.event_body(slack.message(f"<{url}>", channel=NEWS))
        await slack.wait_for_ack(await slack.socket_send("events_api", json.loads(event)))
        [alert] = await slack.wait_for("chat.postMessage", 1,
                                       where=lambda c: c.ok and c.args["channel"] == ALERTS)
        assert "ATTACK · Kandahar" in alert.args["text"]
    finally:
        await service.stop()
        get_settings.cache_clear()


# -- without tokens, settings, sink and rendering -----------------------------------------


async def test_no_token_no_slack(models, slack, monkeypatch, tmp_path) -> None:
    settings = configure(monkeypatch, tmp_path, slack)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name)
    get_settings.cache_clear()
    settings = get_settings()
    service = Service(settings, worker="test")
    await service.start()
    try:
        assert service.platforms == []
        assert service.outbox is not None and "slack" not in service.outbox.sinks
    finally:
        await service.stop()
        get_settings.cache_clear()


def test_settings_accept_slack_names_with_and_without_prefix(monkeypatch) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN",
                 "NEWSBOT_SLACK_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    bare = Settings(_env_file=None)
    assert bare.slack_bot_token is None and bare.slack_app_token is None
    assert bare.slack_api_url == "https://slack.com/api/" and bare.http_port == 3000
    assert bare.slack_thread_replies and bare.slack_admin_users == []
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-plain")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-plain")
    monkeypatch.setenv("NEWSBOT_SLACK_SIGNING_SECRET", "prefixed")
    monkeypatch.setenv("NEWSBOT_SLACK_ADMIN_USERS", "U1,U2")
    s = Settings(_env_file=None)
    assert s.slack_bot_token is not None and s.slack_bot_token.get_secret_value() == "xoxb-plain"
    assert s.slack_app_token is not None and s.slack_app_token.get_secret_value() == "xapp-plain"
    assert s.slack_signing_secret is not None
    assert s.slack_signing_secret.get_secret_value() == "prefixed"
    assert s.slack_admin_users == ["U1", "U2"]
    monkeypatch.setenv("NEWSBOT_SLACK_BOT_TOKEN", "xoxb-prefixed")  # the prefixed name wins
    assert Settings(_env_file=None).slack_bot_token.get_secret_value() == "xoxb-prefixed"
    assert "xoxb" not in repr(Settings(_env_file=None))


async def test_slack_sink_maps_slack_answers_to_outbox_errors(slack, tmp_path) -> None:
    from fakes import sample_alert

    channel = ChannelRow(id=1, platform="slack", channel_id=ALERTS, name="alerts")
    alert = sample_alert()
    delivery = DeliveryRow(id=1, channel_id=1, cluster_id=1, kind="alert",
                           payload={"alert": alert.to_payload()}, attempts=1)
    async with httpx.AsyncClient(timeout=2.0) as client:
        sink = SlackSink(client, BOT_TOKEN, api_url=slack.api_url)
        ok = await sink.send(channel, delivery, alert)
        assert ok.message_id == slack.posts()[0].answer["ts"]
        slack.script("chat.postMessage",
                     Answer(429, {"Retry-After": "7"}),
                     Answer(503),
                     Answer(body={"ok": False, "error": "ratelimited"}),
                     Answer(body={"ok": False, "error": "channel_not_found"}),
                     Answer(body={"ok": False, "error": "not_in_channel"}),
                     Answer(body={"ok": False, "error": "invalid_blocks"}))
        errors = []
        for _ in range(6):
            with pytest.raises((RetryableSendError, PermanentSendError)) as caught:
                await sink.send(channel, delivery, alert)
            errors.append(caught.value)
        assert isinstance(errors[0], RetryableSendError) and errors[0].retry_after == 7
        assert isinstance(errors[1], RetryableSendError)
        assert isinstance(errors[2], RetryableSendError)
        assert isinstance(errors[3], PermanentSendError) and errors[3].gone
        assert isinstance(errors[4], PermanentSendError) and not errors[4].gone
        assert isinstance(errors[5], PermanentSendError) and not errors[5].gone
        assert all(BOT_TOKEN not in str(e) for e in errors)
        bad = SlackSink(client, "xoxb-wrong", api_url=slack.api_url)
        with pytest.raises(PermanentSendError, match="invalid_auth"):
            await bad.send(channel, delivery, alert)
        assert "xoxb" not in repr(bad)


async def test_a_send_repeated_after_a_crash_finds_the_first_message(slack) -> None:
    # kill -9 between Slack's answer and the outbox's record of it: the delivery is claimed
    # again (attempts 2) and its id, carried as message metadata, finds the first message.
    from fakes import sample_alert

    channel = ChannelRow(id=1, platform="slack", channel_id=ALERTS, name="alerts")
    alert = sample_alert()
    first = DeliveryRow(id=7, channel_id=1, cluster_id=1, kind="alert",
                        payload={"alert": alert.to_payload()}, attempts=1,
                        created_at=utcnow())
    other = DeliveryRow(id=8, channel_id=1, cluster_id=2, kind="alert",
                        payload={"alert": alert.to_payload()}, attempts=1,
                        created_at=utcnow())
    async with httpx.AsyncClient(timeout=2.0) as client:
        sink = SlackSink(client, BOT_TOKEN, api_url=slack.api_url)
        sent = await sink.send(channel, first, alert)
        await sink.send(channel, other, alert)
        assert len(slack.posts(ALERTS)) == 2
        first.attempts = 2
        again = await sink.send(channel, first, alert)
        assert again.message_id == sent.message_id and len(slack.posts(ALERTS)) == 2
        # Without the history scope the check fails quietly and the alert is posted again:
        # a possible repeat rather than a lost alert.
        slack.history_scope = False
        first.attempts = 3
        assert (await sink.send(channel, first, alert)).message_id != sent.message_id
        assert len(slack.posts(ALERTS)) == 3


def test_build_sinks_adds_slack_only_with_a_bot_token(monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.delenv("NEWSBOT_SLACK_BOT_TOKEN", raising=False)
    get_settings.cache_clear()
    client = httpx.AsyncClient()
    try:
        assert "slack" not in build_sinks(None, client)  # type: ignore[arg-type]
        monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
        get_settings.cache_clear()
        assert isinstance(build_sinks(None, client)["slack"], SlackSink)  # type: ignore[arg-type]
    finally:
        get_settings.cache_clear()


def test_replies_respect_slack_limits() -> None:
    long = Reply(True, "Many", [f"line {i} " + "x" * 400 for i in range(500)],
                 links=[("a <b> & c", "https://example.org/a")])
    message = reply_message(long)
    assert len(message["blocks"]) <= SLACK_MAX_BLOCKS
    assert all(len(b["text"]["text"]) <= SLACK_TEXT_MAX for b in message["blocks"])
    assert message["text"] and message["response_type"] == "ephemeral"
    short = reply_message(Reply(True, "x", links=[("a <b> & c", "https://example.org/a")]),
                          ephemeral=False)
    assert "<https://example.org/a|a &lt;b&gt; &amp; c>" in short["blocks"][1]["text"]["text"]
    assert short["response_type"] == "in_channel"


def test_manifest_declares_what_the_app_handles() -> None:
    text = (Path(__file__).resolve().parent.parent / "manifest.yml").read_text()
    assert "command: /newsbot" in text and "should_escape: false" in text
    for needed in ("commands", "chat:write", "channels:history", "groups:history",
                   "app_mentions:read", "users:read", "usergroups:read",
                   "message.channels", "message.groups", "app_mention", "/slack/events"):
        assert needed in text, needed
