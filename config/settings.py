"""Runtime settings, read from the environment (prefix ``NEWSBOT_``) and ``.env``."""

from __future__ import annotations

import ipaddress
import json
import os
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BaseModel, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

EVENT_TYPE_NAMES = (
    "attack", "capture", "civilian_harm", "displacement", "refugee_policy", "ceasefire",
    "protest", "disaster",
)
SEVERITY_NAMES = ("low", "medium", "high", "critical")


# The user-info part of any URL in a text: "https://user:pass@host" → "https://***@host".
_USERINFO = re.compile(r"(?<=://)[^/?#\s]*@")


def redact_url(url: str) -> str:
    """``url`` without its user name and password (``scheme://***@host/…``): feed URLs
    and database URLs may carry credentials, which must not reach logs or replies."""
    return redact_secrets(url)


def redact_secrets(text: str) -> str:
    """``text`` with the credentials of every URL in it hidden (see :func:`redact_url`)."""
    return _USERINFO.sub("***@", text)


def config_path() -> Path:
    """The TOML config file: $NEWSBOT_CONFIG, else ./newsbot.toml (optional)."""
    return Path(os.environ.get("NEWSBOT_CONFIG", "newsbot.toml"))


class FeedConfig(BaseModel):
    """A ``[[feeds]]`` table: a feed to watch."""

    url: str
    backfill: bool = False  # alert on the items already in the feed at its first poll

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            yield name, redact_url(value) if name == "url" else value


class ChannelConfig(BaseModel):
    """A ``[[channels]]`` table: where alerts go, and for which regions."""

    name: str
    kind: Literal["console", "slack-webhook", "discord-webhook"]
    url: SecretStr | None = None  # the incoming-webhook URL (a credential)
    regions: list[str] = Field(default_factory=lambda: ["world"])
    types: list[str] | None = None
    min_severity: str | None = None

    @field_validator("types")
    @classmethod
    def _known_types(cls, value: list[str] | None) -> list[str] | None:
        for t in value or []:
            if t not in EVENT_TYPE_NAMES:
                raise ValueError(f"unknown event type {t!r}; use {', '.join(EVENT_TYPE_NAMES)}")
        return value

    @field_validator("min_severity")
    @classmethod
    def _known_severity(cls, value: str | None) -> str | None:
        if value is not None and value not in SEVERITY_NAMES:
            raise ValueError(f"unknown severity {value!r}; use {', '.join(SEVERITY_NAMES)}")
        return value


def _slack_alias(name: str) -> AliasChoices:
    """The field's own name (arguments, TOML), ``NEWSBOT_…`` and Slack's usual ``SLACK_…``.
    Environment names are matched case-insensitively, so the field name covers
    ``SLACK_…`` as well."""
    return AliasChoices(f"newsbot_{name}", name)


