from django.contrib import admin

from tipwatch.web.assess.models import Assessment, ReviewDecision


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("ad", "organisation", "score", "band", "catalogue_version", "assessed_at")
    list_filter = ("organisation", "band", "catalogue_version")
    raw_id_fields = ("ad",)


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(admin.ModelAdmin):
    list_display = ("ad", "organisation", "decision", "reason", "user", "decided_at")
    list_filter = ("organisation", "decision", "reason")
    raw_id_fields = ("ad",)
