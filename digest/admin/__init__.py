"""The admin, one module per area: editions (and their pages), papers, topics, sources, translations, sending.

Editors and admins differ by permissions (digest/staff_roles.py), not by code paths.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from digest.admin import papers, sending, sources, staff, topics, translations  # noqa: F401  (registers their admins)
from digest.admin.editions import EditionAdmin
from digest.models import Edition

admin.site.site_header = "每日精選 AI 論文 · Daily AI Papers"
admin.site.site_title = _("Daily AI Papers admin")
admin.site.register(Edition, EditionAdmin)
