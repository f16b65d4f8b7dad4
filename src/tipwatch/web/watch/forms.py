"""Forms: watchlists, pasted terms, the alerts filter, status changes and the names check."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tipwatch.web.watch.models import Alert, MatchKind, SourceKind, Watchlist
from tipwatch.web.watch.services import MAX_NAMES, split_lines

__all__ = ["AlertFilterForm", "CheckNamesForm", "StatusForm", "TermsForm", "WatchlistForm"]

MAX_UPLOAD_BYTES = 1 << 20


class WatchlistForm(forms.ModelForm):
    class Meta:
        model = Watchlist
        fields = ["name", "description", "active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Watchlist.objects.for_org(self.organisation).filter(name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("A watchlist with this name exists; choose another name."), code="duplicate"
            )
        return name


class TermsForm(forms.Form):
    terms = forms.CharField(
        label=_("Terms, one per line"),
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "Golden Star Models\n@goldenstar_jobs"}),
        max_length=200_000,
    )
    note = forms.CharField(label=_("Note (for every term pasted)"), required=False, max_length=300)


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("open"))] + [("all", _("all"))] + list(Alert.Status.choices),
    )
    watchlist = forms.TypedChoiceField(label=_("Watchlist"), required=False, coerce=int, empty_value=None)
    source_kind = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("any"))] + list(SourceKind.choices)
    )
    match_kind = forms.ChoiceField(
        label=_("Match"), required=False, choices=[("", _("any"))] + list(MatchKind.choices)
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["watchlist"].choices = [("", _("any"))] + [
            (w.pk, w.name) for w in Watchlist.objects.for_org(organisation)
        ]

    def filter(self, alerts):
        """Apply the valid filters; with no status, the open alerts (new, seen, escalated)."""
        d = self.cleaned_data if self.is_valid() else {}
        status = d.get("status") or ""
        if status == "":
            alerts = alerts.exclude(status=Alert.Status.DISMISSED)
        elif status != "all":
            alerts = alerts.filter(status=status)
        if d.get("watchlist"):
            alerts = alerts.filter(watchlist_id=d["watchlist"])
        for name in ("source_kind", "match_kind"):
            if d.get(name):
                alerts = alerts.filter(**{name: d[name]})
        return alerts


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Alert.Status.choices)


class CheckNamesForm(forms.Form):
    KIND_CHOICES = [
        ("username", _("Usernames")),
        ("channel", _("Channel or chat-room names")),
        ("title", _("Titles")),
        ("text", _("Other text")),
    ]
    kind = forms.ChoiceField(label=_("These are"), choices=KIND_CHOICES, initial="username")
    names = forms.CharField(
        label=_("Names, one per line"),
        required=False,
        max_length=3_000_000,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "newbornsecks\ngoldenstar_recruit"}),
    )
    upload = forms.FileField(label=_("or upload a text file (UTF-8, one per line)"), required=False)

    def clean(self):
        data = super().clean()
        lines = [line for _n, line in split_lines(data.get("names") or "")]
        upload = data.get("upload")
        if upload is not None:
            if upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError(_("The file is over 1 MB; split it."), code="too_big")
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(
                    _("The file is not UTF-8 text; save it as UTF-8 and upload it again."), code="encoding"
                ) from exc
            lines.extend(line for _n, line in split_lines(text))
        if not lines:
            raise forms.ValidationError(_("Paste or upload at least one name."), code="empty")
        if len(lines) > MAX_NAMES:
            raise forms.ValidationError(
                _("At most %(n)s names at once; split the list."), code="too_many", params={"n": MAX_NAMES}
            )
        too_long = [i for i, line in enumerate(lines, 1) if len(line) > 300]
        if too_long:
            raise forms.ValidationError(
                _("Line %(line)s is longer than 300 characters; shorten it."),
                code="too_long",
                params={"line": too_long[0]},
            )
        data["lines"] = lines
        return data
