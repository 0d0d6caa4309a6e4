"""factory-boy factories: every test builds the rows it needs."""

from __future__ import annotations

import datetime

import factory

from digest.models import Edition, EditionEntry, Paper, Translation
from subscribers.models import Subscriber


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paper
        skip_postgeneration_save = True

    arxiv_id = factory.Sequence(lambda n: f"2505.{30000 + n}")
    version = 1
    title = factory.Sequence(lambda n: f"Scaling Laws for Paper Number {n}")
    abstract = "We study large language models and their reasoning on several benchmarks."
    authors = factory.LazyFunction(lambda: ["Ada Lovelace", "Alan Turing"])
    categories = factory.LazyFunction(lambda: ["cs.CL"])
    primary_category = "cs.CL"
    abs_url = factory.LazyAttribute(lambda p: f"https://arxiv.org/abs/{p.arxiv_id}")
    pdf_url = factory.LazyAttribute(lambda p: f"https://arxiv.org/pdf/{p.arxiv_id}")
    announced_on = datetime.date(2025, 5, 28)
    announce_type = "new"

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class TranslationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Translation

    paper = factory.SubFactory(PaperFactory)
    title = "大型语言模型的规模定律"
    abstract = "我们研究大型语言模型及其在多个基准上的推理能力，并分析数据、内存与性能。"
    model = "test-model"
    prompt_version = "v1"
    source_hash = factory.LazyAttribute(lambda t: t.paper.source_hash)


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition

    date = datetime.date(2025, 5, 28)


class EditionEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EditionEntry

    edition = factory.SubFactory(EditionFactory)
    paper = factory.SubFactory(PaperFactory)
    position = factory.Sequence(int)


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    status = Subscriber.Status.ACTIVE
    language = "zh-Hant-TW"
    max_papers = 10

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class ChinesePaperFactory(PaperFactory):
    """A paper whose every word is Chinese (title, abstract, authors), for pages where any English word left is
    interface text."""

    title = factory.Sequence(lambda n: f"第{n}篇：大型語言模型的推理能力")
    abstract = "我們研究大型語言模型在多個基準上的推理能力，並分析資料、記憶體與效能。"
    authors = factory.LazyFunction(lambda: ["王小明", "陳美玲"])


class ChineseEditionEntryFactory(EditionEntryFactory):
    paper = factory.SubFactory(ChinesePaperFactory)
    note = "編輯按語：這篇值得一讀。"
