"""What the Discord handlers read out of what people type: links in messages, region and
window suggestions for autocomplete. Pure functions over ``bot/``; no discord import."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.models import EVENT_TYPES, SEVERITIES
from bot.service.commands import ChannelRef

MAX_CHOICES = 25  # Discord shows at most 25 autocomplete choices
CHOICE_MAX = 100  # … each name and value at most 100 characters
MAX_LINKS_PER_MESSAGE = 5

# A link as Discord renders one: http(s), up to whitespace; <…> (embed suppressed) and
# markdown [label](url) both yield the bare URL.
_LINK = re.compile(r"https?://[^\s<>\"'`|]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}*_~"
FEATURED_REGIONS = (
    "World", "Middle East", "South Asia", "Sahel", "Europe", "East Africa", "Ukraine",
    "Afghanistan", "Sudan", "Gaza Strip", "Myanmar", "Horn of Africa",
)
WINDOWS = ("6h", "12h", "24h", "3d", "1w")
TYPE_LABELS = {t: t.replace("_", " ") for t in EVENT_TYPES}
SEVERITY_LABELS = {s: f"{s} or higher" for s in SEVERITIES}


def extract_links(text: str | None, limit: int = MAX_LINKS_PER_MESSAGE) -> list[str]:
    """The http(s) links in a message, once each, in order, at most ``limit``."""
    out: list[str] = []
    for m in _LINK.finditer(text or ""):
        url = m.group()
        # Drop closing punctuation a sentence or markdown put after the link, but keep a
        # ')' that closes a '(' inside the URL (Wikipedia-style links).
        while url and url[-1] in _TRAILING:
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        if url.lower().rstrip("/") in ("http:", "https:") or url in out:
            continue
        out.append(url)
        if len(out) >= limit:
            break
    return out


@lru_cache(maxsize=1)
def region_index() -> tuple[tuple[str, str], ...]:
    """(normalised name, display name) of every region, country, area, province and city of
    100k+ people, broad places first. Built once (the gazetteer loads on first use)."""
    from bot.analysis.places import get_gazetteer, norm
    from bot.analysis.regions import region_defs

    gaz = get_gazetteer()
    names = ["World", *(r["name"] for r in region_defs())]
    names += [p.name for p in gaz.all_places(("region", "country", "area", "admin1"))]
    names += gaz.names(min_population=100000)
    seen: dict[str, str] = {}
    for name in names:
        if name and len(name) <= CHOICE_MAX:
            seen.setdefault(norm(name), name)
    return tuple(seen.items())


def suggest_regions(current: str, limit: int = MAX_CHOICES) -> list[str]:
    """Region names for what someone has typed so far: names starting with it, then names
    with a word starting with it, then names containing it (each group broad places
    first). Nothing typed yet: the featured regions."""
    from bot.analysis.places import norm

    q = norm(current or "")
    if not q:
        return list(FEATURED_REGIONS[:limit])
    starts: list[str] = []
    words: list[str] = []
    inside: list[str] = []
    for key, name in region_index():
        if key.startswith(q):
            starts.append(name)
        elif f" {q}" in f" {key}":
            words.append(name)
        elif q in key and len(q) >= 3:
            inside.append(name)
        if len(starts) >= limit:
            break
    return [*starts, *words, *inside][:limit]


def suggest_windows(current: str) -> list[str]:
    """Time windows for the summary command; what was typed first if it is not listed."""
    from bot.service.commands import parse_window

    typed = (current or "").strip()
    options = [w for w in WINDOWS if w.startswith(typed.lower())] or list(WINDOWS)
    if typed and typed.lower() not in options:
        try:
            parse_window(typed)
        except ValueError:
            return options
        options.insert(0, typed[:CHOICE_MAX])
    return options


def channel_ref(channel_id: int, guild_id: int | None, name: str | None = None) -> ChannelRef:
    """The command layer's key for a Discord channel."""
    return ChannelRef("discord", str(channel_id), workspace_id=str(guild_id or ""), name=name)
