"""The Discord bot against a loopback fake of Discord's REST API (``discord_fake``).

Real pieces throughout: discord.py's client and HTTP stack (``Route.BASE`` pointed at the
fake), a SQLite store in ``tmp_path``, the real Analyzer, Ingestor and OutboxWorker, and a
loopback article site. The gateway websocket is not faked: ``INTERACTION_CREATE`` and
``MESSAGE_CREATE`` payloads are dispatched into the client's connection state
(``parse_interaction_create`` / ``parse_message_create``), as discord.py's gateway reader
does, so real ``discord.Interaction`` and ``discord.Message`` objects go through the
command tree and ``on_message``.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import discord
import pytest
from databases import fresh_database, require_postgres
from discord_fake import (
    APP_ID,
    BOT_ID,
    BOT_PERMISSIONS,
    MANAGE_CHANNELS,
    TOKEN,
    VIEW_CHANNEL,
    FakeDiscord,
    Reply,
    command_data,
    interaction_payload,
    message_payload,
    option,
    snowflake,
)
from fakes import add_channel, queue_alert, sample_alert

from bot.service.commands import Commands
from bot.service.commands import Reply as Reply_
from bot.service.outbox import OutboxWorker, original_finder
from bot.service.pipeline import Ingestor
from bot.service.store import Store
from bot.service.store.schema import utcnow
from config.settings import Settings
from handlers.discord.client import (
    NewsbotClient,
    NewsbotShardedClient,
    invite_url,
    make_client,
)
from handlers.discord.parse import extract_links, suggest_regions
from handlers.discord.sink import DiscordSink
from handlers.discord.tree import command_names, reply_embed
from handlers.render import (
    DISCORD_DESCRIPTION_MAX,
    DISCORD_EMBED_TOTAL_MAX,
    DISCORD_FIELD_VALUE_MAX,
    DISCORD_FOOTER_MAX,
    DISCORD_TITLE_MAX,
    embed_length,
    text_length,
)

GUILD = "600000000000000001"
DESK = "700000000000000001"  # subscribed to South Asia
EUROPE = "700000000000000002"  # subscribed to Europe
LOBBY = "700000000000000003"  # no subscriptions
PAGES: dict[str, tuple[str, str]] = {
    "/kandahar": (
        "Taliban attack Kandahar",
        "Taliban fighters attacked the Afghan city of Kandahar on Monday after heavy fighting "
        "with government troops, officials said. Thousands of residents fled.",
    ),
}
CITIES = [
    ("Kandahar", "Afghan"), ("Herat", "Afghan"), ("Mazar-i-Sharif", "Afghan"),
    ("Jalalabad", "Afghan"), ("Kunduz", "Afghan"), ("Peshawar", "Pakistani"),
    ("Quetta", "Pakistani"), ("Lahore", "Pakistani"), ("Karachi", "Pakistani"),
    ("Multan", "Pakistani"), ("Kharkiv", "Ukrainian"), ("Odesa", "Ukrainian"),
    ("Zaporizhzhia", "Ukrainian"), ("Dnipro", "Ukrainian"), ("Kherson", "Ukrainian"),
    ("Aleppo", "Syrian"), ("Homs", "Syrian"), ("Idlib", "Syrian"), ("Raqqa", "Syrian"),
    ("Mosul", "Iraqi"), ("Kirkuk", "Iraqi"), ("Basra", "Iraqi"), ("Fallujah", "Iraqi"),
    ("Tikrit", "Iraqi"), ("Khartoum", "Sudanese"), ("El Fasher", "Sudanese"),
    ("Bamako", "Malian"), ("Nyala", "Sudanese"), ("Kassala", "Sudanese"),
    ("Maiduguri", "Nigerian"), ("Kaduna", "Nigerian"), ("Kano", "Nigerian"),
    ("Jos", "Nigerian"), ("Sokoto", "Nigerian"), ("Goma", "Congolese"),
    ("Bukavu", "Congolese"), ("Beni", "Congolese"), ("Bunia", "Congolese"),
    ("Uvira", "Congolese"), ("Mogadishu", "Somali"), ("Sanaa", "Yemeni"), ("Aden", "Yemeni"),
    ("Taiz", "Yemeni"), ("Hodeidah", "Yemeni"), ("Marib", "Yemeni"), ("Timbuktu", "Malian"),
    ("Gao", "Malian"), ("Mopti", "Malian"), ("Ouagadougou", "Burkinabe"), ("Djibo", "Burkinabe"),
]
for _i, (_city, _adj) in enumerate(CITIES):
    PAGES[f"/bench/{_i}"] = (
        f"Gunmen attack {_city}",
        f"Gunmen attacked the {_adj} city of {_city} on Monday, killing at least 12 civilians "
        "and wounding dozens more, local officials said. Residents said the fighting lasted "
        "several hours before security forces regained control of the city centre.",
    )


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            if self.path not in PAGES:
                self.send_error(404)
                return
            title, text = PAGES[self.path]
            data = (f"<html><head><title>{title}</title></head><body><article><h1>{title}"
                    f"</h1><p>{text}</p></article></body></html>").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@dataclass
class Env:
    fake: FakeDiscord
    client: NewsbotClient
    store: Store
    commands: Commands
    ingestor: Ingestor
    outbox: OutboxWorker
    settings: Settings

    async def interact(self, payload: dict[str, Any], *, count: int = 1) -> list[Any]:
        """Dispatch an interaction; the callback (and follow-ups) it answered with."""
        self.client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
        token = payload["token"]

        def answered() -> list[Any]:
            done = self.fake.callbacks(payload["id"]) + self.fake.followups(token)
            return done if len(done) >= count else []

        return await self.fake.wait_until(answered, timeout=10)

    async def command(self, name: str, *options: dict[str, Any], sub: str | None = None,
                      channel: str = DESK, count: int = 1, **kw: Any) -> dict[str, Any]:
        """Run a slash command; the last answer's message data (embed, flags)."""
        payload = interaction_payload(command_data(name, *options, sub=sub), guild_id=GUILD,
                                      channel_id=channel, **kw)
        answers = await self.interact(payload, count=count)
        last = answers[-1].json
        return last.get("data", last) if "type" in last else last

    async def message(self, content: str, *, channel: str = LOBBY, **kw: Any) -> None:
        before = asyncio.all_tasks()
        self.client._connection.parse_message_create(  # type: ignore[arg-type]
            message_payload(content, channel_id=channel, guild_id=GUILD, **kw))
        # discord.py runs on_message as a task of its own; wait for exactly those tasks, not
        # for a guessed time (a loaded machine once took longer than 50 ms to look up a channel).
        dispatched = [t for t in asyncio.all_tasks() - before
                      if t.get_name().startswith("discord.py: ")]
        assert dispatched, "the message was not dispatched"
        await asyncio.gather(*dispatched)
        await self.ingestor.join()

    async def deliver(self) -> int:
        sent = 0
        while n := await self.outbox.run_once():
            sent += n
        return sent


