"""The data migration that stores every address with its domain in punycode: rows written before the rule are
rewritten in batches; two rows that are one mailbox are reported and left, never a crash."""

import importlib

import pytest

from subscribers.models import Subscriber
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("subscribers.migrations.0008_normalize_email_domains")


def stored_before_the_rule(email: str) -> Subscriber:
    subscriber = SubscriberFactory()
    Subscriber.objects.filter(pk=subscriber.pk).update(email=email)  # as an older version saved it
    return subscriber


def test_stored_idn_addresses_are_rewritten_with_their_domain_in_punycode(monkeypatch):
    monkeypatch.setattr(migration, "BATCH", 2)  # several batches
    readers = [stored_before_the_rule(e) for e in ("a@bücher.example", "b@例え.テスト", "c@example.com")]
    lines = []
    counts = migration.normalize_stored_addresses(Subscriber, report=lines.append)
    emails = [Subscriber.objects.get(pk=r.pk).email for r in readers]
    assert emails == ["a@xn--bcher-kva.example", "b@xn--r8jz45g.xn--zckzah", "c@example.com"]
    assert counts == {"normalized": 2, "collisions": 0, "refused": 0} and lines == []


def test_two_rows_for_one_mailbox_are_reported_and_both_left():
    idn = stored_before_the_rule("reader@bücher.example")
    ascii_form = stored_before_the_rule("reader@xn--bcher-kva.example")
    lines = []
    counts = migration.normalize_stored_addresses(Subscriber, report=lines.append)
    assert counts["collisions"] == 1
    assert (len(lines) == 1 and f"subscriber {idn.pk}" in lines[0]) and f"subscriber {ascii_form.pk}" in lines[0]
    assert set(Subscriber.objects.values_list("email", flat=True)) == {
        "reader@bücher.example",
        "reader@xn--bcher-kva.example",
    }


def test_an_address_the_rule_refuses_is_reported_and_left():
    bad = stored_before_the_rule('"a\x01b"@example.test')
    lines = []
    counts = migration.normalize_stored_addresses(Subscriber, report=lines.append)
    assert counts == {"normalized": 0, "collisions": 0, "refused": 1}
    assert Subscriber.objects.get(pk=bad.pk).email == '"a\x01b"@example.test' and "not deliverable" in lines[0]
