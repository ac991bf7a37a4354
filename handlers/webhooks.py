"""Slack and Discord incoming-webhook sinks: no bot token, just a URL an operator gave us.

Both sinks share one ``httpx.AsyncClient`` (see ``make_client``). Webhook URLs come from
operators, not from articles, so they do not go through the article safe-fetcher (which
refuses loopback and private hosts); they must still be http(s). A webhook URL is a
credential: it never appears in an error message or a log line.

HTTP outcomes map onto the outbox's error types: 429, 408, 5xx, timeouts and connection
errors are ``RetryableSendError`` (with the wait the platform asked for, from
``Retry-After`` — seconds or an HTTP date — or Discord's JSON ``retry_after``); 404 and
410 are ``PermanentSendError(gone=True)``; other 4xx are ``PermanentSendError``. A
successful Discord response with ``X-RateLimit-Remaining: 0`` tells the worker to wait
``X-RateLimit-Reset-After`` before the channel's next message.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from bot.analysis.alerts import Alert
from bot.service.outbox import (
    FindOriginal,
    PermanentSendError,
    RetryableSendError,
    SendResult,
    Sink,
    alert_of,
    merge_also_reported,
)
from bot.service.store import ChannelRow, DeliveryRow
from handlers.console import ConsoleSink
from handlers.render import discord_message, slack_message

DEFAULT_TIMEOUT = 10.0
USER_AGENT = "newsbot/0.1 (webhook sink)"
DISCORD_UNKNOWN_MESSAGE = 10008
DISCORD_UNKNOWN_WEBHOOK = 10015


def make_client(timeout: float = DEFAULT_TIMEOUT, **kwargs: Any) -> httpx.AsyncClient:
    """The one client every webhook sink shares; close it when the service stops."""
    kwargs.setdefault("headers", {"User-Agent": USER_AGENT})
    return httpx.AsyncClient(timeout=httpx.Timeout(timeout), follow_redirects=False, **kwargs)


def webhook_sinks(
    client: httpx.AsyncClient,
    *,
    find_original: FindOriginal | None = None,
    console: ConsoleSink | None = None,
) -> dict[str, Sink]:
    """Sinks for every platform that needs no bot token, keyed by ``ChannelRow.platform``.

    Pass ``bot.service.outbox.original_finder(store)`` as ``find_original`` so "also reported"
    updates can edit the original Discord message.
    """
    return {
        "console": console or ConsoleSink(),
        "slack-webhook": SlackWebhookSink(client, find_original=find_original),
        "discord-webhook": DiscordWebhookSink(client, find_original=find_original),
    }


# -- HTTP helpers ----------------------------------------------------------------------


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta-seconds or an HTTP date."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


def _float_header(response: httpx.Response, name: str) -> float | None:
    try:
        return float(response.headers[name])
    except (KeyError, ValueError):
        return None


def _json(response: httpx.Response) -> dict[str, Any] | None:
    try:
        data = response.json()
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def rate_limit_wait(response: httpx.Response) -> float | None:
    """Seconds before the next request is allowed, if the bucket is empty."""
    if _float_header(response, "X-RateLimit-Remaining") == 0:
        return _float_header(response, "X-RateLimit-Reset-After")
    return None


def retry_after(response: httpx.Response) -> float | None:
    """The wait a refusal asked for: the longest of the hints the response gives."""
    hints = [parse_retry_after(response.headers.get("Retry-After")), rate_limit_wait(response)]
    data = _json(response)
    if data is not None and isinstance(data.get("retry_after"), int | float):
        hints.append(max(float(data["retry_after"]), 0.0))
    known = [h for h in hints if h is not None]
    return max(known) if known else None


def _reason(response: httpx.Response) -> str:
    data = _json(response)
    if data is not None:
        message = str(data.get("message", ""))
        code = data.get("code")
        text = f"{message} (code {code})" if code else message
    else:
        text = response.text.strip()
    return " ".join(text.split())[:300] or response.reason_phrase


def raise_for_status(response: httpx.Response, platform: str) -> None:
    """Turn a non-2xx answer into the outbox's error types."""
    status = response.status_code
    if 200 <= status < 300:
        return
    what = f"HTTP {status} from {platform}: {_reason(response)}"
    if status == 429 or status == 408 or status >= 500:
        raise RetryableSendError(what, retry_after(response), status=status)
    if status in (404, 410):
        raise PermanentSendError(what, status=status, gone=True)
    raise PermanentSendError(what, status=status)


def escalation_note(delivery: DeliveryRow) -> str | None:
    """Why an escalation escalates (``payload["escalation_reason"]``), as a short line."""
    reason = (delivery.payload or {}).get("escalation_reason")
    if delivery.kind != "escalation" or not reason:
        return None
    return f"Escalation: {reason}"


