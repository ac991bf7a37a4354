"""The command layer, platform-neutral: subscribe, unsubscribe, subscriptions, resume,
summary, feeds, why, help. Each command returns a `Reply` that the CLI, Slack and Discord
only render.

Errors a person can fix come back as a `Reply` with ``ok=False`` and a hint; they are
never raised to the platform adapter.

Paused channels: when the outbox could not post in a channel for a reason a person must
fix (see ``bot.service.outbox``), the channel is paused and its alerts held. ``notices(channel)``
gives one line per paused channel of the asker's workspace (Discord guild, Slack team);
adapters append them to every reply, so the next command anywhere in
that workspace says why. ``resume`` — or subscribing again in that channel — lifts the
pause and releases the held alerts.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.analysis.analyze import Analyzer
from bot.analysis.regions import resolve_region, suggest
from bot.fetch import canonicalize_url
from bot.models import EVENT_TYPES, SEVERITIES, Event
from bot.service.matching import match_event, region_keys_for
from bot.service.pipeline import event_from_row
from bot.service.store import DuplicateFeed, DuplicateSubscription, Store
from bot.service.store.repository import URLTooLong
from bot.service.store.schema import ChannelRow
from config.settings import redact_secrets, redact_url

TYPE_ALIASES = {
    **{t: t for t in EVENT_TYPES},
    **{t.replace("_", "-"): t for t in EVENT_TYPES},
    **{t.replace("_", " "): t for t in EVENT_TYPES},
    "attacks": "attack", "captures": "capture", "civilians": "civilian_harm",
    "refugees": "refugee_policy", "refugee": "refugee_policy", "asylum": "refugee_policy",
    "truce": "ceasefire", "ceasefires": "ceasefire", "protests": "protest",
    "disasters": "disaster", "displaced": "displacement", "fleeing": "displacement",
}
WINDOW = re.compile(r"^(\d{1,4})\s*(m|min|h|hr|hours?|d|days?|w|weeks?)$", re.IGNORECASE)
MAX_WINDOW = timedelta(days=31)
URL_LIKE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
PAUSE_NOTICE = (
    "Alerts to <#{channel_id}> are paused: {reason}. "
    "Fix it, then run /resume there (or /subscribe again)."
)


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """Who is asking, and for which channel: a platform's natural key."""

    platform: str
    channel_id: str
    workspace_id: str = ""
    name: str | None = None
    webhook_url: str | None = None


@dataclass(slots=True)
class Reply:
    """What a command answers. ``ephemeral`` replies go only to the person who asked."""

    ok: bool
    title: str
    lines: list[str] = field(default_factory=list)
    ephemeral: bool = True
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url)

    def text(self) -> str:
        """Plain text for terminals and fallbacks."""
        out = [self.title, *self.lines]
        out += [f"{label}: {url}" for label, url in self.links]
        return "\n".join(out)


def error(title: str, *hints: str) -> Reply:
    return Reply(ok=False, title=title, lines=list(hints))


def parse_types(words: Sequence[str]) -> tuple[list[str], list[str]]:
    """Event types among words ('attack,capture' or 'civilian harm'); (types, unknown)."""
    tokens = [w.strip().lower() for part in words for w in part.split(",") if w.strip()]
    types: list[str] = []
    unknown: list[str] = []
    i = 0
    while i < len(tokens):
        pair = f"{tokens[i]} {tokens[i + 1]}" if i + 1 < len(tokens) else ""
        if pair in TYPE_ALIASES:
            types.append(TYPE_ALIASES[pair])
            i += 2
            continue
        if tokens[i] in TYPE_ALIASES:
            types.append(TYPE_ALIASES[tokens[i]])
        else:
            unknown.append(tokens[i])
        i += 1
    return list(dict.fromkeys(types)), unknown


def parse_window(text: str | None) -> timedelta:
    """'24h', '3d', '90m', '1w' → a timedelta (default 24 h, at most 31 days)."""
    if not text:
        return timedelta(hours=24)
    m = WINDOW.match(text.strip())
    if not m:
        raise ValueError(f"{text!r} is not a time window; write e.g. 6h, 24h, 3d or 1w")
    n, unit = int(m.group(1)), m.group(2).lower()[0]
    delta = {"m": timedelta(minutes=n), "h": timedelta(hours=n), "d": timedelta(days=n),
             "w": timedelta(weeks=n)}[unit]
    if delta <= timedelta(0) or delta > MAX_WINDOW:
        raise ValueError("the window must be between 1 minute and 31 days")
    return delta


