"""Computed signals: facts about one ad from its extracted entities, or about many ads from the store.

The catalogue names these signals (``signals`` in ``catalogue.yaml``) and an indicator fires on
one through ``computed``. :func:`compute_signals` returns the signals that hold for one ad, each
with its evidence (the entity span that shows it) or ``None`` when the fact has no span (store
signals):

    >>> from tipwatch.engine import ad_from_dict
    >>> from tipwatch.engine.extract import extract_ad
    >>> ad = ad_from_dict({"id": "1", "body": "Lina, 17 years old", "country": "US"})
    >>> sorted(compute_signals(ad, extract_ad(ad), kind="ad"))
    ['stated_age_under_18']

Store signals come from the caller's ``signals`` mapping (the maximum over the ad's contacts, see
:mod:`tipwatch.engine.indicators.network` or the web store): ``contact_ads``, ``contact_cities``,
``contact_names``, ``template_contacts``. A key named like a signal (``"contact_reused_across_ads":
True``) sets that signal directly.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from tipwatch.engine.extract import ExtractResult
from tipwatch.engine.types import Ad, Entity

__all__ = ["STORE_THRESHOLDS", "Evidence", "SIGNALS", "compute_signals"]

# Thresholds of the store signals, as the catalogue's `signals` descriptions state them.
STORE_THRESHOLDS: dict[str, tuple[str, int]] = {
    "contact_reused_across_cities": ("contact_cities", 3),
    "contact_reused_across_ads": ("contact_ads", 10),
    "contact_reused_across_names": ("contact_names", 3),
    "template_reused_across_contacts": ("template_contacts", 2),
}
SIGNALS: tuple[str, ...] = (
    "obfuscated_phone",
    "messenger_only_contact",
    "no_company_identity",
    "stated_age_under_18",
    "stated_age_18_to_22",
    "several_people",
    "price_deposit_upfront",
    *STORE_THRESHOLDS,
)
_CONTACTS = ("phone", "email", "handle")
_TIME_UNITS = frozenset({"hour", "half_hour", "night", "session", "visit"})


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a computed signal shows in the ad: ``field`` ("title"/"body"), span and raw text."""

    field: str
    start: int
    end: int
    matched: str

    @classmethod
    def of(cls, e: Entity) -> Evidence:
        return cls(e.field, e.start, e.end, e.raw)


@functools.cache
def _identity_words() -> tuple[re.Pattern[str], re.Pattern[str], frozenset[str], frozenset[str]]:
    data_dir = resources.files("tipwatch").joinpath("data")
    data = yaml.safe_load(data_dir.joinpath("signals").joinpath("company_identity.yaml").read_text("utf-8"))
    domains = yaml.safe_load(data_dir.joinpath("lexicons").joinpath("domains.yaml").read_text("utf-8"))

    def alternation(words: list[str]) -> str:
        return "|".join(re.escape(str(w)) for w in sorted(words, key=len, reverse=True))

    # a legal form after a capitalised word ("Brightcrest Logistics Ltd", "ООО Ромашка" reads both ways)
    legal = re.compile(rf"(?<![\w.])(?:{alternation(data['legal_forms'])})(?![\w])", re.IGNORECASE)
    # a house number before or after a street word, within a few characters (bounded: linear time)
    streets = alternation(data["street_words"])
    # (a number next to other digits is a phone, not a house number: "via WhatsApp 050 855 7820")
    address = re.compile(
        rf"(?<!\d[\s.-])\b\d{{1,5}}[a-z]?,?\s{{1,3}}(?:[\w'-]{{1,30}}\s{{1,3}}){{0,3}}(?:{streets})(?![\w])"
        rf"|(?<![\w])(?:{streets})\s{{1,3}}(?:[\w'.-]{{1,30}}\s{{1,3}}){{0,3}}\d{{1,5}}\b(?![\s.-]?\d)",
        re.IGNORECASE,
    )
    providers = frozenset(str(p) for p in domains["email_providers"])
    return legal, address, providers, frozenset(data["profile_hosts"])


def _company_email(value: str, providers: frozenset[str]) -> bool:
    domain = value.rpartition("@")[2].lower()
    return bool(domain) and domain.split(".")[0] not in providers


