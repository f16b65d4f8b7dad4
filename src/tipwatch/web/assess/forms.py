"""Forms: review-queue filters, an analyst's decision, and the public check form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tipwatch.web.assess.models import Decision, Reason
from tipwatch.web.assess.public import MAX_CHARS

__all__ = ["CheckForm", "DecisionForm", "ReviewFilterForm"]


class ReviewFilterForm(forms.Form):
    band = forms.ChoiceField(
        label=_("Band"),
        required=False,
        choices=[("", _("high and review")), ("high", _("high")), ("review", _("review"))],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("all")), ("open", _("not reviewed")), ("done", _("reviewed"))],
    )
    indicator = forms.CharField(label=_("Indicator"), required=False, max_length=80)
    site = forms.CharField(label=_("Site"), required=False, max_length=253)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    reason = forms.ChoiceField(label=_("Reason"), choices=Reason.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class CheckForm(forms.Form):
    text = forms.CharField(
        label=_("Paste the job offer here"),
        max_length=MAX_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "maxlength": MAX_CHARS, "spellcheck": "false"}),
        error_messages={
            "required": _("Paste the text of a job offer first."),
            "max_length": _("The text is too long: paste at most 20,000 characters."),
        },
    )

    def clean_text(self):
        text = self.cleaned_data["text"]
        if not text.strip():
            raise forms.ValidationError(_("Paste the text of a job offer first."), code="required")
        return text
