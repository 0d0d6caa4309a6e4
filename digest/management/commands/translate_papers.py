from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from digest.daily import translate_and_classify
from digest.management.commands._helpers import parse_date, set_total
from digest.models import TranslationFailure
from digest.papers.selectors import latest_announcement_date
from digest.translation import get_translator


class Command(BaseCommand):
    help = (
        "Translate the papers of a day that have no current translation (default: the latest day). "
        "Prints papers done, failed, skipped, left for the next run, tokens and an estimated cost."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: the latest announcement day)")
        parser.add_argument("--limit", type=int, help="translate at most N papers")
        parser.add_argument(
            "--retranslate",
            action="store_true",
            help="also translate again what another model or prompt version made (editors' edits are kept)",
        )
        parser.add_argument(
            "--force", action="store_true", help="translate again everything, replacing editors' edits too"
        )
        parser.add_argument("--dry-run", action="store_true", help="list what would be sent; send nothing")

    def handle(self, *args, **options):
        translator = get_translator()
        if translator is None:
            raise CommandError("no translator configured: set TRANSLATOR_BASE_URL, TRANSLATOR_MODEL (and _API_KEY)")
        if options["limit"] is not None and options["limit"] < 0:
            raise CommandError("--limit must be 0 or more")
        on_date = parse_date(options["date"]) or latest_announcement_date()
        if on_date is None:
            raise CommandError("no papers stored yet; run fetch_papers first")
        common = {
            "on_date": on_date,
            "translator": translator,
            "limit": options["limit"],
            "retranslate": options["retranslate"],
            "force": options["force"],
        }
        if options["dry_run"]:
            run = translate_and_classify(**common, dry_run=True)
            self.stdout.write(
                f"dry run: would translate {len(run.planned)} with {translator.model} "
                f"(prompt {translator.prompt_version}), {run.skipped} already translated, "
                f"{run.deferred} left for a later run"
            )
            for arxiv_id in run.planned:
                self.stdout.write(f"  {arxiv_id}")
            return
        with tqdm(desc=f"translating {on_date}", unit="paper", disable=options["verbosity"] < 1) as bar:
            run = translate_and_classify(**common, progress=bar.update, on_total=set_total(bar))
        self.stdout.write(run.summary())
        if run.failed and not run.done:
            # Nothing to do, or some papers translated, is a working run; every paper tried failing is not (a wrong
            # model, key or server), and a scheduler or a script sees only the exit code.
            last = TranslationFailure.objects.filter(model=translator.model).order_by("-created_at", "-pk").first()
            reason = last.reason.splitlines()[0][:200] if last and last.reason else "see Translation failures"
            raise CommandError(
                f"every paper tried failed ({run.failed}), last because: {reason}; check_translator tests the server"
            )

