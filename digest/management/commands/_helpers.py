"""Shared parsing for the public CLI."""

from __future__ import annotations

from datetime import date

from django.core.management.base import CommandError


def parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}") from None
