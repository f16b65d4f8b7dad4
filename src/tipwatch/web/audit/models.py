"""The audit log: append-only rows chained by SHA-256, and the one-row lock that serialises appends."""

from __future__ import annotations

from django.db import models

__all__ = ["AuditChainHead", "AuditEvent", "AuditImmutableError"]


class AuditImmutableError(RuntimeError):
    """Raised on any attempt to change or delete an audit event. Code: ``audit.immutable``."""

    code = "audit.immutable"


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutableError(
            "audit events cannot be updated (audit.immutable); append a new event instead"
        )

    def delete(self):
        raise AuditImmutableError("audit events cannot be deleted (audit.immutable)")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditImmutableError("audit events cannot be updated (audit.immutable)")

    def _raw_delete(self, using):
        raise AuditImmutableError("audit events cannot be deleted (audit.immutable)")

    def for_org(self, organisation):
        if organisation is None:
            return self.none()
        return self.filter(organisation_id=organisation.pk)


class AuditEvent(models.Model):
    """One audited action. Actor and organisation are plain ids, not foreign keys, so that
    deleting a user or an organisation can never cascade into (or be blocked by) the log."""

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    organisation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditImmutableError(f"audit event #{self.seq} cannot be changed (audit.immutable)")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutableError(f"audit event #{self.seq} cannot be deleted (audit.immutable)")


class AuditChainHead(models.Model):
    """A single row (id=1) locked with SELECT … FOR UPDATE while appending: it serialises
    concurrent writers and records the last seq and hash, so truncating the tail is detected."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