def split_subscribe_args(words: Sequence[str]) -> tuple[str, list[str], str | None]:
    """'South Asia attack,capture min=high' → ('South Asia', ['attack', 'capture'], 'high').
    The region is every word before the first type or min= word."""
    region: list[str] = []
    rest: list[str] = []
    severity = None
    for w in words:
        low = w.lower()
        if low.startswith(("min=", "severity=")):
            severity = low.split("=", 1)[1]
        elif rest or (region and low.split(",")[0] in TYPE_ALIASES):
            rest.append(w)
        else:
            region.append(w)
    return " ".join(region), rest, severity


class Commands:
    """Every command, over one store and one analyzer."""

    def __init__(self, store: Store, analyzer: Analyzer) -> None:
        self.store = store
        self.analyzer = analyzer

    async def _channel(self, ref: ChannelRef) -> ChannelRow:
        async with self.store.session() as repo:
            found = await repo.get_channel(ref.platform, ref.channel_id, ref.workspace_id)
            if found is not None:
                return found
            return await repo.upsert_channel(
                ref.platform, ref.channel_id, workspace_id=ref.workspace_id, name=ref.name,
                webhook_url=ref.webhook_url,
            )

    # -- paused channels ---------------------------------------------------------------

    async def notices(self, channel: ChannelRef) -> list[str]:
        """One line per paused channel of the asker's workspace (only the asker's own
        channel when there is no workspace, e.g. a DM or the console)."""
        async with self.store.session() as repo:
            paused = await repo.paused_channels(channel.platform, channel.workspace_id)
        if not channel.workspace_id:
            paused = [c for c in paused if c.channel_id == channel.channel_id]
        return [
            PAUSE_NOTICE.format(
                channel_id=c.channel_id,
                reason=(c.paused_reason or "the platform refused to post there").rstrip(". "),
            )
            for c in paused
        ]

    async def resume(self, channel: ChannelRef) -> Reply:
        """Lift this channel's pause: its held alerts go out now, oldest first."""
        async with self.store.session() as repo:
            row = await repo.get_channel(channel.platform, channel.channel_id,
                                         channel.workspace_id)
            if row is None or row.paused_at is None:
                return Reply(True, "Alerts to this channel are not paused.",
                             ["Nothing to resume; alerts are posted here as they come."])
            reason = row.paused_reason
            await repo.resume_channel(row.id)
            held = await repo.pending_count(row.id)
        lines = [f"They were paused because {reason.rstrip('. ')}."] if reason else []
        lines.append(f"{held} held alert{'s' if held != 1 else ''} will be posted now."
                     if held else "No alerts were held.")
        return Reply(True, "Alerts to this channel are resumed.", lines)

    async def _resume_if_paused(self, row: ChannelRow) -> bool:
        if row.paused_at is None:
            return False
        async with self.store.session() as repo:
            return await repo.resume_channel(row.id)

    # -- subscriptions -----------------------------------------------------------------

    async def subscribe(
        self,
        channel: ChannelRef,
        region: str,
        types: Sequence[str] = (),
        min_severity: str | None = None,
        *,
        by: str | None = None,
    ) -> Reply:
        """Subscribe a channel to a region, optionally to some types and severities."""
        if not region.strip():
            return error("Which region?", "Example: subscribe South Asia attack,capture min=high")
        place = resolve_region(region)
        if place is None:
            close = suggest(region)
            hint = f"Did you mean {', '.join(close)}?" if close else (
                "Try a country, a city, a province or a region such as Middle East or Sahel.")
            return error(f"I don't know the region {region!r}.", hint)
        chosen, unknown = parse_types(types)
        if unknown:
            return error(
                f"Unknown event type{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.",
                "Types: " + ", ".join(EVENT_TYPES),
            )
        if min_severity is not None and min_severity not in SEVERITIES:
            return error(f"Unknown severity {min_severity!r}.",
                         "Severities: " + ", ".join(SEVERITIES))
        row = await self._channel(channel)
        resumed = await self._resume_if_paused(row)  # subscribing again is how to resume
        try:
            async with self.store.session() as repo:
                await repo.add_subscription(
                    row.id, place.key, place.name, types=chosen or None,
                    min_severity=min_severity, created_by=by,
                )
        except DuplicateSubscription:
            if resumed:
                return Reply(True, f"Alerts to this channel are resumed ({place.name} was "
                                   "already subscribed).",
                             ["Held alerts will be posted now."])
            return error(
                f"This channel is already subscribed to {place.name}.",
                f"To change its filters: unsubscribe {place.name}, then subscribe again.",
            )
        what = ", ".join(chosen) if chosen else "all event types"
        floor = f", severity {min_severity} or higher" if min_severity else ""
        lines = [f"Alerts for events in {place.name} will be posted here."]
        if resumed:
            lines.append("Alerts to this channel were paused; they are resumed, and held "
                         "alerts will be posted now.")
        return Reply(True, f"Subscribed to {place.name} ({what}{floor}).", lines)

    async def unsubscribe(self, channel: ChannelRef, region: str) -> Reply:
        """Unsubscribe a channel from one region, or from everything with 'all'."""
        if not region.strip():
            return error("Which region?", "Example: unsubscribe South Asia (or: unsubscribe all)")
        row = await self._channel(channel)
        async with self.store.session() as repo:
            if region.strip().lower() == "all":
                n = await repo.remove_all_subscriptions(row.id)
                return Reply(True, f"Removed {n} subscription{'s' if n != 1 else ''}.")
            subs = await repo.list_subscriptions(row.id)
            place = resolve_region(region)
            wanted = {s.region_key for s in subs if s.region_name.lower() == region.lower()}
            if place is not None:
                wanted.add(place.key)
            for sub in subs:
                if sub.region_key in wanted:
                    await repo.remove_subscription(row.id, sub.region_key)
                    return Reply(True, f"Unsubscribed from {sub.region_name}.")
        names = ", ".join(s.region_name for s in subs) or "nothing yet"
        return error(f"This channel is not subscribed to {region!r}.", f"Subscribed: {names}.")

    async def subscriptions(self, channel: ChannelRef) -> Reply:
        """List a channel's subscriptions."""
        row = await self._channel(channel)
        async with self.store.session() as repo:
            subs = await repo.list_subscriptions(row.id)
        if not subs:
            return Reply(True, "This channel has no subscriptions.",
                         ["Example: subscribe Afghanistan, or subscribe Middle East attack"])
        lines = []
        for s in subs:
            what = ", ".join(s.types) if s.types else "all types"
            floor = f", {s.min_severity}+" if s.min_severity else ""
            lines.append(f"• {s.region_name} — {what}{floor}")
        return Reply(True, f"{len(subs)} subscription{'s' if len(subs) != 1 else ''}:", lines)

    # -- feeds -------------------------------------------------------------------------

    async def feed_add(self, url: str, *, backfill: bool = False, by: str | None = None) -> Reply:
        if not URL_LIKE.match(url.strip()):
            return error(f"{redact_url(url)!r} is not a link.",
                         "Example: feed add https://example.org/rss")
        clean = canonicalize_url(url.strip())
        try:
            async with self.store.session() as repo:
                await repo.add_feed(clean, backfill=backfill, added_by=by)
        except DuplicateFeed:
            return error(f"Already watching {redact_url(clean)}.")
        except URLTooLong as exc:
            return error(f"I can't watch that feed: {exc}.", "Check the feed address.")
        note = "Its current items will alert too." if backfill else (
            "Its current items are recorded without alerting; new ones will alert.")
        return Reply(True, f"Watching {redact_url(clean)}.", [note])

    async def feed_remove(self, url: str) -> Reply:
        clean = canonicalize_url(url.strip()) if URL_LIKE.match(url.strip()) else url.strip()
        async with self.store.session() as repo:
            removed = await repo.remove_feed(clean) or await repo.remove_feed(url.strip())
        if not removed:
            return error(f"Not watching {redact_url(url)}.", "List the feeds with: feed list")
        return Reply(True, f"Stopped watching {redact_url(clean)}.")

    async def feeds(self) -> Reply:
        from bot.service.feeds import count_feed_items, describe_health

        async with self.store.session() as repo:
            rows = await repo.list_feeds()
        if not rows:
            return Reply(True, "No feeds are watched.", ["Example: feed add https://example.org/rss"])
        counts = await count_feed_items(self.store, [f.id for f in rows])
        # A feed URL may hold a user name and password; so may a failure's reason.
        lines = [
            redact_secrets(f"• {f.url} — {describe_health(f, items=counts.get(f.id, 0))}")
            for f in rows
        ]
        return Reply(True, f"{len(rows)} feed{'s' if len(rows) != 1 else ''}:", lines)

    # -- summaries and explanations ----------------------------------------------------

    async def summary(self, target: str, window: str | None = None) -> Reply:
        """Summarise one article (a link) or a region's events over a window."""
        target = target.strip()
        if not target:
            return error("Summary of what?", "Example: summary https://… or summary Sahel 24h")
        if URL_LIKE.match(target):
            analysis = await self.analyzer.analyze_url(target)
            if analysis.error:
                return error(f"I could not read that link: {analysis.error}")
            lines = [e.alert for e in analysis.events] or ["No alertable events in it."]
            lines.append(analysis.summary)
            return Reply(True, analysis.title or target, lines, ephemeral=False,
                         links=[("Source", analysis.url or target)])
        try:
            delta = parse_window(window)
        except ValueError as exc:
            return error(str(exc))
        place = resolve_region(target)
        if place is None:
            close = suggest(target)
            return error(f"I don't know the region {target!r}.",
                         f"Did you mean {', '.join(close)}?" if close else "")
        since = datetime.now(UTC) - delta
        async with self.store.session() as repo:
            rows = await repo.events_since(since)
        by_type: dict[str, list[tuple[Event, str, str]]] = defaultdict(list)
        seen_clusters: set[tuple[str, int | None]] = set()
        for row, article in rows:
            event = event_from_row(row)
            if place.key not in region_keys_for(event):
                continue
            cluster = (row.type, row.cluster_id or -row.id)
            if cluster in seen_clusters:
                continue
            seen_clusters.add(cluster)
            by_type[row.type].append((event, article.title or article.canonical_url,
                                      article.canonical_url))
        span = _window_text(delta)
        if not by_type:
            return Reply(True, f"No events in {place.name} in the last {span}.", ephemeral=False)
        lines: list[str] = []
        links: list[tuple[str, str]] = []
        for etype in EVENT_TYPES:
            items = by_type.get(etype)
            if not items:
                continue
            places = Counter(p.name for e, _, _ in items for p in e.places)
            top = ", ".join(name for name, _ in places.most_common(4))
            lines.append(f"{etype.replace('_', ' ')}: {len(items)} — {top}")
            for _, title, url in items[:3]:
                links.append((title, url))
        total = sum(len(v) for v in by_type.values())
        return Reply(True, f"{place.name}, last {span}: {total} event{'s' if total != 1 else ''}",
                     lines, ephemeral=False, links=links)

    async def why(self, channel: ChannelRef, url: str) -> Reply:
        """Why a link did or did not alert this channel: its events, places and filters."""
        if not URL_LIKE.match(url.strip()):
            return error(f"{url!r} is not a link.", "Example: why https://example.org/story")
        row = await self._channel(channel)
        clean = canonicalize_url(url.strip())
        async with self.store.session() as repo:
            article = await repo.get_article_by_url(clean)
            subs = await repo.list_subscriptions(row.id)
            stored = await repo.events_for_article(article.id) if article else []
            sent = await repo.deliveries_for_article(article.id, row.id) if article else []
        if article is not None:
            events = [event_from_row(e) for e in stored]
            source = "as processed"
        else:
            analysis = await self.analyzer.analyze_url(url.strip())
            if analysis.error:
                return error(f"I could not read that link: {analysis.error}")
            events = analysis.events
            source = "not seen before; analysed now"
        lines = [f"Article {source}."]
        if not events:
            lines.append("It holds no alertable event, so it alerts no channel.")
        for e in events:
            lines.append(f"{e.alert or e.type} (confidence {e.confidence:.2f})")
            if not subs:
                lines.append("   this channel has no subscriptions")
            for s in subs:
                d = match_event(e, s.region_key, s.types, s.min_severity)
                mark = "✔" if d.matched else "✘"
                lines.append(f"   {mark} {s.region_name}: {d.reason}")
        if sent:
            states = ", ".join(f"{d.kind} {d.status}" for d in sent)
            lines.append(f"Deliveries to this channel: {states}.")
        return Reply(True, f"Why {clean}", lines)

    @staticmethod
    def help() -> Reply:
        return Reply(True, "newsbot commands", [
            "subscribe <region> [types…] [min=<severity>] — e.g. subscribe Sahel attack,capture",
            "unsubscribe <region|all>",
            "list — this channel's subscriptions",
            "summary <url|region> [window] — e.g. summary Middle East 24h",
            "feed add|remove <url>, feed list",
            "why <url> — why a link did or did not alert here",
            "Types: " + ", ".join(EVENT_TYPES) + ". Severities: " + ", ".join(SEVERITIES) + ".",
        ])


def _window_text(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    if hours < 1:
        return f"{int(delta.total_seconds() // 60)} min"
    if hours < 48:
        return f"{hours:g} h"
    return f"{hours / 24:g} days"
