"""``SlackSink``: sends the outbox's alerts with ``chat.postMessage`` (bot token).

Block Kit from ``handlers.render.slack_message`` with the fallback ``text`` always set.
An "also reported" update goes into the thread of the alert it updates (``thread_ts`` =
the original message's ``ts``, which the outbox stored as its message id); with no sent
original it is posted as a short note of its own.

Outcomes map onto the outbox's error types: HTTP 429 (with ``Retry-After``), 5xx,
timeouts and Slack's ``ratelimited``/``internal_error``-style answers are retryable; a
deleted or archived channel is gone; other refusals (``not_in_channel``, ``invalid_auth``,
``invalid_blocks``…) are permanent and retried with backoff until given up. The token
never appears in an error message or a log line.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from bot.analysis.alerts import Alert
from bot.service.outbox import (
    FindOriginal,
    PermanentSendError,
    RetryableSendError,
    SendResult,
    alert_of,
)
from bot.service.store import ChannelRow, DeliveryRow
from handlers.render import slack_also_reported, slack_message
from handlers.webhooks import escalation_note, raise_for_status

DEFAULT_API_URL = "https://slack.com/api/"
RETRYABLE_ERRORS = frozenset(
    {"ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable",
     "request_timeout", "team_added_to_org"}
)
GONE_ERRORS = frozenset({"channel_not_found", "is_archived", "channel_is_archived"})


class SlackSink:
    """The outbox's sink for channels of platform ``"slack"``."""

    platform = "slack"

    def __init__(
        self,
        client: httpx.AsyncClient,
        token: str,
        *,
        api_url: str = DEFAULT_API_URL,
        find_original: FindOriginal | None = None,
    ) -> None:
        self.client = client
        self._token = token
        self.api_url = api_url if api_url.endswith("/") else api_url + "/"
        self.find_original = find_original

    def __repr__(self) -> str:  # never the token
        return f"SlackSink(api_url={self.api_url!r})"

    async def send(self, channel: ChannelRow, delivery: DeliveryRow, alert: Alert) -> SendResult:
        """Post the alert (or thread the update); returns the message ``ts``."""
        body: dict[str, Any]
        if delivery.kind == "also_reported":
            original = await self._original(channel, delivery)
            if original is not None and original.sent_message_id:
                sources = len((delivery.payload or {}).get("sources") or ())
                body = slack_also_reported(alert, alert_of(original), sources=sources)
                body["thread_ts"] = original.sent_message_id
            else:
                body = slack_also_reported(alert)
        else:
            body = slack_message(alert, delivery.kind, note=escalation_note(delivery))
        body["channel"] = channel.channel_id
        data = await self.call("chat.postMessage", body)
        return SendResult(message_id=str(data.get("ts") or "") or None)

    async def call(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        """One Web API call with the bot token; raises the outbox's error types."""
        try:
            response = await self.client.post(
                self.api_url + method,
                content=json.dumps(body, ensure_ascii=False).encode(),
                headers={
                    "Authorization": f"Bearer {self._token}",
                    "Content-Type": "application/json; charset=utf-8",
                },
            )
        except httpx.TimeoutException as exc:
            raise RetryableSendError(f"slack {method}: timed out ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            raise RetryableSendError(
                f"slack {method}: connection failed ({type(exc).__name__})"
            ) from None
        raise_for_status(response, "slack")
        try:
            data = response.json()
        except ValueError:
            raise RetryableSendError(f"slack {method}: answer is not JSON") from None
        if not isinstance(data, dict):
            raise RetryableSendError(f"slack {method}: unexpected answer")
        if data.get("ok"):
            return data
        error = str(data.get("error") or "unknown_error")
        what = f"slack {method}: {error}"
        if error in RETRYABLE_ERRORS:
            raise RetryableSendError(what, status=response.status_code)
        if error in GONE_ERRORS:
            raise PermanentSendError(what, status=response.status_code, gone=True)
        raise PermanentSendError(what, status=response.status_code)

    async def _original(self, channel: ChannelRow, delivery: DeliveryRow) -> DeliveryRow | None:
        if self.find_original is None:
            return None
        return await self.find_original(channel.id, delivery.cluster_id)
