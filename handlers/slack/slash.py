"""``/newsbot <subcommand> …``: Slack's text → one ``bot.service.commands`` call → ``Reply``.

No business rule lives here: this only splits words, unwraps Slack's ``<url|label>``
markup, asks ``allowed()`` before a change, and names the subcommand a typo was meant to
be. ``summary … private`` answers only the person who asked.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.service.commands import ChannelRef, Commands, Reply, error, split_subscribe_args

SUBCOMMANDS = ("subscribe", "unsubscribe", "list", "summary", "feed", "why", "help")
PRIVATE_WORDS = frozenset({"private", "--private", "-p", "me", "ephemeral"})
SLACK_LINK = re.compile(r"<((?:https?://|mailto:)[^>|]+)(?:\|[^>]*)?>")
DENIED_HINT = (
    "Changing subscriptions and feeds is for workspace admins and owners, and for the "
    "people and user groups an operator named in NEWSBOT_SLACK_ADMIN_USERS / "
    "NEWSBOT_SLACK_ADMIN_GROUPS."
)


@dataclass(frozen=True, slots=True)
class Answer:
    """A reply and whether it goes to the channel (``private`` overrides the reply)."""

    reply: Reply
    private: bool | None = None


def unwrap(text: str) -> str:
    """Slack markup to plain words: ``<https://x|x>`` → ``https://x``, ``&amp;`` → ``&``."""
    return html.unescape(SLACK_LINK.sub(r"\1", text or ""))


def _usage(title: str, example: str) -> Reply:
    return error(title, f"Example: /newsbot {example}", "All commands: /newsbot help")


async def run(
    text: str,
    channel: ChannelRef,
    user_id: str,
    commands: Commands,
    allowed: Callable[[], Awaitable[bool]],
) -> Answer:
    """Parse and run one ``/newsbot`` invocation."""
    words = unwrap(text).split()
    if not words or words[0].lower() in ("help", "?", "-h", "--help"):
        return Answer(Commands.help())
    sub, rest = words[0].lower(), words[1:]

    async def denied() -> Answer | None:
        if await allowed():
            return None
        return Answer(error(f"You can't run /newsbot {sub} here.", DENIED_HINT,
                            "Anyone can use list, summary, why and feed list."))

    if sub == "subscribe":
        if not rest:
            return Answer(_usage("Which region?", "subscribe South Asia attack,capture min=high"))
        if (no := await denied()) is not None:
            return no
        region, types, severity = split_subscribe_args(rest)
        return Answer(await commands.subscribe(channel, region, types, severity, by=user_id))
    if sub == "unsubscribe":
        if not rest:
            return Answer(_usage("Which region?", "unsubscribe South Asia (or: unsubscribe all)"))
        if (no := await denied()) is not None:
            return no
        return Answer(await commands.unsubscribe(channel, " ".join(rest)))
    if sub in ("list", "subscriptions"):
        return Answer(await commands.subscriptions(channel))
    if sub == "summary":
        private = bool(rest) and rest[-1].lower() in PRIVATE_WORDS
        if private:
            rest = rest[:-1]
        if not rest:
            return Answer(_usage("Summary of what?", "summary https://… or summary Sahel 24h"))
        if len(rest) == 1 or rest[0].lower().startswith(("http://", "https://", "www.")):
            reply = await commands.summary(rest[0])
        elif rest[-1][:1].isdigit():
            reply = await commands.summary(" ".join(rest[:-1]), rest[-1])
        else:
            reply = await commands.summary(" ".join(rest))
        return Answer(reply, True if private else None)
    if sub in ("feed", "feeds"):
        action = rest[0].lower() if rest else ("list" if sub == "feeds" else "")
        if action == "list":
            return Answer(await commands.feeds())
        if action not in ("add", "remove"):
            return Answer(_usage("feed add, feed remove or feed list?",
                                 "feed add https://example.org/rss"))
        if len(rest) < 2:
            return Answer(_usage("Which feed?", f"feed {action} https://example.org/rss"))
        if (no := await denied()) is not None:
            return no
        if action == "add":
            backfill = any(w.lower() in ("backfill", "--backfill") for w in rest[2:])
            return Answer(await commands.feed_add(rest[1], backfill=backfill, by=user_id))
        return Answer(await commands.feed_remove(rest[1]))
    if sub == "why":
        if not rest:
            return Answer(_usage("Why what?", "why https://example.org/story"))
        return Answer(await commands.why(channel, rest[0]))
    close = difflib.get_close_matches(sub, SUBCOMMANDS, n=1)
    hint = f"Did you mean /newsbot {close[0]}?" if close else "Try /newsbot help."
    return Answer(error(f"I don't know the subcommand {sub!r}.", hint,
                        "Subcommands: " + ", ".join(SUBCOMMANDS)))
