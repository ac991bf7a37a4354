"""``build_platform``: the ``newsbot.platforms`` entry point that runs the Discord bot inside
``newsbot run`` when a token is configured (``DISCORD_TOKEN`` or ``NEWSBOT_DISCORD_TOKEN``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import discord

from bot.service.commands import Commands
from handlers.discord.client import NewsbotClient, NewsbotShardedClient, Submit, shared_client

log = logging.getLogger("newsbot.discord")


class DiscordPlatform:
    """Logs in, syncs commands and holds the gateway connection in a background task; a
    refused token or a missing privileged intent is logged and the rest of newsbot runs on."""

    name = "discord"

    def __init__(
        self,
        client: NewsbotClient | NewsbotShardedClient,
        commands: Commands,
        submit: Submit | None,
    ) -> None:
        self.client = client
        self.commands = commands
        self.submit = submit
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.client.attach(self.commands, self.submit)
        self._task = asyncio.create_task(self._run(), name="discord-gateway")

    async def _run(self) -> None:
        try:
            await self.client.ensure_login()
            await self.client.connect(reconnect=True)
        except discord.LoginFailure:
            log.error("discord: the token was refused (401). Copy the bot token from the "
                      "Developer Portal (Bot → Reset Token) into DISCORD_TOKEN.")
        except discord.PrivilegedIntentsRequired:
            log.error("discord: the Message Content intent is not enabled for this bot. Enable "
                      "it in the Developer Portal (Bot → Privileged Gateway Intents) or unset "
                      "NEWSBOT_DISCORD_MESSAGE_CONTENT.")
        except Exception:
            log.exception("discord: the connection failed; Discord is off until restart")

    async def stop(self) -> None:
        with contextlib.suppress(Exception):
            await self.client.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task


def build_platform(service: Any) -> DiscordPlatform | None:
    """The Discord bot for a started ``bot.service.app.Service``; None without a token."""
    settings = service.settings
    if settings.discord_token is None:
        return None
    commands = Commands(service.store, service.analyzer)
    return DiscordPlatform(shared_client(settings), commands, service.submit_link)
