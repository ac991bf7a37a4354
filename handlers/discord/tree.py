"""Application commands: parse what Discord sends, call ``bot.service.commands``, render the Reply.

Top-level commands read best in Discord's picker and let each carry its own default
permissions: ``/subscribe``, ``/unsubscribe`` and ``/feed …`` default to members with
Manage Channels (``default_member_permissions``) and check again at run time (server
admins can widen who sees them); ``/subscriptions``, ``/summary``, ``/why`` and ``/help``
are for everyone. The message context menu "Analyze article" needs no privileged intent.

Errors and lists answer ephemerally with how to fix; work that may outlast Discord's 3 s
deadline (reading an article) defers first and follows up.

Every answer in a server also carries the server's pause notices (``Commands.notices``):
when the bot could not post alerts in one of its channels, the next command anywhere in
the server says which channel and why. ``/resume`` (Manage Channels) in that channel, or
``/subscribe`` there again, releases the held alerts.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import discord
from discord import app_commands

from bot.models import EVENT_TYPES, SEVERITIES
from bot.service.commands import URL_LIKE, Reply, error
from handlers.discord.parse import (
    CHOICE_MAX,
    MAX_CHOICES,
    SEVERITY_LABELS,
    TYPE_LABELS,
    channel_ref,
    extract_links,
    suggest_regions,
    suggest_windows,
)
from handlers.render import (
    DISCORD_DESCRIPTION_MAX,
    DISCORD_TITLE_MAX,
    discord_escape,
    discord_link,
    text_length,
    truncate,
)

if TYPE_CHECKING:
    from bot.service.commands import Commands


class NewsbotClient(Protocol):
    """What the commands need of the client (handlers.discord.client provides it)."""

    commands: Commands | None
    submit: Callable[..., Awaitable[None]] | None

log = logging.getLogger("newsbot.discord")

OK_COLOUR = 0x2E7D32
ERROR_COLOUR = 0xC62828
TYPE_CHOICES = [app_commands.Choice(name=TYPE_LABELS[t], value=t) for t in EVENT_TYPES]
SEVERITY_CHOICES = [app_commands.Choice(name=SEVERITY_LABELS[s], value=s) for s in SEVERITIES]
MANAGERS = discord.Permissions(manage_channels=True)
POSTING = ("view_channel", "send_messages", "embed_links")
HELP = [
    "`/subscribe region [type] [type2] [type3] [min_severity]` — alerts for a region here",
    "`/unsubscribe region` — stop one region, or `all`",
    "`/subscriptions` — what this channel is subscribed to",
    "`/resume` — post alerts here again after fixing what paused them",
    "`/summary target [window]` — one article (a link) or a region over e.g. 24h or 3d",
    "`/feed add|remove|list` — RSS/Atom feeds the bot watches",
    "`/why url` — why a link did or did not alert this channel",
    "Right-click a message → Apps → **Analyze article** — summarise the link in it",
    "Mention the bot with a link to have it analysed; subscribed channels get its alerts.",
    "Changing subscriptions and feeds needs the Manage Channels permission.",
    "Types: " + ", ".join(EVENT_TYPES) + ". Severities: " + ", ".join(SEVERITIES) + ".",
]


# -- rendering -------------------------------------------------------------------------


def reply_embed(
    reply: Reply, notices: Sequence[str] = (), *, markdown: bool = False
) -> discord.Embed:
    """A Reply as one embed: title, lines, links, then ``notices`` (within Discord's
    limits; a long body is cut so the notices always show).

    Lines hold titles, links and names from articles, feeds and people, so they are
    escaped: no masked link or mention in them renders. ``markdown``: the lines are
    newsbot's own (help) and keep their formatting."""
    lines = list(reply.lines) if markdown else [discord_escape(line) for line in reply.lines]
    for label, url in reply.links:
        link = discord_link(url, truncate(label, 200))
        lines.append(link if len(link) <= 600 else discord_escape(f"{label}: {url}"))
    embed = discord.Embed(
        title=truncate(reply.title, DISCORD_TITLE_MAX),
        colour=OK_COLOUR if reply.ok else ERROR_COLOUR,
    )
    # Notices are newsbot's own lines, with a live link to the paused channel.
    tail = truncate("\n".join(f"⚠️ {n}" for n in notices), DISCORD_DESCRIPTION_MAX // 2)
    room = DISCORD_DESCRIPTION_MAX - (text_length(tail) + 2 if tail else 0)
    parts = [truncate("\n".join(lines), room)] if lines else []
    if tail:
        parts.append(tail)
    if parts:
        embed.description = "\n\n".join(parts)
    return embed


async def _notices(interaction: discord.Interaction) -> list[str]:
    """The server's pause notices; none outside a server or before the service is up."""
    commands = _client(interaction).commands
    if commands is None or interaction.guild_id is None:
        return []
    try:
        return await commands.notices(_ref(interaction))
    except Exception:  # a notice must never cost the member their answer
        log.warning("discord: could not look up paused channels", exc_info=True)
        return []


async def respond(
    interaction: discord.Interaction, reply: Reply, *, markdown: bool = False
) -> None:
    """Answer with the Reply (plus the server's pause notices): the interaction callback,
    or after a defer the original response (a public "thinking" message is replaced by an
    ephemeral follow-up when the answer is an error or private)."""
    embed = reply_embed(reply, await _notices(interaction), markdown=markdown)
    if not interaction.response.is_done():
        await interaction.response.send_message(embed=embed, ephemeral=reply.ephemeral)
        return
    deferred_private = interaction.extras.get("deferred_ephemeral", False)
    if reply.ephemeral and not deferred_private:
        await interaction.delete_original_response()
        await interaction.followup.send(embed=embed, ephemeral=True)
    else:
        await interaction.edit_original_response(embed=embed)


async def defer(interaction: discord.Interaction, *, ephemeral: bool) -> None:
    """Acknowledge now ("newsbot is thinking…"); the answer follows within 15 minutes."""
    interaction.extras["deferred_ephemeral"] = ephemeral
    await interaction.response.defer(thinking=True, ephemeral=ephemeral)


def _ref(interaction: discord.Interaction):
    channel = interaction.channel
    name = getattr(channel, "name", None)
    return channel_ref(interaction.channel_id or 0, interaction.guild_id, name)


def _client(interaction: discord.Interaction) -> NewsbotClient:
    return interaction.client  # type: ignore[return-value]


def _user(interaction: discord.Interaction) -> str:
    return f"discord:{interaction.user.id}"


def _choices(values: list[str]) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=v[:CHOICE_MAX], value=v[:CHOICE_MAX])
            for v in values[:MAX_CHOICES]]


