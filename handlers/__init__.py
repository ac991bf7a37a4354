"""Chat-platform adapters (Slack, Discord, webhooks, console) over `bot/`.

`build_sinks` is registered as the ``newsbot.sinks`` entry point: `bot.service.app` finds the
sinks through it and never imports this package.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

    from bot.service.outbox import FindOriginal, Sink
    from bot.service.store import Store


def build_sinks(store: Store, client: httpx.AsyncClient) -> Mapping[str, Sink]:
    """The console and incoming-webhook sinks, by channel platform; plus the Slack app's
    ``chat.postMessage`` sink when a bot token is configured."""
    from bot.service.outbox import original_finder
    from handlers.console import ConsoleSink
    from handlers.webhooks import DiscordWebhookSink, SlackWebhookSink

    find = original_finder(store)
    sinks: dict[str, Sink] = {
        "console": ConsoleSink(),
        "slack-webhook": SlackWebhookSink(client, find_original=find),
        "discord-webhook": DiscordWebhookSink(client, find_original=find),
    }
    sinks.update(_slack_sinks(client, find))
    sinks.update(_discord_sinks(find))
    return sinks


def _slack_sinks(client: httpx.AsyncClient, find: FindOriginal) -> dict[str, Sink]:
    from config.settings import get_settings

    settings = get_settings()
    if settings.slack_bot_token is None:
        return {}
    from handlers.slack.sink import SlackSink

    token = settings.slack_bot_token.get_secret_value()
    return {"slack": SlackSink(client, token, api_url=settings.slack_api_url,
                               find_original=find)}


def _discord_sinks(find: FindOriginal) -> dict[str, Sink]:
    """The bot-token Discord sink (``channels/{id}/messages``) when a token is configured."""
    from config.settings import get_settings

    settings = get_settings()
    if settings.discord_token is None:
        return {}
    from handlers.discord import build_sink

    return {"discord": build_sink(settings, find)}
