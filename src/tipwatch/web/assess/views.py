"""Pages: the analysts' review queue (decide, export) and the public "Check a job offer" page.

Every organisation query starts from ``.for_org``. The public page touches no table, writes no
audit event and logs nothing of what was pasted.
"""

from __future__ import annotations

import csv
import io
import json

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Case, Exists, IntegerField, OuterRef, Subquery, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from tipwatch.engine.indicators import load_catalogue
from tipwatch.web import audit
from tipwatch.web.accounts.roles import role_required
from tipwatch.web.accounts.throttle import client_ip
from tipwatch.web.assess import public
from tipwatch.web.assess.forms import CheckForm, DecisionForm, ReviewFilterForm
from tipwatch.web.assess.models import Assessment, Decision, Reason, ReviewDecision

__all__ = ["REVIEW_ROLES", "check_offer_view", "review_decide", "review_export", "review_queue"]

REVIEW_ROLES = ("analyst", "investigator", "org_admin", "platform_admin")
PAGE_SIZE = 25
EXPORT_FIELDS = ("id", "title", "body", "url", "country", "city", "lang", "posted_at")


def _queue(org):
    latest = ReviewDecision.objects.filter(organisation=org, ad_id=OuterRef("ad_id")).order_by(
        "-decided_at", "-id"
    )
    return (
        Assessment.objects.for_org(org)
        .filter(band__in=("high", "review"))
        .select_related("ad")
        .annotate(
            reviewed=Exists(latest),
            last_decision=Subquery(latest.values("decision")[:1]),
            last_reason=Subquery(latest.values("reason")[:1]),
            band_rank=Case(When(band="high", then=Value(0)), default=Value(1), output_field=IntegerField()),
        )
    )


def _row_context(item) -> dict:
    return {
        "item": item,
        "decision_form": DecisionForm(),
        "reasons": Reason.choices,
        "reason_labels": dict(Reason.choices),
        "decision_labels": dict(Decision.choices),
    }


@role_required(*REVIEW_ROLES)
def review_queue(request):
    org = request.organisation
    form = ReviewFilterForm(request.GET or None)
    items = _queue(org)
    base = items
    if form.is_valid():
        d = form.cleaned_data
        if d.get("band"):
            items = items.filter(band=d["band"])
        if d.get("status") == "open":
            items = items.filter(reviewed=False)
        elif d.get("status") == "done":
            items = items.filter(reviewed=True)
        if d.get("indicator"):
            items = items.filter(indicator_ids__contains=f" {d['indicator'].strip()} ")
        if d.get("site"):
            items = items.filter(ad__site=d["site"])
    items = items.order_by("reviewed", "band_rank", "-score", "ad_id")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    catalogue = load_catalogue()
    ctx = {
        "form": form,
        "page": page,
        "filter_query": query.urlencode(),
        "indicators": sorted((i.id, i.name) for i in catalogue.indicators),
        "sites": [
            s for s in base.order_by("ad__site").values_list("ad__site", flat=True).distinct()[:300] if s
        ],
        "selected": {k: request.GET.get(k, "") for k in ("band", "status", "indicator", "site")},
        "reasons": Reason.choices,
        "reason_labels": dict(Reason.choices),
        "decision_labels": dict(Decision.choices),
        "open_count": base.filter(reviewed=False).count(),
    }
    template = "assess/_queue_table.html" if getattr(request, "htmx", False) else "assess/queue.html"
    return render(request, template, ctx)


