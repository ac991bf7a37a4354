"""Block Kit for what the Slack app says besides alerts: command replies and the compact
analysis it threads under a posted link. Alerts themselves: ``handlers.render``.

Every message carries a fallback ``text``; sections stay under 3,000 characters and a
message under 50 blocks (longer lists are cut with a note).
"""

from __future__ import annotations

from typing import Any

from bot.service.commands import Reply
from bot.service.pipeline import IngestResult
from handlers.render import (
    SLACK_FALLBACK_MAX,
    SLACK_MAX_BLOCKS,
    SLACK_TEXT_MAX,
    slack_escape,
    slack_link,
    truncate,
)

MAX_ANALYSIS_EVENTS = 5


def _sections(lines: list[str]) -> list[dict[str, Any]]:
    """mrkdwn sections of whole lines, each under Slack's 3,000 characters."""
    blocks: list[dict[str, Any]] = []
    chunk: list[str] = []
    size = 0
    for line in lines:
        line = truncate(line, SLACK_TEXT_MAX)
        if chunk and size + len(line) + 1 > SLACK_TEXT_MAX:
            blocks.append(_mrkdwn("\n".join(chunk)))
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk:
        blocks.append(_mrkdwn("\n".join(chunk)))
    return blocks


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, SLACK_TEXT_MAX)}}


def reply_message(reply: Reply, *, ephemeral: bool | None = None) -> dict[str, Any]:
    """A ``Reply`` as ``respond()`` arguments: text, blocks and response type."""
    title = ("⚠️ " if not reply.ok else "") + reply.title
    lines = [slack_escape(line) for line in reply.lines]
    lines += [f"• {slack_link(url, label)}" for label, url in reply.links]
    blocks = [_mrkdwn(f"*{slack_escape(title)}*"), *_sections(lines)]
    if len(blocks) > SLACK_MAX_BLOCKS:
        blocks = [*blocks[:SLACK_MAX_BLOCKS - 1], _mrkdwn("_…cut to fit one message._")]
    private = reply.ephemeral if ephemeral is None else ephemeral
    return {
        "text": truncate(slack_escape(f"{title}\n" + "\n".join(
            [*reply.lines, *(f"{label}: {url}" for label, url in reply.links)])),
            SLACK_FALLBACK_MAX),
        "blocks": blocks,
        "response_type": "ephemeral" if private else "in_channel",
    }


def analysis_message(result: IngestResult) -> dict[str, Any]:
    """The compact analysis threaded under a posted link: events, then the summary."""
    events = result.events[:MAX_ANALYSIS_EVENTS]
    count = len(result.events)
    head = f"{count} event{'s' if count != 1 else ''} in this link"
    if result.title:
        head += f": {result.title}"
    lines = [f"• {e.alert or e.type}" for e in events]
    if count > len(events):
        lines.append(f"• …and {count - len(events)} more")
    blocks: list[dict[str, Any]] = [_mrkdwn(f"*{slack_escape(head)}*")]
    blocks += _sections([slack_escape(line) for line in lines])
    if result.summary:
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": truncate(slack_escape(result.summary), SLACK_TEXT_MAX)}]})
    text = "\n".join([head, *lines])
    return {
        "text": truncate(slack_escape(text), SLACK_FALLBACK_MAX),
        "blocks": blocks[:SLACK_MAX_BLOCKS],
        "unfurl_links": False,
        "unfurl_media": False,
    }
