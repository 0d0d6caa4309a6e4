"""'View in browser': each email links, signed, to exactly the papers that reader got, in their language."""

import email
import re
from email import policy

import pytest
from django.core import signing
from django.test import Client

from digest.delivery.fanout import send_edition
from digest.editions.build import build_edition
from digest.models import Edition, Paper, ReaderView
from tests.factories import PaperFactory, SubscriberFactory, TranslationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sent(topics, outbox_dir):
    llm, vision = topics["llm"], topics["vision"]
    llm_paper = PaperFactory(title="Memory-Efficient LLM Serving", score=30, topics=[llm])
    vision_paper = PaperFactory(title="Seeing Through Video Transformers", score=20, topics=[vision])
    TranslationFactory(paper=llm_paper, title="高效内存的 LLM 服务", abstract="我们提出一种节省内存的方法。")
    TranslationFactory(paper=vision_paper, title="透过视频看 Transformer", abstract="我们研究视频理解。")
    edition = build_edition(llm_paper.announced_on)
    SubscriberFactory(email="tw@example.com", language="zh-Hant-TW", topics=[llm])
    SubscriberFactory(email="tw2@example.com", language="zh-Hant-TW", topics=[llm])
    SubscriberFactory(email="hk@example.com", language="zh-Hant-HK", topics=[vision], bilingual=True)
    send_edition(edition)
    messages = [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in outbox_dir.glob("*.eml")]
    return {m["To"]: m for m in messages}


def view_link(message):
    html = message.get_body(("html",)).get_content()
    return re.search(r'<a href="https://papers\.example\.org(/read/[^"?]+)\?r=[^"]+">', html).group(1)


def personal_view_link(message):
    """The header's link as the reader clicks it: the view and their own feedback link."""
    html = message.get_body(("html",)).get_content()
    return re.search(r'<a href="https://papers\.example\.org(/read/[^"]+)">', html).group(1).replace("&amp;", "&")


