"""Who may change a channel's subscriptions and the feeds: workspace admins and owners
(``users.info``), members of the user groups named in ``slack_admin_groups``
(``usergroups.users.list``), and the users named in ``slack_admin_users``.

Answers are cached for a few minutes so a busy channel does not run into Slack's rate
limits. When Slack cannot be asked (error, timeout) the answer is no: a change can be
retried, an unwanted one cannot be unmade by the person who was refused. That "no" is
not cached, so the next try asks Slack again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

log = logging.getLogger("newsbot.slack")


class Permissions:
    """``await can_manage(client, user_id)``; ``client`` is slack_sdk's AsyncWebClient."""

    def __init__(
        self, users: Iterable[str] = (), groups: Iterable[str] = (), *, ttl: float = 300.0
    ) -> None:
        self.users = frozenset(users)
        self.groups = tuple(groups)
        self.ttl = ttl
        self._cache: dict[str, tuple[float, bool]] = {}

    async def can_manage(self, client: Any, user_id: str) -> bool:
        if user_id in self.users:
            return True
        hit = self._cache.get(user_id)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        ok = await self._ask(client, user_id)
        if ok is None:
            return False  # Slack could not be asked: refuse now, ask again next time
        self._cache[user_id] = (time.monotonic() + self.ttl, ok)
        return ok

    async def _ask(self, client: Any, user_id: str) -> bool | None:
        """Slack's answer, or None when it could not be had."""
        try:
            user = (await client.users_info(user=user_id)).get("user") or {}
            if user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"):
                return True
            for group in self.groups:
                members = (await client.usergroups_users_list(usergroup=group)).get("users")
                if user_id in (members or ()):
                    return True
        except Exception as exc:  # SlackApiError, aiohttp errors, timeouts
            log.warning("slack: could not check the rights of %s, refusing: %s", user_id, exc)
            return None
        return False
