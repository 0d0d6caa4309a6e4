"""Follows and mutes are checked against one schema wherever they are written: admin, model forms, services."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.forms import modelform_factory

from subscribers.interests import InvalidInterest, check_stored
from subscribers.models import Subscriber
from subscribers.preferences import update_preferences
from tests.factories import SubscriberFactory

BAD_STORED = [
    ["llm"],
    {"keywords": [1, 2]},
    "llm",
    {"keywords": "llm"},
    {"authors": [["Ada"]]},
    {"topics": ["llm"]},
    {"keywords": ["x"]},
    {"keywords": ["llm, rag"]},
    {"keywords": ["llm", "LLM"]},
    {"categories": ["not a category"]},
    {"keywords": [f"k{i}" for i in range(31)]},
    {"authors": ["a" * 101]},
]
IDS = [json.dumps(b)[:40] for b in BAD_STORED]


@pytest.mark.parametrize("bad", BAD_STORED, ids=IDS)
def test_schema_refuses_what_the_readers_could_not_use(bad):
    with pytest.raises(InvalidInterest):
        check_stored(bad)


@pytest.mark.parametrize(
    "good, stored",
    [
        (None, {"keywords": [], "authors": [], "categories": []}),
        ({}, {"keywords": [], "authors": [], "categories": []}),
        (
            {"keywords": ["llm", "長文本"], "categories": ["cs.CL"]},
            {"keywords": ["llm", "長文本"], "authors": [], "categories": ["cs.CL"]},
        ),
    ],
)
def test_schema_keeps_what_parse_list_would_store(good, stored):
    assert check_stored(good) == stored


@pytest.mark.django_db
@pytest.mark.parametrize("bad", BAD_STORED, ids=IDS)
def test_full_clean_refuses_bad_follows_and_mutes(bad):
    subscriber = SubscriberFactory()
    for side in ("follows", "mutes"):
        setattr(subscriber, side, bad)
        with pytest.raises(ValidationError) as error:
            subscriber.full_clean()
        assert side in error.value.message_dict
        setattr(subscriber, side, {})


@pytest.mark.django_db
def test_a_model_form_refuses_follows_that_do_not_fit_and_keeps_the_stored_value():
    """What the admin's change page does with the JSON box: a ModelForm over the field runs its validator."""
    subscriber = SubscriberFactory(follows={"keywords": ["rag"]})
    form = modelform_factory(Subscriber, fields=["follows", "mutes"])(
        {"follows": '{"keywords": [1, 2]}', "mutes": "{}"}, instance=subscriber
    )
    assert not form.is_valid()
    assert form.errors["follows"] == ["keywords: every item is a text, not a number."]
    subscriber.refresh_from_db()
    assert subscriber.follows == {"keywords": ["rag"]}


@pytest.mark.django_db
def test_update_preferences_refuses_a_side_that_does_not_fit(topics):
    subscriber = SubscriberFactory()
    with pytest.raises(InvalidInterest):
        update_preferences(subscriber, language="en", bilingual=False, topics=[], max_papers=5,
                           time_zone="UTC", delivery_hour=7, follows=["llm"])  # fmt: skip
    assert Subscriber.objects.get(pk=subscriber.pk).follows == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, message",
    [("zh-tw", "keywords：每一項都應是文字，而不是數字。"), ("zh-hans", "keywords：每一项都应是文字，而不是数字。")],
)
def test_the_schemas_refusal_speaks_the_editors_language(language, message):
    from django.utils import translation

    form = modelform_factory(Subscriber, fields=["follows"])({"follows": '{"keywords": [1]}'})
    with translation.override(language):
        assert form.errors["follows"] == [message]
