import email
import email.policy
import sys

from django.core.management.base import BaseCommand, CommandError

from subscribers.subscription import unsubscribe_by_mail_subject, unsubscribe_by_token
from subscribers.tokens import InvalidToken


class Command(BaseCommand):
    help = (
        "Process one message sent to the List-Unsubscribe mailto: address. Pipe the raw message on stdin "
        '(e.g. a Postfix alias `unsubscribe: "|manage.py unsubscribe_by_mail"`), or pass --token. The '
        "subject 'unsubscribe <token>' carries the same signed token as the https link."
    )

    def add_arguments(self, parser):
        parser.add_argument("--token", help="the token itself, instead of a message on stdin")

    def handle(self, *args, **options):
        try:
            if options["token"]:
                subscriber = unsubscribe_by_token(options["token"])
            else:
                message = email.message_from_binary_file(sys.stdin.buffer, policy=email.policy.default)
                subscriber = unsubscribe_by_mail_subject(str(message.get("Subject", "")))
        except InvalidToken as error:
            raise CommandError(f"no unsubscribe done: the token is {error.reason}") from None
        self.stdout.write(f"unsubscribed subscriber {subscriber.pk}")
