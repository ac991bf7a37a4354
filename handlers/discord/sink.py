"""``DiscordSink``: the outbox's sender for platform ``"discord"`` (bot-token channels).

One embed per delivery (``handlers.render.discord_message``: every Discord limit enforced),
POSTed to ``channels/{id}/messages`` through the bot's discord.py REST client, so its
per-route buckets pace the sends. Rate limits: discord.py sleeps through a 429 whose
``retry_after`` is at most ``MAX_INLINE_RATE_LIMIT`` seconds; a longer one raises
``discord.RateLimited``, which becomes ``RetryableSendError(retry_after=…)`` and the outbox
reschedules the delivery for then. 5xx answers are retried by discord.py, then by the
outbox. "Also reported" updates edit the original message.

A channel a person must fix — 404 Unknown Channel (10003: deleted, or hidden from the
bot), 403 Missing Access (50001) or Missing Permissions (50013) — raises
``PermanentSendError(pause=True)`` with a human reason: the outbox pauses the channel and
holds its alerts, and the next command in that server says why (``bot.service.commands``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
from discord.http import Route

from bot.analysis.alerts import Alert
from bot.service.outbox import (
    FindOriginal,
    PermanentSendError,
    RetryableSendError,
    SendResult,
    alert_of,
    merge_also_reported,
)
from bot.service.store import ChannelRow, DeliveryRow
from handlers.render import discord_message
from handlers.webhooks import escalation_note

if TYPE_CHECKING:
    from handlers.discord.client import NewsbotClient

log = logging.getLogger("newsbot.discord")

UNKNOWN_CHANNEL = 10003
UNKNOWN_MESSAGE = 10008
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
SEND_TIMEOUT = 40.0  # discord.py may retry a 5xx for up to ~25 s inside one send


def _describe(exc: discord.HTTPException) -> str:
    text = exc.text or getattr(exc.response, "reason", "") or "error"
    code = f" (code {exc.code})" if exc.code else ""
    return f"HTTP {exc.status} from Discord: {' '.join(str(text).split())[:300]}{code}"


def channel_label(channel: ChannelRow | None) -> str:
    """``#name`` when the channel's name is known, else Discord's ``<#id>`` mention."""
    if channel is None:
        return "the channel"
    name = channel.name
    if name and name != channel.channel_id:
        return f"#{name}"
    return f"<#{channel.channel_id}>"


def pause_reason(code: int | None, channel: ChannelRow | None) -> str | None:
    """The sentence a server's members read when the bot cannot post in ``channel``;
    None when the error code is not one a person fixes in the server."""
    if code == UNKNOWN_CHANNEL:
        return (f"the bot cannot see {channel_label(channel)} — it was deleted or the bot "
                "lost access")
    if code == MISSING_PERMISSIONS:
        return ("the bot lacks permission to post embeds in this channel: give it Send "
                "Messages and Embed Links")
    if code == MISSING_ACCESS:
        return ("the bot lacks permission to post embeds in this channel: give it View "
                "Channel, Send Messages and Embed Links")
    return None


def send_error(exc: BaseException, channel: ChannelRow | None = None) -> Exception:
    """The outbox's error type for what discord.py raised (sending to ``channel``)."""
    if isinstance(exc, discord.RateLimited):
        return RetryableSendError(
            f"Discord rate limit: retry in {exc.retry_after:.1f}s", exc.retry_after, status=429
        )
    if isinstance(exc, discord.LoginFailure):
        return PermanentSendError(
            "Discord refused the bot token (401); set DISCORD_TOKEN", status=401
        )
    if isinstance(exc, discord.HTTPException):
        status = exc.status
        what = _describe(exc)
        if status in (408, 429) or status >= 500:
            return RetryableSendError(what, status=status)
        reason = pause_reason(exc.code, channel) if status in (403, 404) else None
        if reason is not None:
            return PermanentSendError(what, status=status, pause=True, reason=reason)
        if status == 404:
            return PermanentSendError(what, status=status, gone=True)
        # Any other refusal: retried with backoff until the attempts are used up.
        return PermanentSendError(what, status=status)
    if isinstance(exc, aiohttp.ClientError | OSError | TimeoutError):
        return RetryableSendError(f"discord: connection failed ({type(exc).__name__})")
    return PermanentSendError(f"discord: {exc!r}")


class DiscordSink:
    """Sends alerts as embeds to channels the bot was subscribed in by a command."""

    platform = "discord"

    def __init__(self, client: NewsbotClient, *, find_original: FindOriginal | None = None):
        self.client = client
        self.find_original = find_original

    async def send(self, channel: ChannelRow, delivery: DeliveryRow, alert: Alert) -> SendResult:
        """POST (or PATCH, for "also reported") one embed; returns Discord's message id."""
        channel_id = channel.channel_id
        if not channel_id.isdigit():
            raise PermanentSendError(f"{channel_id!r} is not a Discord channel id", gone=True)
        if delivery.kind == "also_reported" and self.find_original is not None:
            original = await self.find_original(channel.id, delivery.cluster_id)
            if original is not None and original.sent_message_id:
                edited = await self._edit(channel, original, alert)
                if edited is not None:
                    return edited
            if original is not None:
                alert = merge_also_reported(alert_of(original), alert)
        body = discord_message(
            alert, delivery.kind, timestamp=delivery.created_at, note=escalation_note(delivery)
        )
        # A send retried after a crash between Discord's answer and our record of it
        # (kill -9) returns the first message instead of posting a second (Discord checks
        # the nonce over the past few minutes).
        body["nonce"] = f"newsbot-{delivery.id}"[:25]
        body["enforce_nonce"] = True
        data = await self._request(
            Route("POST", "/channels/{channel_id}/messages", channel_id=channel_id), body,
            channel=channel,
        )
        return SendResult(message_id=str(data["id"]) if data and "id" in data else None)

    async def _edit(
        self, channel: ChannelRow, original: DeliveryRow, update: Alert
    ) -> SendResult | None:
        """Edit the original alert to list the new source; None if Discord lost it."""
        merged = merge_also_reported(alert_of(original), update)
        body = discord_message(
            merged, original.kind, timestamp=original.created_at, note=escalation_note(original)
        )
        route = Route(
            "PATCH", "/channels/{channel_id}/messages/{message_id}",
            channel_id=channel.channel_id, message_id=original.sent_message_id,
        )
        try:
            await self._request(route, body, channel=channel, passthrough=(discord.NotFound,))
        except discord.NotFound as exc:
            if exc.code == UNKNOWN_MESSAGE:
                return None
            raise send_error(exc, channel) from None
        return SendResult(message_id=str(original.sent_message_id))

    async def _request(
        self,
        route: Route,
        body: dict[str, Any],
        *,
        channel: ChannelRow | None = None,
        passthrough: tuple[type[BaseException], ...] = (),
    ) -> Any:
        if self.client.is_closed():
            # newsbot is shutting down (the platform closed the client): try again later.
            raise RetryableSendError("discord: the client is closed (shutting down)")
        try:
            async with asyncio.timeout(SEND_TIMEOUT):
                await self.client.ensure_login()
                return await self.client.http.request(route, json=body)
        except passthrough:
            raise
        except (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise send_error(exc, channel) from None
        except RuntimeError as exc:  # aiohttp: "Session is closed" during shutdown
            raise RetryableSendError(f"discord: {exc}") from None
