from django.contrib import admin
from django.urls import include, path

from digest.delivery.webhooks import tracking_webhook
from newsletter.favicon import favicon

urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("webhooks/<slug:esp>/tracking/", tracking_webhook, name="tracking_webhook"),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the interface language switch
    path("", include("subscribers.urls")),
    path("", include("digest.web.urls")),
]
