from django.apps import AppConfig

__all__ = ["AuditConfig"]


class AuditConfig(AppConfig):
    name = "tipwatch.web.audit"
    label = "audit"
    verbose_name = "Audit log"
