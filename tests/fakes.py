"""Loopback fakes of the chat platforms' webhook endpoints, for tests.

``FakeWebhookReceiver`` is a real HTTP/1.1 server on ``127.0.0.1`` (port 0) built on
``asyncio.start_server``. It records every request, answers like Slack's incoming
webhooks (``200 ok``) or Discord's webhooks (a message object with an id for
``?wait=true``, edits at ``…/messages/{id}``), and can be scripted to answer a sequence
such as ``[500, Reply(429, headers={"Retry-After": "1"}), 200]`` before its default.

    async with FakeWebhookReceiver("discord", script=[500, 200]) as rx:
        ... post to rx.webhook_url ...
        await rx.wait_for(2)
        assert len(rx.delivered) == 1
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from http import HTTPStatus
from typing import Any, Literal

from loopback import ReceivedRequest, Reply, read_http_request

from bot.analysis.alerts import Alert, alert_line
from bot.models import Casualties, Event, Place
from bot.service.store import ChannelRow, DeliveryRow, Store
from bot.service.store.repository import DeliveryKind

Flavour = Literal["slack", "discord"]


SLACK_ERRORS = {
    400: "invalid_payload",
    403: "action_prohibited",
    404: "no_service",
    410: "channel_is_archived",
    429: "rate_limited",
}
DISCORD_ERRORS = {
    400: {"message": "Invalid Form Body", "code": 50035},
    401: {"message": "Invalid Webhook Token", "code": 50027},
    403: {"message": "Missing Access", "code": 50001},
    404: {"message": "Unknown Webhook", "code": 10015},
}


class FakeWebhookReceiver:
    """A recording, scriptable Slack- or Discord-flavoured webhook endpoint."""

    def __init__(
        self,
        flavour: Flavour = "slack",
        *,
        script: Iterable[int | Reply] = (),
        default: int | Reply = 200,
    ) -> None:
        self.flavour = flavour
        self._script: list[Reply] = [self._reply(r) for r in script]
        self.default = self._reply(default)
        self.requests: list[ReceivedRequest] = []
        self.messages: dict[str, Any] = {}  # Discord: message id → last body posted/edited
        self._ids = itertools.count(1_200_000_000_000_000_001)
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._changed = asyncio.Condition()
        self.port = 0
        # Seconds between acting on a POST and answering it: a slow answer, the window in
        # which a sender killed after the receiver's work cannot know it was done.
        self.answer_delay = 0.0

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> FakeWebhookReceiver:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def __aenter__(self) -> FakeWebhookReceiver:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- what tests use --------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def webhook_url(self) -> str:
        """A URL shaped like the platform's own."""
        if self.flavour == "discord":
            return f"{self.base_url}/api/webhooks/4242/t0ken"
        return f"{self.base_url}/services/T0001/B0001/s3cret"

    def script(self, *replies: int | Reply) -> None:
        """Queue answers for the next requests, after any already queued."""
        self._script.extend(self._reply(r) for r in replies)

    @property
    def delivered(self) -> list[ReceivedRequest]:
        """New messages that went through: POSTs answered 2xx."""
        return [r for r in self.requests if r.method == "POST" and r.ok]

    @property
    def edits(self) -> list[ReceivedRequest]:
        """Message edits that went through: PATCHes answered 2xx."""
        return [r for r in self.requests if r.method == "PATCH" and r.ok]

    async def wait_for(
        self,
        count: int,
        *,
        timeout: float = 5.0,
        where: Callable[[ReceivedRequest], bool] = lambda r: r.status is not None,
    ) -> list[ReceivedRequest]:
        """Wait until ``count`` requests match ``where`` (default: answered ones)."""

        def matching() -> list[ReceivedRequest]:
            return [r for r in self.requests if where(r)]

        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: len(matching()) >= count)
        return matching()

    # -- the server ------------------------------------------------------------------------

    @staticmethod
    def _reply(r: int | Reply) -> Reply:
        return r if isinstance(r, Reply) else Reply(status=r)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            while True:
                request = await self._read_request(reader)
                if request is None:
                    break
                self.requests.append(request)
                await self._notify()
                reply = self._script.pop(0) if self._script else self.default
                if reply.delay:
                    await asyncio.sleep(reply.delay)
                status, headers, body = self._answer(request, reply)
                if self.answer_delay and request.method == "POST":
                    request.status = status  # acted on; the answer is on its way
                    await asyncio.sleep(self.answer_delay)
                await self._write(writer, status, headers, body)
                request.status = status
                await self._notify()
                if request.headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _read_request(self, reader: asyncio.StreamReader) -> ReceivedRequest | None:
        parsed = await read_http_request(reader)
        if parsed is None:
            return None
        return ReceivedRequest(*parsed, time.monotonic())

    def _answer(
        self, request: ReceivedRequest, reply: Reply
    ) -> tuple[int, dict[str, str], bytes]:
        headers = dict(reply.headers)
        body = reply.body
        status = reply.status
        if body is None:
            if self.flavour == "discord":
                status, body = self._discord_body(request, reply)
            else:
                body = "ok" if status < 300 else SLACK_ERRORS.get(status, "internal_error")
        if isinstance(body, dict | list):
            headers.setdefault("Content-Type", "application/json")
            data = json.dumps(body).encode()
        else:
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
            data = str(body).encode()
        return status, headers, data

    def _discord_body(self, request: ReceivedRequest, reply: Reply) -> tuple[int, Any]:
        status = reply.status
        if status == 429:
            wait = float(reply.headers.get("Retry-After", "1"))
            return status, {"message": "You are being rate limited.", "retry_after": wait,
                            "global": False}
        if status >= 500:
            return status, {"message": "Internal Server Error", "code": 0}
        if status >= 300:
            return status, DISCORD_ERRORS.get(status, {"message": "Error", "code": 0})
        sent = request.json or {}
        if request.method == "PATCH":
            message_id = request.path.rstrip("/").rsplit("/", 1)[-1]
            if message_id not in self.messages:
                return 404, {"message": "Unknown Message", "code": 10008}
            self.messages[message_id] = sent
            return 200, self._message(message_id, sent)
        if request.query.get("wait") != "true":
            return 204, ""
        message_id = str(next(self._ids))
        self.messages[message_id] = sent
        return 200, self._message(message_id, sent)

    @staticmethod
    def _message(message_id: str, sent: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": message_id,
            "type": 0,
            "channel_id": "777",
            "webhook_id": "4242",
            "content": sent.get("content", ""),
            "embeds": sent.get("embeds", []),
        }

    @staticmethod
    async def _write(
        writer: asyncio.StreamWriter, status: int, headers: dict[str, str], body: bytes
    ) -> None:
        reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "?"
        lines = [f"HTTP/1.1 {status} {reason}"]
        headers = {**headers, "Content-Length": str(len(body)), "Connection": "keep-alive"}
        if status == 204:
            body = b""
            headers.pop("Content-Length")
            headers.pop("Content-Type", None)
        lines += [f"{k}: {v}" for k, v in headers.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()


# -- alerts and deliveries to feed the outbox --------------------------------------------


def sample_alert(
    *,
    summary: str = "Taliban fighters attacked the city overnight. Dozens were killed.",
    source: str = "example.org",
    url: str | None = "https://example.org/news/1",
    severity: str = "high",
    places: tuple[str, ...] = ("Lashkar Gah",),
    extra_lines: tuple[str, ...] = (),
    actors: tuple[str, ...] = ("Taliban",),
    killed: int | None = 12,
    also_reported_by: tuple[str, ...] = (),
) -> Alert:
    """An ``Alert`` as the pipeline builds it: one attack, plus ``extra_lines`` events."""
    names = {"AF": "Afghanistan"}.get
    event = Event(
        "attack",
        [Place(f"g:{i}", name, "city", "AF", "Helmand") for i, name in enumerate(places)],
        "evidence",
        headline=True,
        severity=severity,
        confidence=0.9,
        actors=list(actors),
        casualties=Casualties(killed=killed, qualifier="at least") if killed else None,
    )
    event.alert = alert_line(event, lambda c: names(c) or c)
    extra = [Event("displacement", [], "ev", severity="medium", alert=line) for line in extra_lines]
    events = (event, *extra)
    return Alert(
        events=events,
        lines=tuple(e.alert for e in events),
        summary=summary,
        source=source,
        url=url,
        published=date(2026, 3, 1),
        also_reported_by=also_reported_by,
    )


async def add_channel(
    store: Store, platform: str, url: str | None = None, name: str = "ops"
) -> ChannelRow:
    """Create (or update) a channel row; webhook kinds take ``url``."""
    async with store.session() as repo:
        return await repo.upsert_channel(platform, name, name=name, webhook_url=url)


async def queue_alert(
    store: Store,
    channel_id: int,
    alert: Alert | None = None,
    *,
    kind: DeliveryKind = "alert",
    cluster_id: int | None = None,
    level: int = 0,
) -> DeliveryRow:
    """Enqueue one delivery the way the pipeline does (new cluster unless one is given)."""
    alert = alert or sample_alert()
    async with store.session() as repo:
        if cluster_id is None:
            cluster = await repo.create_cluster(
                type="attack", country="AF", place_keys=["g:0"],
                seen_at=datetime.now(UTC), severity_rank=2,
            )
            cluster_id = cluster.id
        row = await repo.enqueue_delivery(
            channel_id=channel_id,
            cluster_id=cluster_id,
            kind=kind,
            escalation_level=level,
            payload={
                "alert": alert.to_payload(),
                "cluster_ids": [cluster_id],
                "article_url": alert.url or "",
                "channel_kind": "",
            },
        )
    assert row is not None, "delivery was already queued"
    return row
