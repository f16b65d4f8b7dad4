"""From an ad to its operation: the map, the graph, and expanding a key node by double-click."""

from __future__ import annotations

import pytest

from tipwatch.web.accounts.models import Organisation
from tipwatch.web.demo import DEMO_ORG
from tipwatch.web.links.graphdata import org_graph
from tipwatch.web.links.models import Operation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _start(org):
    """An operation, one of its ads, and a key of that ad also carried by ads outside it."""
    og = org_graph(org)
    for op in Operation.objects.for_org(org).order_by("-size"):
        pks = set(op.links.values_list("ad_id", flat=True))
        for pk in sorted(pks):
            for key in og.live_keys(pk):
                if set(og.key_ads[key]) - pks:
                    return op, pk, key
    raise AssertionError("the demo world has no key shared beyond an operation")


def test_from_an_ad_to_its_operation_map_and_expandable_graph(live_server, page, demo, tmp_path_factory):
    org = Organisation.objects.get(slug=DEMO_ORG["slug"])
    op, ad_pk, key = _start(org)
    assert op.size > 1
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    analyst = demo["analyst"]
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", analyst["username"])
    page.fill("#id_password", analyst["password"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/ads/{ad_pk}/")
    page.click("a.operation-link")
    page.wait_for_url(f"{live_server.url}/operations/{op.key}/")

    page.wait_for_selector(".tw-map.leaflet-container")
    # the offline base map (bundled Natural Earth outlines) loaded, and the cities are drawn on it
    page.wait_for_selector(".tw-map[data-base-loaded='1']")
    assert page.locator(".tw-map .leaflet-twBase-pane path").count() > 100
    assert page.locator(".tw-map .leaflet-overlay-pane path.leaflet-interactive").count() >= 1
    assert page.locator("svg.tw-timeline rect.stay").count() >= 1
    page.wait_for_function("() => window.twGraph && window.twGraph.nodes().length > 1")
    page.wait_for_selector("#tw-graph[data-ready='1']")
    before = page.evaluate("() => window.twGraph.nodes().length")

    # Zoom onto the key node so a real double-click lands on it, then double-click.
    point = page.evaluate(
        """(id) => {
            const cy = window.twGraph, node = cy.getElementById(id);
            cy.zoom(2.5); cy.center(node);
            const p = node.renderedPosition(), box = cy.container().getBoundingClientRect();
            return {x: box.left + p.x, y: box.top + p.y};
        }""",
        key,
    )
    page.mouse.dblclick(point["x"], point["y"])
    page.wait_for_function("(n) => window.twGraph.nodes().length > n", arg=before)
    after = page.evaluate("() => window.twGraph.nodes().length")
    assert after > before
    outside = page.evaluate("() => window.twGraph.nodes('[?outside]').length")
    assert outside >= 1
    # the click also showed the key's details in the side panel
    assert page.locator("#tw-graph-details dl").count() == 1
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    # the shared photos render (thumbnails served by our own view, org-checked)
    photo = page.locator("ul.photos img").first
    photo.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const i = document.querySelector('ul.photos img'); return i && i.complete && i.naturalWidth > 0; }"
    )
    page.screenshot(path=str(tmp_path_factory.mktemp("shots") / "operation.png"), full_page=True)
