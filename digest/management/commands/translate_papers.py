from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from digest.selectors import latest_announcement_date
from digest.translation import get_translator
from digest.translation.service import translate_papers

from ._helpers import parse_date


class Command(BaseCommand):
    help = "Translate the papers of a day that have no current translation (default: the latest day)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: the latest announcement day)")
        parser.add_argument("--limit", type=int, help="translate at most N papers")

    def handle(self, *args, **options):
        translator = get_translator()
        if translator is None:
            raise CommandError("no translator configured: set TRANSLATOR_BASE_URL, TRANSLATOR_MODEL (and _API_KEY)")
        on_date = parse_date(options["date"]) or latest_announcement_date()
        if on_date is None:
            raise CommandError("no papers stored yet; run fetch_papers first")
        with tqdm(desc=f"translating {on_date}", unit="paper", disable=options["verbosity"] < 1) as bar:
            run = translate_papers(on_date=on_date, limit=options["limit"], translator=translator, progress=bar.update)
        self.stdout.write(run.summary())
