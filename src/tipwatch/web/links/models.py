"""What the linker found: operations, near-duplicate templates, stored images, translations.

Every model carries its organisation; query through ``Model.objects.for_org(org)``. The rows are
derived data: :func:`tipwatch.web.links.services.relink` rewrites them from the stored ads, so
they can always be rebuilt. Images are the exception: their bytes come in with the ads.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tipwatch.web.accounts.models import Organisation
from tipwatch.web.accounts.tenancy import OrgManager
from tipwatch.web.ads.models import Ad

__all__ = ["AdImage", "AdLink", "AdTranslation", "LinkState", "Operation", "Template"]


class Operation(models.Model):
    """A group of two or more ads linked through shared contacts, templates or photos."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="operations")
    key = models.CharField(_("key"), max_length=40, help_text=_("op-…, kept while the group persists"))
    size = models.PositiveIntegerField(_("ads"), default=0)
    first_seen = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    n_cities = models.PositiveIntegerField(_("cities"), default=0)
    summary = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("{top_contacts: [[key, ads]], cities: [[city, ads]], cut: [keys]}"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgManager()

    class Meta:
        ordering = ["-size", "key"]
        constraints = [models.UniqueConstraint(fields=["organisation", "key"], name="operation_org_key_uniq")]
        indexes = [models.Index(fields=["organisation", "-size"], name="operation_org_size_idx")]

    def __str__(self) -> str:
        return self.key


class Template(models.Model):
    """Ads written from one text: the constant words and the slots where members differ."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="ad_templates")
    key = models.CharField(_("key"), max_length=40)
    size = models.PositiveIntegerField(_("ads"), default=0)
    description = models.JSONField(
        default=dict, blank=True, help_text=_('{parts: [["text", str] | ["slot", {kind, values}]], medoid}')
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgManager()

    class Meta:
        ordering = ["-size", "key"]
        constraints = [models.UniqueConstraint(fields=["organisation", "key"], name="template_org_key_uniq")]

    def __str__(self) -> str:
        return self.key


class AdLink(models.Model):
    """The operation and template of one ad (a membership row, so the ads table stays untouched)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    ad = models.OneToOneField(Ad, on_delete=models.CASCADE, related_name="link")
    operation = models.ForeignKey(
        Operation, on_delete=models.SET_NULL, null=True, blank=True, related_name="links"
    )
    template = models.ForeignKey(
        Template, on_delete=models.SET_NULL, null=True, blank=True, related_name="links"
    )

    objects = OrgManager()

    class Meta:
        indexes = [
            models.Index(fields=["operation", "ad"], name="adlink_op_ad_idx"),
            models.Index(fields=["template", "ad"], name="adlink_tpl_ad_idx"),
        ]


class AdImage(models.Model):
    """One photo of an ad: bytes in the content store under ``sha256``, PDQ hash, near-copy group."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    ad = models.ForeignKey(Ad, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    pdq = models.CharField(_("perceptual hash"), max_length=64, blank=True, default="")
    algorithm = models.CharField(max_length=10, default="pdq")
    quality = models.PositiveSmallIntegerField(default=0)
    variants = models.JSONField(
        default=list,
        blank=True,
        help_text=_("perceptual hashes of slightly trimmed copies: crops still match"),
    )
    group_key = models.CharField(
        max_length=40, blank=True, default="", help_text=_("near copies share it; empty for flat images")
    )

    objects = OrgManager()

    class Meta:
        ordering = ["ad", "position"]
        constraints = [models.UniqueConstraint(fields=["ad", "sha256"], name="adimage_ad_sha_uniq")]
        indexes = [
            models.Index(fields=["organisation", "group_key"], name="adimage_org_group_idx"),
            models.Index(fields=["organisation", "sha256"], name="adimage_org_sha_idx"),
        ]


class AdTranslation(models.Model):
    """Two ads that say the same thing in different languages (``ad_a.pk < ad_b.pk``)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    ad_a = models.ForeignKey(Ad, on_delete=models.CASCADE, related_name="+")
    ad_b = models.ForeignKey(Ad, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()

    objects = OrgManager()

    class Meta:
        ordering = ["-score"]
        constraints = [models.UniqueConstraint(fields=["ad_a", "ad_b"], name="adtranslation_pair_uniq")]


class LinkState(models.Model):
    """One row per organisation: when links were last computed, the hub keys cut, the counts."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    generation = models.PositiveIntegerField(default=0)
    hubs = models.JSONField(default=list, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgManager()
