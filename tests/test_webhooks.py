"""Webhook and console sinks against loopback fakes: what goes over the wire, and how
refusals map onto the outbox's error types."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from fakes import FakeWebhookReceiver, Reply, add_channel, queue_alert, sample_alert

from bot.analysis.alerts import Alert
from bot.service.outbox import PermanentSendError, RetryableSendError, original_finder
from bot.service.store import ChannelRow, DeliveryRow, Store
from bot.service.store.repository import DeliveryKind
from handlers.console import ConsoleSink
from handlers.render import (
    DISCORD_EMBED_TOTAL_MAX,
    embed_length,
    slack_also_reported,
    text_length,
    truncate,
)
from handlers.webhooks import (
    DiscordWebhookSink,
    SlackWebhookSink,
    make_client,
    parse_retry_after,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(timeout=2.0) as c:
        yield c


def _channel(platform: str, url: str | None) -> ChannelRow:
    return ChannelRow(id=1, platform=platform, channel_id="ops", name="ops", webhook_url=url)


def _delivery(alert: Alert, kind: DeliveryKind = "alert") -> DeliveryRow:
    return DeliveryRow(
        id=1, channel_id=1, cluster_id=1, kind=kind, payload={"alert": alert.to_payload()},
        attempts=1, created_at=NOW,
    )


def _oversized() -> Alert:
    return sample_alert(
        summary="Shelling went on all night. " * 500,  # ~14,000 characters
        places=tuple(f"Town{i} " + "x" * 80 for i in range(40)),
        extra_lines=tuple(f"🟡 DISPLACEMENT · Village {i} " + "y" * 200 for i in range(60)),
        actors=tuple(f"Armed group {i}" for i in range(200)),
        also_reported_by=tuple(f"outlet{i}.example" for i in range(300)),
        source="a-very-long-source-name.example " * 100,
    )


# -- rendering limits --------------------------------------------------------------------


def test_truncate_counts_utf16_units_and_marks_the_cut() -> None:
    assert truncate("short", 10) == "short"
    cut = truncate("🔴" * 100, 11)
    assert text_length(cut) <= 11 and cut.endswith("…")
    assert truncate("one two three four five six", 20) == "one two three four…"


async def test_slack_gets_block_kit_with_fallback_text(client: httpx.AsyncClient) -> None:
    async with FakeWebhookReceiver("slack") as rx:
        sink = SlackWebhookSink(client)
        result = await sink.send(_channel("slack-webhook", rx.webhook_url),
                                 _delivery(sample_alert()), sample_alert())
    assert result.message_id is None  # incoming webhooks give none
    [req] = rx.requests
    assert (req.method, req.path, req.status) == ("POST", "/services/T0001/B0001/s3cret", 200)
    assert req.headers["content-type"] == "application/json"
    body = req.json
    assert body["text"].startswith("🟠 ATTACK · Lashkar Gah — Afghanistan")
    types = [b["type"] for b in body["blocks"]]
    assert types == ["header", "section", "context", "actions"]
    header = body["blocks"][0]["text"]
    assert header["type"] == "plain_text" and header["text"].startswith("🟠 ATTACK")
    section = body["blocks"][1]
    assert section["text"]["type"] == "mrkdwn" and "Dozens were killed" in section["text"]["text"]
    assert any("Lashkar Gah" in f["text"] for f in section["fields"])
    assert "example.org · 2026-03-01" in body["blocks"][2]["elements"][0]["text"]
    button = body["blocks"][3]["elements"][0]
    assert button["url"] == "https://example.org/news/1"
    assert button["text"]["text"] == "Read article"


async def test_slack_truncates_oversized_alerts_instead_of_failing(
    client: httpx.AsyncClient,
) -> None:
    alert = _oversized()
    async with FakeWebhookReceiver("slack") as rx:
        await SlackWebhookSink(client).send(
            _channel("slack-webhook", rx.webhook_url), _delivery(alert, "escalation"), alert
        )
    body = rx.requests[0].json
    assert 0 < text_length(body["text"]) <= 3000
    assert len(body["blocks"]) <= 50
    header = body["blocks"][0]["text"]["text"]
    assert header.startswith("ESCALATION · ") and text_length(header) <= 150
    for block in body["blocks"]:
        if block["type"] == "section":
            assert text_length(block["text"]["text"]) <= 3000
            assert block["text"]["text"].endswith("…")
            assert len(block["fields"]) <= 10
            assert all(text_length(f["text"]) <= 2000 for f in block["fields"])
        if block["type"] == "context":
            assert all(text_length(e["text"]) <= 3000 for e in block["elements"])


async def test_discord_gets_one_embed_within_every_limit(client: httpx.AsyncClient) -> None:
    alert = _oversized()
    async with FakeWebhookReceiver("discord") as rx:
        result = await DiscordWebhookSink(client).send(
            _channel("discord-webhook", rx.webhook_url), _delivery(alert), alert
        )
    [req] = rx.requests
    assert req.query == {"wait": "true"}
    assert result.message_id is not None and result.message_id in rx.messages
    body = req.json
    assert body["allowed_mentions"] == {"parse": []}
    [embed] = body["embeds"]
    assert text_length(embed["title"]) <= 256 and embed["title"].startswith("🟠 ATTACK")
    assert text_length(embed["description"]) <= 4096
    assert len(embed["fields"]) <= 25
    for f in embed["fields"]:
        assert 0 < text_length(f["name"]) <= 256 and 0 < text_length(f["value"]) <= 1024
    assert text_length(embed["footer"]["text"]) <= 2048
    assert embed_length(embed) <= DISCORD_EMBED_TOTAL_MAX
    assert embed["color"] == alert.colour
    assert embed["url"] == "https://example.org/news/1"
    assert datetime.fromisoformat(embed["timestamp"]) == NOW


async def test_discord_normal_embed_keeps_everything(client: httpx.AsyncClient) -> None:
    alert = sample_alert(also_reported_by=("bbc.co.uk",))
    async with FakeWebhookReceiver("discord") as rx:
        await DiscordWebhookSink(client).send(
            _channel("discord-webhook", rx.webhook_url), _delivery(alert), alert
        )
    [embed] = rx.requests[0].json["embeds"]
    assert embed["description"] == alert.summary
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields == {
        "Places": "Lashkar Gah",
        "Casualties": "at least 12 killed",
        "Actors": "Taliban",
        "Also reported by": "bbc.co.uk",
    }
    assert embed["footer"]["text"] == "example.org · 2026-03-01 · +1 sources"


# -- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flavour", "reply", "error", "retry_after"),
    [
        ("slack", Reply(500), RetryableSendError, None),
        ("slack", Reply(503, headers={"Retry-After": "7"}), RetryableSendError, 7.0),
        ("slack", Reply(429, headers={"Retry-After": "2"}), RetryableSendError, 2.0),
        ("discord", Reply(429, headers={"Retry-After": "1"},
                          body={"message": "slow down", "retry_after": 1.5}),
         RetryableSendError, 1.5),
        ("discord", Reply(429, headers={"X-RateLimit-Remaining": "0",
                                        "X-RateLimit-Reset-After": "0.75"}),
         RetryableSendError, 1.0),
        ("slack", Reply(400), PermanentSendError, None),
        ("discord", Reply(401), PermanentSendError, None),
        ("slack", Reply(403), PermanentSendError, None),
    ],
)
async def test_http_refusals_map_to_error_types(
    client: httpx.AsyncClient,
    flavour: str,
    reply: Reply,
    error: type[Exception],
    retry_after: float | None,
) -> None:
    sink = SlackWebhookSink(client) if flavour == "slack" else DiscordWebhookSink(client)
    platform = f"{flavour}-webhook"
    async with FakeWebhookReceiver(flavour, script=[reply]) as rx:  # type: ignore[arg-type]
        with pytest.raises(error) as caught:
            await sink.send(_channel(platform, rx.webhook_url), _delivery(sample_alert()),
                            sample_alert())
    exc = caught.value
    assert f"HTTP {reply.status}" in str(exc)
    assert rx.webhook_url not in str(exc) and "s3cret" not in str(exc)
    if isinstance(exc, RetryableSendError):
        assert exc.retry_after == retry_after
    else:
        assert isinstance(exc, PermanentSendError) and not exc.gone


@pytest.mark.parametrize("flavour", ["slack", "discord"])
async def test_404_means_the_webhook_is_gone(client: httpx.AsyncClient, flavour: str) -> None:
    sink = SlackWebhookSink(client) if flavour == "slack" else DiscordWebhookSink(client)
    async with FakeWebhookReceiver(flavour, script=[404]) as rx:  # type: ignore[arg-type]
        with pytest.raises(PermanentSendError) as caught:
            await sink.send(_channel(f"{flavour}-webhook", rx.webhook_url),
                            _delivery(sample_alert()), sample_alert())
    assert caught.value.gone and caught.value.status == 404
    assert "no_service" in str(caught.value) or "Unknown Webhook" in str(caught.value)


async def test_timeouts_and_refused_connections_are_retryable() -> None:
    alert = sample_alert()
    async with make_client(timeout=0.2) as fast, FakeWebhookReceiver(
        "slack", script=[Reply(delay=2.0)]
    ) as rx:
        with pytest.raises(RetryableSendError, match="timed out"):
            await SlackWebhookSink(fast).send(
                _channel("slack-webhook", rx.webhook_url), _delivery(alert), alert
            )
        closed_port = rx.port
    with pytest.raises(RetryableSendError, match="connection failed"):
        async with make_client(timeout=1.0) as c:
            await SlackWebhookSink(c).send(
                _channel("slack-webhook", f"http://127.0.0.1:{closed_port}/services/x"),
                _delivery(alert), alert,
            )


@pytest.mark.parametrize("url", [None, "", "ftp://hooks.example/x", "file:///etc/passwd", "/x"])
async def test_webhook_url_must_be_http(client: httpx.AsyncClient, url: str | None) -> None:
    with pytest.raises(PermanentSendError) as caught:
        await SlackWebhookSink(client).send(
            _channel("slack-webhook", url), _delivery(sample_alert()), sample_alert()
        )
    assert caught.value.gone


async def test_discord_rate_limit_headers_on_success_become_a_wait(
    client: httpx.AsyncClient,
) -> None:
    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "0.4"}
    async with FakeWebhookReceiver("discord", script=[Reply(200, headers=headers), 200]) as rx:
        sink = DiscordWebhookSink(client)
        channel = _channel("discord-webhook", rx.webhook_url)
        first = await sink.send(channel, _delivery(sample_alert()), sample_alert())
        second = await sink.send(channel, _delivery(sample_alert()), sample_alert())
    assert first.wait_after == 0.4 and second.wait_after is None


def test_retry_after_parses_seconds_and_http_dates() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("0.5") == 0.5
    assert parse_retry_after("-4") == 0.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    later = format_datetime(NOW + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(later, now=NOW) == 30.0
    assert parse_retry_after(format_datetime(NOW - timedelta(hours=1), usegmt=True), now=NOW) == 0


# -- "also reported by" ----------------------------------------------------------------------


async def test_discord_also_reported_edits_the_original_message(
    store: Store, client: httpx.AsyncClient
) -> None:
    async with FakeWebhookReceiver("discord") as rx:
        channel = await add_channel(store, "discord-webhook", rx.webhook_url)
        sink = DiscordWebhookSink(client, find_original=original_finder(store))
        first = await queue_alert(store, channel.id)
        [claimed] = await store.claim_deliveries("w")
        sent = await sink.send(channel, claimed, sample_alert())
        assert await store.mark_sent(first.id, sent.message_id)

        update = sample_alert(source="reuters.com", url="https://reuters.com/x")
        also = await queue_alert(store, channel.id, update, kind="also_reported",
                                 cluster_id=first.cluster_id, level=2)
        [claimed] = await store.claim_deliveries("w")
        assert claimed.id == also.id
        edited = await sink.send(channel, claimed, update)

        # The original message is gone: the next update posts a new message instead.
        rx.messages.clear()
        update2 = sample_alert(source="apnews.com")
        await queue_alert(store, channel.id, update2, kind="also_reported",
                          cluster_id=first.cluster_id, level=3)
        [claimed] = await store.claim_deliveries("w")
        reposted = await sink.send(channel, claimed, update2)

    assert edited.message_id == sent.message_id
    post, patch, failed_patch, repost = rx.requests
    assert patch.method == "PATCH"
    assert patch.path == f"/api/webhooks/4242/t0ken/messages/{sent.message_id}"
    [embed] = patch.json["embeds"]
    assert embed["title"] == post.json["embeds"][0]["title"]  # still the original alert
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Also reported by"] == "reuters.com"
    assert embed["footer"]["text"].endswith("+1 sources")
    assert (failed_patch.method, failed_patch.status) == ("PATCH", 404)
    assert (repost.method, repost.status) == ("POST", 200)
    assert reposted.message_id not in (None, sent.message_id)
    assert {f["name"]: f["value"] for f in repost.json["embeds"][0]["fields"]}[
        "Also reported by"] == "apnews.com"


async def test_slack_webhook_does_not_post_also_reported_updates(
    store: Store, client: httpx.AsyncClient
) -> None:
    # An incoming webhook cannot edit or thread; a second post for one event is noise.
    async with FakeWebhookReceiver("slack") as rx:
        channel = await add_channel(store, "slack-webhook", rx.webhook_url)
        sink = SlackWebhookSink(client, find_original=original_finder(store))
        original = sample_alert(places=("Kandahar",))
        first = await queue_alert(store, channel.id, original)
        [claimed] = await store.claim_deliveries("w")
        await sink.send(channel, claimed, original)
        await store.mark_sent(first.id, None)
        update = sample_alert(source="reuters.com", url="https://reuters.com/x",
                              also_reported_by=("bbc.co.uk", "reuters.com"))
        await queue_alert(store, channel.id, update, kind="also_reported",
                          cluster_id=first.cluster_id, level=3)
        [claimed] = await store.claim_deliveries("w")
        result = await sink.send(channel, claimed, update)
    assert len(rx.requests) == 1
    assert result.message_id is None


def test_slack_also_reported_follow_up_text_for_threads() -> None:
    update = sample_alert(source="reuters.com", url="https://reuters.com/x",
                          also_reported_by=("bbc.co.uk", "reuters.com"))
    body = slack_also_reported(update, sample_alert(places=("Kandahar",)), sources=2)
    assert body["text"] == (
        "Also reported by reuters.com: 🟠 ATTACK · Kandahar — Afghanistan · at least 12 killed"
        " (2 sources since the first report)"
    )
    [block] = body["blocks"]
    assert "<https://reuters.com/x|article>" in block["elements"][0]["text"]


async def test_escalations_say_why(client: httpx.AsyncClient) -> None:
    alert = sample_alert()
    delivery = _delivery(alert, "escalation")
    delivery.payload = {**delivery.payload, "escalation_reason": "capture follows the attack"}
    async with FakeWebhookReceiver("slack") as slack, FakeWebhookReceiver("discord") as discord:
        await SlackWebhookSink(client).send(_channel("slack-webhook", slack.webhook_url),
                                            delivery, alert)
        await DiscordWebhookSink(client).send(_channel("discord-webhook", discord.webhook_url),
                                              delivery, alert)
    section = slack.requests[0].json["blocks"][1]["text"]["text"]
    assert section.startswith("_Escalation: capture follows the attack_\n")
    [embed] = discord.requests[0].json["embeds"]
    assert embed["title"].startswith("ESCALATION · 🟠 ATTACK")
    assert embed["description"].startswith("*Escalation: capture follows the attack*\n")


# -- console -------------------------------------------------------------------------------


async def test_console_prints_text_with_the_kind() -> None:
    out = io.StringIO()
    sink = ConsoleSink(out)
    channel = _channel("console", None)
    first = await sink.send(channel, _delivery(sample_alert()), sample_alert())
    second = await sink.send(channel, _delivery(sample_alert(), "escalation"), sample_alert())
    third = await sink.send(channel, _delivery(sample_alert(), "also_reported"), sample_alert())
    assert (first.message_id, second.message_id, third.message_id) == ("1", "2", "3")
    blocks = out.getvalue().split("\n\n")
    assert blocks[0].startswith("[ops] 🟠 ATTACK · Lashkar Gah")
    assert blocks[1].startswith("[ops] ESCALATION · 🟠 ATTACK")
    assert blocks[2].startswith("[ops] ALSO REPORTED · ")
    assert "example.org · 2026-03-01 — https://example.org/news/1" in blocks[0]
