"""Every listener of the Slack app, registered in one place (``register_listeners``), as
in slack-bolt's starter template.

- ``/newsbot …`` — acked at once, then answered through ``response_url``;
- ``message`` in a channel or private channel the bot is in, and ``app_mention`` — the
  links in it go down the ingest pipeline (the same path as feed items), at most
  ``MAX_LINKS`` a message. Bots' messages (ours included), edits and deletions are
  skipped; a message seen once — by a Slack retry (``X-Slack-Retry-Num``) or as both
  ``message`` and ``app_mention`` — is not handled again;
- the article button of an alert — acked, nothing else;
- errors — logged; the person who ran a command gets an ephemeral note.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.service.commands import ChannelRef, Commands, error
from bot.service.pipeline import IngestResult
from handlers.slack import slash
from handlers.slack.blocks import analysis_message, reply_message
from handlers.slack.permissions import Permissions

log = logging.getLogger("newsbot.slack")

MAX_LINKS = 5
# Message subtypes a person writes; everything else (bot_message, message_changed,
# message_deleted, channel_join, …) is not a new post.
PERSON_SUBTYPES = frozenset({None, "thread_broadcast", "file_share", "me_message"})
CHANNEL_TYPES = frozenset({"channel", "group"})
URL_IN_TEXT = re.compile(r"<(https?://[^>|\s]+)(?:\|[^>]*)?>|(?<![<|\w])(https?://[^\s<>|]+)")


class Seen:
    """Keys seen in the last ``ttl`` seconds (bounded): Slack retries within minutes."""

    def __init__(self, ttl: float = 3600.0, size: int = 20_000) -> None:
        self.ttl = ttl
        self.size = size
        self._keys: OrderedDict[str, float] = OrderedDict()

    def first(self, key: str) -> bool:
        """True the first time ``key`` is offered (within ``ttl``)."""
        now = time.monotonic()
        while self._keys and (
            len(self._keys) >= self.size or next(iter(self._keys.values())) < now - self.ttl
        ):
            self._keys.popitem(last=False)
        if key in self._keys:
            return False
        self._keys[key] = now
        return True


@dataclass
class SlackContext:
    """What the listeners need from the service."""

    commands: Commands
    submit_link: Callable[..., Awaitable[None]]  # (url, *, source) → queued
    process_link: Callable[..., Awaitable[IngestResult]]  # (url, *, source) → result
    permissions: Permissions = field(default_factory=Permissions)
    thread_replies: bool = True
    seen: Seen = field(default_factory=Seen)
    concurrency: int = 8
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    _limit: asyncio.Semaphore | None = None

    def spawn(self, work: Coroutine[Any, Any, Any], name: str) -> None:
        """Run ``work`` after the event is acked, a bounded number at a time."""
        if self._limit is None:
            self._limit = asyncio.Semaphore(self.concurrency)
        limit = self._limit

        async def bounded() -> None:
            async with limit:
                try:
                    await work
                except Exception:
                    log.exception("slack: %s failed", name)

        task = asyncio.create_task(bounded(), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self, timeout: float) -> None:
        """Let the links in flight finish (up to ``timeout`` s), then cancel the rest."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in pending:
            task.cancel()
        if pending:
            log.warning("slack: cancelled %d links still in flight", len(pending))
            await asyncio.gather(*pending, return_exceptions=True)


def links_in(event: dict[str, Any]) -> list[str]:
    """The http(s) links of a message, in order, once each."""
    found = [a or b for a, b in URL_IN_TEXT.findall(event.get("text") or "")]
    for block in event.get("blocks") or ():
        for element in _walk(block):
            if element.get("type") == "link" and element.get("url"):
                found.append(element["url"])
    return [u for u in dict.fromkeys(found) if u.lower().startswith(("http://", "https://"))]


def _walk(node: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if isinstance(node, dict):
        out.append(node)
        for value in node.get("elements") or ():
            out.extend(_walk(value))
    return out


def _header(request: Any, name: str) -> str | None:
    values = (getattr(request, "headers", None) or {}).get(name) or [None]
    return values[0]


def register_listeners(app: AsyncApp, ctx: SlackContext) -> None:
    """Attach every listener to ``app``."""

    @app.command("/newsbot")
    async def newsbot_command(ack: Any, body: dict[str, Any], respond: Any, client: Any) -> None:
        await ack()
        user = body.get("user_id", "")
        channel = ChannelRef(
            "slack", body.get("channel_id", ""), body.get("team_id", ""),
            name=body.get("channel_name"),
        )
        try:
            answer = await slash.run(
                body.get("text", ""), channel, user, ctx.commands,
                lambda: ctx.permissions.can_manage(client, user),
            )
        except Exception:
            log.exception("slack: /newsbot %s failed", (body.get("text") or "").split()[:1])
            answer = slash.Answer(error("Something went wrong on newsbot's side.",
                                        "It is logged; please try again in a minute."))
        await respond(**reply_message(answer.reply, ephemeral=answer.private))

    @app.event("message")
    async def on_message(event: dict[str, Any], request: Any, client: Any) -> None:
        await _posted(event, request, client, mention=False)

    @app.event("app_mention")
    async def on_mention(event: dict[str, Any], request: Any, client: Any) -> None:
        await _posted(event, request, client, mention=True)

    @app.action("newsbot_read_article")
    async def read_article(ack: Any) -> None:
        await ack()  # a link button: Slack opens the URL, we only acknowledge

    @app.error
    async def on_error(error: Exception, body: dict[str, Any]) -> None:
        kind = body.get("type") or body.get("command") or "request"
        log.error("slack: error handling %s: %r", kind, error, exc_info=error)

    async def _posted(
        event: dict[str, Any], request: Any, client: Any, *, mention: bool
    ) -> None:
        if event.get("subtype") not in PERSON_SUBTYPES or event.get("bot_id"):
            return
        if not mention and event.get("channel_type") not in CHANNEL_TYPES:
            return
        channel, ts = event.get("channel", ""), event.get("ts", "")
        if not ctx.seen.first(f"{channel}:{ts}"):
            log.debug("slack: message %s in %s already handled (retry %s)", ts, channel,
                      _header(request, "x-slack-retry-num") or "-")
            return
        thread = event.get("thread_ts") or ts
        urls = links_in(event)[:MAX_LINKS]
        if not urls and mention:
            ctx.spawn(client.chat_postMessage(
                channel=channel, thread_ts=thread,
                text="Post a news link with the mention and I'll read it, "
                     "or see /newsbot help.",
            ), name=f"slack-hint-{ts}")
        for url in urls:
            ctx.spawn(_link(url, channel, thread, client), name=f"slack-link-{ts}")

    async def _link(url: str, channel: str, thread: str, client: Any) -> None:
        if not ctx.thread_replies:
            await ctx.submit_link(url, source="slack")
            return
        result = await ctx.process_link(url, source="slack")
        if result.status == "error" or not result.events:
            return  # the pipeline logged it; a channel is not told about every dud link
        await client.chat_postMessage(channel=channel, thread_ts=thread,
                                      **analysis_message(result))
