from django.urls import path

from . import views

app_name = "digest"
urlpatterns = [
    path("archive/", views.archive_index, name="archive_index"),
    path("archive/<str:edition_date>/", views.archive_edition, name="archive_edition"),
]
