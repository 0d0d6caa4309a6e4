"""The whole day on shipped sample data: no network, no configuration."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from digest import daily
from digest.editions.build import build_edition
from digest.languages import LANGUAGE_CHOICES
from digest.models import Topic
from digest.papers.ingest import ingest_document
from digest.translation import get_translator
from digest.translation.stored import load_reference_translations
from subscribers import status
from subscribers.models import Subscriber

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_data"
DEMO_DATE = "2025-05-28"
SAMPLE_FEEDS = [
    ("arxiv_rss_cs.AI_2025-05-28.xml", "arxiv_rss"),
    ("arxiv_rss_cs.CL_2025-05-28.xml", "arxiv_rss"),
    ("hf_daily_papers_2025-05-28.json", "hf_daily"),
]
#: The next day's feed: built into a draft edition and left unsent, so an editor has something to curate.
NEXT_DAY = "2025-05-29"
NEXT_DAY_FEEDS = [("arxiv_rss_cs.AI_2025-05-29.xml", "arxiv_rss")]
REFERENCE_TRANSLATIONS = "translations_zh-Hans_hf_daily_2025-05-28.json"
DEMO_PASSWORD = "demo-admin"  # noqa: S105  (a local demo account, printed to the user)


DEMO_TIME_ZONES = {
    "zh-Hant-TW": "Asia/Taipei",
    "zh-Hant-HK": "Asia/Hong_Kong",
    "zh-Hans": "Asia/Shanghai",
    "en": "Europe/London",
}


class Command(BaseCommand):
    help = (
        "Load the sample feeds, build the sample day's edition and send it to the demo readers' outbox; with "
        "another EMAIL_BACKEND the edition is built but not sent, unless --send (e.g. to an SMTP catcher)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--send",
            action="store_true",
            help="send the sample edition through the configured EMAIL_BACKEND even when it is not the outbox "
            "(only to a mail catcher such as Mailpit: the demo readers' addresses do not exist)",
        )

    def handle(self, *args, **options):
        from datetime import date

        for name, kind in SAMPLE_FEEDS:
            result = ingest_document((SAMPLE_DIR / name).read_bytes(), kind)
            self.stdout.write(f"loaded {name}: {result.created} new, {result.updated} updated")
        translator = get_translator()
        if translator is not None:
            run = daily.translate_and_classify(date.fromisoformat(DEMO_DATE), translator)
            self.stdout.write(f"translated live with {translator.model}: {run.summary()}")
        mapping = json.loads((SAMPLE_DIR / REFERENCE_TRANSLATIONS).read_text(encoding="utf-8"))
        stored = load_reference_translations(mapping)
        loaded = f"loaded {stored}" if stored else "0 new (already loaded)"
        self.stdout.write(
            f'{loaded} reference Simplified Chinese translations (model "reference"); OpenCC makes the '
            "Taiwan and Hong Kong variants. Papers without one are shown in English with a note."
        )
        if translator is None:
            self.stdout.write(
                "To translate live, set TRANSLATOR_BASE_URL, TRANSLATOR_API_KEY and TRANSLATOR_MODEL "
                "(any OpenAI-compatible server) and run `manage.py translate_papers --date 2025-05-28`."
            )
        self._demo_subscribers()
        self._demo_admin()
        outbox = Path(settings.EMAIL_OUTBOX_DIR)
        to_outbox = str(settings.EMAIL_BACKEND).endswith("OutboxEmailBackend")
        if to_outbox or options["send"]:
            report = daily.build_and_send_now(date.fromisoformat(DEMO_DATE))
            self.stdout.write(self.style.SUCCESS(report.summary()))
        else:
            # A real provider would mail addresses that do not exist (bounces hurt the sender's reputation): the
            # site is populated, the edition is there to preview, nothing leaves.
            edition = build_edition(date.fromisoformat(DEMO_DATE))
            self.stdout.write(
                f"{edition}: built, not sent: EMAIL_BACKEND is {settings.EMAIL_BACKEND}, and the demo sends only "
                "to the outbox (or, with --send, to a mail catcher such as Mailpit)"
            )
        draft = self._next_day_draft()
        if not to_outbox:
            self.stdout.write(f"Admin: /admin/ (user admin, password {DEMO_PASSWORD}); draft of {NEXT_DAY}: "
                              f"/admin/digest/edition/{draft.pk}/curate/")  # fmt: skip
            return
        files = sorted(outbox.glob("*.eml"))
        self.stdout.write(f"\nEmails: {outbox.resolve()}/ ({len(files)} .eml files; open one in a mail client,")
        self.stdout.write("        or view the HTML part in a browser)")
        self.stdout.write(
            f"Admin:  make run, then http://127.0.0.1:8000/admin/  (user admin, password {DEMO_PASSWORD})"
        )
        self.stdout.write(f"Archive: http://127.0.0.1:8000/archive/{DEMO_DATE}/?lang=zh-Hant-TW")
        self.stdout.write(
            f"Draft:  {draft.entries.count()} papers of {NEXT_DAY} wait for an editor (not sent): "
            f"http://127.0.0.1:8000/admin/digest/edition/{draft.pk}/curate/"
        )
        self.stdout.write(
            f"The sample data is two real days: the demo sends {DEMO_DATE}'s edition and leaves {NEXT_DAY}'s a draft."
        )

    def _next_day_draft(self):
        """The next day's papers in a draft edition that nothing sends (approval is an editor's step). Its
        papers that were already on the first day keep their reference translations (same text)."""
        from datetime import date

        for name, kind in NEXT_DAY_FEEDS:
            ingest_document((SAMPLE_DIR / name).read_bytes(), kind)
        return build_edition(date.fromisoformat(NEXT_DAY))

    def _demo_subscribers(self):
        """One reader per language, each in a time zone where that language is read."""
        topics = {t.slug: t for t in Topic.objects.all()}
        plans = [
            ("demo-tw@example.com", "zh-Hant-TW", False, ["llm", "rl-alignment", "agents"], 10),
            ("demo-hk@example.com", "zh-Hant-HK", False, [], 8),
            ("demo-cn@example.com", "zh-Hans", True, ["llm", "multimodal"], 6),
            ("demo-en@example.com", "en", False, ["vision", "efficiency"], 5),
        ]
        assert {p[1] for p in plans} == {code for code, _ in LANGUAGE_CHOICES}
        for email, language, bilingual, slugs, max_papers in plans:
            subscriber = Subscriber.objects.filter(email=email).first() or Subscriber(email=email)
            # Like an import: new demo readers are active; one unsubscribed in the demo stays so (subscribers.status).
            status.activate_imported(subscriber)
            subscriber.language, subscriber.bilingual, subscriber.max_papers = language, bilingual, max_papers
            subscriber.time_zone = DEMO_TIME_ZONES[language]
            subscriber.save()
            subscriber.topics.set([topics[s] for s in slugs])
            self.stdout.write(
                f"subscriber {email}: {language}{' bilingual' if bilingual else ''}, {DEMO_TIME_ZONES[language]}, "
                f"topics {', '.join(slugs) or 'all'}, up to {max_papers} papers"
            )

    def _demo_admin(self):
        User = get_user_model()
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@example.com", DEMO_PASSWORD)
