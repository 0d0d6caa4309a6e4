"""Punctuation around interface strings in the reader's script: a label before its value and a remark in
parentheses take full-width marks after Chinese text (在瀏覽器中檢視：https://…, （尚未翻譯）), half-width ones
after English."""

from __future__ import annotations

from django import template

register = template.Library()


def _ends_chinese(text: str) -> bool:
    return bool(text) and ("\u3000" <= text[-1] <= "\u9fff" or "\uf900" <= text[-1] <= "\uffef")


@register.filter
def colon(label) -> str:
    """The label and the colon its value follows: "：" (no space) after Chinese, ": " after anything else."""
    label = str(label)
    return f"{label}：" if _ends_chinese(label) else f"{label}: "


@register.filter
def parenthesized(text) -> str:
    """A remark in parentheses: full-width around Chinese, half-width around anything else."""
    text = str(text)
    return f"（{text}）" if _ends_chinese(text) else f"({text})"
