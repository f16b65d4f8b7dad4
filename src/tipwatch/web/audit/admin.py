from django.contrib import admin

from tipwatch.web.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only, even for platform admins."""

    list_display = ("seq", "at", "action", "actor_id", "organisation_id", "object_type", "object_id")
    list_filter = ("action",)
    ordering = ("-seq",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
