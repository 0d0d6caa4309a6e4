from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("anymail/", include("anymail.urls")),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the interface language switch
    path("", include("subscribers.urls")),
    path("", include("digest.urls")),
]
