"""A loopback fake of Discord's REST API, and gateway payloads to dispatch into a client.

``FakeDiscord`` is a real HTTP/1.1 server on ``127.0.0.1`` (port 0). discord.py builds every
REST URL from ``discord.http.Route.BASE``; point it (``NEWSBOT_DISCORD_API_URL``) at
``fake.api_url``. Routes:

- ``GET users/@me``, ``GET oauth2/applications/@me`` (login), ``PUT applications/{app}/commands``
  and ``PUT applications/{app}/guilds/{guild}/commands`` (command sync), ``GET gateway/bot``;
- ``POST channels/{id}/messages``, ``PATCH channels/{id}/messages/{mid}``;
- ``POST interactions/{id}/{token}/callback`` (what an interaction answers);
- ``POST webhooks/{id}/{token}`` (webhook execute and interaction follow-ups),
  ``GET|PATCH|DELETE webhooks/{id}/{token}/messages/{mid|@original}``.

Every JSON body goes out with ``Content-Type: application/json`` exactly: discord.py decodes
nothing else. A 429 carries ``Retry-After``, a ``retry_after`` body and ``Via`` (without
``Via`` discord.py takes a 429 for a Cloudflare ban). ``fake.script(method, path_prefix,
*replies)`` makes the next matching requests answer otherwise.

The gateway websocket is not faked: tests dispatch ``INTERACTION_CREATE`` and
``MESSAGE_CREATE`` payloads (built by ``interaction_payload`` / ``message_payload``) into the
client's connection state, as discord.py's gateway reader does.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from loopback import ReceivedRequest, Reply, read_http_request

TOKEN = "fake-bot-token"
BOT_ID = "900000000000000001"
APP_ID = "900000000000000002"
OWNER_ID = "900000000000000003"
API_PREFIX = "/api/v10"


class Request(ReceivedRequest):
    """A request to the fake; ``path`` is relative to the API version prefix."""

    @property
    def path(self) -> str:
        """The path below ``/api/v10`` (or ``/api``)."""
        path = urlsplit(self.target).path
        for prefix in (API_PREFIX, "/api"):
            if path.startswith(prefix + "/"):
                return path[len(prefix) :]
        return path


ERRORS = {
    400: {"message": "Invalid Form Body", "code": 50035},
    401: {"message": "401: Unauthorized", "code": 0},
    403: {"message": "Missing Permissions", "code": 50013},
    404: {"message": "Unknown Channel", "code": 10003},
}


def user_object(user_id: str, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {"id": user_id, "username": name, "discriminator": "0", "global_name": name,
            "avatar": None, "bot": bot, "public_flags": 0, "flags": 0}


class FakeDiscord:
    """Recording, scriptable Discord REST API."""

    def __init__(self, *, token: str = TOKEN) -> None:
        self.token = token
        self.requests: list[Request] = []
        self.channel_messages: dict[str, list[dict[str, Any]]] = {}  # channel → posted bodies
        self.messages: dict[str, dict[str, Any]] = {}  # message id → last body
        self._nonces: dict[str, str] = {}  # nonce → message id
        self.synced: dict[str, list[dict[str, Any]]] = {}  # "global" / guild id → commands
        self.missing_channels: set[str] = set()
        self.forbidden_channels: set[str] = set()
        self._scripts: list[tuple[str, str, Reply]] = []
        self._ids = itertools.count(1_300_000_000_000_000_001)
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._changed = asyncio.Condition()
        self.port = 0
        self.answer_delay = 0.0  # seconds between creating a message and answering

    async def __aenter__(self) -> FakeDiscord:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    # -- what tests use ------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    def webhook_url(self, webhook_id: str = "4242", token: str = "t0ken") -> str:
        return f"http://127.0.0.1:{self.port}/api/webhooks/{webhook_id}/{token}"

    def script(self, method: str, path_prefix: str, *replies: int | Reply) -> None:
        """The next requests with this method whose path starts with ``path_prefix`` get
        ``replies``, in order, before the usual answers resume."""
        for r in replies:
            self._scripts.append((method, path_prefix, r if isinstance(r, Reply) else Reply(r)))

    def rate_limit(self, method: str, path_prefix: str, retry_after: float) -> None:
        """Answer the next matching request with Discord's 429."""
        self.script(method, path_prefix, Reply(429, headers={"Retry-After": f"{retry_after}"},
                                               body={"message": "You are being rate limited.",
                                                     "retry_after": retry_after,
                                                     "global": False}))

    def posted(self, channel_id: str | int) -> list[dict[str, Any]]:
        """Message bodies that went into a channel (POSTs answered 2xx)."""
        return self.channel_messages.get(str(channel_id), [])

    def callbacks(self, interaction_id: str | int | None = None) -> list[Request]:
        """Interaction callbacks answered, optionally of one interaction."""
        out = [r for r in self.requests if r.path.startswith("/interactions/") and r.ok]
        if interaction_id is not None:
            out = [r for r in out if r.path.split("/")[2] == str(interaction_id)]
        return out

    def followups(self, token: str | None = None) -> list[Request]:
        """Follow-up messages and edits of interaction responses (webhook routes)."""
        prefix = f"/webhooks/{APP_ID}/" + (f"{token}" if token else "")
        return [r for r in self.requests if r.path.startswith(prefix) and r.ok]

    async def wait_until(self, check: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Wait until ``check()`` is truthy (re-checked whenever a request is answered)."""
        async with asyncio.timeout(timeout):
            async with self._changed:
                while not (result := check()):
                    await self._changed.wait()
                return result

    # -- the server ----------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            while True:
                request = await self._read(reader)
                if request is None:
                    break
                self.requests.append(request)
                reply = self._scripted(request)
                if reply is not None and reply.delay:
                    await asyncio.sleep(reply.delay)
                status, headers, body = self._answer(request, reply)
                if self.answer_delay and request.method == "POST":
                    request.status = status  # made; the answer is on its way
                    await asyncio.sleep(self.answer_delay)
                await self._write(writer, status, headers, body)
                request.status = status
                async with self._changed:
                    self._changed.notify_all()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # the client went away, or the fake is stopping
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    @staticmethod
    async def _read(reader: asyncio.StreamReader) -> Request | None:
        parsed = await read_http_request(reader)
        if parsed is None:
            return None
        return Request(*parsed, time.monotonic())

    def _scripted(self, request: Request) -> Reply | None:
        for i, (method, prefix, reply) in enumerate(self._scripts):
            if method == request.method and request.path.startswith(prefix):
                del self._scripts[i]
                return reply
        return None

    def _answer(self, request: Request, reply: Reply | None) -> tuple[int, dict[str, str], Any]:
        if reply is not None:
            headers = dict(reply.headers)
            if reply.status == 429:
                headers.setdefault("Via", "1.1 google")
                headers.setdefault("X-RateLimit-Scope", "user")
            body = reply.body
            if body is None and reply.status >= 400:
                body = ERRORS.get(reply.status, {"message": "Internal Server Error", "code": 0})
            if reply.status < 300 and body is None:
                return self._route(request)
            return reply.status, headers, body
        return self._route(request)

    def _route(self, request: Request) -> tuple[int, dict[str, str], Any]:
        method, path = request.method, request.path
        limits = {"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "4",
                  "X-RateLimit-Reset-After": "1.000", "X-RateLimit-Bucket": "fake"}
        webhook = path.startswith(("/webhooks/", "/interactions/"))
        if not webhook and request.headers.get("authorization") != f"Bot {self.token}":
            return 401, {}, ERRORS[401]
        if method == "GET" and path == "/users/@me":
            return 200, {}, user_object(BOT_ID, "newsbot", bot=True)
        if method == "GET" and path == "/oauth2/applications/@me":
            return 200, {}, {
                "id": APP_ID, "name": "newsbot", "description": "", "icon": None,
                "bot_public": True, "bot_require_code_grant": False,
                "owner": user_object(OWNER_ID, "owner"), "verify_key": "0" * 64,
                "flags": 0, "summary": "", "rpc_origins": [],
            }
        if method == "GET" and path == "/gateway/bot":
            return 200, {}, {"url": "wss://127.0.0.1:9", "shards": 1, "session_start_limit": {
                "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}}
        if m := re.fullmatch(r"/applications/(\d+)(?:/guilds/(\d+))?/commands", path):
            if method != "PUT":
                return 405, {}, {"message": "405: Method Not Allowed", "code": 0}
            scope = m.group(2) or "global"
            out = []
            for cmd in request.json or []:
                data = {"description": "", **cmd, "id": str(next(self._ids)),
                        "application_id": m.group(1), "version": "1"}
                if m.group(2):
                    data["guild_id"] = m.group(2)
                out.append(data)
            self.synced[scope] = out
            return 200, {}, out
        if m := re.fullmatch(r"/channels/(\d+)/messages(?:/(\d+))?", path):
            channel = m.group(1)
            if channel in self.missing_channels:
                return 404, {}, ERRORS[404]
            if channel in self.forbidden_channels:
                return 403, {}, {"message": "Missing Access", "code": 50001}
            body = request.json or {}
            if method == "POST" and m.group(2) is None:
                # Discord: with enforce_nonce, a nonce seen from this author in the past few
                # minutes returns that message instead of creating another.
                nonce = body.get("nonce")
                if body.get("enforce_nonce") and nonce in self._nonces:
                    mid = self._nonces[nonce]
                    return 200, limits, self._message(mid, channel, self.messages[mid])
                mid = str(next(self._ids))
                if nonce is not None:
                    self._nonces[nonce] = mid
                self.messages[mid] = body
                self.channel_messages.setdefault(channel, []).append(body)
                return 200, limits, self._message(mid, channel, body)
            if method == "PATCH" and m.group(2):
                mid = m.group(2)
                if mid not in self.messages:
                    return 404, {}, {"message": "Unknown Message", "code": 10008}
                self.messages[mid] = {**self.messages[mid], **body}
                return 200, limits, self._message(mid, channel, self.messages[mid])
        if m := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path):
            body = request.json or {}
            interaction = {"id": m.group(1), "type": 2}
            if body.get("type") in (4, 5):
                mid = str(next(self._ids))
                self.messages[mid] = body.get("data") or {}
                interaction.update(response_message_id=mid,
                                   response_message_loading=body["type"] == 5,
                                   response_message_ephemeral=bool(
                                       (body.get("data") or {}).get("flags", 0) & 64))
                if body["type"] == 4:
                    return 200, {}, {"interaction": interaction, "resource": {
                        "type": 4, "message": self._message(mid, "0", body["data"])}}
            return 200, {}, {"interaction": interaction}
        if m := re.fullmatch(r"/webhooks/(\d+)/([^/]+)(?:/messages/([^/]+))?", path):
            body = request.json or {}
            target = m.group(3)
            if method == "POST" and target is None:
                mid = str(next(self._ids))
                self.messages[mid] = body
                if request.query.get("wait") not in ("true", "1", "True"):
                    return 204, {}, None
                return 200, limits, self._message(mid, "0", body, webhook_id=m.group(1))
            if target is not None and method in ("GET", "PATCH", "DELETE"):
                if method == "DELETE":
                    return 204, {}, None
                stored = {**self.messages.get(target, {}), **(body if method == "PATCH" else {})}
                self.messages[target] = stored
                return 200, limits, self._message(target, "0", stored, webhook_id=m.group(1))
        return 404, {}, {"message": "404: Not Found", "code": 0}

    def _message(
        self, mid: str, channel: str, body: dict[str, Any], *, webhook_id: str | None = None
    ) -> dict[str, Any]:
        out = {
            "id": mid, "type": 0, "channel_id": channel, "content": body.get("content", ""),
            "embeds": body.get("embeds", []), "author": user_object(BOT_ID, "newsbot", bot=True),
            "timestamp": datetime.now(UTC).isoformat(), "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [],
            "pinned": False, "flags": body.get("flags", 0), "components": [],
        }
        if webhook_id:
            out["webhook_id"] = webhook_id
        return out

    @staticmethod
    async def _write(
        writer: asyncio.StreamWriter, status: int, headers: dict[str, str], body: Any
    ) -> None:
        data = b"" if body is None or status == 204 else json.dumps(body).encode()
        headers = dict(headers)
        if data:
            headers["Content-Type"] = "application/json"  # exactly: discord.py checks ==
        headers["Content-Length"] = str(len(data))
        headers["Connection"] = "keep-alive"
        if status == 204:
            headers.pop("Content-Length")
        reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "?"
        head = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers.items())]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data)
        await writer.drain()


# -- gateway payloads ----------------------------------------------------------------------

_snowflakes = itertools.count(1_400_000_000_000_000_001)
MANAGE_CHANNELS = 1 << 4
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
VIEW_CHANNEL = 1 << 10
BOT_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS


def snowflake() -> str:
    return str(next(_snowflakes))


def member_object(user_id: str, name: str, permissions: int) -> dict[str, Any]:
    return {"user": user_object(user_id, name), "roles": [], "joined_at": "2024-01-01T00:00:00Z",
            "deaf": False, "mute": False, "flags": 0, "permissions": str(permissions)}


def interaction_payload(
    data: dict[str, Any],
    *,
    guild_id: str,
    channel_id: str,
    type: int = 2,
    permissions: int = MANAGE_CHANNELS | BOT_PERMISSIONS,
    app_permissions: int = BOT_PERMISSIONS,
    user_id: str = "500000000000000001",
    channel_name: str = "desk",
) -> dict[str, Any]:
    """An ``INTERACTION_CREATE`` dispatch: ``type`` 2 for a command, 4 for autocomplete."""
    return {
        "id": snowflake(), "application_id": APP_ID, "type": type, "token": f"itok-{snowflake()}",
        "version": 1, "guild_id": guild_id, "channel_id": channel_id,
        "channel": {"id": channel_id, "type": 0, "guild_id": guild_id, "name": channel_name,
                    "position": 0, "permission_overwrites": [], "nsfw": False, "parent_id": None},
        "member": member_object(user_id, "alice", permissions),
        "app_permissions": str(app_permissions), "locale": "en-US", "guild_locale": "en-US",
        "entitlements": [], "authorizing_integration_owners": {"0": guild_id}, "context": 0,
        "attachment_size_limit": 10 * 1024 * 1024, "data": data,
    }


def command_data(name: str, *options: dict[str, Any], sub: str | None = None) -> dict[str, Any]:
    """``data`` of a chat-input command; ``sub`` wraps ``options`` in a subcommand."""
    opts = list(options)
    if sub is not None:
        opts = [{"name": sub, "type": 1, "options": opts}]
    return {"id": snowflake(), "name": name, "type": 1, "options": opts}


def option(name: str, value: Any, *, type: int = 3, focused: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "type": type, "value": value}
    if focused:
        out["focused"] = True
    return out


def message_payload(
    content: str,
    *,
    channel_id: str,
    guild_id: str | None,
    author_id: str = "500000000000000001",
    bot: bool = False,
    mentions: list[str] = (),  # type: ignore[assignment]
    message_id: str | None = None,
) -> dict[str, Any]:
    """A ``MESSAGE_CREATE`` dispatch (or the ``message`` of a context-menu interaction)."""
    out: dict[str, Any] = {
        "id": message_id or snowflake(), "type": 0, "channel_id": channel_id,
        "author": user_object(author_id, "alice", bot=bot), "content": content,
        "timestamp": datetime.now(UTC).isoformat(), "edited_timestamp": None, "tts": False,
        "mention_everyone": False, "mentions": [user_object(u, "newsbot", bot=True)
                                                for u in mentions],
        "mention_roles": [], "attachments": [], "embeds": [], "pinned": False, "flags": 0,
        "components": [],
    }
    if guild_id is not None:
        out["guild_id"] = guild_id
    return out
