"""Alembic migrations of the store (loaded by Alembic from this directory, not imported)."""
