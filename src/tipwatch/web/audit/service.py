"""Appending to and verifying the audit chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import transaction
from django.utils import timezone

from tipwatch.web.audit.models import AuditChainHead, AuditEvent

__all__ = ["GENESIS_HASH", "VerifyResult", "event_hash", "record", "verify"]

GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None
    reason: str


def _jsonable(detail: dict[str, Any]) -> dict[str, Any]:
    # Round-trip once so what we hash is exactly what the JSON column gives back.
    return json.loads(json.dumps(detail, default=str, ensure_ascii=False))


def _at_text(at) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    *,
    seq: int,
    at,
    actor_id: int | None,
    organisation_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    detail: dict[str, Any],
    prev_hash: str,
) -> str:
    """SHA-256 (hex) of the canonical JSON of the event, followed by ``prev_hash``."""
    canonical = json.dumps(
        {
            "seq": seq,
            "at": _at_text(at),
            "actor": actor_id,
            "organisation": organisation_id,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "detail": detail,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256((canonical + prev_hash).encode("utf-8")).hexdigest()


def _pk(value) -> int | None:
    if value is None:
        return None
    pk = getattr(value, "pk", value)
    return int(pk) if pk is not None else None


def record(action: str, *, actor=None, organisation=None, obj=None, **detail: Any) -> AuditEvent:
    """Append one event to the chain and return it.

    ``actor`` is a user (or id; anonymous users count as None), ``organisation`` an
    Organisation (or id), ``obj`` any model instance (its type and pk are recorded).
    Keyword arguments go to ``detail``; never pass raw personal data of victims.
    """
    if actor is not None and getattr(actor, "is_authenticated", True) is False:
        actor = None
    object_type = obj._meta.label_lower if obj is not None and hasattr(obj, "_meta") else ""
    object_id = str(obj.pk) if obj is not None and hasattr(obj, "pk") else ""
    clean = _jsonable(detail)
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            AuditChainHead.objects.get_or_create(pk=1)
            head = AuditChainHead.objects.select_for_update().get(pk=1)
        seq = head.last_seq + 1
        at = timezone.now()
        fields = dict(
            seq=seq,
            at=at,
            actor_id=_pk(actor),
            organisation_id=_pk(organisation),
            action=action[:64],
            object_type=object_type[:64],
            object_id=object_id[:64],
            detail=clean,
            prev_hash=head.last_hash,
        )
        digest = event_hash(**fields)
        event = AuditEvent.objects.create(hash=digest, **fields)
        head.last_seq = seq
        head.last_hash = digest
        head.save(update_fields=["last_seq", "last_hash"])
    return event


def verify(*, chunk: int = 2000) -> VerifyResult:
    """Walk the chain in order, recomputing every hash.

    Fails at the first row whose seq is out of sequence, whose ``prev_hash`` does not match
    the previous row's hash, or whose own hash does not match its content; also when the
    chain ends before the head's last seq (rows removed from the tail).
    """
    # Read the head first and verify up to the seq it records: events appended while we walk
    # (every page view appends one) are not a break in the chain.
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        if AuditEvent.objects.exists():
            return VerifyResult(False, 0, 1, "the chain head is missing while events exist (tail deleted?)")
        return VerifyResult(True, 0, None, "")
    end = head.last_seq
    prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    last_seq = 0
    fields = ("seq", "at", "actor_id", "organisation_id", "action", "object_type", "object_id", "detail")
    while last_seq < end:
        rows = list(
            AuditEvent.objects.filter(seq__gt=last_seq, seq__lte=end)
            .order_by("seq")
            .values(*fields, "prev_hash", "hash")[:chunk]
        )
        if not rows:
            break
        for row in rows:
            seq = row["seq"]
            if seq != expected_seq:
                return VerifyResult(False, checked, expected_seq, f"event #{expected_seq} is missing")
            if row["prev_hash"] != prev:
                return VerifyResult(
                    False, checked, seq, f"event #{seq}: prev_hash does not match event #{seq - 1}"
                )
            digest = event_hash(**{k: row[k] for k in fields}, prev_hash=row["prev_hash"])
            if digest != row["hash"]:
                return VerifyResult(False, checked, seq, f"event #{seq}: content does not match its hash")
            prev = row["hash"]
            checked += 1
            expected_seq += 1
            last_seq = seq
    if last_seq != end or head.last_hash != prev:
        return VerifyResult(
            False, checked, last_seq + 1, f"chain ends at #{last_seq} but the head records #{end}"
        )
    return VerifyResult(True, checked, None, "")
