from django.apps import AppConfig


class DigestConfig(AppConfig):
    name = "digest"
    verbose_name = "Papers and editions"

    def ready(self) -> None:
        from . import tracking  # noqa: F401  (connects anymail's tracking signal)
