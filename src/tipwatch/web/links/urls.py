from django.urls import path

from tipwatch.web.links import views

urlpatterns = [
    path("operations/", views.operation_list, name="operation_list"),
    path("operations/<slug:key>/", views.operation_detail, name="operation_detail"),
    path("operations/<slug:key>.csv", views.operation_csv, name="operation_csv"),
    path("operations/<slug:key>.json", views.operation_json, name="operation_json"),
    path("operations/<slug:key>/graph.json", views.operation_graph, name="operation_graph"),
    path("operations/<slug:key>/explain", views.operation_explain, name="operation_explain"),
    path("templates/<slug:key>/", views.template_detail, name="template_detail"),
    path("images/<str:sha256>/thumb.jpg", views.image_thumb, name="image_thumb"),
]
