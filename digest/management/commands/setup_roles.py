"""Create or update the "editor" and "admin" groups (migrate does this too)."""

from django.core.management.base import BaseCommand

from digest.staff_roles import setup_roles


class Command(BaseCommand):
    help = 'Create or update the staff groups "editor" (curate, preview, approve) and "admin" (everything).'

    def handle(self, *args, **options):
        editor, admin = setup_roles()
        self.stdout.write(
            f"editor: {editor.permissions.count()} permissions; admin: {admin.permissions.count()} permissions"
        )
