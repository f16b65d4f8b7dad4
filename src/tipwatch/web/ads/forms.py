"""Filters for the ads list."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

__all__ = ["AdFilterForm"]


class AdFilterForm(forms.Form):
    site = forms.CharField(label=_("Site"), required=False, max_length=253)
    city = forms.CharField(label=_("City"), required=False, max_length=120)
    country = forms.CharField(label=_("Country"), required=False, max_length=2)
    language = forms.CharField(label=_("Language"), required=False, max_length=16)
    obfuscated = forms.BooleanField(label=_("Has obfuscated contact"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filter(self, ads):
        """Apply the valid filters to a queryset of ads (invalid ones are ignored)."""
        if not self.is_valid():
            return ads
        d = self.cleaned_data
        for name in ("site", "city", "language"):
            if d.get(name):
                ads = ads.filter(**{name: d[name]})
        if d.get("country"):
            ads = ads.filter(country=d["country"].upper())
        if d.get("obfuscated"):
            ads = ads.filter(has_obfuscated_contact=True)
        if d.get("date_from"):
            ads = ads.filter(posted_at__date__gte=d["date_from"])
        if d.get("date_to"):
            ads = ads.filter(posted_at__date__lte=d["date_to"])
        return ads