def test_view_in_browser_shows_exactly_that_readers_papers_in_their_language(client, sent):
    response = client.get(view_link(sent["hk@example.com"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "透過影片看 Transformer" in body or "透過視頻看 Transformer" in body
    assert "Seeing Through Video Transformers" in body  # bilingual: the English original too
    assert "LLM 服務" not in body and "/unsubscribe/" not in body
    assert response["X-Robots-Tag"] == "noindex"


def test_readers_who_share_a_variant_share_one_link(sent):
    assert view_link(sent["tw@example.com"]) == view_link(sent["tw2@example.com"])
    assert view_link(sent["tw@example.com"]) != view_link(sent["hk@example.com"])


def test_a_view_link_does_not_spell_out_a_followed_item(topics, outbox_dir):
    paper = PaperFactory(title="Seeing Things", authors=["Fei-Fei Li"], topics=[topics["vision"]])
    SubscriberFactory(email="f@example.com", language="en", follows={"authors": ["Fei-Fei Li"]})
    send_edition(build_edition(paper.announced_on))
    message = email.message_from_bytes(next(outbox_dir.glob("*.eml")).read_bytes(), policy=policy.default)
    token = view_link(message).removeprefix("/read/").rstrip("/")
    payload = signing.Signer(salt="digest.reader_view", algorithm="sha256").unsign_object(token)
    assert "Fei" not in repr(payload)


def test_the_view_shows_the_why_lines_the_email_has(client, topics, outbox_dir):
    paper = PaperFactory(title="Seeing Things", authors=["Fei-Fei Li"], topics=[topics["vision"]])
    SubscriberFactory(email="f@example.com", language="en", follows={"authors": ["Fei-Fei Li"]})
    send_edition(build_edition(paper.announced_on))
    message = email.message_from_bytes(next(outbox_dir.glob("*.eml")).read_bytes(), policy=policy.default)
    assert "you follow Fei-Fei Li" in message.get_body(("plain",)).get_content()
    body = client.get(personal_view_link(message), follow=True).content.decode()
    assert "Why you got this: you follow Fei-Fei Li." in body


def test_a_reader_whose_stored_follows_are_broken_still_gets_their_view(client, topics, outbox_dir):
    from subscribers.models import Subscriber

    paper = PaperFactory(title="Seeing Things", authors=["Fei-Fei Li"], topics=[topics["vision"]])
    reader = SubscriberFactory(email="f@example.com", language="en", follows={"authors": ["Fei-Fei Li"]})
    send_edition(build_edition(paper.announced_on))
    message = email.message_from_bytes(next(outbox_dir.glob("*.eml")).read_bytes(), policy=policy.default)
    Subscriber.objects.filter(pk=reader.pk).update(follows=["Fei-Fei Li"])  # a row written before it was checked
    response = client.get(personal_view_link(message), follow=True)
    assert response.status_code == 200
    assert "Why you got this: it matches something you follow." in response.content.decode()


def test_a_shared_view_link_says_a_paper_was_followed_without_naming_what(client, topics, outbox_dir):
    paper = PaperFactory(title="Seeing Things", authors=["Fei-Fei Li"], topics=[topics["vision"]])
    SubscriberFactory(email="f@example.com", language="en", follows={"authors": ["Fei-Fei Li"]})
    send_edition(build_edition(paper.announced_on))
    message = email.message_from_bytes(next(outbox_dir.glob("*.eml")).read_bytes(), policy=policy.default)
    body = client.get(view_link(message)).content.decode()
    assert "Why you got this: it matches something you follow." in body and "you follow Fei" not in body


def test_the_view_shows_the_same_why_lines_as_the_email_in_the_readers_variant(client, sent):
    email_whys = re.findall(r'class="why"[^>]*>([^<]+)<', sent["tw@example.com"].get_body(("html",)).get_content())
    page_whys = re.findall(r'class="why"[^>]*>([^<]+)<', client.get(view_link(sent["tw@example.com"])).content.decode())
    assert page_whys == email_whys and "推薦原因" in page_whys[0]


def test_opened_from_the_email_the_view_has_vote_buttons_that_record_a_vote(client, sent):
    from subscribers.models import Feedback

    body = client.get(personal_view_link(sent["tw@example.com"]), follow=True).content.decode()
    up = re.search(r'<a class="vote" href="(/feedback/[^"]+/up/)"', body).group(1)
    assert client.post(up).status_code == 200
    feedback = Feedback.objects.get()
    assert feedback.subscriber.email == "tw@example.com" and feedback.paper.title == "Memory-Efficient LLM Serving"


def test_a_shared_view_link_has_no_vote_buttons(client, sent):
    assert 'class="vote"' not in client.get(view_link(sent["tw@example.com"])).content.decode()


def test_opening_from_the_email_moves_the_vote_link_out_of_the_address_into_a_cookie(client, sent):
    response = client.get(personal_view_link(sent["tw@example.com"]))
    assert response.status_code == 302 and response["Location"] == view_link(sent["tw@example.com"])
    cookie = response.cookies["reader_votes"]
    assert cookie["httponly"] and cookie["path"] == "/read/" and cookie["samesite"] == "Lax"
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_address_a_reader_shares_gives_others_no_votes_and_names_nothing(client, topics, outbox_dir):
    paper = PaperFactory(title="Seeing Things", authors=["Fei-Fei Li"], topics=[topics["vision"]])
    SubscriberFactory(email="f@example.com", language="en", follows={"authors": ["Fei-Fei Li"]})
    send_edition(build_edition(paper.announced_on))
    message = email.message_from_bytes(next(outbox_dir.glob("*.eml")).read_bytes(), policy=policy.default)
    opened = client.get(personal_view_link(message), follow=True)
    shared_address = opened.request["PATH_INFO"]
    assert "you follow Fei-Fei Li" in opened.content.decode() and "?r=" not in shared_address
    elsewhere = Client().get(shared_address).content.decode()
    assert 'class="vote"' not in elsewhere and "Fei-Fei Li." not in elsewhere


def test_a_tampered_personal_part_gives_no_vote_buttons(client, sent):
    link = personal_view_link(sent["tw@example.com"])
    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    response = client.get(tampered, follow=True)
    assert response.status_code == 200 and 'class="vote"' not in response.content.decode()
    evil = client.get(view_link(sent["tw@example.com"]) + "?r=https://evil.example/feedback/x", follow=True)
    assert 'class="vote"' not in evil.content.decode()


def test_the_view_page_sends_no_referrer_and_is_not_cached(client, sent):
    response = client.get(personal_view_link(sent["tw@example.com"]), follow=True)
    assert response["Referrer-Policy"] == "no-referrer" and "no-store" in response["Cache-Control"]


def test_the_plain_text_part_carries_the_same_link(sent):
    text = sent["tw@example.com"].get_body(("plain",)).get_content()
    assert f"https://papers.example.org{view_link(sent['tw@example.com'])}" in text


def test_a_tampered_view_link_is_a_404(client, sent):
    link = view_link(sent["tw@example.com"])
    data, signature = link.removeprefix("/read/").rstrip("/").split(":")
    other = data[:-2] + ("A" if data[-2] != "A" else "B") + data[-1]
    assert client.get(f"/read/{other}:{signature}/").status_code == 404
    assert client.get("/read/1/").status_code == 404


def test_a_link_sent_before_views_were_carried_in_the_link_still_opens(client, sent):
    edition = Edition.objects.get()
    paper_id = Paper.objects.get(title="Seeing Through Video Transformers").pk
    picks = [[paper_id, "vision"]]
    row = ReaderView.objects.create(edition=edition, language="zh-Hant-HK", bilingual=True, picks=picks, key="k" * 64)
    token = signing.Signer(salt="digest.reader_view", algorithm="sha256").sign(str(row.pk))
    response = client.get(f"/read/{token}/")
    assert response.status_code == 200 and "Seeing Through Video Transformers" in response.content.decode()


def test_making_a_view_link_touches_no_database(sent, django_assert_num_queries):
    from digest.personalization.picking import VariantKey
    from digest.personalization.reader_views import reader_view_link

    with django_assert_num_queries(0):
        reader_view_link(VariantKey(1, "en", False, ((7, "llm", "", False),)))


def test_a_link_that_carried_paper_ids_alone_still_opens(client, sent):
    edition = Edition.objects.get()
    paper_id = Paper.objects.get(title="Seeing Through Video Transformers").pk
    token = signing.Signer(salt="digest.reader_view", algorithm="sha256").sign_object(
        [edition.pk, "zh-Hant-HK", 0, [paper_id]]
    )
    response = client.get(f"/read/{token}/")
    assert response.status_code == 200 and "Seeing Through Video Transformers" in response.content.decode()


def test_a_bilingual_view_shows_chinese_first_then_the_labelled_english_original(client, sent):
    body = client.get(view_link(sent["hk@example.com"])).content.decode()
    assert body.index("我們研究") < body.index("英文原文") < body.index('class="original"')
    assert body.index("摘要") < body.index("我們研究")
