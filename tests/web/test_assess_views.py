"""The review queue (order, filters, roles, tenancy), decisions via htmx, the feedback export, the ad page."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from tipwatch.web.ads.models import Ad
from tipwatch.web.assess.models import Assessment, ReviewDecision
from tipwatch.web.assess.services import assess_ads
from tipwatch.web.audit.models import AuditEvent
from web.factories import PASSWORD, item, make_user, store

pytestmark = pytest.mark.django_db


def _assessment(org, ext_id, score, band, ids=("recruit.upfront_fee",), site_url=None, title=None):
    store(org, [item(ext_id, f"body of {ext_id}", title=title or ext_id, url=site_url)])
    ad = Ad.objects.for_org(org).get(ext_id=ext_id)
    fired = [
        {
            "id": i,
            "name": i.split(".")[-1],
            "category": "deceptive_recruitment",
            "weight": 10,
            "explanation": f"because {i}",
            "matched": "",
            "start": None,
            "end": None,
            "field": None,
            "public": True,
        }
        for i in ids
    ]
    return Assessment.objects.create(
        organisation=org,
        ad=ad,
        score=score,
        band=band,
        catalogue_version="1.0.0",
        catalogue_fingerprint="f" * 64,
        indicators=fired,
        indicator_ids=f" {' '.join(sorted(ids))} " if ids else "",
        assessed_at=timezone.now(),
    )


@pytest.fixture
def queue_a(org_a):
    return {
        "h70": _assessment(org_a, "h70", 70, "high", ("recruit.upfront_fee", "recruit.send_photos")),
        "h90": _assessment(org_a, "h90", 90, "high", site_url="https://jobs.example.test/1"),
        "r40": _assessment(org_a, "r40", 40, "review", ("recruit.send_photos",)),
        "r55": _assessment(org_a, "r55", 55, "review", ("contact.messenger_only",)),
        "low": _assessment(org_a, "low", 10, "low"),
    }


def _order(response):
    return [a.ad.ext_id for a in response.context["page"]]


def test_queue_orders_high_then_review_by_score_unreviewed_first(client_a, queue_a, analyst, org_a):
    url = reverse("review_queue")
    assert _order(client_a.get(url)) == ["h90", "h70", "r55", "r40"]  # "low" never queues
    ReviewDecision.objects.create(
        organisation=org_a,
        ad=queue_a["h90"].ad,
        score=90,
        band="high",
        catalogue_version="1.0.0",
        decision="dismiss",
        reason="benign",
        user=analyst,
        decided_at=timezone.now(),
    )
    response = client_a.get(url)
    assert _order(response) == ["h70", "r55", "r40", "h90"]
    assert response.context["open_count"] == 3


def test_queue_filters(client_a, queue_a):
    url = reverse("review_queue")
    assert _order(client_a.get(url, {"band": "review"})) == ["r55", "r40"]
    assert _order(client_a.get(url, {"indicator": "recruit.send_photos"})) == ["h70", "r40"]
    assert _order(client_a.get(url, {"indicator": "recruit.send"})) == []  # whole ids only
    assert _order(client_a.get(url, {"site": "jobs.example.test"})) == ["h90"]
    assert _order(client_a.get(url, {"status": "done"})) == []
    assert _order(client_a.get(url, {"status": "open", "band": "high"})) == ["h90", "h70"]
    partial = client_a.get(url, {"band": "high"}, HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="queue-results">') and "<html" not in partial


def test_queue_is_for_analyst_roles_and_own_organisation(client, django_user_model, org_a, org_b, queue_a):
    case = make_user(django_user_model, org_a, "caseworker")
    client.login(username=case.username, password=PASSWORD)
    assert client.get(reverse("review_queue")).status_code == 403
    client.logout()
    other = make_user(django_user_model, org_b, "analyst")
    client.login(username=other.username, password=PASSWORD)
    assert _order(client.get(reverse("review_queue"))) == []
    response = client.post(
        reverse("review_decide", args=[queue_a["h90"].pk]), {"decision": "accept", "reason": "referred"}
    )
    assert response.status_code == 404
    assert not ReviewDecision.objects.exists()
    client.logout()
    assert client.get(reverse("review_queue")).status_code == 302


def test_nav_shows_review_link_to_analysts_only(client_a, client, django_user_model, org_a):
    assert reverse("review_queue") in client_a.get(reverse("ad_list")).content.decode()
    client_a.logout()
    case = make_user(django_user_model, org_a, "hotline_operator")
    client.login(username=case.username, password=PASSWORD)
    page = client.get(reverse("ad_list")).content.decode()
    assert reverse("review_queue") not in page
    assert reverse("check_offer") in page


def test_decide_with_htmx_stores_snapshot_and_audits(client_a, queue_a, analyst, org_a):
    target = queue_a["h70"]
    response = client_a.post(
        reverse("review_decide", args=[target.pk]),
        {"decision": "accept", "reason": "indicators_correct", "note": "recruiter known from case 12"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="review-{target.pk}"') and "Accepted" in html
    decision = ReviewDecision.objects.get()
    assert (decision.decision, decision.reason, decision.user, decision.ad_id) == (
        "accept",
        "indicators_correct",
        analyst,
        target.ad_id,
    )
    assert (decision.score, decision.band, decision.catalogue_version) == (70, "high", "1.0.0")
    assert decision.indicator_ids == ["recruit.send_photos", "recruit.upfront_fee"]
    event = AuditEvent.objects.get(action="review.decide")
    assert event.object_id == str(target.ad_id) and event.actor_id == analyst.pk
    assert event.detail["decision"] == "accept" and event.detail["has_note"] is True
    assert "case 12" not in json.dumps(event.detail)  # free text stays out of the audit log
    # A later rescore does not change what was judged.
    Assessment.objects.filter(pk=target.pk).update(score=12, band="low")
    decision.refresh_from_db()
    assert decision.score == 70


def test_decide_without_htmx_redirects_and_rejects_bad_input(client_a, queue_a):
    url = reverse("review_decide", args=[queue_a["r40"].pk])
    response = client_a.post(url, {"decision": "dismiss", "reason": "false_positive"})
    assert response.status_code == 302 and response["Location"] == reverse("review_queue")
    assert client_a.post(url, {"decision": "maybe", "reason": "benign"}).status_code == 400
    htmx = client_a.post(url, {"decision": "accept"}, HTTP_HX_REQUEST="true")
    assert "Choose a decision and a reason." in htmx.content.decode()
    assert client_a.get(url).status_code == 405
    assert ReviewDecision.objects.count() == 1


def _decide(client, assessment, decision, reason, note=""):
    client.post(
        reverse("review_decide", args=[assessment.pk]), {"decision": decision, "reason": reason, "note": note}
    )


def test_export_jsonl_has_evaluate_records_with_latest_label(client_a, queue_a, org_a):
    _decide(client_a, queue_a["h90"], "accept", "referred")
    _decide(client_a, queue_a["h90"], "dismiss", "benign", "second look: a real agency")
    _decide(client_a, queue_a["r40"], "accept", "indicators_correct")
    response = client_a.get(reverse("review_export", args=["jsonl"]))
    assert response["Content-Type"].startswith("application/x-ndjson")
    assert "attachment;" in response["Content-Disposition"]
    records = [json.loads(line) for line in response.content.decode().splitlines()]
    by_id = {r["id"]: r for r in records}
    assert set(by_id) == {"h90", "r40"}
    assert by_id["h90"]["label"] == 0 and by_id["h90"]["reason"] == "benign"
    assert by_id["r40"]["label"] == 1 and by_id["r40"]["indicators"] == ["recruit.send_photos"]
    assert by_id["h90"]["body"] == "body of h90" and by_id["h90"]["url"] == "https://jobs.example.test/1"
    assert {"title", "body", "country", "lang", "score", "band", "catalogue_version"} <= set(by_id["r40"])
    from tipwatch.engine.types import ad_from_dict

    assert ad_from_dict(by_id["r40"]).body == "body of r40"  # readable as an engine ad
    assert AuditEvent.objects.filter(action="review.export", detail__records=2).exists()


def test_export_csv(client_a, queue_a):
    _decide(client_a, queue_a["h70"], "accept", "linked_to_case", 'quote "x", comma')
    response = client_a.get(reverse("review_export", args=["csv"]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    assert rows[0]["id"] == "h70" and rows[0]["label"] == "1"
    assert rows[0]["indicators"] == "recruit.send_photos recruit.upfront_fee"
    assert rows[0]["note"] == 'quote "x", comma'
    assert client_a.get("/review/export.xml").status_code == 404


def test_export_is_scoped_to_the_organisation(client, django_user_model, client_a, queue_a, org_b):
    _decide(client_a, queue_a["h70"], "accept", "referred")
    client_a.logout()
    other = make_user(django_user_model, org_b, "analyst")
    client.login(username=other.username, password=PASSWORD)
    assert client.get(reverse("review_export", args=["jsonl"])).content == b""


def test_ad_page_shows_score_and_marks_indicator_spans(client_a, org_a):
    body = "Waitress in Italy, no experience, 3000 EUR/month, visa and tickets paid, urgent departure"
    store(org_a, [item("d1", body, title="Italy <job>")])
    ad = Ad.objects.for_org(org_a).get(ext_id="d1")
    assess_ads(org_a, Ad.objects.for_org(org_a))
    assessment = Assessment.objects.get(ad=ad)
    html = client_a.get(reverse("ad_detail", args=[ad.pk])).content.decode()
    assert f'<span class="score score-{assessment.band}">{assessment.score}</span>' in html
    assert "Italy &lt;job&gt;" in html
    spans = [d for d in assessment.indicators if d["field"] == "body" and d["start"] is not None]
    assert spans, "the offer fires indicators with spans"
    for d in spans:
        assert f'<tr data-indicator="{d["id"]}">' in html
    assert '<mark class="ind" title=' in html
    assert any(f">{body[d['start'] : d['end']]}</mark>" in html for d in spans)


def test_ad_page_without_assessment_still_renders(client_a, world_a, org_a):
    ad = Ad.objects.for_org(org_a).get(ext_id="a1")
    html = client_a.get(reverse("ad_detail", args=[ad.pk])).content.decode()
    assert 'class="ent ent-phone"' in html and "score-" not in html
