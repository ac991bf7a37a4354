"""Text from articles, feeds and people never becomes markup in Slack or Discord: no
mention (``<!channel>``, ``<@U…>``, ``@everyone``), no link of its own, no masked link.

Alerts go through the real webhook sinks to loopback receivers (``fakes``); command
replies through the renderers the Slack and Discord apps use.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fakes import FakeWebhookReceiver, sample_alert

from bot.analysis.alerts import Alert
from bot.service.commands import Reply
from bot.service.store import ChannelRow, DeliveryRow
from handlers.discord.tree import reply_embed
from handlers.render import safe_url, slack_also_reported
from handlers.slack.blocks import reply_message
from handlers.webhooks import DiscordWebhookSink, SlackWebhookSink, make_client

# Everything a hostile page, feed or poster could put in a title, summary, name or link.
EVIL = (
    "<!channel> <!here|here> <!everyone> <@U0EVIL> <#C0EVIL|general> <!subteam^S0EVIL> "
    "<https://phish.example|your bank> [click me](https://phish.example/login) "
    "<@123456789012345678> <@!123456789012345678> <@&4242> <#4242> </cmd:4242> "
    "<t:1700000000:R> @everyone @here ||spoiler|| `code` **bold**"
)
EVIL_URL = (
    "https://news.example/story?a=1&b=>|<!channel>|<@U0EVIL> "
    ")[x](https://phish.example)<@&4242>"
)
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def hostile_alert() -> Alert:
    return sample_alert(
        summary=f"Shelling overnight. {EVIL}",
        source=f"Evil News {EVIL}",
        url=EVIL_URL,
        places=(f"Lashkar Gah {EVIL}",),
        extra_lines=(f"🟡 DISPLACEMENT · {EVIL}",),
        actors=(EVIL,),
        also_reported_by=(EVIL, "[other](https://phish.example)"),
    )


# -- what counts as live markup ------------------------------------------------------------

SLACK_ANGLE = re.compile(r"<([^<>]*)>")


def slack_mrkdwn_texts(body: dict[str, Any]) -> Iterator[str]:
    """Every string of a Slack message that Slack parses as mrkdwn."""
    yield body["text"]  # the fallback text is mrkdwn too (notifications, old clients)

    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                yield node["text"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    yield from walk(body.get("blocks", []))


def assert_slack_safe(body: dict[str, Any], allowed_url: str | None) -> None:
    """No mention, broadcast or link in any mrkdwn text, except a link to ``allowed_url``
    (percent-encoded), whose label holds no markup either."""
    texts = list(slack_mrkdwn_texts(body))
    assert texts
    for text in texts:
        for inner in SLACK_ANGLE.findall(text):
            target, _, label = inner.partition("|")
            assert allowed_url is not None, f"a link in {text!r}"
            assert target == safe_url(allowed_url).replace("&", "&amp;"), inner
            assert "<" not in label and ">" not in label
        assert "<!" not in text and "<@" not in text and "<#" not in text


DISCORD_ESCAPED = re.compile(r"\\.", re.DOTALL)
DISCORD_MASKED = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")


def assert_discord_safe(text: str, allowed_url: str | None = None) -> None:
    """No masked link (except one to ``allowed_url``), mention or mass mention in
    Markdown that Discord renders."""
    live = DISCORD_ESCAPED.sub("", text)  # what a backslash escapes renders as itself
    for label, target in DISCORD_MASKED.findall(live):
        assert allowed_url is not None and target == safe_url(allowed_url), (label, target)
    live = DISCORD_MASKED.sub("", live)
    assert "](" not in live
    assert not re.search(r"<[@#/!]|<t:", live), text
    assert "@everyone" not in live and "@here" not in live


def discord_rendered_texts(embed: dict[str, Any]) -> Iterator[str]:
    """The embed strings where Discord renders links and mentions."""
    if embed.get("description"):
        yield embed["description"]
    for f in embed.get("fields", []):
        yield f["value"]


# -- alerts through the real webhook sinks ---------------------------------------------------


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(timeout=2.0) as c:
        yield c


def _delivery(alert: Alert, kind: str = "alert") -> DeliveryRow:
    return DeliveryRow(
        id=1, channel_id=1, cluster_id=1, kind=kind, payload={"alert": alert.to_payload()},
        attempts=1, created_at=NOW,
    )


@pytest.mark.parametrize("kind", ["alert", "escalation"])
async def test_slack_alert_has_no_live_mention_or_foreign_link(
    client: httpx.AsyncClient, kind: str
) -> None:
    alert = hostile_alert()
    async with FakeWebhookReceiver("slack") as rx:
        channel = ChannelRow(id=1, platform="slack-webhook", channel_id="ops",
                             webhook_url=rx.webhook_url)
        await SlackWebhookSink(client).send(channel, _delivery(alert, kind), alert)
    body = rx.requests[0].json
    assert_slack_safe(body, allowed_url=None)
    [button] = next(b for b in body["blocks"] if b["type"] == "actions")["elements"]
    assert button["url"] == safe_url(EVIL_URL)  # still the article, as one valid URL
    assert not re.search(r"[<>|\s()\[\]]", button["url"])
    assert "Shelling overnight." in body["blocks"][1]["text"]["text"]  # the text still shows


def test_slack_also_reported_links_only_the_article() -> None:
    body = slack_also_reported(hostile_alert(), sample_alert(), sources=3)
    assert_slack_safe(body, allowed_url=EVIL_URL)
    [link] = SLACK_ANGLE.findall(body["blocks"][0]["elements"][0]["text"])
    assert link.endswith("|article")


@pytest.mark.parametrize("kind", ["alert", "escalation"])
async def test_discord_alert_has_no_masked_link_or_mention(
    client: httpx.AsyncClient, kind: str
) -> None:
    alert = hostile_alert()
    async with FakeWebhookReceiver("discord") as rx:
        channel = ChannelRow(id=1, platform="discord-webhook", channel_id="ops",
                             webhook_url=rx.webhook_url)
        await DiscordWebhookSink(client).send(channel, _delivery(alert, kind), alert)
    body = rx.requests[0].json
    assert body["allowed_mentions"] == {"parse": []}
    [embed] = body["embeds"]
    texts = list(discord_rendered_texts(embed))
    assert len(texts) >= 4  # description, places, actors, also reported by
    for text in texts:
        assert_discord_safe(text)
    assert "Shelling overnight." in embed["description"]
    assert embed["url"] == safe_url(EVIL_URL)
    assert not re.search(r"[<>|\s()\[\]]", embed["url"])


# -- command replies ----------------------------------------------------------------------


def hostile_reply() -> Reply:
    # As /newsbot summary answers for a hostile page: its title, events, summary, link.
    return Reply(True, f"Title {EVIL}", [f"line {EVIL}", EVIL], links=[(f"Source {EVIL}",
                                                                       EVIL_URL)])


def test_slack_command_reply_has_no_live_mention() -> None:
    body = reply_message(hostile_reply())
    assert_slack_safe(body, allowed_url=EVIL_URL)
    links = [m for t in slack_mrkdwn_texts(body) for m in SLACK_ANGLE.findall(t)]
    assert len(links) == 1  # the source link, and nothing else


def test_discord_command_reply_has_no_masked_link_or_mention() -> None:
    embed = reply_embed(hostile_reply()).to_dict()
    assert_discord_safe(embed["description"], allowed_url=EVIL_URL)
    assert len(DISCORD_MASKED.findall(DISCORD_ESCAPED.sub("", embed["description"]))) == 1


def test_checks_catch_live_markup() -> None:
    """The assertions above would notice unescaped input."""
    with pytest.raises(AssertionError):
        assert_slack_safe({"text": EVIL, "blocks": []}, allowed_url=None)
    with pytest.raises(AssertionError):
        assert_slack_safe({"text": f"<{EVIL_URL}|x>", "blocks": []}, allowed_url=EVIL_URL)
    for text in ("[a](https://phish.example)", "<@123>", "hi @everyone", r"\\[a](https://x)"):
        with pytest.raises(AssertionError):
            assert_discord_safe(text)
