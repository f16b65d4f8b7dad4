"""The audit chain: append, verify, tamper detection, immutability."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from tipwatch.web import audit
from tipwatch.web.audit.models import AuditEvent, AuditImmutableError

pytestmark = pytest.mark.django_db


def _events(n=5):
    return [audit.record("search", query=f"q{i}", hits=i) for i in range(n)]


def test_records_chain_and_verify_ok(org_a, analyst):
    events = _events(3)
    ev = audit.record("ad.view", actor=analyst, organisation=org_a, obj=org_a, note="x")
    assert [e.seq for e in events] == [1, 2, 3]
    assert ev.seq == 4
    assert ev.prev_hash == events[-1].hash
    assert ev.actor_id == analyst.pk
    assert ev.organisation_id == org_a.pk
    assert ev.object_type == "accounts.organisation"
    assert ev.object_id == str(org_a.pk)
    assert audit.verify() == audit.VerifyResult(ok=True, checked=4, first_bad_seq=None, reason="")


def test_empty_log_verifies():
    assert audit.verify().ok is True


def _tamper(sql, params):
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # The append-only trigger would stop us: a real attacker with table ownership can do this.
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cur.execute(sql, params)


def test_raw_sql_update_breaks_chain_at_that_seq():
    _events(5)
    _tamper("UPDATE audit_auditevent SET action = %s WHERE seq = %s", ["tampered", 3])
    result = audit.verify()
    assert result.ok is False
    assert result.first_bad_seq == 3
    assert result.checked == 2
    assert "#3" in result.reason


def test_raw_sql_detail_update_is_detected():
    _events(4)
    _tamper("UPDATE audit_auditevent SET detail = %s WHERE seq = %s", ['{"query": "other", "hits": 1}', 2])
    assert audit.verify().first_bad_seq == 2


def test_deleted_middle_row_is_detected():
    _events(5)
    _tamper("DELETE FROM audit_auditevent WHERE seq = %s", [4])
    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 4)


def test_deleted_tail_is_detected():
    _events(5)
    _tamper("DELETE FROM audit_auditevent WHERE seq = %s", [5])
    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 5)


def test_orm_cannot_change_or_delete():
    ev = _events(1)[0]
    ev.action = "changed"
    with pytest.raises(AuditImmutableError):
        ev.save()
    with pytest.raises(AuditImmutableError):
        ev.delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(seq=1).update(action="x")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(seq=1).action == "search"
    assert audit.verify().ok


def test_database_rejects_raw_update_on_postgresql_only_where_installed():
    _events(2)
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cur:
                cur.execute("UPDATE audit_auditevent SET action = 'x' WHERE seq = 1")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cur:
                cur.execute("DELETE FROM audit_auditevent WHERE seq = 1")
    else:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_auditevent'"
            )
            assert cur.fetchone()[0] == 0  # SQLite relies on the ORM guards above
    assert audit.verify().ok


def test_verify_audit_command(capsys):
    _events(3)
    call_command("verify_audit")
    assert "3 events verified" in capsys.readouterr().out
    _tamper("UPDATE audit_auditevent SET object_id = %s WHERE seq = %s", ["9", 1])
    with pytest.raises(CommandError, match="event #1"):
        call_command("verify_audit")


def test_detail_with_non_json_values_round_trips():
    import datetime

    audit.record("ingest.start", when=datetime.date(2026, 1, 2), n=1.5, nested={"a": [1, 2]})
    assert audit.verify().ok
