"""The Discord bot (discord.py 2.x): application commands, links from messages, embed alerts.

Thin over ``bot/``: handlers parse what Discord sends, call ``bot.service.commands`` or the ingest
queue, and render. Modules:

- ``client``   — ``make_client`` / ``shared_client``: intents, login, command sync, messages;
- ``tree``     — the ``CommandTree``: every command, autocomplete, the context menu;
- ``parse``    — links in messages, region and window suggestions (no discord import);
- ``sink``     — ``DiscordSink``: the outbox's sender for platform ``"discord"``;
- ``platform`` — ``build_platform``, the ``newsbot.platforms`` entry point.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.service.outbox import FindOriginal
    from config.settings import Settings
    from handlers.discord.sink import DiscordSink


def build_sink(settings: Settings, find_original: FindOriginal | None = None) -> DiscordSink:
    """The bot-token sink, sharing the process's client with the gateway connection."""
    from handlers.discord.client import shared_client
    from handlers.discord.sink import DiscordSink

    return DiscordSink(shared_client(settings), find_original=find_original)