def _is_landline(value: str) -> bool:
    """A fixed line, toll-free or shared-cost number (libphonenumber's type); mobiles are not."""
    import phonenumbers
    from phonenumbers import PhoneNumberType as T

    try:
        kind = phonenumbers.number_type(phonenumbers.parse(value))
    except phonenumbers.NumberParseException:
        return False
    return kind in (T.FIXED_LINE, T.TOLL_FREE, T.SHARED_COST, T.UAN)


def _website(e: Entity, profile_hosts: frozenset[str]) -> bool:
    domain = str(e.attrs.get("domain") or "").lower()
    if not domain:
        domain = re.sub(r"^[a-z]+://", "", e.value.lower()).split("/")[0]
    domain = domain.removeprefix("www.")
    return bool(domain) and domain not in profile_hosts


def _ages(extraction: ExtractResult) -> list[tuple[int, Entity]]:
    out = []
    for e in extraction.entities:
        if e.type == "age":
            try:
                out.append((int(e.value), e))
            except ValueError:
                continue
    return out


def compute_signals(
    ad: Ad,
    extraction: ExtractResult,
    signals: Mapping[str, Any] | None = None,
    *,
    kind: str = "ad",
) -> dict[str, Evidence | None]:
    """The signals that hold for ``ad``: name -> evidence (``None`` for store facts).

    * ``obfuscated_phone``: a phone the extractor marked obfuscated;
    * ``messenger_only_contact``: contacts exist, all are messenger handles or non-landline
      phones, and there is no email on a company domain and no website;
    * ``no_company_identity`` (job offers only): no email on a company domain, no website, no
      legal form ("Ltd", "GmbH", "ООО") and no street address;
    * ``stated_age_under_18`` / ``stated_age_18_to_22``: an age entity in that range;
    * ``several_people``: two or more different stated ages;
    * ``price_deposit_upfront``: a deposit price in a job offer, or in an ad that prices time
      (per hour, half hour, night): a deposit on a monthly rent is not one;
    * store signals: ``signals`` values at or over :data:`STORE_THRESHOLDS`.
    """
    out: dict[str, Evidence | None] = {}
    ents = extraction.entities
    for e in ents:
        if e.type == "phone" and e.obfuscated:
            out["obfuscated_phone"] = Evidence.of(e)
            break
    ages = _ages(extraction)
    for age, e in ages:
        if 0 < age < 18 and "stated_age_under_18" not in out:
            out["stated_age_under_18"] = Evidence.of(e)
        elif 18 <= age <= 22 and "stated_age_18_to_22" not in out:
            out["stated_age_18_to_22"] = Evidence.of(e)
    seen: dict[int, Entity] = {}
    for age, e in ages:
        seen.setdefault(age, e)
    if len(seen) >= 2:
        out["several_people"] = Evidence.of(list(seen.values())[1])

    prices = [e for e in ents if e.type == "price"]
    deposit = next((e for e in prices if e.attrs.get("unit") == "deposit"), None)
    if deposit is not None and (
        kind == "job_offer" or any(p.attrs.get("unit") in _TIME_UNITS for p in prices)
    ):
        out["price_deposit_upfront"] = Evidence.of(deposit)

    legal, address, providers, profile_hosts = _identity_words()
    company_mail = any(e.type == "email" and _company_email(e.value, providers) for e in ents)
    website = any(e.type == "url" and _website(e, profile_hosts) for e in ents)
    contacts = [e for e in ents if e.type in _CONTACTS]
    if contacts and not company_mail and not website:
        if all(e.type == "handle" or (e.type == "phone" and not _is_landline(e.value)) for e in contacts):
            out["messenger_only_contact"] = Evidence.of(contacts[0])
    if kind == "job_offer" and not company_mail and not website:
        text = f"{ad.title}\n{ad.body}"
        if not legal.search(text) and not address.search(text):
            out["no_company_identity"] = None

    if signals:
        for name, (key, threshold) in STORE_THRESHOLDS.items():
            value = signals.get(key)
            if signals.get(name) or (isinstance(value, int | float) and value >= threshold):
                out[name] = None
    return out
