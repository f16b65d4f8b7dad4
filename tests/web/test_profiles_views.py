"""Profiles: the sites index, a site's profile and an entity's profile (figures, scoping, roles, audit)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from tipwatch.web.ads.models import Ad, Entity
from tipwatch.web.audit.models import AuditEvent
from tipwatch.web.profiles import aggregates
from tipwatch.web.profiles.aggregates import assessment_model, stacked_weekly, week_of
from web.factories import PASSWORD, PHONE, item, make_user, store

pytestmark = pytest.mark.django_db


def people_world(org):
    """Three ads on two sites sharing one phone, with names and ages, in two languages."""
    store(
        org,
        [
            item(
                "p1",
                "Lina 21 years, call 929 555 0147",
                city="Boston",
                posted_at="2026-03-02T10:00:00+00:00",
                url="https://ads.example.test/1",
                entities=[("phone", PHONE, "929 555 0147"), ("name", "lina", "Lina"), ("age", "21", "21")],
            ),
            item(
                "p2",
                "Lina 19, nueva, 929 555 0147",
                city="Chicago",
                lang="es",
                posted_at="2026-03-17T10:00:00+00:00",
                url="https://ads.example.test/2",
                entities=[("phone", PHONE, "929 555 0147"), ("name", "lina", "Lina"), ("age", "19", "19")],
            ),
            item(
                "p3",
                "Mia 24, call 929 555 0147",
                city="Chicago",
                posted_at="2026-03-18T10:00:00+00:00",
                url="https://other.example.test/3",
                entities=[("phone", PHONE, "929 555 0147"), ("name", "mia", "Mia"), ("age", "24", "24")],
            ),
            item(
                "p4",
                "nothing shared here",
                city="Denver",
                posted_at="2026-01-05T10:00:00+00:00",
                url="https://ads.example.test/4",
            ),
        ],
    )


def assess(org, ext_id: str, categories: list[str]) -> None:
    """Store an assessment whose indicators carry ``categories`` (fields filled from the model's schema)."""
    model = assessment_model()
    ad = Ad.objects.for_org(org).get(ext_id=ext_id)
    values = {
        "organisation": org,
        "ad": ad,
        "score": 50,
        "band": "review",
        "catalogue_version": "test",
        "indicators": [
            {
                "id": f"i{n}",
                "name": c,
                "category": c,
                "weight": 5,
                "start": 0,
                "end": 1,
                "field": "body",
                "matched": "x",
                "explanation": "test",
            }
            for n, c in enumerate(categories)
        ],
    }
    names = {f.name for f in model._meta.concrete_fields}
    defaults = {"catalogue_fingerprint": "f" * 64, "assessed_at": timezone.now(), "indicator_ids": ""}
    values.update({k: v for k, v in defaults.items() if k in names})
    model.objects.create(**values)


def test_week_of_and_stacked_weekly():
    assert week_of(date(2026, 3, 18)) == date(2026, 3, 16)
    rows = [
        (date(2026, 3, 2), "a", 1),
        (date(2026, 3, 17), "b", 2),
        (date(2026, 3, 18), "c", 1),
        (date(2026, 3, 18), "", 1),
        (None, "a", 9),
    ]
    data = stacked_weekly(rows, top=2)
    assert data["labels"] == ["2026-03-02", "2026-03-09", "2026-03-16"]
    assert data["datasets"] == [
        {"label": "b", "data": [0, 0, 2]},
        {"label": "a", "data": [1, 0, 0]},
        {"label": "other", "data": [0, 0, 2]},
    ]
    assert stacked_weekly([]) == {"labels": [], "datasets": []}


def test_site_index_counts_and_scoping(client_a, org_a, org_b):
    people_world(org_a)
    store(org_b, [item("b1", "org b ad", url="https://secret-b.example.test/1")])
    response = client_a.get(reverse("profiles:site_index"))
    rows = list(response.context["page"])
    assert [(r["site"], r["n"], r["cities"], r["languages"]) for r in rows] == [
        ("ads.example.test", 3, 3, 2),
        ("other.example.test", 1, 1, 1),
    ]
    assert "secret-b" not in response.content.decode()
    filtered = client_a.get(reverse("profiles:site_index"), {"q": "other"})
    assert [r["site"] for r in filtered.context["page"]] == ["other.example.test"]


def test_site_profile_figures(client_a, org_a):
    people_world(org_a)
    response = client_a.get(reverse("profiles:site", args=["ads.example.test"]))
    ctx = response.context
    assert ctx["total"] == 3
    weekly = ctx["weekly"]
    assert (
        weekly["unit"] == "week"
        and weekly["labels"][0] == "2026-01-05"
        and weekly["labels"][-1] == "2026-03-16"
    )
    assert sum(weekly["counts"]) == 3 and len(weekly["labels"]) == 11
    assert [(c["value"], c["n"]) for c in ctx["cities"]] == [("Boston", 1), ("Chicago", 1), ("Denver", 1)]
    assert [(c["value"], c["n"]) for c in ctx["language_counts"]] == [("en", 2), ("es", 1)]
    assert ctx["language_bars"]["labels"] == ["en", "es"]
    types = {t["entity__type"]: (t["entities"], t["ads"]) for t in ctx["entity_types"]}
    assert types == {"phone": (1, 2), "name": (1, 2), "age": (2, 2)}
    assert [(c["value"], c["ads"], c["sites"]) for c in ctx["contacts"]] == [(PHONE, 2, 2)]
    text = response.content.decode()
    assert 'data-chart="chart-weekly"' in text and 'data-stacked="chart-cities"' in text
    assert 'src="/static/profiles/profiles.js"' in text
    event = AuditEvent.objects.filter(action="profile.site.view").latest("seq")
    assert event.detail == {"site": "ads.example.test", "ads": 3}


def test_site_profile_unknown_or_foreign_site_is_404(client_a, org_a, org_b):
    people_world(org_a)
    store(org_b, [item("b1", "org b ad", url="https://secret-b.example.test/1")])
    assert client_a.get(reverse("profiles:site", args=["secret-b.example.test"])).status_code == 404
    assert client_a.get(reverse("profiles:site", args=["nowhere.test"])).status_code == 404


def test_entity_profile_figures(client_a, org_a):
    people_world(org_a)
    phone = Entity.objects.for_org(org_a).get(value=PHONE)
    response = client_a.get(reverse("profiles:entity", args=[phone.pk]))
    ctx = response.context
    assert ctx["total"] == 3
    assert ctx["weekly"]["labels"] == ["2026-03-02", "2026-03-09", "2026-03-16"]
    assert ctx["weekly"]["counts"] == [1, 0, 2]
    assert ctx["city_weeks"]["datasets"] == [
        {"label": "Chicago", "data": [0, 0, 2]},
        {"label": "Boston", "data": [1, 0, 0]},
    ]
    assert [(p["value"], p["ads"]) for p in ctx["names"]] == [("lina", 2), ("mia", 1)]
    assert [p["value"] for p in ctx["ages"]] == ["19", "21", "24"]
    assert [(s["value"], s["n"]) for s in ctx["sites"]] == [
        ("ads.example.test", 2),
        ("other.example.test", 1),
    ]
    assert ctx["names"][0]["first"].date() == date(2026, 3, 2) and ctx["names"][0]["last"].date() == date(
        2026, 3, 17
    )
    assert AuditEvent.objects.filter(action="profile.entity.view", object_id=str(phone.pk)).exists()


def test_entity_profile_indicator_mix(client_a, org_a):
    people_world(org_a)
    assess(org_a, "p1", ["recruitment", "control"])
    assess(org_a, "p2", ["control", "control"])
    assess(org_a, "p3", [])
    phone = Entity.objects.for_org(org_a).get(value=PHONE)
    response = client_a.get(reverse("profiles:entity", args=[phone.pk]))
    mix = response.context["mix"]
    assert mix["labels"] == ["2026-03-02", "2026-03-09", "2026-03-16"]
    assert mix["datasets"] == [
        {"label": "control", "data": [1, 0, 1]},
        {"label": "recruitment", "data": [1, 0, 0]},
    ]
    assert 'data-stacked="chart-mix"' in response.content.decode()


def test_indicator_mix_without_assessments_installed(client_a, org_a, monkeypatch):
    people_world(org_a)
    monkeypatch.setattr(aggregates, "assessment_model", lambda: None)
    phone = Entity.objects.for_org(org_a).get(value=PHONE)
    response = client_a.get(reverse("profiles:entity", args=[phone.pk]))
    assert response.context["mix"] is None
    assert "Assessments are not available" in response.content.decode()


def test_entity_profile_scoping_and_roles(client, django_user_model, org_a, org_b):
    people_world(org_a)
    phone = Entity.objects.for_org(org_a).get(value=PHONE)
    outsider = make_user(django_user_model, org_b, "analyst")
    assert client.login(username=outsider.username, password=PASSWORD)
    assert client.get(reverse("profiles:entity", args=[phone.pk])).status_code == 404
    client.logout()
    caseworker = make_user(django_user_model, org_a, "caseworker")
    assert client.login(username=caseworker.username, password=PASSWORD)
    assert client.get(reverse("profiles:entity", args=[phone.pk])).status_code == 403
    assert client.get(reverse("profiles:site_index")).status_code == 403
    assert client.get(reverse("profiles:site", args=["ads.example.test"])).status_code == 403
    client.logout()
    assert client.get(reverse("profiles:site_index")).status_code == 302
