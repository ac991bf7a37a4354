"""Drawing an ``Alert`` for a platform: Slack Block Kit and Discord embeds, within limits.

What an alert says is decided in ``bot.analysis.alerts``; this module only lays it out and makes
it fit. Over-long text is cut with an ellipsis, never rejected. Lengths are counted in
UTF-16 code units, which is never less than what Slack or Discord count, so an emoji
marker cannot push a cut text over a limit.
"""

from __future__ import annotations

import contextlib
import re
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from bot.analysis.alerts import Alert
from bot.models import Event

KIND_PREFIXES = {"alert": "", "escalation": "ESCALATION · ", "also_reported": "ALSO REPORTED · "}

# Slack Block Kit (https://api.slack.com/reference/block-kit)
SLACK_HEADER_MAX = 150
SLACK_TEXT_MAX = 3000
SLACK_FIELD_MAX = 2000
SLACK_BUTTON_TEXT_MAX = 75
SLACK_URL_MAX = 3000
SLACK_MAX_BLOCKS = 50
SLACK_FALLBACK_MAX = 3000

# Discord embeds (https://discord.com/developers/docs/resources/message#embed-object-embed-limits)
DISCORD_TITLE_MAX = 256
DISCORD_DESCRIPTION_MAX = 4096
DISCORD_FIELDS_MAX = 25
DISCORD_FIELD_NAME_MAX = 256
DISCORD_FIELD_VALUE_MAX = 1024
DISCORD_FOOTER_MAX = 2048
DISCORD_EMBED_TOTAL_MAX = 6000
DISCORD_URL_MAX = 2048


def text_length(text: str) -> int:
    """Length in UTF-16 code units (what JavaScript, and so the platforms, count)."""
    return len(text.encode("utf-16-le")) // 2


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """``text`` cut to at most ``limit`` UTF-16 units, ending in ``ellipsis`` if cut."""
    if text_length(text) <= limit:
        return text
    room = limit - text_length(ellipsis)
    out: list[str] = []
    used = 0
    for ch in text:
        size = 2 if ord(ch) > 0xFFFF else 1
        if used + size > room:
            break
        out.append(ch)
        used += size
    cut = "".join(out)
    # Prefer ending on a word when one ends near the limit.
    space = cut.rfind(" ")
    if space > len(cut) * 0.8:
        cut = cut[:space]
    return cut.rstrip() + ellipsis


def is_web_url(url: str | None) -> bool:
    """True for an absolute http(s) URL with a host."""
    if not url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


# Kept as they are in a URL: RFC 3986 reserved and unreserved characters, less those
# that end or break out of a chat link — ``<``, ``>``, ``|`` (Slack), ``(``, ``)``,
# ``[``, ``]`` (Markdown) — and ``%`` so existing escapes stay as they are.
_URL_KEEP = "/:?#&=+;,@!$%~*'-._"


def safe_url(url: str) -> str:
    """``url`` with every character that could end a chat link, or start markup after it,
    percent-encoded (spaces, ``<>|()[]"`` and non-ASCII); the same address otherwise."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return quote(url, safe=_URL_KEEP)
    netloc = parts.netloc
    if not netloc.isascii():  # an international host name: its ASCII (IDNA) form
        userinfo, at, host_port = netloc.rpartition("@")
        host, colon, port = host_port.partition(":")
        # If IDNA refuses it, it is percent-encoded below, which browsers read as well.
        with contextlib.suppress(UnicodeError):
            netloc = userinfo + at + host.encode("idna").decode("ascii") + colon + port
    # Brackets stay only around an IPv6 host, where they belong.
    ipv6 = re.fullmatch(r"(.*@)?\[[0-9A-Fa-f:.]+\](:\d*)?", netloc)
    netloc = quote(netloc, safe=_URL_KEEP + ("[]" if ipv6 else ""))
    path, query, fragment = (quote(p, safe=_URL_KEEP) for p in parts[2:])
    return urlunsplit((quote(parts.scheme, safe=""), netloc, path, query, fragment))


def headline(alert: Alert, kind: str) -> str:
    """The alert's first line (severity marker, type, places) with the kind's prefix."""
    return KIND_PREFIXES.get(kind, "") + (alert.headline or "News alert")


def places_text(events: tuple[Event, ...]) -> str:
    """Every place the alert names, once, in order."""
    names = [p.name for e in events for p in e.places]
    return ", ".join(dict.fromkeys(names))


def casualties_text(events: tuple[Event, ...]) -> str:
    """Reported figures, per event, as reported ('at least 40 killed, 12 injured')."""
    parts = []
    for e in events:
        c = e.casualties
        if c is None or not (c.killed or c.injured):
            continue
        qual = f"{c.qualifier} " if c.qualifier else ""
        bits = []
        if c.killed:
            bits.append(f"{qual}{c.killed:,} killed")
        if c.injured:
            bits.append(f"{c.injured:,} injured")
        parts.append(", ".join(bits))
    return "; ".join(dict.fromkeys(parts))


def actors_text(events: tuple[Event, ...]) -> str:
    """Named actors across the events, once each."""
    return ", ".join(dict.fromkeys(a for e in events for a in e.actors))


def plain_text(alert: Alert, kind: str) -> str:
    """The console / fallback text: ``Alert.to_text`` with the kind's label in front."""
    text = alert.to_text()
    prefix = KIND_PREFIXES.get(kind, "")
    return prefix + text if prefix else text


