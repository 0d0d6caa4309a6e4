from django.contrib import admin
from django.urls import include, path

from digest.webhooks import tracking_webhook

urlpatterns = [
    path("admin/", admin.site.urls),
    path("webhooks/<slug:esp>/tracking/", tracking_webhook, name="tracking_webhook"),
    path("anymail/", include("anymail.urls")),
    path("", include("subscribers.urls")),
    path("", include("digest.urls")),
]
