"""``create_app``: the slack-bolt ``AsyncApp`` of newsbot, on a configurable Web API URL."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from config.settings import Settings
from handlers.slack.listeners import SlackContext, register_listeners

API_TIMEOUT = 10
BOLT_LOGGER = "newsbot.slack.bolt"


class _QuietTokenWarning(logging.Filter):
    # bolt reads SLACK_BOT_TOKEN itself and warns that the client we pass wins; it does,
    # on purpose (the client carries the API base URL).
    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def web_client(settings: Settings) -> AsyncWebClient:
    """The bot-token client, on ``NEWSBOT_SLACK_API_URL`` (default Slack's own)."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return AsyncWebClient(token=token, base_url=settings.slack_api_url, timeout=API_TIMEOUT)


def _bolt_logger() -> logging.Logger:
    logger = logging.getLogger(BOLT_LOGGER)
    if not any(isinstance(f, _QuietTokenWarning) for f in logger.filters):
        logger.addFilter(_QuietTokenWarning())
    return logger


def create_app(settings: Settings, ctx: SlackContext, *, socket_mode: bool = False) -> AsyncApp:
    """The app with every listener. HTTP mode verifies each request's signature (bad or
    stale: 401, nothing runs); Socket Mode needs no signing secret."""
    secret = settings.slack_signing_secret
    app = AsyncApp(
        client=web_client(settings),
        signing_secret=secret.get_secret_value() if secret else None,
        request_verification_enabled=not socket_mode,
        logger=_bolt_logger(),
    )
    register_listeners(app, ctx)
    return app
