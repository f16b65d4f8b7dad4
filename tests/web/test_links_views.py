"""Operation, template, graph, explain and export pages: content, tenancy, roles, audit."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tipwatch.web.ads.models import Ad, Entity
from tipwatch.web.audit.models import AuditEvent
from tipwatch.web.links.models import Operation, Template
from tipwatch.web.links.services import relink
from web.factories import PASSWORD, PHONE, item, make_user, store, world

pytestmark = pytest.mark.django_db

BODY = (
    "Hello gentlemen, my name is {name} and I am new in {city}. Sweet, discreet and always smiling, "
    "I offer a relaxing time in my private apartment near the station. Incall and outcall all day "
    "and all night, no rush. Write to {email} and ask for the special welcome."
)


@pytest.fixture
def linked(org_a):
    """world(): a1-a3 share a phone (operation 1), a4 stands alone; t1-t2 share a template and
    an email (operation 2)."""
    world(org_a)
    store(
        org_a,
        [
            item(
                f"t{i}",
                BODY.format(name=name, city=city, email="rosa.test@example.org"),
                city=city,
                posted_at=f"2026-04-0{i}T10:00:00+00:00",
                entities=[
                    ("email", "rosa.test@example.org", "rosa.test@example.org"),
                    ("location", city, city),
                ],
            )
            for i, (name, city) in enumerate([("Rosa", "Reno"), ("Ines", "Tampa")], 1)
        ],
        source_name="second",
    )
    relink(org_a)
    ads = {a.ext_id: a for a in Ad.objects.for_org(org_a)}
    op = Operation.objects.for_org(org_a).get(links__ad=ads["a1"])
    return {"ads": ads, "op": op}


def test_operation_list_is_sorted_and_shows_top_contacts(client_a, linked):
    r = client_a.get("/operations/?sort=cities")
    html = r.content.decode()
    assert r.status_code == 200
    assert html.index(linked["op"].key) < html.index(Operation.objects.exclude(pk=linked["op"].pk).get().key)
    assert f"phone:{PHONE}" in html
    assert client_a.get("/operations/?sort=bogus").status_code == 200


def test_operation_page_lists_ads_entities_cities_templates_and_graph(client_a, linked):
    op = linked["op"]
    html = client_a.get(f"/operations/{op.key}/").content.decode()
    for ext in ("a1", "a2", "a3"):
        assert f"/ads/{linked['ads'][ext].pk}/" in html
    assert f"/ads/{linked['ads']['a4'].pk}/" not in html
    assert PHONE in html and "Boston" in html and "Chicago" in html
    assert 'id="tw-graph"' in html and f'data-url="/operations/{op.key}/graph.json"' in html
    assert "vendor/cytoscape/cytoscape.min.js" in html and "tipwatch/graph.js" in html
    assert "<script>" not in html  # CSP: no inline script
    assert f"/operations/{op.key}/explain?a={linked['ads']['a1'].pk}&amp;b={linked['ads']['a3'].pk}" in html
    assert AuditEvent.objects.filter(action="operation.view", object_id=str(op.pk)).count() == 1


def test_graph_json_has_ads_and_keys_and_expand_brings_in_carriers(client_a, linked):
    op = linked["op"]
    data = client_a.get(f"/operations/{op.key}/graph.json").json()
    ids = {n["data"]["id"] for n in data["nodes"]}
    assert {f"ad:{linked['ads'][e].pk}" for e in ("a1", "a2", "a3")} <= ids
    assert f"phone:{PHONE}" in ids and "email:lola.test@example.org" in ids
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in data["edges"])
    # expanding the phone from the other operation's page brings in the three ads outside it
    other = Operation.objects.for_org(linked["op"].organisation).exclude(pk=op.pk).get()
    more = client_a.get(f"/operations/{other.key}/graph.json", {"expand": f"phone:{PHONE}"}).json()
    ads = {n["data"]["id"]: n["data"] for n in more["nodes"] if n["data"]["kind"] == "ad"}
    assert set(ads) == {f"ad:{linked['ads'][e].pk}" for e in ("a1", "a2", "a3")}
    assert all(d["outside"] and d["operation"] == op.key for d in ads.values())
    assert client_a.get(f"/operations/{op.key}/graph.json", {"expand": "phone:+10000000000"}).json() == {
        "nodes": [],
        "edges": [],
    }
    expand_events = AuditEvent.objects.filter(action="operation.graph", detail__expand="phone")
    assert expand_events.count() == 2 and PHONE not in json.dumps(list(expand_events.values("detail")))


def test_explain_shows_the_path_and_the_shared_keys(client_a, linked):
    op, ads = linked["op"], linked["ads"]
    html = client_a.get(
        f"/operations/{op.key}/explain", {"a": ads["a1"].pk, "b": ads["a3"].pk}
    ).content.decode()
    assert "The shortest chain: 1 step" in html and PHONE in html
    phone = Entity.objects.for_org(op.organisation).get(value=PHONE)
    assert f"/entities/{phone.pk}/" in html
    html = client_a.get(
        f"/operations/{op.key}/explain", {"a": ads["a1"].pk, "b": ads["t1"].pk}
    ).content.decode()
    assert "These two ads are not linked" in html
    for a, b in (("x", "1"), ("9" * 40, "1"), ("-3", "1"), ("", "")):
        assert client_a.get(f"/operations/{op.key}/explain", {"a": a, "b": b}).status_code == 400
    assert (
        client_a.get(f"/operations/{op.key}/explain", {"a": 99999999, "b": ads["a1"].pk}).status_code == 404
    )


def test_exports_carry_ads_entities_and_links_with_via_keys(client_a, linked):
    op, ads = linked["op"], linked["ads"]
    r = client_a.get(f"/operations/{op.key}.json")
    assert r.status_code == 200 and f"{op.key}.json" in r["Content-Disposition"]
    data = r.json()
    assert data["operation"]["key"] == op.key and data["operation"]["size"] == 3
    assert [a["ext_id"] for a in data["ads"]] == ["a1", "a2", "a3"]
    assert data["ads"][1]["city"] == "Chicago" and data["ads"][1]["posted_at"].startswith("2026-03-08")
    assert f"phone:{PHONE}" in data["ads"][0]["contacts"]
    assert {(e["type"], e["value"], e["ads"]) for e in data["entities"]} >= {("phone", PHONE, 3)}
    pairs = {(link["a"], link["b"]): link["via"] for link in data["links"]}
    assert pairs[(ads["a1"].pk, ads["a2"].pk)] == [f"phone:{PHONE}"]
    r = client_a.get(f"/operations/{op.key}.csv")
    assert r["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode())))
    assert [row["ext_id"] for row in rows] == ["a1", "a2", "a3"]
    assert f"{ads['a2'].pk} via phone:{PHONE}" in rows[0]["links"]
    assert AuditEvent.objects.filter(action="operation.export").count() == 2


def test_template_page_highlights_the_slots(client_a, linked):
    tpl = Template.objects.for_org(linked["op"].organisation).get()
    html = client_a.get(f"/templates/{tpl.key}/").content.decode()
    assert "relaxing time in my private apartment" in html
    assert '<mark class="slot slot-location"' in html and "Reno" in html and "Tampa" in html
    assert f"/ads/{linked['ads']['t1'].pk}/" in html


def test_ad_and_entity_pages_link_to_the_operation(client_a, linked):
    op, ads = linked["op"], linked["ads"]
    html = client_a.get(f"/ads/{ads['a2'].pk}/").content.decode()
    assert f'href="/operations/{op.key}/"' in html
    phone = Entity.objects.for_org(op.organisation).get(value=PHONE)
    assert f'href="/operations/{op.key}/"' in client_a.get(f"/entities/{phone.pk}/").content.decode()
    assert f'href="/operations/{op.key}/"' not in client_a.get(f"/ads/{ads['a4'].pk}/").content.decode()


def _urls(linked) -> list[str]:
    op, ads = linked["op"], linked["ads"]
    tpl = Template.objects.for_org(op.organisation).get()
    return [
        f"/operations/{op.key}/",
        f"/operations/{op.key}.csv",
        f"/operations/{op.key}.json",
        f"/operations/{op.key}/graph.json",
        f"/operations/{op.key}/graph.json?expand=phone:{PHONE}",
        f"/operations/{op.key}/explain?a={ads['a1'].pk}&b={ads['a2'].pk}",
        f"/templates/{tpl.key}/",
    ]


def test_another_organisation_gets_404_everywhere(client, linked, org_b, django_user_model):
    world(org_b)
    relink(org_b)  # org B has an operation too, under its own key
    user = make_user(django_user_model, org_b, "analyst")
    assert client.login(username=user.username, password=PASSWORD)
    for url in _urls(linked):
        assert client.get(url).status_code == 404, url
    html = client.get("/operations/").content.decode()
    assert linked["op"].key not in html


def test_caseworkers_are_refused(client, linked, django_user_model):
    user = make_user(django_user_model, linked["op"].organisation, "caseworker")
    assert client.login(username=user.username, password=PASSWORD)
    for url in [*_urls(linked), "/operations/"]:
        assert client.get(url).status_code == 403, url


def test_anonymous_users_go_to_the_login_page(client, linked):
    r = client.get(f"/operations/{linked['op'].key}/graph.json")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
