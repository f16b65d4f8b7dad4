"""URLs of the watch app; the project includes them under ``/watch/`` (namespace ``watch``)."""

from django.urls import path

from tipwatch.web.watch import views

app_name = "watch"

urlpatterns = [
    path("", views.watchlist_list, name="watchlist_list"),
    path("lists/<int:pk>/", views.watchlist_detail, name="watchlist_detail"),
    path("lists/<int:pk>/terms/", views.terms_add, name="terms_add"),
    path("lists/<int:pk>/terms/<int:term_pk>/remove/", views.term_remove, name="term_remove"),
    path("lists/<int:pk>/scan/", views.watchlist_scan, name="watchlist_scan"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<int:pk>/status/", views.alert_status, name="alert_status"),
    path("check/", views.check_names_view, name="check_names"),
]
