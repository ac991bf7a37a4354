"""Delivery that loses nothing: the outbox worker and the contract every sink fulfils.

The pipeline writes a delivery row in the same transaction as the match that caused it.
``OutboxWorker`` claims due rows with a lease, sends them through the sink of the
channel's platform, and records the outcome:

- sent → ``mark_sent`` with the platform's message id;
- ``RetryableSendError`` (429, 5xx, timeouts, connection errors) → retried with
  exponential backoff and jitter, or at the time the platform's Retry-After names;
- ``PermanentSendError`` (400/401/403…) → retried with backoff until the attempts are used
  up, then dead; with ``gone=True`` (404 "Unknown Webhook", no channel, no sink) → dead now;
  with ``pause=True`` (the channel is gone or the bot may not post there, something a
  person can fix) → the *channel* is paused with the error's human ``reason``.

Pausing holds, it never drops: the refused delivery is handed back pending without using
up an attempt, and every open delivery of a paused channel — the ones already queued and
the ones the pipeline keeps queueing meanwhile — stays pending, skipped by
``claim_deliveries``, so no further send is tried into the refusal. ``resume_channel``
(the ``resume`` command, or subscribing again there) makes them due at once, and they go
out once each, oldest first. The command layer tells the workspace why on its next command.

A worker killed mid-send leaves its rows claimed; once the lease runs out another worker
claims and sends them, so nothing is lost (a send cut off half-way may then arrive twice,
the one duplicate the design accepts). In normal operation each row is sent once.

Within one channel deliveries go out one at a time, oldest first, spaced by the platform's
minimum interval and by any rate limit the previous response announced; different
channels are served concurrently. Sinks live in ``handlers/``; the composition root hands
the worker a mapping from ``ChannelRow.platform`` to sink, so this module never imports
``handlers`` nor any chat SDK.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from bot.analysis.alerts import Alert
from bot.service.store import ChannelRow, DeliveryRow, Store
from bot.service.store.schema import utcnow

logger = logging.getLogger("newsbot.outbox")

DEFAULT_MIN_INTERVALS: Mapping[str, float] = {"slack-webhook": 1.0, "slack": 1.0}
KIND_LABELS = {"alert": "ALERT", "escalation": "ESCALATION", "also_reported": "ALSO REPORTED"}
MAX_RETRY_AFTER = 3600.0  # a platform asking for more than an hour is not taken literally


# -- the sink contract -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SendResult:
    """What a sink reports after a message went out.

    ``wait_after``: seconds the platform asked us to leave the channel alone before the
    next message (e.g. Discord's ``X-RateLimit-Remaining: 0`` + ``Reset-After``).
    """

    message_id: str | None = None
    wait_after: float | None = None


class SendError(Exception):
    """A message did not go out."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class RetryableSendError(SendError):
    """Worth trying again: rate limited, server error, timeout, connection error.

    ``retry_after`` is the wait (seconds) the platform asked for, if it said.
    """

    def __init__(
        self, message: str, retry_after: float | None = None, *, status: int | None = None
    ) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class PermanentSendError(SendError):
    """The platform refused the message (400, 401, 403, 404…).

    ``gone=True`` means the destination no longer exists (404 Unknown Webhook, a missing
    channel, no sink for the platform): the delivery goes dead at once. Otherwise it is
    retried with backoff until its attempts are used up, which gives an operator time to
    fix a revoked permission before the alert is given up.

    ``pause=True`` means a person must fix the channel (the bot cannot see it, or may not
    post there): the worker pauses the channel with ``reason`` — a sentence for the people
    of that workspace, default the message — and holds its deliveries until it is resumed.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        gone: bool = False,
        pause: bool = False,
        reason: str | None = None,
    ) -> None:
        super().__init__(message, status=status)
        self.gone = gone
        self.pause = pause
        self.reason = reason or message


class Sink(Protocol):
    """Sends one delivery's alert to one channel of one platform."""

    async def send(self, channel: ChannelRow, delivery: DeliveryRow, alert: Alert) -> SendResult:
        """Send it, or raise ``RetryableSendError`` / ``PermanentSendError``."""
        ...


FindOriginal = Callable[[int, int], Awaitable[DeliveryRow | None]]


def original_finder(store: Store) -> FindOriginal:
    """``find(channel_id, cluster_id)``: the sent alert an "also reported" update edits.

    Sinks that can edit or thread (Discord webhooks, the bot-token sinks) take this in
    their constructor, so they reach the store only through this one question.
    """

    async def find(channel_id: int, cluster_id: int) -> DeliveryRow | None:
        async with store.session() as repo:
            return await repo.sent_alert_for_cluster(channel_id, cluster_id)

    return find


def merge_also_reported(original: Alert, update: Alert) -> Alert:
    """The original alert with every source that reported it since, for an edit.

    The update's own source and its ``also_reported_by`` both count; the original's
    source is never listed as "also" reporting itself.
    """
    names = [*original.also_reported_by, *update.also_reported_by, update.source]
    merged = tuple(n for n in dict.fromkeys(names) if n and n != original.source)
    return replace(original, also_reported_by=merged)


def alert_of(delivery: DeliveryRow) -> Alert:
    """The alert a delivery carries (``payload["alert"]``, see ``Alert.to_payload``)."""
    return Alert.from_payload(delivery.payload["alert"])


# -- the worker ------------------------------------------------------------------------


def _describe(channel: ChannelRow | None, channel_id: int) -> str:
    # Never the webhook URL: it is a credential.
    if channel is None:
        return f"channel #{channel_id}"
    name = channel.name or channel.channel_id
    return f"{channel.platform} channel {name!r} (#{channel.id})"


class OutboxWorker:
    """Claims due deliveries and sends them; run several, in one process or many."""

    def __init__(
        self,
        store: Store,
        sinks: Mapping[str, Sink],
        *,
        worker_id: str,
        batch: int = 20,
        lease: timedelta = timedelta(seconds=60),
        min_interval_per_channel: Mapping[str, float] = DEFAULT_MIN_INTERVALS,
        backoff_base: float = 2.0,
        backoff_max: float = 600.0,
        max_inline_wait: float = 5.0,
        lease_margin: timedelta | None = None,
        concurrency: int = 16,
    ) -> None:
        """``min_interval_per_channel`` maps a platform to the least seconds between two
        messages to one channel of it. A channel that must wait longer than
        ``max_inline_wait`` has its deliveries handed back for later instead of holding
        them. No send starts within ``lease_margin`` (default: half the lease, at most
        15 s) of its lease running out, so a slow batch cannot outlive its claim.
        """
        self.store = store
        self.sinks = dict(sinks)
        self.worker_id = worker_id
        self.batch = batch
        self.lease = lease
        self.min_intervals = dict(min_interval_per_channel)
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_inline_wait = max_inline_wait
        self.lease_margin = (
            lease_margin if lease_margin is not None else min(lease / 2, timedelta(seconds=15))
        )
        self._semaphore = asyncio.Semaphore(concurrency)
        self._ready_at: dict[int, float] = {}  # channel id → monotonic time it may send again
        self._stop = asyncio.Event()

    # -- public API ----------------------------------------------------------------------

    async def run_once(self) -> int:
        """Claim one batch and settle it; returns how many deliveries were sent."""
        claimed = await self.store.claim_deliveries(
            self.worker_id, utcnow(), limit=self.batch, lease=self.lease
        )
        if not claimed:
            return 0
        by_channel: dict[int, list[DeliveryRow]] = {}
        for d in claimed:
            by_channel.setdefault(d.channel_id, []).append(d)
        channels = await self._load_channels(by_channel)
        serving = [
            self._serve_channel(cid, rows, channels.get(cid)) for cid, rows in by_channel.items()
        ]
        results = await asyncio.gather(*serving, return_exceptions=True)
        sent = 0
        for cid, result in zip(by_channel, results, strict=True):
            if isinstance(result, BaseException):
                # The rows stay claimed and come back when the lease runs out.
                logger.error(
                    "outbox: serving channel #%d failed: %r", cid, result, exc_info=result
                )
            else:
                sent += result
        return sent

    async def run(self, stop: asyncio.Event, poll_interval: float = 0.5) -> None:
        """Send until ``stop`` is set; then finish the sends in flight and hand back the
        rest of this worker's claimed deliveries (never its feeds: see the scheduler)."""
        self._stop = stop
        try:
            while not stop.is_set():
                try:
                    sent = await self.run_once()
                except Exception:  # a database hiccup must not end the service
                    logger.exception("outbox: claiming deliveries failed; retrying")
                    sent = 0
                if sent == 0 and not stop.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), poll_interval)
        finally:
            # Deliveries only: the feed poller may share this worker id, and its polls
            # in flight hand back their own claims when they end.
            with contextlib.suppress(Exception):
                released = await self.store.release_worker_deliveries(self.worker_id)
                if released:
                    logger.info("outbox: handed back %d unsent deliveries", released)

    def backoff(self, attempts: int) -> float:
        """Seconds before retry number ``attempts``: exponential, capped, with jitter."""
        delay = min(self.backoff_max, self.backoff_base * 2 ** max(attempts - 1, 0))
        return delay * random.uniform(0.5, 1.0)

    # -- internals -----------------------------------------------------------------------

    async def _load_channels(self, ids: Mapping[int, object]) -> dict[int, ChannelRow]:
        found: dict[int, ChannelRow] = {}
        async with self.store.session() as repo:
            for cid in ids:
                row = await repo.get_channel_by_id(cid)
                if row is not None:
                    found[cid] = row
        return found

    async def _serve_channel(
        self, channel_id: int, deliveries: list[DeliveryRow], channel: ChannelRow | None
    ) -> int:
        """Send one channel's share of the batch, in order; returns how many were sent."""
        sent = 0
        for i, delivery in enumerate(deliveries):
            rest = deliveries[i:]
            if self._stop.is_set():
                await self._release(rest, None, "stopping")
                break
            if channel is None:
                await self._fail(delivery, channel, channel_id, PermanentSendError(
                    f"channel #{channel_id} no longer exists", gone=True))
                continue
            sink = self.sinks.get(channel.platform)
            if sink is None:
                known = ", ".join(sorted(self.sinks)) or "none"
                await self._fail(delivery, channel, channel_id, PermanentSendError(
                    f"no sink for platform {channel.platform!r} (this worker has: {known})",
                    gone=True))
                continue
            try:
                alert = alert_of(delivery)
            except (KeyError, TypeError, ValueError) as exc:
                await self._fail(delivery, channel, channel_id, PermanentSendError(
                    f"unreadable delivery payload: {exc!r}", gone=True))
                continue
            wait = self._ready_at.get(channel_id, 0.0) - time.monotonic()
            if wait > self.max_inline_wait:
                await self._release(rest, wait, "rate limited")
                break
            if wait > 0 and not await self._pause(wait):
                await self._release(rest, None, "stopping")
                break
            if not self._lease_left(delivery):
                await self._release(rest, None, "lease running out")
                break
            try:
                async with self._semaphore:
                    started = time.monotonic()
                    result = await sink.send(channel, delivery, alert)
            except RetryableSendError as exc:
                retry_after = await self._fail(delivery, channel, channel_id, exc)
                # Don't hammer a channel that just failed: the rest wait with it.
                await self._release(deliveries[i + 1 :], retry_after, "channel backing off")
                break
            except PermanentSendError as exc:
                if exc.pause:
                    await self._hold(channel, rest, exc)
                    break
                await self._fail(delivery, channel, channel_id, exc)
                self._space(channel, None)
                continue
            except Exception as exc:  # a sink bug: retried, and dead after max attempts
                logger.exception("outbox: sink for %s raised", channel.platform)
                await self._fail(delivery, channel, channel_id, PermanentSendError(
                    f"sink error: {exc!r}"))
                continue
            self._space(channel, result.wait_after)
            await self._sent(delivery, channel, result, time.monotonic() - started)
            sent += 1
        return sent

    def _space(self, channel: ChannelRow, wait_after: float | None) -> None:
        """After a send, keep the channel quiet for its interval or the announced wait."""
        now = time.monotonic()
        gap = max(self.min_intervals.get(channel.platform, 0.0), wait_after or 0.0)
        self._ready_at[channel.id] = max(self._ready_at.get(channel.id, 0.0), now + gap)

    async def _pause(self, seconds: float) -> bool:
        """Sleep, waking early on stop; True if the worker should go on."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)
        return not self._stop.is_set()

    def _lease_left(self, delivery: DeliveryRow) -> bool:
        until = delivery.claimed_until
        return until is None or utcnow() + self.lease_margin < until

    async def _sent(
        self, delivery: DeliveryRow, channel: ChannelRow, result: SendResult, took: float
    ) -> None:
        for attempt in range(3):
            try:
                await self.store.mark_sent(delivery.id, result.message_id)
                break
            except Exception:
                if attempt == 2:
                    # The lease will hand it to another worker: it may go out twice.
                    logger.exception(
                        "outbox: %s #%d went out but could not be marked sent",
                        delivery.kind, delivery.id,
                    )
                    return
                await asyncio.sleep(0.2 * (attempt + 1))
        logger.info(
            "outbox: sent %s #%d to %s in %.2fs (attempt %d, message %s)",
            delivery.kind, delivery.id, _describe(channel, delivery.channel_id), took,
            delivery.attempts, result.message_id or "-",
        )

    async def _fail(
        self,
        delivery: DeliveryRow,
        channel: ChannelRow | None,
        channel_id: int,
        error: SendError,
    ) -> float | None:
        """Record a failed attempt; returns the seconds until its retry (None if dead)."""
        delay: float | None
        if isinstance(error, RetryableSendError):
            delay = self._retry_delay(delivery, error)
            if error.retry_after is not None:
                self._ready_at[channel_id] = max(
                    self._ready_at.get(channel_id, 0.0), time.monotonic() + delay
                )
        elif isinstance(error, PermanentSendError) and not error.gone:
            delay = self.backoff(delivery.attempts)
        else:
            delay = None
        retry_at: datetime | None = None if delay is None else utcnow() + timedelta(seconds=delay)
        status = await self.store.mark_failed(
            delivery.id, str(error), retry_at, worker_id=self.worker_id
        )
        where = _describe(channel, channel_id)
        if status == "failed":
            logger.warning(
                "outbox: %s #%d to %s failed (attempt %d), retry in %.1fs: %s",
                delivery.kind, delivery.id, where, delivery.attempts, delay or 0.0, error,
            )
        elif status == "dead":
            logger.error(
                "outbox: %s #%d to %s is dead after %d attempt(s): %s",
                delivery.kind, delivery.id, where, delivery.attempts, error,
            )
            return None
        else:
            logger.warning(
                "outbox: %s #%d to %s failed, but another worker holds it now: %s",
                delivery.kind, delivery.id, where, error,
            )
        return delay

    async def _hold(
        self, channel: ChannelRow, rows: list[DeliveryRow], error: PermanentSendError
    ) -> None:
        """Pause the channel and hand ``rows`` (the refused delivery and the rest of the
        channel's batch) back pending, attempts untouched, in one transaction."""
        async with self.store.session() as repo:
            await repo.pause_channel(channel.id, error.reason)
            for row in rows:
                await repo.release_delivery(row.id, worker_id=self.worker_id)
            held = await repo.pending_count(channel.id)
        logger.error(
            "outbox: paused %s after %s: %s; %d deliveries held until it is resumed (%s)",
            _describe(channel, channel.id), f"{rows[0].kind} #{rows[0].id}", error.reason,
            held, error,
        )

    def _retry_delay(self, delivery: DeliveryRow, error: RetryableSendError) -> float:
        if error.retry_after is not None:
            return min(max(error.retry_after, 0.0), MAX_RETRY_AFTER)
        return self.backoff(delivery.attempts)

    async def _release(self, rows: list[DeliveryRow], wait: float | None, why: str) -> None:
        """Hand claimed rows back unsent, without using up an attempt."""
        if not rows:
            return
        at = utcnow() + timedelta(seconds=wait) if wait else None
        for row in rows:
            with contextlib.suppress(Exception):
                await self.store.release_delivery(row.id, at=at, worker_id=self.worker_id)
        logger.debug(
            "outbox: handed back %d deliveries for channel #%d (%s)",
            len(rows), rows[0].channel_id, why,
        )
