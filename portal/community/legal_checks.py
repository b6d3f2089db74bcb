"""Turn the legal bounds of ``portal/community/legal.py`` into validators, database checks and
help texts, so a form, a model and the database refuse the same values for the same reason.

    field = models.PositiveSmallIntegerField(validators=validators(NOTICE_DAYS), ...)
    constraints = [check("min_notice_days", NOTICE_DAYS, name="assembly_notice_days_legal")]

Every message names the bound's citation; every number comes from the bound.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext, npgettext_lazy
from django.utils.translation import gettext_lazy as _

from portal.community.legal import Bound, Unit


def _format(message: Any, params: dict[str, Any]) -> str:
    return str(message) % {key: str(value) for key, value in params.items()}


def lazy_format(message: Any, **params: Any) -> str:
    """Return ``message % params`` computed when shown, in the language of the moment."""
    return lazy(_format, str)(message, params)


def citation(bound: Bound) -> str:
    """Return the bound's legal citation, translated when shown."""
    return lazy(gettext, str)(bound.citation)


def _unit_word(bound: Bound, count: int) -> Any:
    # Plural-aware so English reads "1 voting right" / "3 voting rights"; Chinese has one form.
    words = {
        Unit.DAYS: npgettext_lazy("legal bound unit", "日", "日", count),
        Unit.HOURS: npgettext_lazy("legal bound unit", "小时", "小时", count),
        Unit.RIGHTS: npgettext_lazy("legal bound unit", "个投票权", "个投票权", count),
    }
    return words[bound.unit]


def too_low_message(bound: Bound) -> str:
    """Return the error for a value under the bound's minimum, with its reason."""
    return lazy_format(
        _("不得少于 %(limit)s %(unit)s。%(citation)s。"),
        limit=bound.minimum,
        unit=_unit_word(bound, bound.minimum),
        citation=citation(bound),
    )


def too_high_message(bound: Bound) -> str:
    """Return the error for a value over the bound's maximum, with its reason."""
    return lazy_format(
        _("不得超过 %(limit)s %(unit)s。%(citation)s。"),
        limit=bound.maximum,
        unit=_unit_word(bound, bound.maximum),
        citation=citation(bound),
    )


def out_of_range_message(bound: Bound) -> str:
    """Return the error for a stored value outside the bound (the database check's message)."""
    if bound.maximum is None:
        return too_low_message(bound)
    if bound.minimum is None:
        return too_high_message(bound)
    return lazy_format(
        _("须在 %(low)s 至 %(high)s %(unit)s之间。%(citation)s。"),
        low=bound.minimum,
        high=bound.maximum,
        unit=_unit_word(bound, bound.maximum),
        citation=citation(bound),
    )


def validators(bound: Bound) -> list[Any]:
    """Return the model/form validators enforcing the bound (None passes: nullable fields)."""
    found: list[Any] = []
    if bound.minimum is not None:
        found.append(MinValueValidator(bound.minimum, message=too_low_message(bound)))
    if bound.maximum is not None:
        found.append(MaxValueValidator(bound.maximum, message=too_high_message(bound)))
    return found


def condition(field: str, bound: Bound, *, nullable: bool = False) -> models.Q:
    """Return the SQL condition a stored value must meet (NULL allowed when ``nullable``)."""
    within = models.Q()
    if bound.minimum is not None:
        within &= models.Q(**{f"{field}__gte": bound.minimum})
    if bound.maximum is not None:
        within &= models.Q(**{f"{field}__lte": bound.maximum})
    if nullable:
        within = models.Q(**{f"{field}__isnull": True}) | within
    return within


def check(field: str, bound: Bound, *, name: str, nullable: bool = False) -> models.CheckConstraint:
    """Return the database check refusing a stored value outside the bound, by any query."""
    return models.CheckConstraint(
        condition=condition(field, bound, nullable=nullable),
        name=name,
        violation_error_message=out_of_range_message(bound),
    )
