"""LaTeX in titles and abstracts reads as Unicode text; plain text, money and percent signs are left alone."""

import pytest

from digest.papers.latex import latex_to_unicode
from digest.translation.variants import localize
from tests.factories import PaperFactory, TranslationFactory


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        (r"a rate of $\mathcal{O}(1/\sqrt{T})$", "a rate of 𝒪(1/√(T))"),
        (r"$x^2 + \alpha_i \leq \epsilon$", "x² + αᵢ ≤ ϵ"),
        (r"$\mathbb{R}^{d}$ and $x_{12}$", "ℝ^d and x₁₂"),
        (r"code at \href{https://github.com/a/b}{codes}.", "code at codes (https://github.com/a/b)."),
        (r"see \url{https://example.org/x}", "see https://example.org/x"),
        (r"\textbf{Bold} claims", "Bold claims"),
        (r"我们的方法达到 $\mathcal{O}(1/\sqrt{T})$ 的收敛率", "我们的方法达到 𝒪(1/√(T)) 的收敛率"),
    ],
)
def test_latex_reads_as_unicode(source, shown):
    assert latex_to_unicode(source) == shown


@pytest.mark.parametrize("text", ["it costs $5 and $10 a month", "50% of cases & more ~ roughly", "no markup at all"])
def test_text_that_is_not_latex_is_left_as_it_is(text):
    assert latex_to_unicode(text) == text


@pytest.mark.django_db
def test_the_database_keeps_the_source_and_readers_see_unicode():
    paper = PaperFactory(title=r"Rates in $\mathcal{O}(1/\sqrt{T})$")
    TranslationFactory(paper=paper, title=r"$\mathcal{O}(1/\sqrt{T})$ 的收敛率")
    shown = localize(paper, "zh-Hant-TW")
    assert shown.title == "𝒪(1/√(T)) 的收斂率" and shown.original_title == "Rates in 𝒪(1/√(T))"
    paper.refresh_from_db()
    assert paper.title == r"Rates in $\mathcal{O}(1/\sqrt{T})$"
