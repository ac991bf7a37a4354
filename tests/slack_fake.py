"""A loopback fake of the Slack platform, for tests and the bench: a real aiohttp server on
``127.0.0.1`` (port 0) that plays the Web API, ``response_url`` and the Socket Mode
websocket, plus what Slack itself would send to the app — signed slash commands and event
callbacks.

    async with FakeSlack() as slack:
        settings = Settings(_env_file=None, slack_api_url=slack.api_url, ...)
        ... start the app; then:
        await slack.command(app_url, "subscribe Afghanistan", channel="C1")
        [post] = await slack.wait_for("chat.postMessage", 1)

Web API methods answered: ``auth.test``, ``chat.postMessage``, ``chat.postEphemeral``,
``users.info`` (``users`` maps ids to flags such as ``{"is_admin": True}``),
``usergroups.users.list`` (``groups``), ``apps.connections.open`` (a ``ws://127.0.0.1``
URL). Any method can be scripted to answer, for example, ``Answer(429, {"Retry-After":
"1"})`` before its normal answer. Every call is recorded in ``calls``; ``response_url``
posts in ``responses``; Socket Mode acknowledgements in ``socket_acks``.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
from aiohttp import WSMsgType, web
from slack_sdk.signature import SignatureVerifier

BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAM = "T0TEST"
BOT_USER = "UBOT"
BOT_ID = "BBOT"


# Read methods: Slack reads their arguments from the query or a form body, never JSON.
READ_METHODS = frozenset({"conversations.history", "users.info", "usergroups.users.list"})

@dataclass
class Answer:
    """A scripted answer: HTTP status, headers, and a JSON body (default: Slack's)."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None


@dataclass
class Call:
    """One Web API call as the fake saw it."""

    method: str
    args: dict[str, Any]
    token: str | None
    at: float  # time.monotonic()
    status: int = 200
    answer: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.answer.get("ok"))


@dataclass
class Response:
    """One post to a ``response_url``."""

    key: str
    body: dict[str, Any]
    at: float

    @property
    def ephemeral(self) -> bool:
        return self.body.get("response_type", "ephemeral") == "ephemeral"

    @property
    def text(self) -> str:
        """The fallback text as a person reads it (Slack's &amp; &lt; &gt; undone)."""
        return html.unescape(self.body.get("text", ""))