# -- the tree --------------------------------------------------------------------------


class NewsbotTree(app_commands.CommandTree):
    """Refuses politely when the service is not attached; turns failures into replies."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if _client(interaction).commands is not None:
            return True
        if interaction.type is discord.InteractionType.application_command:
            await respond(interaction, error("newsbot is starting up.", "Try again in a minute."))
        return False

    async def on_error(
        self, interaction: discord.Interaction, error_: app_commands.AppCommandError, /
    ) -> None:
        if isinstance(error_, app_commands.MissingPermissions):
            reply = error(
                "You need the Manage Channels permission in this channel for that.",
                "Ask someone who can manage this channel, or a server admin, to run it.",
            )
        elif isinstance(error_, app_commands.NoPrivateMessage):
            reply = error("That works in a server channel only.",
                          "Run it in the channel that should receive the alerts.")
        else:
            log.error("discord: /%s failed", getattr(interaction.command, "qualified_name", "?"),
                      exc_info=error_)
            reply = error("Something went wrong on newsbot's side.",
                          "It has been logged; try again in a moment.")
        try:
            await respond(interaction, reply)
        except discord.HTTPException:
            log.warning("discord: could not tell the user about the error", exc_info=True)


def _missing_post_permissions(interaction: discord.Interaction) -> list[str]:
    perms = interaction.app_permissions
    return [p.replace("_", " ").title() for p in POSTING if not getattr(perms, p)]


def build_tree(client: NewsbotClient) -> NewsbotTree:
    """Every command and autocomplete, on a fresh tree for ``client``."""
    tree = NewsbotTree(client)

    async def region_autocomplete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return _choices(suggest_regions(current))

    async def subscribed_autocomplete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        commands = _client(interaction).commands
        if commands is None:
            return []
        ref = _ref(interaction)
        async with commands.store.session() as repo:
            row = await repo.get_channel(ref.platform, ref.channel_id, ref.workspace_id)
            subs = await repo.list_subscriptions(row.id) if row is not None else []
        typed = (current or "").strip().lower()
        names = [s.region_name for s in subs if typed in s.region_name.lower()]
        if subs and "all".startswith(typed):
            names.append("all")
        return _choices(names)

    async def window_autocomplete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return _choices(suggest_windows(current))

    async def summary_target_autocomplete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if URL_LIKE.match((current or "").strip()):
            return _choices([current.strip()])
        return _choices(suggest_regions(current))

    @tree.command(name="subscribe", description="Post alerts in this channel for a region")
    @app_commands.describe(
        region="A region, country, province or city: Middle East, Sahel, Kharkiv, world",
        kind="Only this event type (add up to two more)",
        kind2="Another event type",
        kind3="Another event type",
        min_severity="Only events this severe or worse",
    )
    @app_commands.rename(kind="type", kind2="type2", kind3="type3")
    @app_commands.choices(kind=TYPE_CHOICES, kind2=TYPE_CHOICES, kind3=TYPE_CHOICES,
                          min_severity=SEVERITY_CHOICES)
    @app_commands.autocomplete(region=region_autocomplete)
    @app_commands.default_permissions(manage_channels=True)
    @app_commands.guild_only()
    @app_commands.checks.has_permissions(manage_channels=True)
    async def subscribe(
        interaction: discord.Interaction,
        region: app_commands.Range[str, 1, 100],
        kind: app_commands.Choice[str] | None = None,
        kind2: app_commands.Choice[str] | None = None,
        kind3: app_commands.Choice[str] | None = None,
        min_severity: app_commands.Choice[str] | None = None,
    ) -> None:
        missing = _missing_post_permissions(interaction)
        if missing:
            await respond(interaction, error(
                f"I can't post alerts in this channel: I lack {', '.join(missing)}.",
                "Give newsbot those permissions here (channel settings → Permissions), "
                "then subscribe again.",
            ))
            return
        types = [c.value for c in (kind, kind2, kind3) if c is not None]
        commands = _client(interaction).commands
        assert commands is not None
        reply = await commands.subscribe(
            _ref(interaction), region, types, min_severity.value if min_severity else None,
            by=_user(interaction),
        )
        await respond(interaction, reply)

    @tree.command(name="unsubscribe", description="Stop alerts for a region in this channel")
    @app_commands.describe(region="One of this channel's regions, or all")
    @app_commands.autocomplete(region=subscribed_autocomplete)
    @app_commands.default_permissions(manage_channels=True)
    @app_commands.guild_only()
    @app_commands.checks.has_permissions(manage_channels=True)
    async def unsubscribe(interaction: discord.Interaction, region: str) -> None:
        commands = _client(interaction).commands
        assert commands is not None
        await respond(interaction, await commands.unsubscribe(_ref(interaction), region))

    @tree.command(name="resume", description="Post alerts here again after fixing what "
                  "paused them")
    @app_commands.default_permissions(manage_channels=True)
    @app_commands.guild_only()
    @app_commands.checks.has_permissions(manage_channels=True)
    async def resume(interaction: discord.Interaction) -> None:
        missing = _missing_post_permissions(interaction)
        if missing:
            await respond(interaction, error(
                f"I still can't post alerts in this channel: I lack {', '.join(missing)}.",
                "Give newsbot those permissions here (channel settings → Permissions), "
                "then run /resume again. The held alerts are kept until then.",
            ))
            return
        commands = _client(interaction).commands
        assert commands is not None
        await respond(interaction, await commands.resume(_ref(interaction)))

    @tree.command(name="subscriptions", description="This channel's regions and filters")
    async def subscriptions(interaction: discord.Interaction) -> None:
        commands = _client(interaction).commands
        assert commands is not None
        await respond(interaction, await commands.subscriptions(_ref(interaction)))

    @tree.command(name="summary", description="Summarise an article, or a region's events")
    @app_commands.describe(target="An article link, or a region",
                           window="For a region: 6h, 24h, 3d, 1w")
    @app_commands.autocomplete(target=summary_target_autocomplete, window=window_autocomplete)
    async def summary(
        interaction: discord.Interaction, target: str, window: str | None = None
    ) -> None:
        commands = _client(interaction).commands
        assert commands is not None
        if URL_LIKE.match(target.strip()):
            await defer(interaction, ephemeral=False)  # fetching may take seconds
        await respond(interaction, await commands.summary(target, window))

    @tree.command(name="why", description="Why a link did or did not alert this channel")
    @app_commands.describe(url="The article link")
    async def why(interaction: discord.Interaction, url: str) -> None:
        commands = _client(interaction).commands
        assert commands is not None
        if URL_LIKE.match(url.strip()):
            await defer(interaction, ephemeral=True)
        await respond(interaction, await commands.why(_ref(interaction), url))

    @tree.command(name="help", description="What newsbot does and how to use it")
    async def help_(interaction: discord.Interaction) -> None:
        await respond(interaction, Reply(True, "newsbot commands", list(HELP)), markdown=True)

    feed = app_commands.Group(
        name="feed", description="RSS/Atom feeds newsbot watches",
        default_permissions=MANAGERS, guild_only=True,
    )

    @feed.command(name="add", description="Watch a feed")
    @app_commands.describe(url="The feed's address", backfill="Alert on its current items too")
    @app_commands.checks.has_permissions(manage_channels=True)
    async def feed_add(interaction: discord.Interaction, url: str, backfill: bool = False) -> None:
        commands = _client(interaction).commands
        assert commands is not None
        await respond(interaction, await commands.feed_add(url, backfill=backfill,
                                                           by=_user(interaction)))

    @feed.command(name="remove", description="Stop watching a feed")
    @app_commands.describe(url="The feed's address (see /feed list)")
    @app_commands.checks.has_permissions(manage_channels=True)
    async def feed_remove(interaction: discord.Interaction, url: str) -> None:
        commands = _client(interaction).commands
        assert commands is not None
        await respond(interaction, await commands.feed_remove(url))

    @feed.command(name="list", description="The feeds newsbot watches, with their health")
    @app_commands.checks.has_permissions(manage_channels=True)
    async def feed_list(interaction: discord.Interaction) -> None:
        commands = _client(interaction).commands
        assert commands is not None
        await respond(interaction, await commands.feeds())

    tree.add_command(feed)

    async def analyze_article(interaction: discord.Interaction, message: discord.Message) -> None:
        links = extract_links(message.content, limit=1)
        if not links:
            await respond(interaction, error(
                "That message has no link to analyse.",
                "Use Analyze article on a message with an http(s) link to a news story.",
            ))
            return
        bot = _client(interaction)
        assert bot.commands is not None
        await defer(interaction, ephemeral=False)
        if bot.submit is not None:  # subscribed channels get its alerts, as for feed items
            await bot.submit(links[0], source="discord")
        await respond(interaction, await bot.commands.summary(links[0]))

    tree.add_command(app_commands.ContextMenu(name="Analyze article", callback=analyze_article))
    return tree


def command_names(tree: app_commands.CommandTree) -> list[str]:
    """Every command's qualified name (for tests and logs)."""
    out: list[str] = []
    for cmd in tree.get_commands():
        if isinstance(cmd, app_commands.Group):
            out += [c.qualified_name for c in cmd.walk_commands()]
        else:
            out.append(cmd.name)
    return out


__all__: list[Any] = ["NewsbotTree", "build_tree", "reply_embed", "respond"]