@pytest.fixture
async def env(tmp_path: Path, analyzer, site: str) -> AsyncIterator[Env]:
    async for made in _env(f"sqlite+aiosqlite:///{tmp_path}/d.db", analyzer):
        yield made


@pytest.fixture(params=["sqlite", "postgresql"])
async def any_env(request: pytest.FixtureRequest, tmp_path: Path, analyzer,
                  site: str) -> AsyncIterator[Env]:
    """``env`` on a fresh SQLite file, and on PostgreSQL when NEWSBOT_TEST_POSTGRES_URL is set."""
    if request.param == "postgresql":
        require_postgres()
    async for url in fresh_database(request.param, tmp_path):
        async for made in _env(url, analyzer):
            yield made


async def _env(url: str, analyzer) -> AsyncIterator[Env]:
    async with FakeDiscord() as fake:
        settings = Settings(_env_file=None, discord_token=TOKEN, discord_api_url=fake.api_url,
                            allow_private_networks=True, fetch_timeout=5)
        analyzer.settings = settings
        store = await Store.open(url)
        commands = Commands(store, analyzer)
        ingestor = Ingestor(store, analyzer, settings)
        await ingestor.start()
        client = make_client(settings, commands=commands, submit=ingestor.submit)
        assert isinstance(client, NewsbotClient)
        await client.ensure_login()
        outbox = OutboxWorker(store, {"discord": DiscordSink(client, find_original=original_finder(
            store))}, worker_id="test", min_interval_per_channel={})
        try:
            yield Env(fake, client, store, commands, ingestor, outbox, settings)
        finally:
            await client.close()
            await ingestor.stop(drain=False)
            await store.close()


def embed_of(data: dict[str, Any]) -> dict[str, Any]:
    return data["embeds"][0]


def ephemeral(data: dict[str, Any]) -> bool:
    return bool(data.get("flags", 0) & 64)


def assert_within_limits(body: dict[str, Any]) -> None:
    assert len(body["embeds"]) == 1
    e = body["embeds"][0]
    assert text_length(e["title"]) <= DISCORD_TITLE_MAX
    assert text_length(e.get("description", "")) <= DISCORD_DESCRIPTION_MAX
    assert text_length(e["footer"]["text"]) <= DISCORD_FOOTER_MAX
    assert len(e.get("fields", [])) <= 25
    for f in e.get("fields", []):
        assert text_length(f["name"]) <= 256 and text_length(f["value"]) <= DISCORD_FIELD_VALUE_MAX
    assert embed_length(e) <= DISCORD_EMBED_TOTAL_MAX
    assert body["allowed_mentions"] == {"parse": []}


