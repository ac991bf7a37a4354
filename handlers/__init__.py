"""Chat-platform adapters (Slack, Discord, webhooks, console) over `bot/`.

`build_sinks` is registered as the ``newsbot.sinks`` entry point: `bot.app` finds the
sinks through it and never imports this package.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

    from bot.outbox import Sink
    from bot.store import Store


def build_sinks(store: Store, client: httpx.AsyncClient) -> Mapping[str, Sink]:
    """The console and incoming-webhook sinks, by channel platform."""
    from bot.outbox import original_finder
    from handlers.console import ConsoleSink
    from handlers.webhooks import DiscordWebhookSink, SlackWebhookSink

    find = original_finder(store)
    return {
        "console": ConsoleSink(),
        "slack-webhook": SlackWebhookSink(client, find_original=find),
        "discord-webhook": DiscordWebhookSink(client, find_original=find),
    }
