"""Platform-admin views of watchlists and alerts (read mostly; organisations use the app's pages)."""

from django.contrib import admin

from tipwatch.web.watch.models import Alert, Watchlist, WatchTerm

__all__ = ["AlertAdmin", "WatchlistAdmin"]


class WatchTermInline(admin.TabularInline):
    model = WatchTerm
    extra = 0
    fields = ["term", "note", "added_by", "added_at"]
    readonly_fields = ["added_by", "added_at"]


@admin.register(Watchlist)
class WatchlistAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "active", "created_at"]
    list_filter = ["active", "organisation"]
    inlines = [WatchTermInline]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["term_text", "source_kind", "match_kind", "status", "organisation", "created_at"]
    list_filter = ["status", "source_kind", "match_kind", "organisation"]
    readonly_fields = [f.name for f in Alert._meta.fields]
