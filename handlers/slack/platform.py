"""The ``newsbot.platforms`` entry point: ``build_platform(service)`` → ``SlackPlatform``
(or None without ``SLACK_BOT_TOKEN``), started and stopped by ``bot.service.app.Service``.

Socket Mode when ``SLACK_APP_TOKEN`` is set (no public URL needed), otherwise HTTP:
``POST /slack/events`` (Events API, slash commands, interactivity) on
``NEWSBOT_HTTP_HOST:NEWSBOT_HTTP_PORT``, every request's signature verified, plus
``GET /healthz`` for a reverse proxy or load balancer.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.service.app import ConfigError
from bot.service.commands import Commands
from config.settings import Settings
from handlers.slack.app import create_app
from handlers.slack.listeners import SlackContext
from handlers.slack.permissions import Permissions

log = logging.getLogger("newsbot.slack")
EVENTS_PATH = "/slack/events"
DRAIN_SECONDS = 20.0
# What Slack sends: a Unix time and "v0=" + a hex HMAC-SHA256.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


def signed_like_slack(headers: Any) -> bool:
    """Whether the signature headers have Slack's form. slack_sdk's verifier raises on a
    timestamp ``int()`` cannot read or a non-ASCII signature (a 500 and a traceback);
    such a request is refused here as unsigned instead."""
    timestamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    return bool(_TIMESTAMP.fullmatch(timestamp) and _SIGNATURE.fullmatch(signature))


def http_app(app: AsyncApp, path: str = EVENTS_PATH) -> web.Application:
    """An aiohttp application serving the bolt app at ``path``."""

    async def events(request: web.Request) -> web.Response:
        if not signed_like_slack(request.headers):
            return web.json_response({"error": "invalid request"}, status=401)
        bolt_response = await app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def healthz(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    server = web.Application(client_max_size=1024 * 1024)
    server.add_routes([web.post(path, events), web.get("/healthz", healthz)])
    return server


class SlackPlatform:
    """One Slack app connection: an HTTP listener or a Socket Mode session."""

    name = "slack"

    def __init__(self, settings: Settings, ctx: SlackContext) -> None:
        self.settings = settings
        self.ctx = ctx
        self.socket_mode = settings.slack_app_token is not None
        self.app = create_app(settings, ctx, socket_mode=self.socket_mode)
        self.port: int | None = None  # the bound HTTP port (useful with port 0)
        self._runner: web.AppRunner | None = None
        self._socket: Any = None

    async def start(self) -> None:
        if self.socket_mode:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            assert self.settings.slack_app_token is not None
            self._socket = AsyncSocketModeHandler(
                self.app, self.settings.slack_app_token.get_secret_value()
            )
            await self._socket.connect_async()
            log.info("slack: connected in Socket Mode")
            return
        self._runner = web.AppRunner(http_app(self.app), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.http_host, self.settings.http_port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        log.info("slack: listening on http://%s:%d%s", self.settings.http_host, self.port,
                 EVENTS_PATH)

    async def stop(self) -> None:
        """Stop taking requests, then let the links in flight reach the pipeline."""
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self.ctx.drain(DRAIN_SECONDS)


def build_platform(service: Any) -> SlackPlatform | None:
    """The entry point ``bot.service.app.load_platforms`` calls once the service is up."""
    settings: Settings = service.settings
    if settings.slack_bot_token is None:
        return None
    if settings.slack_app_token is None and settings.slack_signing_secret is None:
        raise ConfigError(
            "SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor "
            "SLACK_SIGNING_SECRET (HTTP mode) is; set one, or unset the bot token"
        )
    ctx = SlackContext(
        commands=Commands(service.store, service.analyzer),
        submit_link=service.submit_link,
        process_link=service.process_link,  # queued durably first, then processed
        permissions=Permissions(settings.slack_admin_users, settings.slack_admin_groups),
        thread_replies=settings.slack_thread_replies,
    )
    return SlackPlatform(settings, ctx)
