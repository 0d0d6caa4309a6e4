from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscribersConfig(AppConfig):
    name = "subscribers"
    verbose_name = _("Subscribers")

    def ready(self) -> None:
        from subscribers import checks  # noqa: F401  (registers the deployment checks)
