"""Runtime settings, read from the environment (prefix ``NEWSBOT_``) and ``.env``."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


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

    # Storage and platforms (used by the service; optional here)
    database_url: str = "sqlite+aiosqlite:///./newsbot.db"
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    discord_token: SecretStr | None = None

    @field_validator("fetch_allow_networks")
    @classmethod
    def _valid_networks(cls, value: list[str]) -> list[str]:
        # Fail at start-up on a typo rather than silently whitelisting nothing.
        return [str(ipaddress.ip_network(v.strip(), strict=False)) for v in value]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
