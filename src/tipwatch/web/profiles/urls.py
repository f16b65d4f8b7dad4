"""URLs of the profiles app; the project includes them under ``/profiles/`` (namespace ``profiles``)."""

from django.urls import path

from tipwatch.web.profiles import views

app_name = "profiles"

urlpatterns = [
    path("sites/", views.site_index, name="site_index"),
    path("sites/<str:site>/", views.site_profile, name="site"),
    path("entity/<int:pk>/", views.entity_profile, name="entity"),
]