class FakeSlack:
    """The Slack side of every test: Web API, response URLs, Socket Mode, signed requests."""

    def __init__(self, *, secret: str = SIGNING_SECRET) -> None:
        self.secret = secret
        self.calls: list[Call] = []
        self.responses: list[Response] = []
        self.socket_acks: list[dict[str, Any]] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.history_scope = True  # the app may read channel history (channels:history)
        self.groups: dict[str, list[str]] = {}
        self._script: dict[str, list[Answer]] = {}
        self._ts = itertools.count(1)
        self._changed = asyncio.Condition()
        self._sockets: list[web.WebSocketResponse] = []
        self._runner: web.AppRunner | None = None
        self._http: httpx.AsyncClient | None = None
        self.port = 0
        self.answer_delay = 0.0  # seconds between posting a message and answering

    # -- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> FakeSlack:
        app = web.Application()
        app.add_routes([
            web.route("*", "/api/{method}", self._api),
            web.post("/response/{key}", self._response),
            web.get("/socket", self._socket),
        ])
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._http = httpx.AsyncClient(timeout=10.0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        for ws in list(self._sockets):
            with contextlib.suppress(Exception):
                await ws.close()
        if self._http is not None:
            await self._http.aclose()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    # -- what tests look at ----------------------------------------------------------------

    def script(self, method: str, *answers: Answer) -> None:
        """Answer the next calls of ``method`` with these, then normally."""
        self._script.setdefault(method, []).extend(answers)

    def posts(self, channel: str | None = None) -> list[Call]:
        """``chat.postMessage`` calls that went through, optionally to one channel."""
        return [c for c in self.calls if c.method == "chat.postMessage" and c.ok
                and (channel is None or c.args.get("channel") == channel)]

    async def wait_for(
        self, method: str, count: int, *, timeout: float = 10.0,
        where: Callable[[Call], bool] = lambda c: c.ok,
    ) -> list[Call]:
        """Wait until ``count`` calls of ``method`` match ``where`` (default: succeeded)."""

        def matching() -> list[Call]:
            return [c for c in self.calls if c.method == method and where(c)]

        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: len(matching()) >= count)
        return matching()

    async def wait_for_response(self, key: str, *, timeout: float = 10.0) -> Response:
        """The post to ``response_url`` ``key`` (see ``command``)."""

        def found() -> list[Response]:
            return [r for r in self.responses if r.key == key]

        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: bool(found()))
        return found()[0]

    # -- what Slack sends to the app -------------------------------------------------------

    def sign(self, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = SignatureVerifier(self.secret).generate_signature(timestamp=ts, body=body)
        return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature or ""}

    async def send(
        self,
        url: str,
        body: bytes,
        content_type: str,
        *,
        headers: dict[str, str] | None = None,
        timestamp: int | None = None,
    ) -> httpx.Response:
        """POST ``body`` to the app at ``url``, signed with the secret (unless ``headers``
        carry a signature of their own)."""
        assert self._http is not None
        sent = {"Content-Type": content_type, **self.sign(body, timestamp), **(headers or {})}
        return await self._http.post(url, content=body, headers=sent)

    def command_body(
        self, text: str, *, channel: str = "C0ALERTS", user: str = "UADMIN",
        key: str | None = None,
    ) -> tuple[bytes, str]:
        key = key or uuid.uuid4().hex
        form = {
            "token": "legacy", "team_id": TEAM, "team_domain": "test",
            "channel_id": channel, "channel_name": channel.lower(), "user_id": user,
            "user_name": user.lower(), "command": "/newsbot", "text": text,
            "api_app_id": "A0TEST", "response_url": f"{self.base_url}/response/{key}",
            "trigger_id": f"trigger.{key}",
        }
        return urlencode(form).encode(), key

    async def command(
        self, url: str, text: str, *, channel: str = "C0ALERTS", user: str = "UADMIN",
        timeout: float = 15.0,
    ) -> Response:
        """Run ``/newsbot text`` and return what the app answered on the response URL."""
        body, key = self.command_body(text, channel=channel, user=user)
        reply = await self.send(url, body, "application/x-www-form-urlencoded")
        assert reply.status_code == 200, (reply.status_code, reply.text)
        return await self.wait_for_response(key, timeout=timeout)

    def event_body(self, event: dict[str, Any], *, event_id: str | None = None) -> bytes:
        return json.dumps({
            "token": "legacy", "team_id": TEAM, "api_app_id": "A0TEST",
            "event": event, "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
        }).encode()

    def message(self, text: str, *, channel: str = "C0NEWS", user: str = "UPOSTER",
                **extra: Any) -> dict[str, Any]:
        """A ``message`` event as a person's post in a public channel."""
        return {"type": "message", "channel": channel, "user": user, "text": text,
                "ts": f"{time.time():.6f}", "channel_type": "channel", "team": TEAM, **extra}

    async def event(self, url: str, event: dict[str, Any], **kw: Any) -> httpx.Response:
        headers = {}
        if kw.get("retry_num") is not None:
            headers = {"X-Slack-Retry-Num": str(kw["retry_num"]),
                       "X-Slack-Retry-Reason": "http_timeout"}
        body = self.event_body(event, event_id=kw.get("event_id"))
        return await self.send(url, body, "application/json", headers=headers)

    # -- Socket Mode -----------------------------------------------------------------------

    async def socket_connected(self, timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: bool(self._sockets))

    async def wait_for_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """The app's acknowledgement of an envelope."""

        def found() -> list[dict[str, Any]]:
            return [a for a in self.socket_acks if a.get("envelope_id") == envelope_id]

        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: bool(found()))
        return found()[0]

    async def socket_send(self, type_: str, payload: dict[str, Any]) -> str:
        """Push an envelope to the connected app; returns its envelope id."""
        envelope_id = uuid.uuid4().hex
        await self._sockets[-1].send_str(json.dumps({
            "envelope_id": envelope_id, "type": type_, "payload": payload,
            "accepts_response_payload": type_ != "events_api", "retry_attempt": 0,
            "retry_reason": "",
        }))
        return envelope_id

    # -- the server ------------------------------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        raw = await request.read()
        if raw:
            if request.content_type == "application/json":
                # Slack takes JSON bodies for write methods only; a read method sees none.
                if method not in READ_METHODS:
                    args.update(json.loads(raw))
            else:
                args.update(parse_qsl(raw.decode()))
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip() or args.pop("token", None)
        call = Call(method, args, token, time.monotonic())
        self.calls.append(call)
        scripted = self._script.get(method)
        answer = scripted.pop(0) if scripted else None
        if answer is not None and answer.status != 200:
            call.status = answer.status
            call.answer = answer.body or {"ok": False, "error": "ratelimited"
                                          if answer.status == 429 else "internal_error"}
        elif answer is not None and answer.body is not None:
            call.answer = answer.body
        else:
            call.answer = self._answer(call)
        await self._notify()
        if self.answer_delay and method == "chat.postMessage":
            await asyncio.sleep(self.answer_delay)
        return web.json_response(call.answer, status=call.status,
                                 headers=answer.headers if answer else None)

    def _answer(self, call: Call) -> dict[str, Any]:
        wanted = APP_TOKEN if call.method == "apps.connections.open" else BOT_TOKEN
        if call.token != wanted:
            return {"ok": False, "error": "invalid_auth"}
        if call.method == "auth.test":
            return {"ok": True, "url": "https://test.slack.com/", "team": "Test",
                    "team_id": TEAM, "user": "newsbot", "user_id": BOT_USER, "bot_id": BOT_ID}
        if call.method == "chat.postMessage":
            if not call.args.get("channel"):
                return {"ok": False, "error": "channel_not_found"}
            if not call.args.get("text") and not call.args.get("blocks"):
                return {"ok": False, "error": "no_text"}
            ts = f"{int(time.time())}.{next(self._ts):06d}"  # Slack's form: unique, ordered
            return {"ok": True, "channel": call.args["channel"], "ts": ts,
                    "message": {"type": "message", "bot_id": BOT_ID, "ts": ts,
                                "text": call.args.get("text", "")}}
        if call.method == "conversations.history":
            # Newest first, as Slack answers; metadata only when asked for.
            if not self.history_scope:
                return {"ok": False, "error": "missing_scope", "needed": "channels:history"}
            with_metadata = str(call.args.get("include_all_metadata", "")).lower() in (
                "1", "true")
            oldest = float(call.args.get("oldest") or 0)
            messages = []
            for post in reversed(self.posts(call.args.get("channel"))):
                ts = post.answer["ts"]
                if float(ts) <= oldest:
                    continue
                message = {"type": "message", "bot_id": BOT_ID, "ts": ts,
                           "text": post.args.get("text", "")}
                if with_metadata and post.args.get("metadata"):
                    message["metadata"] = post.args["metadata"]
                messages.append(message)
            return {"ok": True, "messages": messages[: int(call.args.get("limit") or 100)],
                    "has_more": False}
        if call.method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{time.time():.6f}"}
        if call.method == "users.info":
            user = call.args.get("user", "")
            flags = self.users.get(user, {})
            return {"ok": True, "user": {"id": user, "team_id": TEAM, "name": user.lower(),
                                         "is_admin": False, "is_owner": False,
                                         "is_primary_owner": False, **flags}}
        if call.method == "usergroups.users.list":
            group = call.args.get("usergroup", "")
            if group not in self.groups:
                return {"ok": False, "error": "no_such_subteam"}
            return {"ok": True, "users": self.groups[group]}
        if call.method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}
        return {"ok": False, "error": "unknown_method"}

    async def _response(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.responses.append(Response(request.match_info["key"], body, time.monotonic()))
        await self._notify()
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1,
                                      "connection_info": {"app_id": "A0TEST"}}))
        self._sockets.append(ws)
        await self._notify()
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self.socket_acks.append(json.loads(msg.data))
                    await self._notify()
        finally:
            self._sockets.remove(ws)
        return ws


class ArticleSite:
    """News article pages on loopback: ``publish(path, title, text)``, then fetch
    ``url(path)``; ``hits`` counts the fetches of each path."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[str, str]] = {}
        self.hits: dict[str, int] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def __aenter__(self) -> ArticleSite:
        app = web.Application()
        app.add_routes([web.get("/{path:.*}", self._page)])
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def publish(self, path: str, title: str, text: str) -> str:
        self.pages[path] = (title, text)
        return self.url(path)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    async def _page(self, request: web.Request) -> web.Response:
        path = request.path
        self.hits[path] = self.hits.get(path, 0) + 1
        if path not in self.pages:
            raise web.HTTPNotFound()
        title, text = self.pages[path]
        paras = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
        html = (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
                f"{paras}</article></body></html>")
        return web.Response(text=html, content_type="text/html", charset="utf-8")
