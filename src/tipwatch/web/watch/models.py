"""Watchlists, their terms, and the alerts raised when an ad or a name matches a term.

Every model is scoped by organisation: query through ``Model.objects.for_org(org)``.
An alert keeps a copy of its term's text, so removing a term never erases the alerts it raised.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tipwatch.web.accounts.models import Organisation
from tipwatch.web.accounts.tenancy import OrgManager
from tipwatch.web.ads.models import Ad

__all__ = ["Alert", "MatchKind", "SourceKind", "WatchTerm", "Watchlist"]

TERM_MAX = 200
SUBJECT_MAX = 300
MATCHED_MAX = 500


class SourceKind(models.TextChoices):
    AD = "ad", _("ad")
    USERNAME = "username", _("username")
    CHANNEL = "channel", _("channel or chat room")
    TITLE = "title", _("title")
    TEXT = "text", _("text")


class MatchKind(models.TextChoices):
    # the engine's names (tipwatch.engine.termmatch.KINDS); "folded" is what people call obfuscated
    EXACT = "exact", _("exact")
    FOLDED = "folded", _("obfuscated")
    PHONETIC = "phonetic", _("phonetic")
    FUZZY = "fuzzy", _("fuzzy")


class Watchlist(models.Model):
    """A named set of terms (an agency's name, handles, phrases) the organisation watches for."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="watchlists")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, default="")
    active = models.BooleanField(_("active"), default=True, help_text=_("inactive lists raise no alerts"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # bumped whenever the list or its terms change: part of the matcher cache key
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="watchlist_org_name_uniq")
        ]

    def __str__(self) -> str:
        return self.name


class WatchTermQuerySet(models.QuerySet):
    def for_org(self, organisation) -> WatchTermQuerySet:
        """Terms of ``organisation``'s watchlists only (none when it is None)."""
        if organisation is None:
            return self.none()
        return self.filter(watchlist__organisation=organisation)


class WatchTerm(models.Model):
    watchlist = models.ForeignKey(Watchlist, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(_("term"), max_length=TERM_MAX)
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    objects = WatchTermQuerySet.as_manager()

    class Meta:
        ordering = ["term"]
        constraints = [models.UniqueConstraint(fields=["watchlist", "term"], name="watchterm_list_term_uniq")]

    def __str__(self) -> str:
        return self.term


class Alert(models.Model):
    """One match of a term in an ad field, or in a username / channel / chat-room name.

    ``start``/``end`` index the original text (the ad's ``field``, or ``subject``), so
    ``matched == text[start:end]``. Scanning the same ad twice never duplicates an alert.
    """

    class Status(models.TextChoices):
        NEW = "new", _("new")
        SEEN = "seen", _("seen")
        DISMISSED = "dismissed", _("dismissed")
        ESCALATED = "escalated", _("escalated")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    watchlist = models.ForeignKey(Watchlist, on_delete=models.CASCADE, related_name="alerts")
    term = models.ForeignKey(
        WatchTerm, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    term_text = models.CharField(_("term"), max_length=TERM_MAX)
    source_kind = models.CharField(_("source"), max_length=10, choices=SourceKind.choices)
    ad = models.ForeignKey(Ad, on_delete=models.CASCADE, null=True, blank=True, related_name="watch_alerts")
    subject = models.CharField(
        _("subject"), max_length=SUBJECT_MAX, blank=True, default="", help_text=_("the name that matched")
    )
    field = models.CharField(max_length=10)
    matched = models.CharField(max_length=MATCHED_MAX)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    match_kind = models.CharField(_("match"), max_length=10, choices=MatchKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = OrgManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["term", "ad", "field", "start"], name="alert_term_ad_span_uniq"),
            # names have no ad (NULLs never collide): the name itself keeps checks idempotent
            models.UniqueConstraint(
                fields=["term", "source_kind", "subject", "start"],
                condition=Q(ad__isnull=True),
                name="alert_term_subject_span_uniq",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "-created_at"], name="alert_org_status_idx"),
            models.Index(fields=["organisation", "watchlist"], name="alert_org_list_idx"),
        ]

    def __str__(self) -> str:
        return f"alert {self.pk} ({self.term_text})"

    @property
    def text(self) -> str:
        """The original text the span indexes: the ad field, or the name."""
        if self.ad_id is not None:
            return getattr(self.ad, self.field, "") or ""
        return self.subject
