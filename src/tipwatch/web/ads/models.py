"""Sources, ingest runs, ads, entities and mentions (the entity spans found in each ad).

Every model carries its organisation; query through ``Model.objects.for_org(org)``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tipwatch.web.accounts.models import Organisation
from tipwatch.web.accounts.tenancy import OrgManager

__all__ = ["CONTACT_TYPES", "Ad", "Entity", "IngestRun", "Mention", "Source"]

# Entity types that identify a contact point shared between ads (linkable, searchable).
CONTACT_TYPES: tuple[str, ...] = ("phone", "email", "handle", "payment", "url")


class Source(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sources")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=40, help_text=_("jsonl, csv, html, warc, crawler, demo …"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrgManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="source_org_name_uniq")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IngestRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        COMPLETED = "completed", _("completed")
        FAILED = "failed", _("failed")
        INTERRUPTED = "interrupted", _("interrupted")

    MAX_REJECTS = 1000

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="ingest_runs")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="runs")
    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RUNNING)
    read = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    duplicate = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    rejects = models.JSONField(
        default=list, blank=True, help_text=_("[{location, code, reason}], at most 1000")
    )
    params = models.JSONField(default=dict, blank=True, help_text=_("what the run was asked to do"))

    objects = OrgManager()

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["organisation", "-started_at"], name="run_org_started_idx")]

    def __str__(self) -> str:
        return f"run {self.pk} ({self.status})"


class Ad(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="ads")
    ext_id = models.CharField(_("external id"), max_length=200)
    content_hash = models.CharField(max_length=64)
    title = models.TextField(blank=True, default="")
    body = models.TextField(blank=True, default="")
    url = models.URLField(max_length=2000, blank=True, default="")
    site = models.CharField(max_length=253, blank=True, default="")
    country = models.CharField(max_length=2, blank=True, default="")
    city = models.CharField(max_length=120, blank=True, default="")
    language = models.CharField(max_length=16, blank=True, default="")
    region = models.CharField(max_length=2, blank=True, default="")
    posted_at = models.DateTimeField(null=True, blank=True)
    first_ingested_at = models.DateTimeField()
    has_obfuscated_contact = models.BooleanField(default=False)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="ads")
    run = models.ForeignKey(IngestRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="ads")

    objects = OrgManager()

    class Meta:
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "content_hash"], name="ad_org_hash_uniq")
        ]
        indexes = [
            models.Index(fields=["organisation", "-posted_at", "-id"], name="ad_org_posted_idx"),
            models.Index(fields=["organisation", "site"], name="ad_org_site_idx"),
            models.Index(fields=["organisation", "city"], name="ad_org_city_idx"),
            models.Index(fields=["organisation", "country"], name="ad_org_country_idx"),
            models.Index(fields=["organisation", "language"], name="ad_org_lang_idx"),
            models.Index(fields=["organisation", "ext_id"], name="ad_org_ext_idx"),
        ]

    def __str__(self) -> str:
        return self.title[:80] or self.ext_id

    @property
    def seen_at(self):
        return self.posted_at or self.first_ingested_at


class Entity(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="entities")
    type = models.CharField(max_length=20)
    value = models.CharField(max_length=500)
    first_seen = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    ad_count = models.PositiveIntegerField(default=0)

    objects = OrgManager()

    class Meta:
        ordering = ["-ad_count", "type", "value"]
        verbose_name_plural = "entities"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "type", "value"], name="entity_org_type_value_uniq"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "value"], name="entity_org_value_idx"),
            models.Index(fields=["organisation", "type", "-ad_count"], name="entity_org_type_count_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type}:{self.value}"


class Mention(models.Model):
    """One occurrence of an entity in an ad: the field and the span of the *original* text."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    ad = models.ForeignKey(Ad, on_delete=models.CASCADE, related_name="mentions")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="mentions")
    field = models.CharField(max_length=10, default="body")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    raw = models.CharField(max_length=500)
    obfuscated = models.BooleanField(default=False)
    attrs = models.JSONField(default=dict, blank=True)

    objects = OrgManager()

    class Meta:
        ordering = ["field", "start"]
        indexes = [
            models.Index(fields=["entity", "ad"], name="mention_entity_ad_idx"),
            models.Index(fields=["ad", "field", "start"], name="mention_ad_span_idx"),
        ]
