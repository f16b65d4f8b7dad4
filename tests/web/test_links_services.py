"""relink: operations, templates and their keys, idempotence, increments, translations, tenancy."""

from __future__ import annotations

import pytest

from tipwatch.web.ads.models import Ad
from tipwatch.web.audit.models import AuditEvent
from tipwatch.web.links.graphdata import org_graph
from tipwatch.web.links.models import AdLink, AdTranslation, LinkState, Operation, Template
from tipwatch.web.links.services import relink
from web.factories import PHONE, PHONE_RAW, item, store, world

pytestmark = pytest.mark.django_db

BODY = (
    "Hello gentlemen, my name is {name} and I am new in {city}. Sweet, discreet and always smiling, "
    "I offer a relaxing time in my private apartment near the station. Incall and outcall all day "
    "and all night, no rush. Call me on {raw} and ask for the special welcome."
)
TEMPLATE_ADS = [
    ("Anna", "Boston", "(929) 555-0101", "+19295550101"),
    ("Mia", "Denver", "(929) 555-0102", "+19295550102"),
    ("Lola", "Austin", "(929) 555-0103", "+19295550103"),
]


def _tpl_item(i: int, name: str, city: str, raw: str, e164: str):
    return item(
        f"t{i}",
        BODY.format(name=name, city=city, raw=raw),
        city=city,
        posted_at=f"2026-04-{i + 1:02d}T10:00:00+00:00",
        entities=[("phone", e164, raw), ("location", city, city)],
    )


def _links(org) -> dict[str, tuple[str | None, str | None]]:
    return {
        link.ad.ext_id: (
            link.operation.key if link.operation else None,
            link.template.key if link.template else None,
        )
        for link in AdLink.objects.for_org(org).select_related("ad", "operation", "template")
    }


def test_relink_groups_ads_sharing_a_phone_into_one_operation(org_a):
    world(org_a)
    counts = relink(org_a)
    assert counts["ads"] == 4 and counts["operations"] == 1 and counts["linked_ads"] == 3
    op = Operation.objects.for_org(org_a).get()
    assert op.key.startswith("op-") and op.size == 3 and op.n_cities == 2
    assert op.first_seen.isoformat().startswith("2026-03-01") and op.last_seen.isoformat().startswith(
        "2026-03-20"
    )
    assert op.summary["top_contacts"][0][:2] == [f"phone:{PHONE}", 3]
    links = _links(org_a)
    assert {k for k, (o, _t) in links.items() if o == op.key} == {"a1", "a2", "a3"}
    assert links.get("a4", (None, None))[0] is None
    state = LinkState.objects.for_org(org_a).get()
    assert state.generation == 1 and state.counts["operations"] == 1


def test_relink_is_idempotent_and_audited_without_personal_data(org_a):
    world(org_a)
    first = relink(org_a)
    op = Operation.objects.for_org(org_a).get()
    second = relink(org_a)
    assert second["changed"] == 0 and first["changed"] > 0
    again = Operation.objects.for_org(org_a).get()
    assert (again.pk, again.key, again.updated_at) == (op.pk, op.key, op.updated_at)
    assert LinkState.objects.for_org(org_a).get().generation == 1  # nothing changed, no new generation
    events = AuditEvent.objects.filter(action="links.relink", organisation_id=org_a.pk)
    assert events.count() == 2
    detail = events.last().detail
    assert detail["operations"] == 1 and detail["ads"] == 4
    assert PHONE not in str(detail) and "929" not in str(detail)


def test_operation_keeps_its_key_when_a_new_ad_joins(org_a):
    world(org_a)
    relink(org_a)
    key = Operation.objects.for_org(org_a).get().key
    store(
        org_a,
        [
            item(
                "a5", f"Just arrived, call {PHONE_RAW}", city="Denver", entities=[("phone", PHONE, PHONE_RAW)]
            )
        ],
    )
    counts = relink(org_a)
    op = Operation.objects.for_org(org_a).get()
    assert op.key == key and op.size == 4 and op.n_cities == 3
    assert counts["changed"] > 0
    assert LinkState.objects.for_org(org_a).get().generation == 2