# -- Slack -----------------------------------------------------------------------------


def slack_escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters, so no
    text can form a link or a mention (``<!channel>``, ``<@U…>``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_link(url: str, label: str) -> str:
    """A mrkdwn link ``<url|label>`` that nothing in ``url`` or ``label`` can break out of;
    plain escaped text when ``url`` is not an http(s) URL."""
    if not is_web_url(url):
        return slack_escape(f"{label}: {url}")
    return f"<{slack_escape(safe_url(url))}|{slack_escape(label).replace('|', '¦')}>"


def slack_message(alert: Alert, kind: str = "alert", *, note: str | None = None) -> dict[str, Any]:
    """An incoming-webhook body: Block Kit blocks plus the fallback ``text``.

    ``note``: a line above the summary, e.g. why an escalation escalates.
    """
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": truncate(headline(alert, kind), SLACK_HEADER_MAX),
                "emoji": True,
            },
        }
    ]
    body = [f"_{slack_escape(note)}_"] if note else []
    body += [f"• {slack_escape(line)}" for line in alert.lines[1:]]
    if alert.summary:
        body.append(slack_escape(alert.summary))
    fields = []
    for label, value in (
        ("Places", places_text(alert.events)),
        ("Casualties", casualties_text(alert.events)),
        ("Actors", actors_text(alert.events)),
    ):
        if value:
            fields.append(
                {"type": "mrkdwn", "text": truncate(f"*{label}*\n{slack_escape(value)}",
                                                    SLACK_FIELD_MAX)}
            )
    if body or fields:
        section: dict[str, Any] = {"type": "section"}
        if body:
            section["text"] = {
                "type": "mrkdwn",
                "text": truncate("\n".join(body), SLACK_TEXT_MAX),
            }
        if fields:
            section["fields"] = fields[:10]
        blocks.append(section)
    context = [{"type": "mrkdwn", "text": truncate(slack_escape(alert.footer()), SLACK_TEXT_MAX)}]
    if alert.also_reported_by:
        also = "Also reported by " + ", ".join(alert.also_reported_by)
        context.append({"type": "mrkdwn", "text": truncate(slack_escape(also), SLACK_TEXT_MAX)})
    blocks.append({"type": "context", "elements": context})
    button_url = safe_url(alert.url or "")
    if is_web_url(alert.url) and len(button_url) <= SLACK_URL_MAX:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Read article", "emoji": False},
                        "url": button_url,
                        "action_id": "newsbot_read_article",
                    }
                ],
            }
        )
    return {
        "text": truncate(slack_escape(plain_text(alert, kind)), SLACK_FALLBACK_MAX),
        "blocks": blocks[:SLACK_MAX_BLOCKS],
        "unfurl_links": False,
        "unfurl_media": False,
    }


def slack_also_reported(
    update: Alert, original: Alert | None = None, *, sources: int = 0
) -> dict[str, Any]:
    """A short follow-up: incoming webhooks cannot edit or thread (no message id).

    Names the newly reporting outlet, the event as first alerted (if known) and how many
    outlets have reported it since; links the new article.
    """
    event = (original or update).headline
    more = f" ({sources} sources since the first report)" if sources > 1 else ""
    line = f"Also reported by {update.source}: {event}{more}"
    linked = (
        f"↪ Also reported by *{slack_escape(update.source)}*: {slack_escape(event)}"
        f"{slack_escape(more)}"
    )
    if is_web_url(update.url) and len(safe_url(update.url or "")) <= SLACK_URL_MAX:
        linked += f" ({slack_link(update.url or '', 'article')})"
    return {
        "text": truncate(slack_escape(line), SLACK_FALLBACK_MAX),
        "blocks": [
            {"type": "context",
             "elements": [{"type": "mrkdwn", "text": truncate(linked, SLACK_TEXT_MAX)}]}
        ],
        "unfurl_links": False,
        "unfurl_media": False,
    }


# -- Discord ---------------------------------------------------------------------------