@require_POST
@role_required(*REVIEW_ROLES)
def review_decide(request, pk: int):
    org = request.organisation
    assessment = get_object_or_404(Assessment.objects.for_org(org).select_related("ad"), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        if getattr(request, "htmx", False):
            item = _queue(org).get(pk=assessment.pk)
            ctx = _row_context(item) | {"errors": form.errors}
            return render(request, "assess/_queue_row.html", ctx)  # htmx swaps only 2xx
        return HttpResponse(_("The decision needs a choice and a reason."), status=400)
    d = form.cleaned_data
    decision = ReviewDecision.objects.create(
        organisation=org,
        ad=assessment.ad,
        score=assessment.score,
        band=assessment.band,
        catalogue_version=assessment.catalogue_version,
        indicator_ids=assessment.ids,
        decision=d["decision"],
        reason=d["reason"],
        note=d.get("note", ""),
        user=request.user,
        decided_at=timezone.now(),
    )
    # The note may quote the ad; the audit log keeps what was decided, not free text.
    audit.record(
        "review.decide",
        actor=request.user,
        organisation=org,
        obj=assessment.ad,
        decision=decision.decision,
        reason=decision.reason,
        score=decision.score,
        band=decision.band,
        catalogue_version=decision.catalogue_version,
        has_note=bool(decision.note),
    )
    if getattr(request, "htmx", False):
        return render(request, "assess/_queue_row.html", _row_context(_queue(org).get(pk=assessment.pk)))
    return redirect("review_queue")


def _export_records(org) -> list[dict]:
    """The latest decision per ad, as records of ``tipwatch indicators evaluate``: ad fields + label."""
    out: list[dict] = []
    last_ad = None
    rows = ReviewDecision.objects.for_org(org).select_related("ad").order_by("ad_id", "-decided_at", "-id")
    for dec in rows.iterator(chunk_size=500):
        if dec.ad_id == last_ad:
            continue
        last_ad = dec.ad_id
        ad = dec.ad
        rec = {
            "id": ad.ext_id,
            "title": ad.title,
            "body": ad.body,
            "url": ad.url or None,
            "country": ad.country or None,
            "city": ad.city or None,
            "lang": ad.language or None,
            "posted_at": ad.posted_at.isoformat() if ad.posted_at else None,
            "label": dec.label,
            "indicators": list(dec.indicator_ids),
            "score": dec.score,
            "band": dec.band,
            "catalogue_version": dec.catalogue_version,
            "decision": dec.decision,
            "reason": dec.reason,
            "note": dec.note,
            "decided_at": dec.decided_at.isoformat(),
        }
        out.append({k: v for k, v in rec.items() if v is not None})
    return out


def _csv_cell(value):
    """Neutralise spreadsheet formulas: ad text is written by traffickers, and a cell starting
    with = + - @ (or a tab/CR) would run as a formula when an analyst opens the export."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@role_required(*REVIEW_ROLES)
def review_export(request, fmt: str):
    org = request.organisation
    records = _export_records(org)
    audit.record("review.export", actor=request.user, organisation=org, format=fmt, records=len(records))
    stamp = timezone.now().strftime("%Y%m%d")
    if fmt == "jsonl":
        body = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)
        response = HttpResponse(body, content_type="application/x-ndjson; charset=utf-8")
    else:
        buf = io.StringIO()
        columns = [*EXPORT_FIELDS, "label", "indicators", "score", "band", "catalogue_version"]
        columns += ["decision", "reason", "note", "decided_at"]
        writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for r in records:
            row = {**r, "indicators": " ".join(r["indicators"])}
            writer.writerow({k: _csv_cell(v) for k, v in row.items()})
        response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="review-feedback-{stamp}.{fmt}"'
    return response


def _page_language(request) -> str:
    """``?lang=xx`` (or the form's hidden ``lang``) when it is a UI language, else the negotiated one."""
    wanted = (request.GET.get("lang") or request.POST.get("lang") or "").strip().lower()[:8]
    available = dict(settings.LANGUAGES)
    if wanted in available:
        return wanted
    current = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return current if current in available else settings.LANGUAGE_CODE


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def check_offer_view(request):
    """Public, no login: assess a pasted job offer in memory and explain what it shows."""
    lang = _page_language(request)
    with translation.override(lang):
        ctx = {
            "lang": lang,
            # Only languages the public texts exist in (the catalogue's advice languages).
            "languages": [
                (code, translation.get_language_info(code)["name_local"])
                for code, _n in settings.LANGUAGES
                if code in load_catalogue().advice_languages
            ],
            "max_chars": public.MAX_CHARS,
            # Defined up front: a failed template lookup is logged (DEBUG) with the whole context.
            "result": None,
            "limited": False,
        }
        # The file's "verify before deployment" note is for the organisation, not the public.
        first, rest, _note = public.hotlines(lang)
        ctx.update({"hotlines": first, "other_hotlines": rest})
        status = 200
        if request.method == "POST":
            form = CheckForm(request.POST)
            if public.rate_limited(client_ip(request)):
                ctx["limited"] = True
                status = 429
            elif form.is_valid():
                ctx["result"] = public.check_offer(form.cleaned_data["text"], lang)
        else:
            form = CheckForm()
        ctx["form"] = form
        response = render(request, "assess/check.html", ctx, status=status)
        response["Content-Language"] = lang
    return response
