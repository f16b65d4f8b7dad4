"""Assessments (one per ad, the latest scoring) and analysts' review decisions on them.

An :class:`Assessment` keeps the catalogue version *and* fingerprint it was computed with, so a
changed catalogue is detected (``rescore``) even when someone forgot to bump the version.
A :class:`ReviewDecision` snapshots the score, band, version and indicator ids it judged: the
assessment may be recomputed later, the decision stays a faithful label for calibration.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tipwatch.web.accounts.models import Organisation
from tipwatch.web.accounts.tenancy import OrgManager
from tipwatch.web.ads.models import Ad

__all__ = ["Assessment", "Band", "Decision", "Reason", "ReviewDecision"]


class Band(models.TextChoices):
    LOW = "low", _("low")
    REVIEW = "review", _("review")
    HIGH = "high", _("high")


class Assessment(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    ad = models.OneToOneField(Ad, on_delete=models.CASCADE, related_name="assessment")
    score = models.PositiveSmallIntegerField(_("score"))
    band = models.CharField(_("band"), max_length=8, choices=Band.choices)
    catalogue_version = models.CharField(max_length=40)
    catalogue_fingerprint = models.CharField(max_length=64)
    indicators = models.JSONField(
        default=list,
        blank=True,
        help_text=_("fired indicators: [{id, start, end, field, matched, weight, …}]"),
    )
    # " id1 id2 " (space-delimited, padded): a portable "has indicator X" filter on every backend.
    indicator_ids = models.TextField(blank=True, default="")
    assessed_at = models.DateTimeField()

    objects = OrgManager()

    class Meta:
        ordering = ["-score", "ad_id"]
        indexes = [
            models.Index(fields=["organisation", "band", "-score"], name="assess_org_band_score_idx"),
            models.Index(fields=["organisation", "catalogue_fingerprint"], name="assess_org_fp_idx"),
        ]

    def __str__(self) -> str:
        return f"ad {self.ad_id}: {self.score} ({self.band})"

    @property
    def ids(self) -> list[str]:
        return self.indicator_ids.split()


class Decision(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    DISMISS = "dismiss", _("Dismiss")


class Reason(models.TextChoices):
    INDICATORS_CORRECT = "indicators_correct", _("Indicators are right")
    LINKED_TO_CASE = "linked_to_case", _("Linked to a known case")
    REFERRED = "referred", _("Referred for investigation")
    FALSE_POSITIVE = "false_positive", _("Indicators misread the text")
    BENIGN = "benign", _("Ordinary, legitimate ad")
    DUPLICATE = "duplicate", _("Duplicate of an ad already reviewed")
    INSUFFICIENT = "insufficient", _("Not enough to act on")
    OTHER = "other", _("Other (see note)")


class ReviewDecision(models.Model):
    """An analyst's accept or dismiss of one assessed ad. Kept forever (history), newest counts."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    ad = models.ForeignKey(Ad, on_delete=models.CASCADE, related_name="review_decisions")
    score = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=8, choices=Band.choices)
    catalogue_version = models.CharField(max_length=40)
    indicator_ids = models.JSONField(default=list, blank=True)
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    reason = models.CharField(_("reason"), max_length=24, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True, default="", max_length=1000)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField()

    objects = OrgManager()

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "ad", "-decided_at"], name="review_org_ad_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.decision} ad {self.ad_id} ({self.reason})"

    @property
    def label(self) -> int:
        return 1 if self.decision == Decision.ACCEPT else 0
