from django.urls import path

from tipwatch.web.ads import views

urlpatterns = [
    path("ads/", views.ad_list, name="ad_list"),
    path("ads/<int:pk>/", views.ad_detail, name="ad_detail"),
    path("entities/<int:pk>/", views.entity_detail, name="entity_detail"),
    path("search/", views.search_view, name="search"),
    path("runs/", views.run_list, name="run_list"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
]
