from django.contrib import admin

from tipwatch.web.ads.models import Ad, Entity, IngestRun, Mention, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "organisation", "created_at")
    list_filter = ("organisation", "kind")


@admin.register(IngestRun)
class IngestRunAdmin(admin.ModelAdmin):
    list_display = (
        "pk",
        "organisation",
        "source",
        "status",
        "started_at",
        "read",
        "new",
        "duplicate",
        "rejected",
    )
    list_filter = ("organisation", "status")


@admin.register(Ad)
class AdAdmin(admin.ModelAdmin):
    list_display = ("pk", "organisation", "ext_id", "site", "city", "country", "posted_at")
    list_filter = ("organisation", "country")
    raw_id_fields = ("source", "run")
    search_fields = ("ext_id", "title")


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ("pk", "organisation", "type", "value", "ad_count", "first_seen", "last_seen")
    list_filter = ("organisation", "type")
    search_fields = ("value",)


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ("pk", "organisation", "ad", "entity", "field", "start", "end", "obfuscated")
    raw_id_fields = ("ad", "entity")