class Settings(BaseSettings):
    """Everything an operator can tune. Tests build ``Settings(_env_file=None)``."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Fetching
    allow_private_networks: bool = Field(
        False, description="Allow fetching from loopback/private/link-local addresses."
    )
    fetch_timeout: float = Field(10.0, gt=0, description="Overall seconds for one fetch.")
    fetch_max_bytes: int = Field(5 * 1024 * 1024, gt=0, description="Largest body accepted.")
    fetch_max_redirects: int = Field(5, ge=0, le=20)
    user_agent: str = "newsbot/0.1 (+https://github.com/newsbot)"
    fetch_allow_networks: list[str] = Field(
        default_factory=list,
        description=(
            "CIDRs fetching may reach even though they are private/loopback/link-local, "
            "e.g. NEWSBOT_FETCH_ALLOW_NETWORKS='[\"10.1.2.0/24\"]' (a JSON list)."
        ),
    )

    # Analysis
    min_confidence: float = Field(
        0.5, ge=0, le=1, description="Events below this confidence are not alerted."
    )

    # Service (newsbot run); also read from the TOML file in $NEWSBOT_CONFIG
    poll_interval: float = Field(300, gt=0, description="Seconds between polls of a feed.")
    feed_max_backoff: float = Field(
        3600, gt=0, description="Longest wait, in seconds, before retrying a failing feed."
    )
    feed_max_failures: int = Field(
        10, ge=1, description="Consecutive failures after which a feed is disabled."
    )
    poll_concurrency: int = Field(
        64, ge=1, description="Feed polls one process runs at once (fetch and parse)."
    )
    poll_per_host: int = Field(
        4, ge=1, description="Feed polls one process runs at once against any one host."
    )
    analysis_workers: int | None = Field(
        None,
        ge=0,
        description="Processes that read and analyse articles (each loads its own models); "
        "unset: one per CPU; 0: a thread of the service process.",
    )
    feeds: list[FeedConfig] = Field(default_factory=list)
    channels: list[ChannelConfig] = Field(default_factory=list)

    # Storage and platforms
    database_url: str = "sqlite+aiosqlite:///./newsbot.db"
    slack_bot_token: SecretStr | None = Field(
        None, validation_alias=_slack_alias("slack_bot_token"),
        description="Bot token (xoxb-…); SLACK_BOT_TOKEN works too.",
    )
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=_slack_alias("slack_signing_secret"),
        description="Signing secret for HTTP mode; SLACK_SIGNING_SECRET works too.",
    )
    discord_token: SecretStr | None = Field(
        None,
        # The prefix-less DISCORD_TOKEN is what Discord's docs and hosting guides use.
        validation_alias=AliasChoices("NEWSBOT_DISCORD_TOKEN", "DISCORD_TOKEN", "discord_token"),
        description="Bot token; with it `newsbot run` connects to Discord.",
    )
    discord_api_url: str | None = Field(
        None,
        description="REST base URL instead of https://discord.com/api/v10 (tests, proxies).",
    )
    discord_dev_guild: int | None = Field(
        None, description="Sync application commands to this guild only (instant updates)."
    )
    discord_message_content: bool = Field(
        False,
        description="The privileged Message Content intent is enabled: analyse links "
        "posted in subscribed channels (mentions of the bot work without it).",
    )
    discord_sharded: bool = Field(False, description="Use discord.py's AutoShardedClient.")

    # Slack app (handlers/slack): Socket Mode with an app token, otherwise HTTP
    slack_app_token: SecretStr | None = Field(
        None, validation_alias=_slack_alias("slack_app_token"),
        description="App-level token (xapp-…) for Socket Mode; SLACK_APP_TOKEN works too.",
    )
    slack_api_url: str = Field(
        "https://slack.com/api/", description="Slack Web API base URL (tests, staging)."
    )
    http_host: str = Field("0.0.0.0", description="Address the HTTP endpoint listens on.")
    http_port: int = Field(
        3000, ge=0, le=65535, description="Port of POST /slack/events (0: any free port)."
    )
    slack_admin_users: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="User ids (U…) allowed to change subscriptions and feeds, besides "
        "workspace admins and owners; a JSON list or comma-separated.",
    )
    slack_admin_groups: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="User group ids (S…) whose members may change subscriptions and feeds.",
    )
    slack_thread_replies: bool = Field(
        True, description="Reply in a posted link's thread with what the bot found in it."
    )

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        # A PostgreSQL URL may hold the password; tokens are SecretStr already.
        for name, value in super().__repr_args__():
            yield name, redact_url(value) if name == "database_url" else value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment beats .env beats the TOML file; arguments beat everything.
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_path())
        return (init_settings, env_settings, dotenv_settings, toml, file_secret_settings)

    @field_validator("slack_admin_users", "slack_admin_groups", mode="before")
    @classmethod
    def _id_list(cls, value: Any) -> Any:
        # 'U1,U2' or '["U1", "U2"]' from the environment; a list from TOML or code.
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [v.strip() for v in text.split(",") if v.strip()]
        return value

    @field_validator("fetch_allow_networks")
    @classmethod
    def _valid_networks(cls, value: list[str]) -> list[str]:
        # Fail at start-up on a typo rather than silently whitelisting nothing.
        return [str(ipaddress.ip_network(v.strip(), strict=False)) for v in value]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
