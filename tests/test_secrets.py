"""Credentials stay out of ``repr(settings)``, error messages, logs and command replies:
the database password, and the user name and password of a feed URL
(``https://user:pass@host/rss``, which fetching still uses)."""

from __future__ import annotations

import logging
import socket
from datetime import UTC, datetime

import pytest

from bot.fetch import FetchError, fetch
from bot.service.commands import Commands
from bot.service.feeds import FeedPolicy, poll_feed
from bot.service.store import Store
from config.settings import FeedConfig, Settings, redact_secrets, redact_url

PASSWORD = "hunter2"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_redact_url_hides_user_and_password() -> None:
    assert redact_url("https://bot:hunter2@x.org/rss?a=b@c") == "https://***@x.org/rss?a=b@c"
    assert redact_url("postgresql://bot:p@ss@db:5432/news") == "postgresql://***@db:5432/news"
    assert redact_url("https://x.org/rss") == "https://x.org/rss"
    assert redact_secrets("failed: http://a:b@h/x and https://c@d/y, mail me@e.org") == (
        "failed: http://***@h/x and https://***@d/y, mail me@e.org"
    )


def test_settings_repr_hides_database_password_and_feed_credentials(monkeypatch) -> None:
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", f"postgresql://bot:{PASSWORD}@db/news")
    monkeypatch.setenv("NEWSBOT_SLACK_BOT_TOKEN", "xoxb-secret-token")
    settings = Settings(
        _env_file=None, feeds=[FeedConfig(url=f"https://reader:{PASSWORD}@x.org/rss")]
    )
    assert settings.database_url == f"postgresql://bot:{PASSWORD}@db/news"  # still usable
    assert settings.feeds[0].url == f"https://reader:{PASSWORD}@x.org/rss"
    for text in (repr(settings), str(settings), repr(settings.feeds), f"{settings!r}"):
        assert PASSWORD not in text and "xoxb-secret-token" not in text
    assert "database_url='postgresql://***@db/news'" in repr(settings)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_fetch_errors_hide_credentials() -> None:
    url = f"http://reader:{PASSWORD}@127.0.0.1:{_closed_port()}/rss"
    settings = Settings(_env_file=None, allow_private_networks=True, fetch_timeout=3.0)
    with pytest.raises(FetchError) as info:
        await fetch(url, settings)
    assert PASSWORD not in info.value.message and PASSWORD not in str(info.value)
    assert "http://***@127.0.0.1:" in info.value.message
    assert info.value.url == url  # the caller still knows which feed it was


async def test_failing_feed_with_credentials_shows_none(store: Store, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="newsbot")
    url = f"http://reader:{PASSWORD}@127.0.0.1:{_closed_port()}/rss"
    commands = Commands(store, analyzer=None)  # type: ignore[arg-type]  # feeds need none
    replies = [await commands.feed_add(url), await commands.feed_add(url)]
    settings = Settings(_env_file=None, allow_private_networks=True, fetch_timeout=3.0)
    [feed] = await store.claim_due_feeds("w1", T0.replace(year=2100))
    result = await poll_feed(feed, store, settings, None, worker_id="w1", now=T0,
                             policy=FeedPolicy(poll_interval=60))
    assert result.status == "failing" and result.error
    replies += [await commands.feeds(), await commands.feed_remove(url)]
    assert [r.ok for r in replies] == [True, False, True, True]
    assert "http://***@127.0.0.1:" in replies[2].text() and "failing" in replies[2].text()
    for reply in replies:
        assert PASSWORD not in reply.text(), reply.text()
    assert PASSWORD not in result.error
    ours = [r for r in caplog.records if r.name.startswith("newsbot")]
    assert any("failing" in r.getMessage() for r in ours)
    assert all(PASSWORD not in r.getMessage() for r in ours)


def test_service_log_lines_hide_credentials() -> None:
    import io

    from bot.cli import log_handler

    stream = io.StringIO()
    logger = logging.getLogger("newsbot.test-secrets")
    logger.addHandler(handler := log_handler(stream))
    logger.propagate = False
    try:
        try:
            raise RuntimeError(f"cannot reach https://reader:{PASSWORD}@x.org/rss")
        except RuntimeError:
            logger.exception("feed %s: poll crashed", f"https://reader:{PASSWORD}@x.org/rss")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "poll crashed" in text and "RuntimeError" in text  # the traceback is there
    assert PASSWORD not in text and "https://***@x.org/rss" in text
