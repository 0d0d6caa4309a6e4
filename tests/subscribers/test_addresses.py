"""One address rule wherever an address comes in (sign-up, new address, CSV import, admin): no address no mail can
be sent to, and one stored form per mailbox (the domain in ASCII punycode), so an IDN address and its punycode
spelling are one reader."""

import csv
import io

import pytest
from celery.exceptions import Retry
from django.urls import reverse

from subscribers import tasks
from subscribers.addresses import normalize_address
from subscribers.importing import HEADER, import_csv
from subscribers.models import Subscriber
from subscribers.tokens import make_token
from tests.admin_users import make_staff
from tests.conftest import sent_emails
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

SIGN_UP = {"language": "en", "max_papers": 10, "time_zone": "Asia/Taipei", "delivery_hour": 7}

UNDELIVERABLE = [
    '"a\x01b"@example.test',  # a control character inside a quoted local part (valid for Django's validator)
    '"a\x7fb"@example.test',  # DEL
    '"a\\\x02b"@example.test',  # a control character escaped with a backslash
    "reader@exa\u200bmple.test",  # a zero-width space in the domain
    "reader@\u202eelpmaxe.test",  # a bidi override in the domain
    "reader@xn--zz.test",  # a punycode label that decodes to nothing valid
    "reader@" + "ü" * 60 + ".test",  # 64 characters of label once in punycode
]


@pytest.mark.parametrize("address", UNDELIVERABLE)
def test_sign_up_with_an_address_no_mail_can_go_to_is_refused_at_the_form(client, address):
    response = client.post("/", SIGN_UP | {"email": address})
    assert response.status_code == 200 and "Enter a valid email address." in response.content.decode()
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("address", UNDELIVERABLE)
def test_an_import_row_with_an_address_no_mail_can_go_to_is_refused_and_the_others_kept(topics, address):
    content = io.StringIO()
    csv.writer(content).writerows([HEADER, [address, "en", "", "", ""], ["good@example.com", "en", "", "", ""]])
    report = import_csv(content.getvalue().encode())
    assert report.created == 1 and [line for line, _ in report.errors] == [2]
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["good@example.com"]


def test_a_stored_address_no_mail_can_go_to_fails_the_confirmation_task_for_good(monkeypatch, outbox_dir):
    """Stored before the rule: the task gives up at once instead of retrying it eight times."""
    subscriber = SubscriberFactory(status="pending")
    Subscriber.objects.filter(pk=subscriber.pk).update(email='"a\x01b"@example.test')
    retried = []

    def retry(**kwargs):
        retried.append(kwargs)
        raise Retry()

    monkeypatch.setattr(tasks.send_confirmation, "retry", retry)
    tasks.send_confirmation.push_request(retries=0, is_eager=False)  # as a worker with a broker runs it
    try:
        assert tasks.send_confirmation.run(subscriber.pk) is False
    finally:
        tasks.send_confirmation.pop_request()
    assert retried == [] and sent_emails(outbox_dir) == []


# --- One stored form per mailbox ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Reader@Bücher.Example", "reader@xn--bcher-kva.example"),
        ("reader@XN--BCHER-KVA.example", "reader@xn--bcher-kva.example"),
        ("reader@ＥＸＡＭＰＬＥ.com", "reader@example.com"),  # full-width letters
        ("读者@例え.テスト", None),  # a non-ASCII local part: Django's validator refuses it
        ("reader@example.com\r\n", None),  # a line break, even at the end: never trimmed into an address
    ],
)
def test_an_address_is_stored_with_its_domain_in_punycode(typed, stored):
    if stored is None:
        with pytest.raises(Exception, match="valid email"):
            normalize_address(typed)
    else:
        assert normalize_address(typed) == stored


def test_signing_up_with_the_punycode_form_of_a_readers_idn_address_is_the_same_reader(client):
    client.post("/", SIGN_UP | {"email": "reader@bücher.example"})
    client.post("/", SIGN_UP | {"email": "reader@xn--bcher-kva.example"})
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["reader@xn--bcher-kva.example"]


def test_importing_both_forms_of_one_idn_address_makes_one_reader(topics):
    content = (
        "email,language,topics,bilingual,max_papers\n"
        "reader@bücher.example,en,,,\n"
        "reader@xn--bcher-kva.example,zh-Hans,,,\n"
    )
    report = import_csv(content.encode())
    assert (report.created, report.updated, report.errors) == (1, 1, [])
    assert list(Subscriber.objects.values_list("email", "language")) == [("reader@xn--bcher-kva.example", "zh-Hans")]


def test_importing_the_unicode_form_of_an_existing_readers_address_updates_that_reader(topics):
    SubscriberFactory(email="reader@xn--bcher-kva.example", language="en")
    report = import_csv("email,language,topics,bilingual,max_papers\nREADER@BÜCHER.example,zh-Hans,,,\n".encode())
    assert (report.created, report.updated) == (0, 1)
    assert Subscriber.objects.get().language == "zh-Hans"


def test_the_admin_refuses_a_second_reader_for_the_other_form_of_an_idn_address(client):
    SubscriberFactory(email="reader@xn--bcher-kva.example")
    client.force_login(make_staff("admin-user", "admin"))
    data = {
        "email": "Reader@Bücher.example",
        "status": "active",
        "language": "en",
        "max_papers": 10,
        "frequency": "daily",
        "time_zone": "Asia/Taipei",
        "delivery_hour": 7,
        "follows": "{}",
        "mutes": "{}",
    }
    response = client.post(reverse("admin:subscribers_subscriber_add"), data)
    assert response.status_code == 200 and Subscriber.objects.count() == 1
    data["email"] = '"a\x01b"@example.test'
    response = client.post(reverse("admin:subscribers_subscriber_add"), data)
    assert response.status_code == 200 and Subscriber.objects.count() == 1
    data["email"] = "new@Bücher.example"
    response = client.post(reverse("admin:subscribers_subscriber_add"), data)
    assert response.status_code == 302
    assert set(Subscriber.objects.values_list("email", flat=True)) == {
        "reader@xn--bcher-kva.example",
        "new@xn--bcher-kva.example",
    }


def test_a_new_address_in_the_preference_centre_follows_the_same_rule(client, outbox_dir):
    subscriber = SubscriberFactory(language="en")
    url = f"/manage/{make_token(subscriber, 'manage')}/"
    response = client.post(url, {"action": "email", "new_email": '"a\x01b"@example.test'})
    assert response.status_code == 200 and sent_emails(outbox_dir) == []
    client.post(url, {"action": "email", "new_email": "Reader@Bücher.example"})
    (message,) = sent_emails(outbox_dir)
    assert message["To"] == "reader@xn--bcher-kva.example"
