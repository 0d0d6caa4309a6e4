from django.core.management.base import BaseCommand, CommandError

from digest.setup_checks import CHECKS, run_checks


class Command(BaseCommand):
    help = (
        "Is this installation healthy? Database, broker, workers, beat, mail provider, translator and SITE_URL, "
        "one line each; exits non-zero when any fails."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip", action="append", default=[], choices=sorted(CHECKS), help="leave a check out (repeatable)"
        )

    def handle(self, *args, **options):
        checks = run_checks(tuple(options["skip"]))
        for check in checks:
            self.stdout.write(check.line())
        failed = [check.name for check in checks if not check.ok]
        if failed:
            raise CommandError(f"{len(failed)} of {len(checks)} checks failed: {', '.join(failed)}")
