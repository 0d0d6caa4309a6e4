"""What translation costs: tokens per request, priced per million tokens (settings), summed by month.

Prices are settings rather than a table of providers: they change, differ by contract, and a local model
(Ollama, vLLM) costs nothing per token. With no price set the estimate is 0 and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from digest.models import TranslationRequest


def estimated_cost(prompt_tokens: int, completion_tokens: int) -> Decimal:
    prompt_price = Decimal(str(settings.TRANSLATOR_PRICE_PROMPT_PER_MTOK))
    completion_price = Decimal(str(settings.TRANSLATOR_PRICE_COMPLETION_PER_MTOK))
    cost = (prompt_tokens * prompt_price + completion_tokens * completion_price) / Decimal(1_000_000)
    return cost.quantize(Decimal("0.0001"))


def format_cost(cost: Decimal) -> str:
    if not (settings.TRANSLATOR_PRICE_PROMPT_PER_MTOK or settings.TRANSLATOR_PRICE_COMPLETION_PER_MTOK):
        return gettext("unknown (set %(prompt)s and %(completion)s)") % {
            "prompt": "TRANSLATOR_PRICE_PROMPT_PER_MTOK",
            "completion": "TRANSLATOR_PRICE_COMPLETION_PER_MTOK",
        }
    return f"{cost} {settings.TRANSLATOR_PRICE_CURRENCY}"


@dataclass(frozen=True)
class UsageTotals:
    month: date
    requests: int
    ok: int
    failed: int
    prompt_tokens: int
    completion_tokens: int

    @property
    def cost(self) -> Decimal:
        return estimated_cost(self.prompt_tokens, self.completion_tokens)

    @property
    def cost_label(self) -> str:
        return format_cost(self.cost)


def month_start(moment: datetime | None = None) -> datetime:
    local = timezone.localtime(moment)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def month_totals(moment: datetime | None = None) -> UsageTotals:
    """Every request of the calendar month (site time zone) holding `moment` (default: now), failed ones too."""
    start = month_start(moment)
    end = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    totals = TranslationRequest.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(
        requests=Count("id"),
        ok=Count("id", filter=Q(status=TranslationRequest.Status.OK)),
        failed=Count("id", filter=Q(status=TranslationRequest.Status.FAILED)),
        prompt_tokens=Sum("prompt_tokens"),
        completion_tokens=Sum("completion_tokens"),
    )
    return UsageTotals(
        month=start.date(),
        requests=totals["requests"],
        ok=totals["ok"],
        failed=totals["failed"],
        prompt_tokens=totals["prompt_tokens"] or 0,
        completion_tokens=totals["completion_tokens"] or 0,
    )
