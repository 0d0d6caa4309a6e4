"""Follow and mute keywords, authors and arXiv categories: from the preference centre and the CSV import, in every
interface language, and they change what a reader gets."""

import email
from email import policy

import pytest

from digest.delivery.fanout import send_edition
from digest.editions.build import build_edition
from subscribers.importing import ImportFailed
from subscribers.interests import InvalidInterest, parse_list
from subscribers.models import Subscriber
from subscribers.subscription import import_subscribers
from subscribers.tokens import make_token
from tests.factories import PaperFactory, SubscriberFactory


def manage(subscriber) -> str:
    return f"/manage/{make_token(subscriber, 'manage')}/"


PREFERENCES = {"language": "en", "max_papers": 10, "time_zone": "Asia/Taipei", "delivery_hour": 7}


def received_titles(outbox_dir) -> dict[str, str]:
    mails = [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in outbox_dir.glob("*.eml")]
    return {str(m["To"]): m.get_body(("plain",)).get_content() for m in mails}


def test_lists_split_on_commas_semicolons_and_lines_without_repeats():
    assert parse_list("diffusion, Mixture of Experts;\ndiffusion\n\n", "keywords") == [
        "diffusion",
        "Mixture of Experts",
    ]


def test_a_category_that_is_not_an_arxiv_category_is_refused_by_name():
    with pytest.raises(InvalidInterest, match="cs CL"):
        parse_list("cs.CV, cs CL", "categories")


@pytest.fixture
def day(topics):
    vision = PaperFactory(title="Seeing Things", abstract="Object detection in images.", topics=[topics["vision"]],
                          authors=["Fei-Fei Li"], categories=["cs.CV"], score=1)  # fmt: skip
    llm_a = PaperFactory(title="Scaling Laws Again", abstract="We pre-train models.", topics=[topics["llm"]],
                         authors=["Ada Lovelace"], categories=["cs.CL"], score=3)  # fmt: skip
    llm_b = PaperFactory(title="Tokenizers Matter", abstract="Byte pair encoding for diffusion decoders.",
                         topics=[topics["llm"]], authors=["Alan Turing"], categories=["cs.CL", "cs.LG"],
                         score=2)  # fmt: skip
    return build_edition(vision.announced_on), vision, llm_a, llm_b


@pytest.mark.django_db(transaction=True)
def test_a_followed_author_outside_the_readers_topics_comes_first_and_says_why(day, topics, outbox_dir):
    edition, *_ = day
    SubscriberFactory(email="r@example.com", language="en", topics=[topics["llm"]], follows={"authors": ["fei-fei li"]})
    send_edition(edition)
    text = received_titles(outbox_dir)["r@example.com"]
    assert text.index("Seeing Things") < text.index("Scaling Laws Again")
    assert "Why you got this: you follow fei-fei li." in text


@pytest.mark.django_db(transaction=True)
def test_a_followed_keyword_or_category_brings_papers_of_other_topics(day, topics, outbox_dir):
    edition, *_ = day
    SubscriberFactory(
        email="k@example.com", language="en", topics=[topics["robotics"]], follows={"keywords": ["detection"]}
    )
    SubscriberFactory(
        email="c@example.com", language="en", topics=[topics["robotics"]], follows={"categories": ["cs.LG"]}
    )
    send_edition(edition)
    mail = received_titles(outbox_dir)
    assert "Seeing Things" in mail["k@example.com"] and "Scaling Laws Again" not in mail["k@example.com"]
    assert "Tokenizers Matter" in mail["c@example.com"] and "Seeing Things" not in mail["c@example.com"]


@pytest.mark.django_db(transaction=True)
def test_muted_keywords_authors_and_categories_never_arrive(day, topics, outbox_dir):
    edition, *_ = day
    SubscriberFactory(
        email="m@example.com", language="en", mutes={"keywords": ["diffusion"], "authors": ["Ada Lovelace"]}
    )
    SubscriberFactory(email="n@example.com", language="en", mutes={"categories": ["cs.CV"]})
    SubscriberFactory(email="all@example.com", language="en")
    send_edition(edition)
    mail = received_titles(outbox_dir)
    assert "Seeing Things" in mail["m@example.com"]
    assert "Scaling Laws Again" not in mail["m@example.com"] and "Tokenizers Matter" not in mail["m@example.com"]
    assert "Seeing Things" not in mail["n@example.com"] and "Tokenizers Matter" in mail["n@example.com"]
    assert all(t in mail["all@example.com"] for t in ("Seeing Things", "Scaling Laws Again", "Tokenizers Matter"))


