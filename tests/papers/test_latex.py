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


# From the sample day (hf_daily_papers_2025-05-28.json) and the five real days (tests/fixtures/real_days).
@pytest.mark.parametrize(
    ("source", "shown"),
    [
        (r"learning rate {\eta} and weight decay {\lambda}", "learning rate η and weight decay λ"),
        (r"the AdamW timescale, B/({\eta}{\lambda}D), should", "the AdamW timescale, B/(ηλD), should"),
        (r"the $\times$ and \times signs", "the × and × signs"),
    ],
)
def test_symbol_macros_outside_math_read_as_their_symbols(source, shown):
    assert latex_to_unicode(source) == shown


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        (r"of ${\bW_q}^{\top} \bW_k$, which", r"of \bW_q^⊤ \bW_k, which"),
        (r"$H_2(X)\in\R^{n}$", r"H₂(X) ∈ \Rⁿ"),
        (r"at $\SI{0.1}{\degree}$ resolution", r"at \SI{0.1}{\degree} resolution"),
        (r"We introduce \ours{}: a model", r"We introduce \ours{}: a model"),
    ],
)
def test_an_unknown_macro_keeps_its_tex_source(source, shown):
    assert latex_to_unicode(source) == shown


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        (r"$κ^{-2}$", "κ⁻²"),
        (r"$\sigma_{1}(\bW_{t-1})$", r"σ₁(\bW_(t-1))"),
        (r"$\R^{(d+1)\times(d+1)}$", r"\R^((d+1)×(d+1))"),
    ],
)
def test_a_script_group_unicode_cannot_write_keeps_its_grouping(source, shown):
    assert latex_to_unicode(source) == shown


def test_bold_letters_accents_and_norms_are_kept():
    assert latex_to_unicode(r"$σ_{\min}^{+}(\mathbf J)$") == "σ_min⁺(𝐉)"
    assert latex_to_unicode(r"$\widetilde O_{n}(κ)$ and $\|w\|_\infty \le 1$") == "Õₙ(κ) and ‖w‖_∞ ≤ 1"


def test_real_abstracts_keep_every_unknown_macro_and_no_placeholder():
    import gzip
    import json
    import re
    from pathlib import Path

    from digest.papers.latex import _LAYOUT, _MATH, _macros

    path = Path(__file__).parents[1] / "fixtures" / "real_days" / "papers.jsonl.gz"
    rows = [json.loads(line) for line in gzip.open(path, "rt")]
    checked = 0
    for row in rows:
        shown = latex_to_unicode(row["abstract"])
        assert not re.search("[\ue000-\uefff]", shown)
        for match in _MATH.finditer(row["abstract"]):
            for name in re.findall(r"\\([A-Za-z]+)", match.group(0)):
                if _macros().get_macro_spec(name) is None and name not in _LAYOUT | {"operatorname"}:
                    assert "\\" + name in shown, (row["id"], name)
                    checked += 1
    assert checked > 5


def test_display_math_in_brackets_is_converted_like_inline_math():
    # From a real abstract (tests/fixtures/real_days): the law was shown as raw TeX.
    shown = latex_to_unicode(r"the sharp local minimax law \[ N_2^\star(β,ν,δ) \asymp \frac{\log(1/δ)}{d_β^2} \] holds")
    assert shown.startswith("the sharp local minimax law N₂^⋆(β,ν,δ) ≍") and "\\" not in shown
