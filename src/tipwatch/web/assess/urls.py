from django.urls import path, re_path

from tipwatch.web.assess import views

urlpatterns = [
    path("check/", views.check_offer_view, name="check_offer"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<int:pk>/decide/", views.review_decide, name="review_decide"),
    re_path(r"^review/export\.(?P<fmt>csv|jsonl)$", views.review_export, name="review_export"),
]
