"""Pages: watchlists and their terms, the alerts inbox (htmx filters and status changes), a names check.

Every query starts from ``.for_org``; every page that shows alerts is audit-logged.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tipwatch.web import audit
from tipwatch.web.accounts.roles import role_required
from tipwatch.web.ads.models import Ad
from tipwatch.web.watch.forms import AlertFilterForm, CheckNamesForm, StatusForm, TermsForm, WatchlistForm
from tipwatch.web.watch.highlight import alert_snippet
from tipwatch.web.watch.models import Alert, Watchlist, WatchTerm
from tipwatch.web.watch.services import add_terms, check_names, remove_term, scan_ads

__all__ = [
    "WATCH_ROLES",
    "alert_list",
    "alert_status",
    "check_names_view",
    "term_remove",
    "terms_add",
    "watchlist_detail",
    "watchlist_list",
    "watchlist_scan",
]

WATCH_ROLES = ("analyst", "investigator", "org_admin")
PAGE_SIZE = 25
SCAN_LIMIT = 20_000  # ads (most recent first) a "scan existing ads" request goes through


# Whole phrases, so that every language can make the adjective agree with "alerts".
ALERT_COUNT_LABELS = {
    "new": gettext_lazy("new alerts"),
    "seen": gettext_lazy("seen alerts"),
    "dismissed": gettext_lazy("dismissed alerts"),
    "escalated": gettext_lazy("escalated alerts"),
}


def _annotate(alerts) -> list[Alert]:
    """Attach ``snippet`` (safe HTML, the match marked) to each alert."""
    out = list(alerts)
    for a in out:
        label = f"{a.term_text} · {a.get_match_kind_display()}"
        a.snippet = alert_snippet(a.text, a.start, a.end, a.matched, a.match_kind, label)
    return out


@role_required(*WATCH_ROLES)
def watchlist_list(request):
    org = request.organisation
    form = WatchlistForm(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        wl = form.save(commit=False)
        wl.organisation = org
        wl.created_by = request.user
        wl.save()
        audit.record("watch.watchlist.create", actor=request.user, organisation=org, obj=wl)
        messages.success(request, _("Watchlist created: add its terms below."))
        return redirect("watch:watchlist_detail", pk=wl.pk)
    lists = Watchlist.objects.for_org(org).annotate(
        n_terms=Count("terms", distinct=True),
        n_new=Count("alerts", filter=Q(alerts__status=Alert.Status.NEW), distinct=True),
    )
    return render(request, "watch/watchlist_list.html", {"lists": lists, "form": form})


@role_required(*WATCH_ROLES)
def watchlist_detail(request, pk: int):
    org = request.organisation
    wl = get_object_or_404(Watchlist.objects.for_org(org), pk=pk)
    form = WatchlistForm(request.POST or None, instance=wl, organisation=org)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit.record("watch.watchlist.edit", actor=request.user, organisation=org, obj=wl, active=wl.active)
        messages.success(request, _("Watchlist saved."))
        return redirect("watch:watchlist_detail", pk=wl.pk)
    counts = dict(wl.alerts.order_by().values_list("status").annotate(n=Count("id")))
    ctx = {
        "watchlist": wl,
        "form": form,
        "terms_form": TermsForm(),
        "terms": wl.terms.select_related("added_by"),
        "counts": [(ALERT_COUNT_LABELS[value], counts.get(value, 0), value) for value in Alert.Status.values],
    }
    return render(request, "watch/watchlist_detail.html", ctx)


@role_required(*WATCH_ROLES)
@require_POST
def terms_add(request, pk: int):
    org = request.organisation
    wl = get_object_or_404(Watchlist.objects.for_org(org), pk=pk)
    form = TermsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Paste at least one term, one per line."))
        return redirect("watch:watchlist_detail", pk=wl.pk)
    try:
        result = add_terms(wl, form.cleaned_data["terms"], user=request.user, note=form.cleaned_data["note"])
    except ValueError:
        messages.error(request, _("Too many lines at once: paste at most 2,000 terms."))
        return redirect("watch:watchlist_detail", pk=wl.pk)
    messages.success(
        request,
        _("%(added)d term(s) added, %(dup)d already listed.")
        % {"added": result.added, "dup": result.duplicates},
    )
    for lineno, reason in result.rejected[:20]:
        messages.warning(request, _("Line %(n)d not added: %(reason)s") % {"n": lineno, "reason": reason})
    return redirect("watch:watchlist_detail", pk=wl.pk)


@role_required(*WATCH_ROLES)
@require_POST
def term_remove(request, pk: int, term_pk: int):
    org = request.organisation
    term = get_object_or_404(
        WatchTerm.objects.for_org(org).select_related("watchlist"), pk=term_pk, watchlist_id=pk
    )
    remove_term(term, user=request.user)
    if getattr(request, "htmx", False):
        return HttpResponse("")  # htmx swaps the row out
    messages.success(request, _("Term removed; its alerts are kept."))
    return redirect("watch:watchlist_detail", pk=pk)


@role_required(*WATCH_ROLES)
@require_POST
def watchlist_scan(request, pk: int):
    """Scan the organisation's most recent ads (up to ``SCAN_LIMIT``) for terms just added."""
    org = request.organisation
    wl = get_object_or_404(Watchlist.objects.for_org(org), pk=pk)
    recent = list(
        Ad.objects.for_org(org)
        .order_by("-first_ingested_at", "-id")
        .values_list("id", flat=True)[:SCAN_LIMIT]
    )
    n = scan_ads(org, Ad.objects.for_org(org).filter(pk__in=recent), actor=request.user)
    messages.success(request, _("%(ads)d ad(s) scanned, %(n)d new alert(s).") % {"ads": len(recent), "n": n})
    return redirect("watch:watchlist_detail", pk=wl.pk)


