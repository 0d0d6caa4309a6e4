from django.urls import path

from subscribers import views

app_name = "subscribers"
urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("manage/<str:token>/renew/", views.renew_manage_link, name="renew_manage_link"),
    path("email/confirm/<str:token>/", views.confirm_email_change, name="confirm_email_change"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("resubscribe/<str:token>/", views.resubscribe, name="resubscribe"),
    # Emails link to {FEEDBACK_URL}/<arxiv id>/up/ and .../down/ (arXiv ids may contain a slash: cs/0501001).
    path("feedback/<str:token>/<path:arxiv_id>/up/", views.vote, {"vote": "up"}, name="feedback_up"),
    path("feedback/<str:token>/<path:arxiv_id>/down/", views.vote, {"vote": "down"}, name="feedback_down"),
]
