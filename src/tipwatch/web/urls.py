"""URL map. Only the login page and the public "Check a job offer" page (``/check/``, language by
``?lang=xx``) are open without signing in (later also the public tipline)."""

from django.contrib import admin
from django.urls import include, path

from tipwatch.web.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/", include("tipwatch.web.accounts.urls")),
    path("", include("tipwatch.web.ads.urls")),
    path("watch/", include("tipwatch.web.watch.urls")),
    path("profiles/", include("tipwatch.web.profiles.urls")),
    path("", include("tipwatch.web.assess.urls")),
    path("", include("tipwatch.web.links.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
