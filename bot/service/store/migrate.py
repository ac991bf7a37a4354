"""Alembic, configured in code so migrations run from an installed package without an ini file.

``await upgrade_database(url)`` brings a database to the newest revision; it is idempotent
and safe to call from several processes at once on PostgreSQL (an advisory lock
serialises them). Developers reach the rest of Alembic through
``python -m bot.service.store.migrate [--url URL] <alembic command> …``, e.g.
``python -m bot.service.store.migrate revision --autogenerate -m "add x"``.
"""

from __future__ import annotations

import asyncio
import sys
import weakref
from pathlib import Path

from alembic import command
from alembic.config import CommandLine, Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, text
from sqlalchemy.engine import URL

from bot.service.store.engine import DEFAULT_DATABASE_URL, create_engine, normalize_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any fixed 64-bit number; it only has to be the same in every newsbot process.
_MIGRATION_LOCK_ID = 0x6E657773626F74  # "newsbot"
# Alembic keeps its current context in module globals, so two upgrades interleaving on
# one event loop would run on each other's connection: one at a time per loop.
_loop_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def alembic_config(url: str | URL | None = None) -> Config:
    """An Alembic ``Config`` pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if url is not None:
        # '%' must be doubled for ConfigParser interpolation (passwords may contain it).
        rendered = normalize_url(url).render_as_string(hide_password=False)
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


def _upgrade(connection: Connection, config: Config, revision: str) -> None:
    if connection.dialect.name == "postgresql":
        # Two processes starting at once must not both create the same tables.
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID})
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def upgrade_database(url: str | URL, revision: str = "head") -> None:
    """Apply every migration up to ``revision`` (default: the newest); a no-op when there."""
    loop = asyncio.get_running_loop()
    lock = _loop_locks.setdefault(loop, asyncio.Lock())
    async with lock:
        engine = create_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(_upgrade, alembic_config(url), revision)
        finally:
            await engine.dispose()


async def current_revision(url: str | URL) -> str | None:
    """The revision the database is at, or None when it has never been migrated."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    finally:
        await engine.dispose()


def head_revision() -> str:
    """The newest revision the package ships."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def main(argv: list[str] | None = None) -> None:
    """Run an Alembic command against ``--url`` (default ``$NEWSBOT_DATABASE_URL``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    url: str | None = None
    if len(args) >= 2 and args[0] == "--url":
        url, args = args[1], args[2:]
    if url is None:
        from config.settings import get_settings

        url = get_settings().database_url or DEFAULT_DATABASE_URL
    if args and args[0] == "upgrade" and len(args) <= 2:
        asyncio.run(upgrade_database(url, args[1] if len(args) == 2 else "head"))
        return
    cli = CommandLine(prog="python -m bot.service.store.migrate [--url URL]")
    options = cli.parser.parse_args(args)
    if not hasattr(options, "cmd"):
        cli.parser.error("too few arguments")
    cli.run_cmd(alembic_config(url), options)


if __name__ == "__main__":
    main()
