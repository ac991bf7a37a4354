"""The discord.py client: intents, login, command sync, and links posted in messages.

``make_client(settings)`` builds a ``NewsbotClient`` (or, with ``discord_sharded``, a
``NewsbotShardedClient``) with its ``CommandTree``. ``NEWSBOT_DISCORD_API_URL`` replaces
``discord.http.Route.BASE``, from which discord.py builds every REST URL.

Messages: a mention of the bot with a link always feeds the link to the pipeline; with
``discord_message_content`` (the privileged intent, enabled in the Developer Portal), links
posted in a subscribed channel do too. Bots, webhooks and the bot itself are ignored.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.service.commands import Commands
from config.settings import Settings
from handlers.discord.parse import channel_ref, extract_links, region_index
from handlers.discord.tree import build_tree

log = logging.getLogger("newsbot.discord")

Submit = Callable[..., Awaitable[None]]  # submit(url, source=…): Service.submit_link
MAX_INLINE_RATE_LIMIT = 30.0  # discord.py's minimum; longer 429s go back to the outbox
SOURCE = "discord"
# View Channel (1 << 10), Send Messages (1 << 11), Embed Links (1 << 14): 19456
INVITE_PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)


def invite_url(client_id: int | str) -> str:
    """The URL that adds the bot to a server with the permissions it needs."""
    return (f"https://discord.com/oauth2/authorize?client_id={client_id}"
            f"&scope=bot+applications.commands&permissions={INVITE_PERMISSIONS.value}")


def intents_for(settings: Settings) -> discord.Intents:
    """Guilds (channel names, permissions) and guild messages (mentions and, with the
    privileged Message Content intent, links in watched channels). Nothing else."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.message_content = settings.discord_message_content
    return intents


class _Newsbot:
    """What both client flavours add to discord.py's."""

    settings: Settings
    commands: Commands | None
    submit: Submit | None

    def __init__(
        self,
        settings: Settings,
        *,
        commands: Commands | None = None,
        submit: Submit | None = None,
        **options: Any,
    ) -> None:
        if settings.discord_token is None:
            raise ValueError("no Discord token (set DISCORD_TOKEN)")
        if settings.discord_api_url:
            discord.http.Route.BASE = settings.discord_api_url.rstrip("/")
        options.setdefault("intents", intents_for(settings))
        options.setdefault("max_ratelimit_timeout", MAX_INLINE_RATE_LIMIT)
        options.setdefault("allowed_mentions", discord.AllowedMentions.none())
        super().__init__(**options)  # type: ignore[call-arg]

        self.settings = settings
        self.commands = commands
        self.submit = submit
        self.tree = build_tree(self)  # type: ignore[arg-type]
        self._login_lock = asyncio.Lock()
        self._logged_in = False

    def attach(self, commands: Commands, submit: Submit | None) -> None:
        """Give the client the command layer and the pipeline's queue."""
        self.commands = commands
        self.submit = submit

    async def ensure_login(self) -> None:
        """Log in once (REST only: ``users/@me``, the application, command sync); the sink
        and the gateway connection share this login."""
        if self._logged_in:
            return
        async with self._login_lock:
            if not self._logged_in:
                token = self.settings.discord_token
                assert token is not None
                await self.login(token.get_secret_value())  # type: ignore[attr-defined]
                self._logged_in = True

    async def setup_hook(self) -> None:
        """Sync the commands (to the dev guild only, if set) and warm autocomplete."""
        guild_id = self.settings.discord_dev_guild
        if guild_id:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("discord: synced %d commands to guild %s", len(synced), guild_id)
        else:
            synced = await self.tree.sync()
            log.info("discord: synced %d global commands", len(synced))
        await asyncio.to_thread(region_index)

    async def on_ready(self) -> None:
        user = self.user  # type: ignore[attr-defined]
        log.info("discord: connected as %s (%s); invite: %s", user, getattr(user, "id", "?"),
                 invite_url(self.application_id or getattr(user, "id", "")))  # type: ignore[attr-defined]

    async def on_message(self, message: discord.Message) -> None:
        """Links from a mention of the bot, or (Message Content intent) a watched channel."""
        me = self.user  # type: ignore[attr-defined]
        if message.author.bot or message.webhook_id is not None or self.submit is None:
            return
        if me is not None and message.author.id == me.id:
            return
        links = extract_links(message.content)
        if not links:
            return
        mentioned = me is not None and any(u.id == me.id for u in message.mentions)
        if not mentioned and not (
            self.settings.discord_message_content and await self._watched(message)
        ):
            return
        for url in links:
            await self.submit(url, source=SOURCE)
        log.info("discord: %d link(s) from channel %s (%s)", len(links), message.channel.id,
                 "mention" if mentioned else "watched channel")

    async def _watched(self, message: discord.Message) -> bool:
        """True when the message's channel has at least one subscription."""
        if self.commands is None:
            return False
        guild_id = message.guild.id if message.guild else getattr(message.channel, "guild_id", None)
        ref = channel_ref(message.channel.id, guild_id)
        async with self.commands.store.session() as repo:
            row = await repo.get_channel(ref.platform, ref.channel_id, ref.workspace_id)
            return row is not None and bool(await repo.list_subscriptions(row.id))


class NewsbotClient(_Newsbot, discord.Client):
    """One gateway connection."""


class NewsbotShardedClient(_Newsbot, discord.AutoShardedClient):
    """As many shards as Discord recommends (``NEWSBOT_DISCORD_SHARDED=true``)."""


def make_client(
    settings: Settings, *, commands: Commands | None = None, submit: Submit | None = None
) -> NewsbotClient | NewsbotShardedClient:
    cls = NewsbotShardedClient if settings.discord_sharded else NewsbotClient
    return cls(settings, commands=commands, submit=submit)


_shared: dict[str, NewsbotClient | NewsbotShardedClient] = {}


def shared_client(settings: Settings) -> NewsbotClient | NewsbotShardedClient:
    """The process's client for this token: the sink and the gateway use the same one."""
    assert settings.discord_token is not None
    token = settings.discord_token.get_secret_value()
    client = _shared.get(token)
    if client is None or client.is_closed():
        client = _shared[token] = make_client(settings)
    return client