def test_templates_are_incremental_old_keys_stay_and_a_near_copy_joins(org_a):
    items = [_tpl_item(i, *spec) for i, spec in enumerate(TEMPLATE_ADS)]
    items.append(
        item("other", "Selling a blue bicycle, barely used, pick up only, cash please.", city="Austin")
    )
    store(org_a, items)
    relink(org_a)
    tpl = Template.objects.for_org(org_a).get()
    first_pk = Ad.objects.for_org(org_a).get(ext_id="t0").pk
    assert tpl.key == f"tpl-{first_pk}" and tpl.size == 3
    kinds = [p[1]["kind"] for p in tpl.description["parts"] if p[0] == "slot"]
    assert "phone" in kinds and "location" in kinds
    constant = " ".join(p[1] for p in tpl.description["parts"] if p[0] == "text")
    assert "relaxing time in my private apartment" in constant
    phone_slot = next(p[1] for p in tpl.description["parts"] if p[0] == "slot" and p[1]["kind"] == "phone")
    assert set(phone_slot["values"]) == {raw for _n, _c, raw, _e in TEMPLATE_ADS}

    # Later: one more near-copy and one unrelated ad arrive; only they are added to the saved index.
    seen: list[tuple[str, int, int]] = []
    store(
        org_a,
        [
            _tpl_item(7, "Zoe", "Miami", "(929) 555-0107", "+19295550107"),
            item("bike2", "Old guitar for sale, needs new strings, no offers.", city="Miami"),
        ],
        source_name="second",
    )
    relink(org_a, progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert [t for stage, _d, t in seen if stage == "templates"][-1] == 2  # not all 6 ads again
    again = Template.objects.for_org(org_a).get()
    assert again.pk == tpl.pk and again.key == tpl.key and again.size == 4
    links = _links(org_a)
    assert links["t7"][1] == tpl.key
    assert links.get("bike2", (None, None))[1] is None
    # Four one-off sellers (no contact group holds any of them): the hub guard cuts the template,
    # so it links nothing and no operation forms.
    og = org_graph(org_a)
    assert len(og.key_ads[f"template:{tpl.key}"]) == 4 and og.graph.is_hub(f"template:{tpl.key}")
    assert Operation.objects.for_org(org_a).count() == 0


def test_relink_touches_only_its_organisation(org_a, org_b):
    world(org_a)
    world(org_b)
    relink(org_a)
    assert Operation.objects.for_org(org_b).count() == 0
    assert AdLink.objects.for_org(org_b).count() == 0
    relink(org_b)
    op_a = Operation.objects.for_org(org_a).get()
    op_b = Operation.objects.for_org(org_b).get()
    # Same ads in both organisations: links never cross, each org has its own rows.
    assert op_a.pk != op_b.pk
    assert set(op_a.links.values_list("ad__organisation", flat=True)) == {org_a.pk}


def _demo_items(n: int, seed: int = 7):
    from tipwatch.demo import generate
    from tipwatch.engine.extract import extract_ad
    from tipwatch.engine.types import ad_from_dict

    items, truth = [], {}
    for ad_dict, t in generate(seed, n):
        ad = ad_from_dict(ad_dict)
        items.append((ad, extract_ad(ad)))
        truth[ad.id] = t
    return items, truth


def test_translated_ads_of_the_demo_world_are_stored_as_translations(org_a, client_a):
    items, truth = _demo_items(600)
    store(org_a, items)
    counts = relink(org_a)
    assert counts["translations"] > 0
    ext = dict(Ad.objects.for_org(org_a).values_list("pk", "ext_id"))
    found = {
        frozenset((ext[a], ext[b]))
        for a, b in AdTranslation.objects.for_org(org_a).values_list("ad_a_id", "ad_b_id")
    }
    planted = {frozenset((i, t["translation_of"])) for i, t in truth.items() if t["translation_of"]}
    assert planted, "the demo world plants translations"
    assert len(found & planted) >= 0.8 * len(planted)  # the engine's own bench measures recall 0.93
    assert all(t.ad_a_id < t.ad_b_id for t in AdTranslation.objects.for_org(org_a))
    assert relink(org_a)["changed"] == 0  # idempotent
    t = AdTranslation.objects.for_org(org_a).order_by("-score").first()
    html = client_a.get(f"/ads/{t.ad_a_id}/").content.decode()
    assert "Translations of this ad" in html and f'href="/ads/{t.ad_b_id}/"' in html


def test_the_saved_template_index_is_signed_and_rebuilt_when_stale(org_a, settings, caplog):
    from tipwatch.web.links.services import _index_path

    items = [_tpl_item(i, *spec) for i, spec in enumerate(TEMPLATE_ADS)]
    store(org_a, items)
    relink(org_a)
    path = _index_path(org_a)
    assert path.exists() and (path.stat().st_mode & 0o777) == 0o600
    key = Template.objects.for_org(org_a).get().key

    extra = iter(range(100))

    def templates_total() -> int:
        """Store one more unrelated ad, relink, and return how many ads the template stage added."""
        n = next(extra)
        seen: list[tuple[str, int, int]] = []
        text = ("Brass lamp, works fine.", "Two winter tyres for a small car.", "Piano lessons on weekends.")[
            n
        ]
        store(org_a, [item(f"x{n}", text)], "more")
        relink(org_a, progress=lambda stage, done, total: seen.append((stage, done, total)))
        return [t for stage, _d, t in seen if stage == "templates"][-1]

    assert templates_total() == 1  # the saved index is used: only the new ad is added
    # A tampered file is never unpickled: the index is rebuilt from the store, same result.
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 0xFF
    path.write_bytes(bytes(blob))
    assert templates_total() == len(TEMPLATE_ADS) + 2  # 3 template ads, x0, and the new x1
    assert "signature" in caplog.text
    assert Template.objects.for_org(org_a).get().key == key
    # A deleted ad (retention) makes the saved keys stale: rebuilt, and the template still stands.
    Ad.objects.for_org(org_a).get(ext_id="x0").delete()  # the template's ads stay
    assert templates_total() == Ad.objects.for_org(org_a).count()
    assert Template.objects.for_org(org_a).get().key == key


def test_translation_vectors_are_kept_so_a_relink_embeds_only_new_ads(org_a, monkeypatch):
    import tipwatch.engine.link.translations as tr
    from tipwatch.web.links.services import _index_path

    real = tr.embed
    embedded: list[int] = []

    def counting(texts):  # the real model, counted
        embedded.append(len(texts))
        return real(texts)

    monkeypatch.setattr(tr, "embed", counting)
    items, _truth = _demo_items(120)
    store(org_a, items[:100])
    first = relink(org_a)
    assert sum(embedded) == 100 and _index_path(org_a, "translations").exists()
    embedded.clear()
    store(org_a, items[100:], source_name="more")
    second = relink(org_a)
    assert sum(embedded) == Ad.objects.for_org(org_a).count() - 100  # only the new ads
    assert second["translations"] >= first["translations"]
    # the same pairs as a finder built from scratch
    _index_path(org_a, "translations").unlink()
    embedded.clear()
    AdTranslation.objects.for_org(org_a).delete()
    LinkState.objects.filter(organisation=org_a).update(counts={})
    third = relink(org_a)
    assert sum(embedded) == Ad.objects.for_org(org_a).count()
    assert third["translations"] == second["translations"]
