"""URL map. Only the login page (and later the public tipline) is open without signing in."""

from django.contrib import admin
from django.urls import include, path

from tipwatch.web.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/", include("tipwatch.web.accounts.urls")),
    path("", include("tipwatch.web.ads.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
