"""load_demo and ensure_demo_users, with a small stand-in generator (same API as tipwatch.demo)."""

from __future__ import annotations

import json
import stat

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

import tipwatch.demo
from tipwatch.web.accounts.models import Membership, Organisation
from tipwatch.web.ads.models import Ad, IngestRun
from tipwatch.web.audit.models import AuditEvent
from tipwatch.web.demo import ensure_demo_users, load_demo

pytestmark = pytest.mark.django_db

CITIES = ["Boston", "Chicago", "Denver"]


def fake_generate(seed: int, n_ads: int):
    for i in range(n_ads):
        ad = {
            "id": f"s{seed}-{i}",
            "title": f"Ad {i} of world {seed}",
            "body": f"Sweet and new, write to girl{i % 7}.test@example.org, seed {seed} number {i}",
            "city": CITIES[i % 3],
            "country": "US",
            "posted_at": f"2026-03-{1 + i % 28:02d}T12:00:00+00:00",
            "url": f"https://ads.example.test/{seed}/{i}",
        }
        yield ad, {"operation": f"op{i % 5}"}


@pytest.fixture(autouse=True)
def _generator(monkeypatch):
    monkeypatch.setattr(tipwatch.demo, "generate", fake_generate, raising=False)


def test_load_demo_creates_orgs_and_ads_idempotently():
    seen = []
    summary = load_demo(seed=3, n_ads=1200, progress=lambda done, total: seen.append((done, total)))
    demo = Organisation.objects.get(name="Demo Anti-Trafficking Unit")
    partner = Organisation.objects.get(name="Partner NGO")
    assert demo.default_region == "US"
    assert summary["new"] == 1200 and summary["duplicate"] == 0 and summary["rejected"] == 0
    assert Ad.objects.for_org(demo).count() == 1200
    assert Ad.objects.for_org(partner).count() == summary["partner_new"] == 100
    assert seen[-1] == (1200, 1200) and len(seen) >= 3
    run = IngestRun.objects.for_org(demo).get()
    assert run.status == "completed" and run.new == 1200 and run.params == {"seed": 3, "n_ads": 1200}
    runs_before = IngestRun.objects.count()
    again = load_demo(seed=3, n_ads=1200)
    assert again["new"] == 0 and again["partner_new"] == 0
    assert IngestRun.objects.count() == runs_before
    assert Ad.objects.count() == 1300
    assert AuditEvent.objects.filter(action="ingest.finish").count() == 2


def test_interrupted_load_is_completed_by_the_next_call(monkeypatch):
    def dying(seed, n_ads):
        for n, pair in enumerate(fake_generate(seed, n_ads)):
            if n == 700:
                raise KeyboardInterrupt
            yield pair

    monkeypatch.setattr(tipwatch.demo, "generate", dying)
    with pytest.raises(KeyboardInterrupt):
        load_demo(seed=5, n_ads=1000)
    demo = Organisation.objects.get(slug="demo-unit")
    assert IngestRun.objects.for_org(demo).get().status == "interrupted"
    assert Ad.objects.for_org(demo).count() == 500  # the first whole batch
    monkeypatch.setattr(tipwatch.demo, "generate", fake_generate)
    summary = load_demo(seed=5, n_ads=1000)
    assert (summary["new"], summary["duplicate"]) == (500, 500)
    assert Ad.objects.for_org(demo).count() == 1000


def test_demo_users_one_per_role_stable_passwords(settings, client):
    first = ensure_demo_users()
    assert sorted(u["role"] for u in first) == sorted(
        ["analyst", "hotline_operator", "caseworker", "investigator", "org_admin", "platform_admin"]
    )
    assert all(u["organisation"] == "Demo Anti-Trafficking Unit" for u in first)
    assert len({u["password"] for u in first}) == 6
    path = settings.TIPWATCH_HOME / "demo_logins.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == {u["username"]: u["password"] for u in first}
    assert ensure_demo_users() == first
    analyst = next(u for u in first if u["role"] == "analyst")
    assert client.login(username=analyst["username"], password=analyst["password"])
    admin = get_user_model().objects.get(
        username=next(u for u in first if u["role"] == "platform_admin")["username"]
    )
    assert admin.is_staff and admin.is_superuser
    assert Membership.objects.count() == 6


def test_demo_users_get_new_password_when_file_is_lost(settings):
    first = ensure_demo_users()
    (settings.TIPWATCH_HOME / "demo_logins.json").unlink()
    second = ensure_demo_users()
    assert [u["username"] for u in second] == [u["username"] for u in first]
    assert all(a["password"] != b["password"] for a, b in zip(first, second, strict=True))
    assert get_user_model().objects.get(username="analyst").check_password(second[0]["password"])


def test_load_demo_command(capsys):
    call_command("load_demo", "--seed", "9", "--ads", "30")
    out = capsys.readouterr().out
    assert "30 new ads" in out
    assert "analyst" in out
    assert "password" not in out.replace("(password in demo_logins.json)", "")
