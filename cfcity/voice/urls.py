from django.urls import path

from . import views

app_name = "voice"
urlpatterns = [
    # public: no login
    path("", views.index, name="index"),
    path("thanks/", views.thanks, name="thanks"),
    path("summary/", views.summary, name="summary"),
    # staff
    path("inbox/", views.inbox, name="inbox"),
    path("safeguarding/", views.team, name="team"),
    path("messages/", views.approved, name="approved"),
    path("messages/export.xlsx", views.export_xlsx, name="export"),
    path("messages/<int:pk>/", views.detail, name="detail"),
    path("messages/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("messages/<int:pk>/quote/", views.quote, name="quote"),
    path("messages/<int:pk>/respond/", views.respond, name="respond"),
    path("messages/<int:pk>/refer/", views.refer, name="refer"),
    path("messages/<int:pk>/erase/", views.erase, name="erase"),
    path("referrals/", views.referrals, name="referrals"),
    path("rules/", views.rules, name="rules"),
]
