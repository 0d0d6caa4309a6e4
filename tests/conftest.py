"""Shared fixtures. The database is the real PostgreSQL (DATABASE_URL from `make test`)."""

from __future__ import annotations

import email
from collections.abc import Iterator
from email import policy
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from digest.models import Topic
from digest.papers.default_topics import seed_topics
from tests import fast_flush
from tests.fakes.http import LoopbackServer
from tests.fakes.llm import good_model

fast_flush.install()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker) -> None:
    """pytest-django's test database, set to commit without waiting for the disk (tests/fast_flush.py)."""
    from django.db import connection

    with django_db_blocker.unblock():
        fast_flush.commit_without_waiting(connection)

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE_DATA = Path(django_settings.BASE_DIR) / "digest" / "sample_data"


@pytest.fixture(autouse=True)
def outbox_dir(settings, tmp_path) -> Path:
    """Each test writes its emails to its own outbox directory, with the default .eml backend."""
    path = tmp_path / "outbox"
    settings.EMAIL_OUTBOX_DIR = path
    settings.EMAIL_BACKEND = "digest.delivery.providers.outbox.OutboxEmailBackend"
    settings.SITE_URL = "https://papers.example.org"
    return path


@pytest.fixture(autouse=True)
def fresh_send_caches() -> None:
    """Rendered variants are cached per process by edition id, and pages in Django's cache; ids come back
    after a test's tables are truncated, so each test starts with empty caches."""
    from django.core.cache import cache as django_cache

    from digest.delivery import sending

    sending.forget_cached_work()
    django_cache.clear()  # rate-limit counters, cached archive pages and form fragments


@pytest.fixture(autouse=True)
def interface_language_reset() -> Iterator[None]:
    """A request through LocaleMiddleware leaves its language active in the thread; code a test calls
    directly afterwards (a form, a service) must not speak the previous test's language."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_translation_caches() -> Iterator[None]:
    """The glossary, phrase table and OpenCC caches live per process; a rolled-back test must not leak into the
    next (a rollback sends no post_delete, so an editor's phrase would otherwise stay cached)."""
    from digest.translation.glossary import forget_glossary
    from digest.translation.phrases import forget_phrases
    from digest.translation.variants import convert, convert_translation

    forget_glossary()
    forget_phrases()
    convert.cache_clear()
    convert_translation.cache_clear()
    yield
    forget_glossary()
    forget_phrases()


@pytest.fixture
def topics(db) -> dict[str, Topic]:
    """The seeded topics (seeded again: transactional tests truncate tables)."""
    seed_topics(Topic)
    return {topic.slug: topic for topic in Topic.objects.all()}


@pytest.fixture
def llm_server() -> Iterator[LoopbackServer]:
    with LoopbackServer(good_model) as server:
        yield server


@pytest.fixture
def translator_settings(settings, llm_server):
    settings.TRANSLATOR_BASE_URL = llm_server.url + "/v1"
    settings.TRANSLATOR_MODEL = "loopback-model"
    settings.TRANSLATOR_API_KEY = "test-key"
    return llm_server


def sent_emails(outbox_dir: Path) -> list[email.message.EmailMessage]:
    """The messages the outbox backend wrote, in the order they were written."""
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(outbox_dir.glob("*.eml"))]


def sample(name: str) -> bytes:
    return (SAMPLE_DATA / name).read_bytes()


def bad(name: str) -> bytes:
    return (FIXTURES / "bad" / name).read_bytes()


@pytest.fixture
def postmark(settings):
    """The real anymail Postmark backend pointed at a loopback Postmark."""
    from tests.fakes.postmark import FakePostmark

    fake = FakePostmark()
    with fake:
        settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
        settings.ANYMAIL = {
            **settings.ANYMAIL,
            "POSTMARK_SERVER_TOKEN": "test-server-token",
            "POSTMARK_API_URL": fake.api_url,
        }
        yield fake


@pytest.fixture
def sendgrid(settings):
    """The real anymail SendGrid backend pointed at a loopback SendGrid (batch sending through merge_data)."""
    from tests.fakes.sendgrid import FakeSendGrid

    with FakeSendGrid() as fake:
        fake.configure(settings)
        yield fake


@pytest.fixture(params=["sendgrid", "mailgun"])
def batch_provider_kind(request):
    """Each provider that merges per-recipient fields itself (digest/delivery/providers/batching.py)."""
    from tests.fakes.mailgun import FakeMailgun
    from tests.fakes.sendgrid import FakeSendGrid

    return {"sendgrid": FakeSendGrid, "mailgun": FakeMailgun}[request.param]


@pytest.fixture
def batch_provider(batch_provider_kind, settings):
    with batch_provider_kind() as fake:
        fake.configure(settings)
        yield fake


@pytest.fixture
def editor_client(client):
    """A client logged in as an editor (the role editors get from setup_roles)."""
    from tests.admin_users import make_staff

    client.force_login(make_staff("mei", "editor"))
    return client


@pytest.fixture
def edition(db):
    """A draft edition of three papers, each with a model translation (tests needing another shape of
    edition define their own `edition`)."""
    from tests.factories import EditionEntryFactory, EditionFactory, TranslationFactory

    edition = EditionFactory()
    for position in range(3):
        entry = EditionEntryFactory(edition=edition, position=position)
        TranslationFactory(paper=entry.paper)
    return edition
