"""`check_translator`: one real request to the configured model server; the logic is in digest.translation.check."""

from django.core.management.base import BaseCommand, CommandError

from digest.translation.check import TranslatorCheckFailed, check_translator


class Command(BaseCommand):
    help = (
        "Send one sample paper to the configured translator (TRANSLATOR_BASE_URL, TRANSLATOR_MODEL, "
        "TRANSLATOR_API_KEY) and print the model, server, latency, whether JSON mode worked, whether the reply "
        "passed the checks (and which soft deviations it needed), tokens and the estimated cost of 100 papers. "
        "Exits non-zero with a one-line reason when the server cannot translate."
    )

    def handle(self, *args, **options):
        try:
            result = check_translator(say=self.stdout.write if options["verbosity"] >= 1 else None)
        except TranslatorCheckFailed as failure:
            raise CommandError(str(failure)) from None
        for line in result.lines():
            self.stdout.write(line)