def webhook_url(channel: ChannelRow) -> httpx.URL:
    """The channel's webhook URL, checked to be absolute http(s)."""
    raw = channel.webhook_url
    if not raw:
        raise PermanentSendError(f"{channel.platform} channel has no webhook URL", gone=True)
    try:
        url = httpx.URL(raw)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise PermanentSendError("the webhook URL is not a valid URL", gone=True) from None
    if url.scheme not in ("http", "https") or not url.host:
        raise PermanentSendError(
            f"the webhook URL must be http(s), not {url.scheme or 'relative'}", gone=True
        )
    return url


class _WebhookSink:
    """What both webhook sinks share: the client and error mapping of one request."""

    platform = "webhook"

    def __init__(
        self, client: httpx.AsyncClient, *, find_original: FindOriginal | None = None
    ) -> None:
        self.client = client
        self.find_original = find_original

    async def _request(
        self, method: str, url: httpx.URL, body: dict[str, Any]
    ) -> httpx.Response:
        try:
            return await self.client.request(
                method,
                url,
                content=json.dumps(body, ensure_ascii=False).encode(),
                headers={"Content-Type": "application/json"},
            )
        except httpx.TimeoutException as exc:
            raise RetryableSendError(f"{self.platform}: timed out ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            # str(exc) may carry the host; the type and errno are enough to act on.
            detail = f"{type(exc).__name__}: {exc}".split(" for url")[0][:200]
            raise RetryableSendError(f"{self.platform}: connection failed ({detail})") from None

    async def _original(self, channel: ChannelRow, delivery: DeliveryRow) -> DeliveryRow | None:
        if self.find_original is None:
            return None
        return await self.find_original(channel.id, delivery.cluster_id)


class SlackWebhookSink(_WebhookSink):
    """Posts Block Kit with fallback text to a Slack incoming webhook.

    Incoming webhooks answer ``200 ok`` and return no message id, so nothing can be
    edited or threaded later: "also reported" updates are not posted (the Slack app
    threads them instead).
    """

    platform = "slack-webhook"

    async def send(self, channel: ChannelRow, delivery: DeliveryRow, alert: Alert) -> SendResult:
        """POST the alert; raises the outbox's error types on refusal."""
        url = webhook_url(channel)
        if delivery.kind == "also_reported":
            # An incoming webhook can neither edit nor thread, and another post about the same
            # event is the noise users leave feed bots for: the update is recorded, not posted.
            return SendResult(message_id=None)
        body = slack_message(alert, delivery.kind, note=escalation_note(delivery))
        response = await self._request("POST", url, body)
        raise_for_status(response, self.platform)
        return SendResult(message_id=None, wait_after=rate_limit_wait(response))


class DiscordWebhookSink(_WebhookSink):
    """Executes a Discord webhook with one embed (``?wait=true``, so we get the message id).

    An "also reported" update edits the original message — ``PATCH …/messages/{id}`` — to
    add the new sources; if that message is unknown (never sent here, or deleted) it posts
    a new one instead.
    """

    platform = "discord-webhook"

    async def send(self, channel: ChannelRow, delivery: DeliveryRow, alert: Alert) -> SendResult:
        """POST (or PATCH, for updates) the embed; returns Discord's message id."""
        url = webhook_url(channel)
        if delivery.kind == "also_reported":
            original = await self._original(channel, delivery)
            if original is not None and original.sent_message_id:
                edited = await self._edit(url, original, alert)
                if edited is not None:
                    return edited
            if original is not None:
                alert = merge_also_reported(alert_of(original), alert)
        body = discord_message(
            alert, delivery.kind, timestamp=delivery.created_at, note=escalation_note(delivery)
        )
        response = await self._request("POST", url.copy_merge_params({"wait": "true"}), body)
        raise_for_status(response, self.platform)
        data = _json(response) or {}
        message_id = data.get("id")
        return SendResult(
            message_id=str(message_id) if message_id is not None else None,
            wait_after=rate_limit_wait(response),
        )

    async def _edit(
        self, url: httpx.URL, original: DeliveryRow, update: Alert
    ) -> SendResult | None:
        """Edit the original message; None when Discord no longer knows it."""
        message_id = str(original.sent_message_id)
        merged = merge_also_reported(alert_of(original), update)
        body = discord_message(
            merged, original.kind, timestamp=original.created_at, note=escalation_note(original)
        )
        target = url.copy_with(path=url.path.rstrip("/") + f"/messages/{message_id}")
        response = await self._request("PATCH", target, body)
        if response.status_code == 404:
            data = _json(response) or {}
            if data.get("code") in (None, DISCORD_UNKNOWN_MESSAGE):
                return None
        raise_for_status(response, self.platform)
        return SendResult(message_id=message_id, wait_after=rate_limit_wait(response))


__all__: list[str] = [
    "DEFAULT_TIMEOUT",
    "DiscordWebhookSink",
    "SlackWebhookSink",
    "make_client",
    "parse_retry_after",
    "raise_for_status",
    "rate_limit_wait",
    "retry_after",
    "webhook_sinks",
]

