from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DigestConfig(AppConfig):
    name = "digest"
    verbose_name = _("Papers and editions")

    def ready(self) -> None:
        from digest.delivery import checks, tracking  # noqa: F401  (deployment checks; anymail's tracking signal)
        from digest.staff_roles import setup_roles_after_migrate

        post_migrate.connect(setup_roles_after_migrate, sender=self, dispatch_uid="digest.setup_roles")
