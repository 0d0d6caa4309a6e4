from django.urls import path

from digest.web import feeds, reader, views

app_name = "digest"
urlpatterns = [
    path("archive/", views.archive_index, name="archive_index"),
    path("archive/feed/<str:language>/rss/", feeds.EditionsRssFeed(), name="feed_rss"),
    path("archive/feed/<str:language>/atom/", feeds.EditionsAtomFeed(), name="feed_atom"),
    path("archive/<str:edition_date>/", views.archive_edition, name="archive_edition"),
    path("archive/<str:edition_date>/weekly/", views.archive_edition, {"kind": "weekly"}, name="archive_weekly"),
    path("read/<str:token>/", reader.reader_view, name="reader_view"),
    path("papers/<path:arxiv_id>/", views.paper_detail, name="paper"),
]
