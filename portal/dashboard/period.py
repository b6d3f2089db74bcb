"""The date range a dashboard shows, read from the query string and validated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366


def local_today() -> date:
    return timezone.localdate()


@dataclass(frozen=True)
class Period:
    """Whole local days from `first` to `last`, both included (Asia/Shanghai)."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        """The first instant of the period, aware."""
        return datetime.combine(self.first, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))

    @property
    def end(self) -> datetime:
        """The first instant after the period, aware (periods are half-open in queries)."""
        return self.start + timedelta(days=(self.last - self.first).days + 1)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def query(self) -> str:
        return f"from={self.first.isoformat()}&to={self.last.isoformat()}"

    def weeks(self) -> list[date]:
        """Return the Mondays of the weeks the period touches, oldest first."""
        monday = self.first - timedelta(days=self.first.weekday())
        weeks = []
        while monday <= self.last:
            weeks.append(monday)
            monday += timedelta(days=7)
        return weeks

    @classmethod
    def default(cls) -> Period:
        today = local_today()
        return cls(first=today - timedelta(days=DEFAULT_DAYS - 1), last=today)


class PeriodForm(forms.Form):
    """?from=YYYY-MM-DD&to=YYYY-MM-DD, both optional; errors say what is wrong in Chinese."""

    def __init__(self, data=None, **kwargs):
        data = data.copy() if data is not None else None
        if data is not None:
            data.setdefault("from", "")
            data.setdefault("to", "")
        super().__init__(data, **kwargs)
        self.fields["from"] = forms.DateField(
            label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
        self.fields["to"] = forms.DateField(
            label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        )

    def clean(self):
        cleaned = super().clean()
        default = Period.default()
        first = cleaned.get("from") or None
        last = cleaned.get("to") or None
        if first is None and last is None:
            first, last = default.first, default.last
        elif first is None:
            first = last - timedelta(days=DEFAULT_DAYS - 1)
        elif last is None:
            last = max(first, local_today())
        if last < first:
            raise forms.ValidationError(_("结束日期不能早于开始日期。"))
        if (last - first).days + 1 > MAX_DAYS:
            raise forms.ValidationError(_("时间范围最长三年，请缩短后再查询。"))
        cleaned["period"] = Period(first=first, last=last)
        return cleaned

    @property
    def period(self) -> Period:
        return self.cleaned_data["period"] if self.is_valid() else Period.default()