@pytest.mark.django_db
def test_the_preference_centre_saves_follows_and_mutes(client, topics):
    reader = SubscriberFactory()
    client.post(manage(reader), PREFERENCES | {"follow_authors": "Yann LeCun, Fei-Fei Li", "follow_categories": "cs.RO",
                                              "mute_keywords": "benchmark"})  # fmt: skip
    reader.refresh_from_db()
    assert reader.follows == {"keywords": [], "authors": ["Yann LeCun", "Fei-Fei Li"], "categories": ["cs.RO"]}
    assert reader.mutes == {"keywords": ["benchmark"], "authors": [], "categories": []}
    page = client.get(manage(reader)).content.decode()
    assert 'value="Yann LeCun, Fei-Fei Li"' in page


@pytest.mark.django_db
def test_a_bad_category_is_a_clear_error_and_keeps_what_was_typed(client, topics):
    reader = SubscriberFactory(language="zh-Hant-TW", follows={"authors": ["Ada"]})
    response = client.post(manage(reader), PREFERENCES | {"language": "zh-Hant-TW", "follow_authors": "Grace Hopper",
                                                          "follow_categories": "computer vision"})  # fmt: skip
    page = response.content.decode()
    assert "不是 arXiv 分類" in page and 'value="Grace Hopper"' in page
    reader.refresh_from_db()
    assert reader.follows == {"authors": ["Ada"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "follow", "mute"),
    [("zh-Hant-TW", "關注作者", "封鎖關鍵詞"), ("zh-Hant-HK", "關注作者", "屏蔽關鍵詞"),
     ("zh-Hans", "关注作者", "屏蔽关键词"), ("en", "Follow authors", "Mute keywords")],
)  # fmt: skip
def test_follow_and_mute_are_offered_in_the_readers_language(client, topics, language, follow, mute):
    page = client.get(manage(SubscriberFactory(language=language))).content.decode()
    assert follow in page and mute in page


@pytest.mark.django_db
def test_the_csv_import_takes_follow_and_mute_columns(topics, tmp_path):
    path = tmp_path / "readers.csv"
    path.write_text(
        "email,language,topics,bilingual,max_papers,follow_authors,mute_categories\n"
        "a@example.com,en,,false,5,Ada Lovelace;Alan Turing,cs.CV\n"
        "b@example.com,en,,false,5,,not a category\n",
        encoding="utf-8",
    )
    report = import_subscribers(path)
    reader = Subscriber.objects.get(email="a@example.com")
    assert reader.follows["authors"] == ["Ada Lovelace", "Alan Turing"] and reader.mutes["categories"] == ["cs.CV"]
    assert [line for line, _ in report.errors] == [3] and "not a category" in report.errors[0][1]
    assert not Subscriber.objects.filter(email="b@example.com").exists()


@pytest.mark.django_db
def test_an_unknown_extra_csv_column_is_refused_before_any_row(topics, tmp_path):
    path = tmp_path / "readers.csv"
    path.write_text("email,language,topics,bilingual,max_papers,favourite_colour\na@example.com,en,,,\n")
    with pytest.raises(ImportFailed, match="favourite_colour"):
        import_subscribers(path)
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "hint"), [("zh-Hant-TW", "多項請用逗號分隔。"), ("en", "Separate several with commas.")]
)
def test_the_preference_centre_shows_how_to_separate_several_items(client, topics, language, hint):
    page = client.get(manage(SubscriberFactory(language=language))).content.decode()
    assert page.count(hint) == 6  # follow and mute: keywords, authors, categories
    assert 'aria-describedby="id_follow_keywords_helptext"' in page and 'id="id_follow_keywords_helptext"' in page


def test_keywords_typed_with_chinese_punctuation_are_several():
    assert parse_list("蒸餾，檢索、程式碼；強化學習", "keywords") == ["蒸餾", "檢索", "程式碼", "強化學習"]


def test_chinese_items_are_shown_with_a_full_width_comma_and_read_back():
    from subscribers.interests import format_list

    shown = format_list(["蒸餾", "LLM", "程式碼"])
    assert shown == "蒸餾，LLM, 程式碼"
    assert parse_list(shown, "keywords") == ["蒸餾", "LLM", "程式碼"]