@role_required(*WATCH_ROLES)
def alert_list(request):
    org = request.organisation
    form = AlertFilterForm(request.GET or None, organisation=org)
    alerts = form.filter(Alert.objects.for_org(org)).select_related("ad", "watchlist")
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _annotate(page.object_list)
    audit.record(
        "watch.alerts.view",
        actor=request.user,
        organisation=org,
        filters={k: v for k, v in request.GET.items() if k in form.fields and v},
        alerts=[a.pk for a in page.object_list],
    )
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {"form": form, "page": page, "filter_query": query.urlencode(), "next": request.get_full_path()}
    template = "watch/_alert_table.html" if getattr(request, "htmx", False) else "watch/alert_list.html"
    return render(request, template, ctx)


@role_required(*WATCH_ROLES)
@require_POST
def alert_status(request, pk: int):
    org = request.organisation
    alert = get_object_or_404(Alert.objects.for_org(org).select_related("ad", "watchlist"), pk=pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Unknown status."), status=400)
    old = alert.status
    alert.status = form.cleaned_data["status"]
    alert.save(update_fields=["status"])
    audit.record(
        "watch.alert.status", actor=request.user, organisation=org, obj=alert, old=old, new=alert.status
    )
    if getattr(request, "htmx", False):
        next_url = request.POST.get("next", "")
        return render(request, "watch/_alert_row.html", {"a": _annotate([alert])[0], "next": next_url})
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return redirect(next_url)
    return redirect(reverse("watch:alert_list"))


@role_required(*WATCH_ROLES)
def check_names_view(request):
    """Paste or upload usernames, channel or chat-room names; see which match a watched term."""
    org = request.organisation
    form = CheckNamesForm(request.POST or None, request.FILES or None)
    alerts = None
    checked = 0
    if request.method == "POST" and form.is_valid():
        lines = form.cleaned_data["lines"]
        checked = len(set(lines))
        alerts = _annotate(check_names(org, lines, form.cleaned_data["kind"], actor=request.user))
    ctx = {"form": form, "alerts": alerts, "checked": checked, "next": reverse("watch:alert_list")}
    return render(request, "watch/check_names.html", ctx)
