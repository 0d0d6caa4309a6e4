"""Emails put together from an edition's pieces rendered once: the same email a fresh rendering makes, whichever
papers were rendered alongside, with each reader's numbers, "why" lines, count and size budget."""

import pytest

from digest.delivery.email.layouts import Layout, render_variant
from digest.editions.build import build_edition
from digest.editions.selectors import edition_entries
from digest.personalization.picking import Pick
from tests.factories import PaperFactory, TranslationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(topics):
    for n in range(6):
        paper = PaperFactory(title=f"Paper Number {n}", abstract=f"Abstract of paper {n}. " * 40, score=60 - n,
                             topics=[topics["llm"]])  # fmt: skip
        TranslationFactory(paper=paper, title=f"第 {n} 篇论文", abstract=f"第 {n} 篇论文的摘要。" * 60)
    return edition_entries(build_edition(paper.announced_on))


def unmarked(variant) -> tuple[str, str, str]:
    return variant.subject, variant.html.replace(variant.marker, "M"), variant.text.replace(variant.marker, "M")


@pytest.mark.parametrize("language", ["zh-Hant-TW", "en"])
def test_a_selection_from_a_shared_layout_is_the_email_a_fresh_rendering_makes(entries, language):
    edition = entries[0].edition
    shared = Layout(edition, language, True)
    shared.ensure(entries)  # every paper rendered in one pass, before any selection
    for selection in ([entries[4], entries[1]], [entries[0]], entries[::-1]):
        picks = [
            Pick(entry, "llm", followed="Ada" if i == 1 else "", liked=i == 2) for i, entry in enumerate(selection)
        ]
        assert unmarked(render_variant(edition, language, True, picks, layout=shared)) == unmarked(
            render_variant(edition, language, True, picks)
        )


def test_numbers_and_why_lines_belong_to_each_selection(entries):
    edition, layout = entries[0].edition, Layout(entries[0].edition, "en", False)
    first = render_variant(edition, "en", False, [Pick(entries[2], "llm"), Pick(entries[3], "", "Ada")], layout=layout)
    second = render_variant(edition, "en", False, [Pick(entries[3], "", liked=True)], layout=layout)
    assert "1. Paper Number 2" in first.text and "2. Paper Number 3" in first.text
    assert "1. Paper Number 3" in second.text
    assert "you follow Ada." in first.text and "similar to papers you liked." in second.text
    assert "you follow Ada." not in second.text and "2 papers" in first.html and "1 paper " in second.html
    assert first.subject.endswith("2 papers") and second.subject.endswith("1 paper")


def test_a_followed_item_is_escaped_in_the_html_and_kept_in_the_text(entries):
    variant = render_variant(entries[0].edition, "en", False, [Pick(entries[0], "", "<b>R&D</b>")])
    assert "you follow &lt;b&gt;R&amp;D&lt;/b&gt;." in variant.html and "<b>R&D</b>" not in variant.html
    assert "you follow <b>R&D</b>." in variant.text


def test_over_the_budget_the_papers_below_the_fold_get_their_short_form(entries, settings):
    picks = [Pick(entry, "llm") for entry in entries]
    whole = render_variant(entries[0].edition, "zh-Hant-TW", False, picks)
    settings.EMAIL_HTML_BUDGET_BYTES = len(whole.html.encode()) * 2 // 3
    cut = render_variant(entries[0].edition, "zh-Hant-TW", False, picks)
    assert len(cut.html.encode()) < settings.EMAIL_HTML_BUDGET_BYTES
    assert "第 0 篇論文的摘要" in cut.html and "第 5 篇論文的摘要。" * 60 not in cut.html
    assert cut.html.count('class="original-title"') < whole.html.count('class="original-title"')


def test_with_a_line_too_long_for_8bit_the_budget_is_met_by_measuring_the_whole_email(entries, settings):
    """A link no fold can break sends the HTML base64, whose size does not add up piece by piece."""
    from digest.delivery.email.budget import link_growth
    from digest.delivery.email.encoding import as_sent_size, lines_fit
    from digest.delivery.email.rendering import PLACEHOLDERS, placeholder

    entries[2].paper.code_url = "https://github.com/example/" + "x" * 1200
    picks = [Pick(entry, "llm") for entry in entries]
    whole = render_variant(entries[0].edition, "zh-Hant-TW", False, picks)
    assert not lines_fit(whole.html)
    settings.EMAIL_HTML_BUDGET_BYTES = as_sent_size(whole.html) * 2 // 3
    cut = render_variant(entries[0].edition, "zh-Hant-TW", False, picks)
    links = [placeholder(name, cut.marker) for name in PLACEHOLDERS]
    assert as_sent_size(cut.html) + link_growth(cut.html, links) <= settings.EMAIL_HTML_BUDGET_BYTES
    assert 0 < cut.html.count('class="original-title"') < whole.html.count('class="original-title"')


def test_a_layout_keeps_no_more_per_reader_text_however_many_selections_it_composes(entries):
    """Every selection has its own web-view link; a worker composing a hundred thousand of them must not keep a
    filled line for each."""
    layout = Layout(entries[0].edition, "en", False)
    layout.ensure(entries)

    def compose_all(orders):
        for order in orders:
            link = f"https://example.com/v/{len(seen):04}"  # a link of its own, as every selection has
            seen.append(link)
            layout.compose([Pick(entries[i], "llm") for i in order], link)

    seen: list[str] = []

    compose_all([(0, 1), (1, 0), (2, 3)])
    kept = len(layout.late_lines)
    compose_all([(0, 1, n % 6) for n in range(40)] + [(0, 1)] * 5)
    assert len(layout.late_lines) <= kept + 7  # each paper third, "3 papers"; nothing per link


@pytest.mark.parametrize("language", ["zh-Hant-HK", "en"])
@pytest.mark.parametrize("length", [10, 40, 75, 140])
def test_the_web_view_line_wraps_as_any_line_of_the_text_part(entries, language, length):
    from digest.delivery.email.encoding import wrap_text

    layout = Layout(entries[0].edition, language, False)
    layout.ensure(entries)
    line = next(value for _, value, names in layout.head[1].tokens if "VIEW" in names)
    for link in (f"https://x.example/{'a' * length}", f"https://x.example/{'b' * length}"):  # the second: kept form
        text = layout.compose([Pick(entries[0], "llm")], link).text
        assert wrap_text(line.replace(layout.slots["VIEW"], link)) in text
