"""Pages: operations, their exports and graph, "why linked?", templates, photo thumbnails.

Every query starts from ``.for_org(request.organisation)``, so another organisation's key gives
404; every view is audited. Roles: those who browse ads (``AD_ROLES``), caseworkers excluded.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from tipwatch.web import audit
from tipwatch.web.accounts.roles import role_required
from tipwatch.web.ads.models import CONTACT_TYPES, Ad, Mention
from tipwatch.web.ads.movement import movement_context
from tipwatch.web.ads.views import AD_ROLES
from tipwatch.web.links.exports import csv_text, expand_elements, graph_elements, operation_export
from tipwatch.web.links.graphdata import key_kind, key_label, org_graph
from tipwatch.web.links.images import content_store
from tipwatch.web.links.models import AdImage, Operation, Template

__all__ = [
    "image_thumb",
    "operation_csv",
    "operation_detail",
    "operation_explain",
    "operation_graph",
    "operation_json",
    "operation_list",
    "template_detail",
]

PAGE_SIZE = 25
PHOTOS_SHOWN = 48
THUMB_SIDE = 320
SORTS = {
    "size": ("-size", "key"),
    "recent": ("-last_seen", "key"),
    "oldest": ("first_seen", "key"),
    "cities": ("-n_cities", "-size", "key"),
}
_SHA = re.compile(r"[0-9a-f]{64}")


def _operation(request, key: str) -> Operation:
    return get_object_or_404(Operation.objects.for_org(request.organisation), key=key)


@role_required(*AD_ROLES)
def operation_list(request):
    org = request.organisation
    sort = request.GET.get("sort", "size")
    if sort not in SORTS:
        sort = "size"
    ops = Operation.objects.for_org(org).order_by(*SORTS[sort])
    page = Paginator(ops, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record("operation.list", actor=request.user, organisation=org, sort=sort, page=page.number)
    ctx = {
        "page": page,
        "sort": sort,
        "sorts": [
            ("size", _("largest")),
            ("recent", _("most recent")),
            ("oldest", _("oldest")),
            ("cities", _("most cities")),
        ],
        "filter_query": f"sort={sort}",
    }
    return render(request, "links/operation_list.html", ctx)


@role_required(*AD_ROLES)
def operation_detail(request, key: str):
    org = request.organisation
    op = _operation(request, key)
    ads = Ad.objects.for_org(org).filter(link__operation=op)
    page = Paginator(ads.order_by("-posted_at", "-id").select_related("link__template"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    anchor = ads.order_by("pk").values_list("pk", flat=True).first()
    cut = {entity_id for _k, entity_id in op.summary.get("cut", []) if entity_id}
    entities = list(
        Mention.objects.for_org(org)
        .filter(ad__link__operation=op, entity__type__in=CONTACT_TYPES)
        .order_by()
        .values("entity_id", "entity__type", "entity__value")
        .annotate(n=Count("ad_id", distinct=True))
        .order_by("-n", "entity__type", "entity__value")[:100]
    )
    for e in entities:
        e["cut"] = e["entity_id"] in cut
    templates = list(
        Template.objects.for_org(org)
        .filter(links__operation=op)
        .annotate(n=Count("links"))
        .order_by("-n", "key")[:20]
    )
    photos = list(
        AdImage.objects.for_org(org)
        .filter(ad__link__operation=op)
        .order_by()
        .values("sha256", "group_key")
        .annotate(n=Count("ad_id", distinct=True))
        .order_by("-n", "sha256")[:PHOTOS_SHOWN]
    )
    cities = list(ads.order_by().values("city").annotate(n=Count("id")).order_by("-n", "city")[:50])
    audit.record("operation.view", actor=request.user, organisation=org, obj=op, size=op.size)
    ctx = {
        "op": op,
        "page": page,
        "anchor": anchor,
        "entities": entities,
        "cut_keys": [(k, key_kind(k), key_label(k), e) for k, e in op.summary.get("cut", [])],
        "templates": templates,
        "photos": photos,
        "cities": cities,
        "movement": movement_context(ads),
    }
    return render(request, "links/operation_detail.html", ctx)


def _export(request, key: str, fmt: str) -> HttpResponse:
    """An operation's export as a download (``fmt`` "json" or "csv"), audited."""
    org = request.organisation
    op = _operation(request, key)
    data = operation_export(org, op, org_graph(org))
    audit.record("operation.export", actor=request.user, organisation=org, obj=op, format=fmt)
    if fmt == "json":
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    else:
        response = HttpResponse(csv_text(data), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{op.key}.{fmt}"'
    return response


@role_required(*AD_ROLES)
def operation_json(request, key: str):
    return _export(request, key, "json")


@role_required(*AD_ROLES)
def operation_csv(request, key: str):
    return _export(request, key, "csv")


@role_required(*AD_ROLES)
def operation_graph(request, key: str):
    org = request.organisation
    op = _operation(request, key)
    og = org_graph(org)
    expand = request.GET.get("expand", "")
    if expand:
        data = expand_elements(org, op, og, expand[:600])
        # The key itself may be a phone number: record its kind only.
        audit.record(
            "operation.graph", actor=request.user, organisation=org, obj=op, expand=key_kind(expand)[:20]
        )
    else:
        data = graph_elements(org, op, og)
        audit.record("operation.graph", actor=request.user, organisation=org, obj=op)
    return JsonResponse(data)


def _ad_pk(raw: str | None) -> int | None:
    raw = (raw or "")[:20]  # a 64-bit key has at most 19 digits; longer input is not an ad
    if not raw.isdigit():
        return None
    value = int(raw)
    return value if 0 < value < 2**63 else None


@role_required(*AD_ROLES)
def operation_explain(request, key: str):
    org = request.organisation
    op = _operation(request, key)
    a, b = _ad_pk(request.GET.get("a")), _ad_pk(request.GET.get("b"))
    if a is None or b is None:
        return HttpResponseBadRequest(_("explain needs two ad numbers: ?a=<ad>&b=<ad>"))
    ads = {ad.pk: ad for ad in Ad.objects.for_org(org).filter(pk__in=[a, b])}
    if a not in ads or b not in ads:
        raise Http404("no such ad in this organisation")
    og = org_graph(org)
    hops = None
    if str(a) in og.graph and str(b) in og.graph:
        hops = og.graph.explain(str(a), str(b))
    steps = []
    if hops:
        more = {ad.pk: ad for ad in Ad.objects.for_org(org).filter(pk__in={int(h["to"]) for h in hops})}
        ads.update(more)
        for h in hops:
            steps.append(
                {
                    "from": ads[int(h["from"])],
                    "to": ads[int(h["to"])],
                    "via": [
                        {"key": k, "kind": key_kind(k), "label": key_label(k), "entity": og.key_entity.get(k)}
                        for k in h["via"]
                    ],
                }
            )
    audit.record(
        "operation.explain", actor=request.user, organisation=org, obj=op, a=a, b=b, linked=hops is not None
    )
    ctx = {"op": op, "a": ads[a], "b": ads[b], "linked": hops is not None, "steps": steps}
    return render(request, "links/explain.html", ctx)


@role_required(*AD_ROLES)
def template_detail(request, key: str):
    org = request.organisation
    tpl = get_object_or_404(Template.objects.for_org(org), key=key)
    ads = Ad.objects.for_org(org).filter(link__template=tpl).order_by("-posted_at", "-id")
    page = Paginator(ads, PAGE_SIZE).get_page(request.GET.get("page"))
    parts = tpl.description.get("parts", [])
    audit.record("template.view", actor=request.user, organisation=org, obj=tpl, size=tpl.size)
    slots = [value for kind, value in parts if kind == "slot"]
    ctx = {"tpl": tpl, "parts": parts, "slots": slots, "page": page}
    return render(request, "links/template_detail.html", ctx)


def _thumbnail(sha256: str) -> bytes:
    """A re-encoded JPEG of at most THUMB_SIDE pixels, cached beside the store.

    Re-encoding also drops the original's metadata (camera, GPS position) from what the browser gets.
    """
    cache = Path(settings.TIPWATCH_HOME) / "media" / "thumbs" / sha256[:2] / f"{sha256}.jpg"
    try:
        return cache.read_bytes()
    except FileNotFoundError:
        pass
    from PIL import Image, ImageOps

    try:
        data = content_store().get(sha256)
    except KeyError:
        raise Http404("image bytes missing from the store") from None
    try:
        with Image.open(io.BytesIO(data)) as im:
            im = ImageOps.exif_transpose(im).convert("RGB")
            im.thumbnail((THUMB_SIDE, THUMB_SIDE))
            out = io.BytesIO()
            im.save(out, "JPEG", quality=80)
    except (OSError, ValueError, Image.DecompressionBombError):
        raise Http404("image cannot be decoded") from None
    thumb = out.getvalue()
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp")
    tmp.write_bytes(thumb)
    tmp.replace(cache)
    return thumb


@role_required(*AD_ROLES)
def image_thumb(request, sha256: str):
    org = request.organisation
    # Membership first: the store is shared, so the row is what proves this organisation holds it.
    if not _SHA.fullmatch(sha256) or not AdImage.objects.for_org(org).filter(sha256=sha256).exists():
        raise Http404("no such image in this organisation")
    thumb = _thumbnail(sha256)
    audit.record("image.view", actor=request.user, organisation=org, image=sha256[:16])
    response = HttpResponse(thumb, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