async def subscribe(env: Env, channel: str, region: str, *extra: dict[str, Any]) -> dict:
    return await env.command("subscribe", option("region", region), *extra, channel=channel)


# -- connection ----------------------------------------------------------------------------


async def test_login_syncs_commands_against_the_fake(env: Env) -> None:
    assert env.fake.api_url == discord.http.Route.BASE
    paths = [r.path for r in env.fake.requests]
    assert paths[:3] == ["/users/@me", "/oauth2/applications/@me",
                         f"/applications/{APP_ID}/commands"]
    assert env.client.user is not None and str(env.client.user.id) == BOT_ID
    synced = {c["name"]: c for c in env.fake.synced["global"]}
    assert set(synced) == {"subscribe", "unsubscribe", "subscriptions", "resume", "summary",
                           "why", "help", "feed", "Analyze article"}
    assert synced["Analyze article"]["type"] == 3
    for name in ("subscribe", "unsubscribe", "resume", "feed"):
        assert int(synced[name]["default_member_permissions"]) == MANAGE_CHANNELS
    assert synced["summary"]["default_member_permissions"] is None
    region = synced["subscribe"]["options"][0]
    assert region["name"] == "region" and region["autocomplete"] is True
    kinds = {o["name"]: o for o in synced["subscribe"]["options"]}
    assert [c["value"] for c in kinds["type"]["choices"]][:2] == ["attack", "capture"]
    assert [c["value"] for c in kinds["min_severity"]["choices"]] == [
        "low", "medium", "high", "critical"]
    assert "feed add" in command_names(env.client.tree)
    assert not env.client.intents.message_content and env.client.intents.guild_messages


async def test_dev_guild_sync_sharding_and_token_aliases(monkeypatch) -> None:
    async with FakeDiscord() as fake:
        s = Settings(_env_file=None, discord_token=TOKEN, discord_api_url=fake.api_url,
                     discord_dev_guild=int(GUILD), discord_sharded=True,
                     discord_message_content=True)
        client = make_client(s)
        assert isinstance(client, NewsbotShardedClient) and client.intents.message_content
        try:
            await client.ensure_login()
            await client.ensure_login()  # once only
        finally:
            await client.close()
        assert fake.synced[GUILD][0]["name"] == "subscribe"
        assert "global" not in fake.synced
        assert sum(r.path == "/users/@me" for r in fake.requests) == 1
        bad = make_client(Settings(_env_file=None, discord_token="wrong",
                                   discord_api_url=fake.api_url))
        with pytest.raises(discord.LoginFailure):
            await bad.ensure_login()
        await bad.close()
    assert invite_url(APP_ID).endswith(
        f"client_id={APP_ID}&scope=bot+applications.commands&permissions=19456")
    monkeypatch.setenv("DISCORD_TOKEN", "plain")
    assert Settings(_env_file=None).discord_token.get_secret_value() == "plain"
    monkeypatch.setenv("NEWSBOT_DISCORD_TOKEN", "prefixed")
    assert Settings(_env_file=None).discord_token.get_secret_value() == "prefixed"


# -- commands: subscribe, autocomplete, unsubscribe, subscriptions -------------------------


async def test_subscribe_answers_on_the_callback_route(env: Env) -> None:
    payload = interaction_payload(
        command_data("subscribe", option("region", "south asia"), option("type", "attack"),
                     option("type2", "capture"), option("min_severity", "high")),
        guild_id=GUILD, channel_id=DESK)
    [callback] = await env.interact(payload)
    assert callback.path == f"/interactions/{payload['id']}/{payload['token']}/callback"
    body = callback.json
    assert body["type"] == 4 and ephemeral(body["data"])
    assert embed_of(body["data"])["title"] == (
        "Subscribed to South Asia (attack, capture, severity high or higher).")
    async with env.store.session() as repo:
        row = await repo.get_channel("discord", DESK, GUILD)
        [sub] = await repo.list_subscriptions(row.id)
    assert (sub.region_name, sub.types, sub.min_severity) == ("South Asia", ["attack", "capture"],
                                                              "high")
    assert sub.created_by == "discord:500000000000000001"


async def test_member_without_manage_channels_cannot_subscribe(env: Env) -> None:
    data = await subscribe_as(env, permissions=BOT_PERMISSIONS)
    assert ephemeral(data) and "Manage Channels" in embed_of(data)["title"]
    async with env.store.session() as repo:
        assert await repo.list_subscriptions() == []
    # unsubscribe and feeds are guarded the same way
    data = await env.command("unsubscribe", option("region", "all"), permissions=BOT_PERMISSIONS)
    assert ephemeral(data) and "Manage Channels" in embed_of(data)["title"]
    data = await env.command("feed", option("url", "https://example.org/rss"), sub="add",
                             permissions=BOT_PERMISSIONS)
    assert "Manage Channels" in embed_of(data)["title"]
    async with env.store.session() as repo:
        assert await repo.list_feeds() == []


