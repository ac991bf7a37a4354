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

Each alert carries its delivery id as message metadata. A delivery sent again (a retry, or
after a crash between Slack's answer and the outbox's record of it) first looks for that
metadata in the channel's recent history (``conversations.history``, scope
``channels:history``/``groups:history``) and, if the first attempt did post, records that
message instead of posting a second. Without the scope it posts (a repeat is possible).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC
from typing import Any

import httpx

from bot.analysis.alerts import Alert
from bot.service.outbox import (
    FindOriginal,
    PermanentSendError,
    RetryableSendError,
    SendError,
    SendResult,
    alert_of,
)
from bot.service.store import ChannelRow, DeliveryRow
from handlers.render import slack_also_reported, slack_message
from handlers.webhooks import escalation_note, raise_for_status

log = logging.getLogger("newsbot.slack")
DEFAULT_API_URL = "https://slack.com/api/"
METADATA_TYPE = "newsbot_alert"  # message metadata: which delivery a message carries
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
        # The delivery's id travels with the message, so a send repeated after a crash
        # between Slack's answer and our record of it (kill -9) finds the first message
        # instead of posting a second.
        body["metadata"] = {"event_type": METADATA_TYPE,
                            "event_payload": {"delivery_id": delivery.id}}
        if delivery.attempts > 1:
            posted = await self._already_posted(channel, delivery)
            if posted is not None:
                return SendResult(message_id=posted)
        data = await self.call("chat.postMessage", body)
        return SendResult(message_id=str(data.get("ts") or "") or None)

    async def _already_posted(self, channel: ChannelRow, delivery: DeliveryRow) -> str | None:
        """The ``ts`` of this delivery's message if an earlier attempt posted it; None if
        not, or if the channel's history cannot be read (then a repeat is possible)."""
        created = delivery.created_at
        oldest = created.replace(tzinfo=created.tzinfo or UTC).timestamp() - 60 if created else 0
        try:
            data = await self.call("conversations.history", {
                "channel": channel.channel_id,
                "oldest": f"{oldest:.6f}",
                "limit": "200",
                "include_all_metadata": "true",
            }, form=True)
        except SendError as exc:
            log.info("slack: cannot check %s for an earlier copy of delivery %d (%s)",
                     channel.channel_id, delivery.id, exc)
            return None
        for message in data.get("messages") or ():
            meta = message.get("metadata") or {}
            payload = meta.get("event_payload") or {}
            ours = meta.get("event_type") == METADATA_TYPE
            if ours and payload.get("delivery_id") == delivery.id:
                return str(message.get("ts") or "") or None
        return None

    async def call(
        self, method: str, body: dict[str, Any], *, form: bool = False
    ) -> dict[str, Any]:
        """One Web API call with the bot token; raises the outbox's error types.

        ``form``: send the arguments form-encoded, as Slack's read methods require (it
        takes JSON bodies for write methods only)."""
        auth = {"Authorization": f"Bearer {self._token}"}
        try:
            if form:
                response = await self.client.post(self.api_url + method, data=body, headers=auth)
            else:
                response = await self.client.post(
                    self.api_url + method,
                    content=json.dumps(body, ensure_ascii=False).encode(),
                    headers={**auth, "Content-Type": "application/json; charset=utf-8"},
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
