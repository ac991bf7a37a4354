"""Runtime settings, read from the environment (prefix ``NEWSBOT_``) and ``.env``."""

from __future__ import annotations

import ipaddress
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

EVENT_TYPE_NAMES = (
    "attack", "capture", "civilian_harm", "displacement", "refugee_policy", "ceasefire",
    "protest", "disaster",
)
SEVERITY_NAMES = ("low", "medium", "high", "critical")


def config_path() -> Path:
    """The TOML config file: $NEWSBOT_CONFIG, else ./newsbot.toml (optional)."""
    return Path(os.environ.get("NEWSBOT_CONFIG", "newsbot.toml"))


class FeedConfig(BaseModel):
    """A ``[[feeds]]`` table: a feed to watch."""

    url: str
    backfill: bool = False  # alert on the items already in the feed at its first poll


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
    feeds: list[FeedConfig] = Field(default_factory=list)
    channels: list[ChannelConfig] = Field(default_factory=list)

    # Storage and platforms
    database_url: str = "sqlite+aiosqlite:///./newsbot.db"
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    discord_token: SecretStr | None = None

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

    @field_validator("fetch_allow_networks")
    @classmethod
    def _valid_networks(cls, value: list[str]) -> list[str]:
        # Fail at start-up on a typo rather than silently whitelisting nothing.
        return [str(ipaddress.ip_network(v.strip(), strict=False)) for v in value]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