async def subscribe_as(env: Env, **kw: Any) -> dict[str, Any]:
    return await env.command("subscribe", option("region", "Afghanistan"), **kw)


async def test_subscribe_errors_are_ephemeral_with_a_fix(env: Env) -> None:
    data = await subscribe(env, DESK, "Afganistan")
    e = embed_of(data)
    assert ephemeral(data) and "don't know the region" in e["title"]
    assert "Afghanistan" in e["description"] and e["color"] == 0xC62828
    data = await env.command("subscribe", option("region", "Sahel"),
                             app_permissions=VIEW_CHANNEL)  # the bot cannot post here
    assert "Send Messages, Embed Links" in embed_of(data)["title"]
    assert ephemeral(await subscribe(env, DESK, "Sahel"))
    again = await subscribe(env, DESK, "Sahel")
    assert "already subscribed" in embed_of(again)["title"]


async def test_autocomplete_regions_and_the_channels_subscriptions(env: Env) -> None:
    payload = interaction_payload(
        command_data("subscribe", option("region", "afgh", focused=True)),
        guild_id=GUILD, channel_id=DESK, type=4)
    [callback] = await env.interact(payload)
    body = callback.json
    assert body["type"] == 8
    names = [c["name"] for c in body["data"]["choices"]]
    assert names[0] == "Afghanistan" and len(names) <= 25
    await subscribe(env, DESK, "Kharkiv")
    await subscribe(env, DESK, "Middle East")
    payload = interaction_payload(command_data("unsubscribe", option("region", "", focused=True)),
                                  guild_id=GUILD, channel_id=DESK, type=4)
    [callback] = await env.interact(payload)
    assert [c["value"] for c in callback.json["data"]["choices"]] == ["Kharkiv", "Middle East",
                                                                      "all"]
    # another channel's subscriptions are not offered
    payload = interaction_payload(command_data("unsubscribe", option("region", "", focused=True)),
                                  guild_id=GUILD, channel_id=LOBBY, type=4)
    [callback] = await env.interact(payload)
    assert callback.json["data"]["choices"] == []
    assert suggest_regions("")[0] == "World" and "Middle East" in suggest_regions("middle")


async def test_unsubscribe_and_subscriptions(env: Env) -> None:
    empty = await env.command("subscriptions")
    assert embed_of(empty)["title"] == "This channel has no subscriptions."
    await subscribe(env, DESK, "Kharkiv")
    listed = await env.command("subscriptions")
    assert ephemeral(listed) and "Kharkiv — all types" in embed_of(listed)["description"]
    missing = await env.command("unsubscribe", option("region", "Sahel"))
    assert ephemeral(missing) and "not subscribed" in embed_of(missing)["title"]
    assert "Kharkiv" in embed_of(missing)["description"]
    done = await env.command("unsubscribe", option("region", "Kharkiv"))
    assert embed_of(done)["title"] == "Unsubscribed from Kharkiv."


async def test_commands_before_the_service_is_attached(env: Env) -> None:
    env.client.commands = None
    for name in ("subscriptions", "help"):
        data = await env.command(name)
        assert ephemeral(data) and "starting up" in embed_of(data)["title"]


async def test_help(env: Env) -> None:
    data = await env.command("help")
    e = embed_of(data)
    assert ephemeral(data) and e["title"] == "newsbot commands"
    assert "/subscribe" in e["description"] and "Analyze article" in e["description"]


# -- summary, why, feeds, context menu -----------------------------------------------------


async def test_summary_of_a_region_answers_at_once(env: Env, site: str) -> None:
    await env.message(f"<@{BOT_ID}> {site}/kandahar", mentions=[BOT_ID])
    data = await env.command("summary", option("target", "Afghanistan"), option("window", "24h"))
    e = embed_of(data)
    assert not ephemeral(data) and e["title"].startswith("Afghanistan, last 24 h")
    assert f"({site}/kandahar)" in e["description"]
    bad = await env.command("summary", option("target", "Afghanistan"), option("window", "soon"))
    assert ephemeral(bad) and "not a time window" in embed_of(bad)["title"]


async def test_summary_of_a_link_defers_then_follows_up(env: Env, site: str) -> None:
    payload = interaction_payload(command_data("summary", option("target", f"{site}/kandahar")),
                                  guild_id=GUILD, channel_id=DESK)
    answers = await env.interact(payload, count=2)
    assert answers[0].json["type"] == 5 and not ephemeral(answers[0].json.get("data") or {})
    edit = answers[1]
    assert edit.method == "PATCH" and edit.path.endswith("/messages/@original")
    assert "Taliban attack Kandahar" in embed_of(edit.json)["title"]
    # an unreadable link: the public "thinking" message goes, the error is private
    payload = interaction_payload(command_data("summary", option("target", f"{site}/gone")),
                                  guild_id=GUILD, channel_id=DESK)
    answers = await env.interact(payload, count=3)
    assert [a.method for a in answers] == ["POST", "DELETE", "POST"]
    assert ephemeral(answers[2].json) and "could not read" in embed_of(answers[2].json)["title"]


