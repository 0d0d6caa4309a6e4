"""Shared parsing and progress reporting for the public CLI."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.management.base import CommandError
from tqdm import tqdm


def parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}") from None


def set_total(bar: tqdm) -> Callable[[int], None]:
    """A service's `on_total` callback for a progress bar whose length is known only once the service counted."""

    def on_total(total: int) -> None:
        bar.total = total
        bar.refresh()

    return on_total
