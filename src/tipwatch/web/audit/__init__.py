"""Append-only, hash-chained audit log.

    from tipwatch.web import audit
    audit.record("ad.view", actor=request.user, organisation=request.organisation, obj=ad)
    result = audit.verify()   # VerifyResult(ok=True, checked=42, first_bad_seq=None, reason="")

Each event's ``hash`` is SHA-256 over the canonical JSON of the event plus the previous
event's hash, so changing, removing or reordering any row breaks the chain at that row.
``detail`` must never hold raw personal data of victims (search queries are fine).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tipwatch.web.audit.service import VerifyResult

__all__ = ["VerifyResult", "record", "verify"]


def record(action: str, *, actor=None, organisation=None, obj=None, **detail: Any):
    """Append one event; returns the saved ``AuditEvent``. See :func:`service.record`."""
    from tipwatch.web.audit.service import record as _record

    return _record(action, actor=actor, organisation=organisation, obj=obj, **detail)


def verify() -> VerifyResult:
    """Re-compute the whole chain; see :func:`service.verify`."""
    from tipwatch.web.audit.service import verify as _verify

    return _verify()


def __getattr__(name: str):
    if name == "VerifyResult":
        from tipwatch.web.audit.service import VerifyResult

        return VerifyResult
    raise AttributeError(name)