async def test_why(env: Env, site: str) -> None:
    await subscribe(env, DESK, "Afghanistan")
    payload = interaction_payload(command_data("why", option("url", f"{site}/kandahar")),
                                  guild_id=GUILD, channel_id=DESK)
    answers = await env.interact(payload, count=2)
    assert answers[0].json["type"] == 5 and ephemeral(answers[0].json["data"])
    text = embed_of(answers[1].json)["description"]
    assert "✔ Afghanistan" in text
    bad = await env.command("why", option("url", "kandahar"))
    assert ephemeral(bad) and "is not a link" in embed_of(bad)["title"]


async def test_feed_add_list_remove(env: Env) -> None:
    added = await env.command("feed", option("url", "https://example.org/rss"), sub="add")
    assert embed_of(added)["title"] == "Watching https://example.org/rss."
    listed = await env.command("feed", sub="list")
    assert "https://example.org/rss" in embed_of(listed)["description"]
    dup = await env.command("feed", option("url", "https://example.org/rss"), sub="add")
    assert ephemeral(dup) and "Already watching" in embed_of(dup)["title"]
    notlink = await env.command("feed", option("url", "example"), sub="add")
    assert "is not a link" in embed_of(notlink)["title"]
    removed = await env.command("feed", option("url", "https://example.org/rss"), sub="remove")
    assert embed_of(removed)["title"] == "Stopped watching https://example.org/rss."
    gone = await env.command("feed", option("url", "https://example.org/rss"), sub="remove")
    assert ephemeral(gone) and "Not watching" in embed_of(gone)["title"]