# Markdown that Discord renders in embed descriptions and field values: formatting,
# masked links ``[label](url)``, ``<…>`` (mentions, channels, commands, timestamps), and
# at the start of a line headings, quotes and lists.
_DISCORD_MARKUP = re.compile(r"([\\*_~`|\[\]<])|^(\s*)([#>-])", re.MULTILINE)
_DISCORD_MASS_MENTION = re.compile(r"@(everyone|here)")


def _escape_markup(match: re.Match[str]) -> str:
    if match.group(1):
        return "\\" + match.group(1)
    return match.group(2) + "\\" + match.group(3)


def discord_escape(text: str) -> str:
    """``text`` as Discord shows it literally: no formatting, no masked link, no mention
    (``@everyone`` gets a zero-width space: embeds never ping, message content might)."""
    text = _DISCORD_MARKUP.sub(_escape_markup, text)
    return _DISCORD_MASS_MENTION.sub("@\u200b\\1", text)


def discord_link(url: str, label: str) -> str:
    """A masked link ``[label](url)`` that nothing in ``url`` or ``label`` can break out
    of; escaped plain text when ``url`` is not an http(s) URL."""
    if not is_web_url(url):
        return discord_escape(f"{label}: {url}")
    return f"[{discord_escape(label)}]({safe_url(url)})"


def embed_length(embed: dict[str, Any]) -> int:
    """What Discord counts towards the 6000-character total of an embed."""
    total = text_length(embed.get("title", "")) + text_length(embed.get("description", ""))
    total += text_length(embed.get("footer", {}).get("text", ""))
    total += text_length(embed.get("author", {}).get("name", ""))
    for f in embed.get("fields", []):
        total += text_length(f["name"]) + text_length(f["value"])
    return total


def discord_embed(
    alert: Alert,
    kind: str = "alert",
    *,
    timestamp: datetime | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """One embed for the alert's events: title, summary, fields, footer, colour, link.

    ``note``: a line above the summary, e.g. why an escalation escalates.
    """
    embed: dict[str, Any] = {
        "type": "rich",
        "title": truncate(headline(alert, kind), DISCORD_TITLE_MAX),
        "color": alert.colour,
    }
    # Every text here comes from articles and feeds: escaped, so none renders as markup.
    description = [f"*{discord_escape(note)}*"] if note else []
    description += [f"• {discord_escape(line)}" for line in alert.lines[1:]]
    if alert.summary:
        if description:
            description.append("")
        description.append(discord_escape(alert.summary))
    if description:
        embed["description"] = truncate("\n".join(description), DISCORD_DESCRIPTION_MAX)
    embed_url = safe_url(alert.url or "")
    if is_web_url(alert.url) and len(embed_url) <= DISCORD_URL_MAX:
        embed["url"] = embed_url
    fields = []
    for name, value, inline in (
        ("Places", places_text(alert.events), True),
        ("Casualties", casualties_text(alert.events), True),
        ("Actors", actors_text(alert.events), True),
        ("Also reported by", ", ".join(alert.also_reported_by), False),
    ):
        if value:
            fields.append(
                {
                    "name": truncate(name, DISCORD_FIELD_NAME_MAX),
                    "value": truncate(discord_escape(value), DISCORD_FIELD_VALUE_MAX),
                    "inline": inline,
                }
            )
    if fields:
        embed["fields"] = fields[:DISCORD_FIELDS_MAX]
    embed["footer"] = {"text": truncate(alert.footer(), DISCORD_FOOTER_MAX)}
    if timestamp is not None:
        embed["timestamp"] = timestamp.isoformat()
    return fit_embed(embed)


def fit_embed(embed: dict[str, Any], limit: int = DISCORD_EMBED_TOTAL_MAX) -> dict[str, Any]:
    """Shrink an embed to Discord's total: the description first, then the last fields."""
    over = embed_length(embed) - limit
    if over > 0 and embed.get("description"):
        keep = text_length(embed["description"]) - over
        if keep >= 20:
            embed["description"] = truncate(embed["description"], keep)
        else:
            del embed["description"]
    while embed_length(embed) > limit and embed.get("fields"):
        embed["fields"].pop()
        if not embed["fields"]:
            del embed["fields"]
    if embed_length(embed) > limit:  # only an absurd footer or title is left to cut
        embed["footer"]["text"] = truncate(embed["footer"]["text"], 500)
    return embed


def discord_message(
    alert: Alert,
    kind: str = "alert",
    *,
    timestamp: datetime | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """A webhook execute/edit body: one embed, and no pings whatever the text says."""
    return {
        "embeds": [discord_embed(alert, kind, timestamp=timestamp, note=note)],
        "allowed_mentions": {"parse": []},
    }