def context_menu(target: dict[str, Any]) -> dict[str, Any]:
    return {"id": snowflake(), "name": "Analyze article", "type": 3, "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}}}


async def test_analyze_article_context_menu(env: Env, site: str) -> None:
    await subscribe(env, DESK, "South Asia")
    target = message_payload(f"look: {site}/kandahar", channel_id=DESK, guild_id=GUILD)
    payload = interaction_payload(context_menu(target), guild_id=GUILD, channel_id=DESK)
    answers = await env.interact(payload, count=2)
    assert answers[0].json["type"] == 5
    assert "Taliban attack Kandahar" in embed_of(answers[1].json)["title"]
    await env.ingestor.join()
    assert await env.deliver() == 1  # the link fed the pipeline: the subscribed channel alerts
    assert len(env.fake.posted(DESK)) == 1
    plain = message_payload("no link here", channel_id=DESK, guild_id=GUILD)
    [answer] = await env.interact(interaction_payload(context_menu(plain), guild_id=GUILD,
                                                      channel_id=DESK))
    assert ephemeral(answer.json["data"]) and "no link" in embed_of(answer.json["data"])["title"]


# -- links and alerts ----------------------------------------------------------------------


async def test_alert_lands_in_the_subscribed_channel_only(env: Env, site: str) -> None:
    await subscribe(env, DESK, "South Asia")
    await subscribe(env, EUROPE, "Europe")
    await env.message(f"<@{BOT_ID}> read {site}/kandahar please", mentions=[BOT_ID])
    assert await env.deliver() == 1
    [body] = env.fake.posted(DESK)
    assert env.fake.posted(EUROPE) == [] and env.fake.posted(LOBBY) == []
    assert_within_limits(body)
    e = embed_of(body)
    assert "ATTACK" in e["title"] and "Kandahar" in e["title"]
    assert e["url"] == f"{site}/kandahar" and e["color"] in (0xD0021B, 0xF5A623, 0xF8E71C, 0x9B9B9B)
    await env.message(f"<@{BOT_ID}> again {site}/kandahar", mentions=[BOT_ID])
    assert await env.deliver() == 0  # once per event per channel


async def test_links_in_messages_need_a_mention_or_the_content_intent(env: Env, site: str) -> None:
    await subscribe(env, DESK, "South Asia")
    url = f"{site}/kandahar"

    async def seen() -> bool:
        async with env.store.session() as repo:
            return await repo.get_article_by_url(url) is not None

    await env.message(f"{url}", channel=DESK)  # no intent, no mention
    await env.message(f"<@{BOT_ID}> {url}", channel=DESK, mentions=[BOT_ID], bot=True)
    await env.message(f"<@{BOT_ID}> {url}", channel=DESK, mentions=[BOT_ID], author_id=BOT_ID)
    assert not await seen()
    env.client.settings = env.settings.model_copy(update={"discord_message_content": True})
    await env.message(f"{url}", channel=LOBBY)  # not a watched channel
    assert not await seen()
    await env.message(f"news: {url}", channel=DESK)
    assert await seen()
    assert extract_links("a <https://x.org/a>, https://x.org/b).") == [
        "https://x.org/a", "https://x.org/b"]


async def test_oversized_alert_is_cut_to_discords_limits(env: Env) -> None:
    channel = await add_channel(env.store, "discord", name=DESK)
    huge = sample_alert(summary="Fighting went on. " * 900, places=tuple(f"Town{'x' * 300}{i}"
                                                                          for i in range(40)),
                        extra_lines=tuple("🔴 DISPLACEMENT · " + "y" * 500 for _ in range(30)),
                        actors=tuple("Group " + "z" * 200 for _ in range(30)),
                        source="s" * 3000, also_reported_by=tuple("o" * 100 for _ in range(50)))
    await queue_alert(env.store, channel.id, huge)
    assert await env.deliver() == 1
    [body] = env.fake.posted(DESK)
    assert_within_limits(body)
    assert text_length(embed_of(body)["description"]) > 1000  # cut, not dropped


async def test_429_with_retry_after_is_honoured(env: Env) -> None:
    channel = await add_channel(env.store, "discord", name=DESK)
    env.fake.rate_limit("POST", f"/channels/{DESK}/messages", 0.4)
    row = await queue_alert(env.store, channel.id)
    assert await env.deliver() == 1
    posts = [r for r in env.fake.requests if r.path == f"/channels/{DESK}/messages"]
    assert [r.status for r in posts] == [429, 200]
    assert posts[1].at - posts[0].at >= 0.35  # Retry-After 0.4, less clock jitter
    assert len(env.fake.posted(DESK)) == 1
    # A long rate limit goes back to the outbox: retried then, not slept through
    env.fake.rate_limit("POST", f"/channels/{DESK}/messages", 120)
    row = await queue_alert(env.store, channel.id, sample_alert(url="https://example.org/2"))
    assert await env.outbox.run_once() == 0
    async with env.store.session() as repo:
        failed = await repo.get_delivery(row.id)
    assert failed.status == "failed" and "rate limit" in (failed.last_error or "")
    wait = (failed.next_attempt_at - utcnow().replace(tzinfo=failed.next_attempt_at.tzinfo))
    assert timedelta(seconds=100) < wait <= timedelta(seconds=121)
    assert len(env.fake.posted(DESK)) == 1


async def test_a_send_repeated_after_a_crash_posts_one_message(env: Env) -> None:
    # kill -9 between Discord's answer and the outbox's record of it: the delivery is sent
    # again after its lease runs out; the nonce makes Discord return the first message.
    channel = await add_channel(env.store, "discord", name=DESK)
    row = await queue_alert(env.store, channel.id)
    sink = DiscordSink(env.client)
    first = await sink.send(channel, row, sample_alert())
    again = await sink.send(channel, row, sample_alert())
    assert first.message_id == again.message_id
    [body] = env.fake.posted(DESK)
    assert body["nonce"] == f"newsbot-{row.id}" and body["enforce_nonce"] is True
    other = await queue_alert(env.store, channel.id, sample_alert(url="https://example.org/2"))
    assert (await sink.send(channel, other, sample_alert())).message_id != first.message_id
    assert len(env.fake.posted(DESK)) == 2


async def test_server_errors_missing_channels_and_permissions(env: Env) -> None:
    desk = await add_channel(env.store, "discord", name=DESK)
    env.fake.script("POST", f"/channels/{DESK}/messages", Reply(503))
    first = await queue_alert(env.store, desk.id)
    assert await env.outbox.run_once() == 0
    async with env.store.session() as repo:
        assert (await repo.get_delivery(first.id)).status == "failed"
    gone = await add_channel(env.store, "discord", name="700000000000000009")
    env.fake.missing_channels.add("700000000000000009")
    dead = await queue_alert(env.store, gone.id)
    locked = await add_channel(env.store, "discord", name="700000000000000008")
    env.fake.forbidden_channels.add("700000000000000008")
    refused = await queue_alert(env.store, locked.id)
    await env.outbox.run_once()
    async with env.store.session() as repo:
        # A channel a person must fix is paused, its alert held (not dead, not retried)
        held = await repo.get_delivery(dead.id)
        assert held.status == "pending" and held.attempts == 0
        assert "deleted or the bot lost access" in (
            await repo.get_channel_by_id(gone.id)).paused_reason
        r = await repo.get_delivery(refused.id)
        assert r.status == "pending" and r.attempts == 0
        assert "View Channel" in (await repo.get_channel_by_id(locked.id)).paused_reason
    assert env.fake.posted(DESK) == []


MISSING_PERMISSIONS_REASON = ("the bot lacks permission to post embeds in this channel: "
                              "give it Send Messages and Embed Links")
DESK_NOTICE = (f"Alerts to <#{DESK}> are paused: {MISSING_PERMISSIONS_REASON}. "
               "Fix it, then run /resume there (or /subscribe again).")


async def test_a_refused_channel_is_paused_and_resume_releases_its_alerts(
    any_env: Env, site: str
) -> None:
    env = any_env
    await subscribe(env, DESK, "South Asia")
    await subscribe(env, EUROPE, "Europe")
    async with env.store.session() as repo:
        desk = await repo.get_channel("discord", DESK, GUILD)
        europe = await repo.get_channel("discord", EUROPE, GUILD)
    path = f"/channels/{DESK}/messages"

    def tries() -> int:
        return len([r for r in env.fake.requests if r.path == path])

    env.fake.script("POST", path, Reply(403))  # 403 Missing Permissions (code 50013)
    first = await queue_alert(env.store, desk.id, sample_alert(url="https://example.org/a1"))
    second = await queue_alert(env.store, desk.id, sample_alert(url="https://example.org/a2"))
    await queue_alert(env.store, europe.id, sample_alert(url="https://example.org/e1"))
    assert await env.deliver() == 1  # Europe's alert; the desk refused
    assert len(env.fake.posted(EUROPE)) == 1 and env.fake.posted(DESK) == []
    assert tries() == 1  # the desk's second alert was not tried into the refusal
    async with env.store.session() as repo:
        channel = await repo.get_channel_by_id(desk.id)
        assert channel.paused_at is not None
        assert channel.paused_reason == MISSING_PERMISSIONS_REASON
        for held in (first, second):
            row = await repo.get_delivery(held.id)
            assert row.status == "pending" and row.attempts == 0  # held, not used up
        assert [c.channel_id for c in await repo.paused_channels("discord", GUILD)] == [DESK]

    # An article matched while paused is queued, held too; nothing is sent to the desk
    await env.message(f"<@{BOT_ID}> read {site}/kandahar please", mentions=[BOT_ID])
    assert await env.deliver() == 0
    assert tries() == 1
    async with env.store.session() as repo:
        assert await repo.pending_count(desk.id) == 3

    # The next command anywhere in the server says why; another server hears nothing
    for data in (await env.command("subscriptions", channel=LOBBY),
                 await env.command("help", channel=EUROPE)):
        assert embed_of(data)["description"].endswith(f"⚠️ {DESK_NOTICE}")
    elsewhere = interaction_payload(command_data("help"), guild_id="600000000000000002",
                                    channel_id="700000000000000042")
    [answer] = await env.interact(elsewhere)
    assert "are paused" not in embed_of(answer.json["data"])["description"]

    # /resume: Manage Channels only, and not while the bot still cannot post there
    data = await env.command("resume", permissions=BOT_PERMISSIONS)
    assert ephemeral(data) and "Manage Channels" in embed_of(data)["title"]
    data = await env.command("resume", app_permissions=VIEW_CHANNEL)
    assert "still can't post" in embed_of(data)["title"]
    assert embed_of(data)["description"].endswith(DESK_NOTICE)
    data = await env.command("resume", channel=EUROPE)
    assert embed_of(data)["title"] == "Alerts to this channel are not paused."
    data = await env.command("resume")
    e = embed_of(data)
    assert e["title"] == "Alerts to this channel are resumed."
    assert "3 held alerts will be posted now." in e["description"]
    assert "⚠️" not in e["description"]  # no notice any more

    # The held alerts arrive, once each
    assert await env.deliver() == 3
    posted = [embed_of(b)["url"] for b in env.fake.posted(DESK)]
    assert posted == ["https://example.org/a1", "https://example.org/a2", f"{site}/kandahar"]
    assert await env.deliver() == 0
    assert len(env.fake.posted(DESK)) == 3 and len(env.fake.posted(EUROPE)) == 1
    data = await env.command("subscriptions", channel=LOBBY)
    assert "are paused" not in embed_of(data).get("description", "")


async def test_subscribing_again_in_a_paused_channel_resumes_it(env: Env) -> None:
    await subscribe(env, DESK, "South Asia")
    env.fake.missing_channels.add(DESK)  # 404 Unknown Channel
    async with env.store.session() as repo:
        desk = await repo.get_channel("discord", DESK, GUILD)
    await queue_alert(env.store, desk.id)
    assert await env.deliver() == 0
    data = await env.command("subscriptions", channel=LOBBY)
    notice = (f"Alerts to <#{DESK}> are paused: the bot cannot see #desk — it was deleted or "
              "the bot lost access. Fix it, then run /resume there (or /subscribe again).")
    assert embed_of(data)["description"].endswith(notice)
    env.fake.missing_channels.discard(DESK)
    data = await subscribe(env, DESK, "South Asia")
    assert embed_of(data)["title"] == (
        "Alerts to this channel are resumed (South Asia was already subscribed).")
    assert await env.deliver() == 1 and len(env.fake.posted(DESK)) == 1
    # A new region resumes too, and says so
    async with env.store.session() as repo:
        await repo.pause_channel(desk.id, "the bot cannot see #desk")
    data = await subscribe(env, DESK, "Sahel")
    assert "resumed" in embed_of(data)["description"]
    async with env.store.session() as repo:
        assert await repo.paused_channels("discord", GUILD) == []


def test_pause_notices_fit_in_the_embed() -> None:
    long = Reply_(True, "t", ["x" * 5000], links=[("l", "https://example.org/" + "y" * 100)])
    embed = reply_embed(long, [DESK_NOTICE] * 3).to_dict()
    assert text_length(embed["description"]) <= DISCORD_DESCRIPTION_MAX
    assert embed["description"].endswith(f"⚠️ {DESK_NOTICE}")


async def test_also_reported_edits_the_original(env: Env) -> None:
    channel = await add_channel(env.store, "discord", name=DESK)
    first = await queue_alert(env.store, channel.id)
    assert await env.deliver() == 1
    await queue_alert(env.store, channel.id, sample_alert(source="other.org",
                                                          url="https://other.org/x"),
                      kind="also_reported", cluster_id=first.cluster_id)
    assert await env.deliver() == 1
    [patch] = [r for r in env.fake.requests if r.method == "PATCH"]
    assert patch.path.startswith(f"/channels/{DESK}/messages/")
    fields = {f["name"]: f["value"] for f in embed_of(patch.json)["fields"]}
    assert fields["Also reported by"] == "other.org"
    assert len(env.fake.posted(DESK)) == 1


# -- latency -------------------------------------------------------------------------------


async def test_fifty_links_each_become_one_embed(env: Env, site: str, capsys) -> None:
    """50 links from MESSAGE_CREATE to the embed's POST on the fake, with the outbox polling
    as `newsbot run` does (every 0.5 s when idle). Links arrive every ~100 ms with jitter.
    The latency figures are printed as a measurement (`pytest -s -k fifty_links`); speed is
    not asserted here, only that every link arrives once."""
    await subscribe(env, DESK, "world")
    stop = asyncio.Event()
    runner = asyncio.create_task(env.outbox.run(stop, poll_interval=0.5))
    rng = random.Random(5)

    async def one(i: int) -> float:
        await asyncio.sleep(i * 0.1 + rng.uniform(0, 0.1))
        url = f"{site}/bench/{i}"
        start = time.monotonic()
        env.client._connection.parse_message_create(  # type: ignore[arg-type]
            message_payload(f"<@{BOT_ID}> {url}", channel_id=LOBBY, guild_id=GUILD,
                            mentions=[BOT_ID]))
        [req] = await env.fake.wait_until(lambda: [
            r for r in env.fake.requests
            if r.ok and r.method == "POST" and r.json and r.json.get("embeds")
            and r.json["embeds"][0].get("url") == url], timeout=10)
        return req.at - start

    try:
        results = await asyncio.gather(*(one(i) for i in range(len(CITIES))))
    finally:
        stop.set()
        await runner
    took = sorted(results)
    median = statistics.median(took)
    p95 = statistics.quantiles(took, n=20, method="inclusive")[-1]
    with capsys.disabled():
        print(f"\ndiscord link→embed over {len(took)} links (outbox poll 0.5 s): "
              f"median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
              f"max {took[-1] * 1000:.0f} ms, min {took[0] * 1000:.0f} ms")
    assert len(env.fake.posted(DESK)) == len(CITIES)


# -- wiring: the sink and platform entry points --------------------------------------------


async def test_build_sinks_and_platform_from_settings(tmp_path: Path, analyzer, monkeypatch):
    import httpx

    from bot.service.app import Service
    from config.settings import get_settings
    from handlers import build_sinks
    from handlers.discord.platform import DiscordPlatform, build_platform

    async with FakeDiscord() as fake:
        monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
        monkeypatch.setenv("NEWSBOT_DISCORD_API_URL", fake.api_url)
        get_settings.cache_clear()
        store = await Store.open(f"sqlite+aiosqlite:///{tmp_path}/w.db")
        try:
            async with httpx.AsyncClient() as http:
                sinks = build_sinks(store, http)
            assert isinstance(sinks["discord"], DiscordSink)
            service = Service(Settings(_env_file=None))
            service.store, service.analyzer = store, analyzer
            platform = build_platform(service)
            assert isinstance(platform, DiscordPlatform)
            assert platform.client is sinks["discord"].client  # one login, one REST session
            await platform.start()
            await fake.wait_until(lambda: "global" in fake.synced)
            await platform.stop()
            assert platform.client.is_closed()
            assert build_platform(Service(Settings(_env_file=None, discord_token=None))) is None
        finally:
            get_settings.cache_clear()
            await store.close()
