"""The one way a view runs an action and tells the person what happened.

Every writing view does the same four things: read a form, call the app's action (atomic: a
refusal changes nothing), then either say what was done and redirect, or say in Chinese what is
wrong. `run_action` does the middle two; the view keeps the lookup, the form and the redirect:

    form = ReasonForm(request.POST)
    if form.is_valid() and run_action(
        request,
        lambda: actions.cancel_meeting(meeting, actor=request.user, **form.cleaned_data),
        form=form,
        success=_("会议已取消。"),
    ):
        return redirect(meeting.get_absolute_url())
    return render(..., {"form": form}, status=400)

A refusal is the action's `ValidationError` (its messages are the sentences shown) and, where the
view asks for it with `denied_as_message=True`, its `PermissionDenied`: without that a denial
stays a 403, as every permission-checked lookup answers. With a `form` the refusal goes on the
form (a field's errors beside the field, the rest above it); without one it becomes messages on
the next page. Write-only views are decorated with Django's `require_POST`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

T = TypeVar("T")


def local_path(request: HttpRequest, candidate: str | None, default: str) -> str:
    """Return `candidate` if it is a path on this site, else `default`: never another host,
    and never a bare word, which redirect() would take for a view's name."""
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return default


def refusal_texts(error: ValidationError | PermissionDenied) -> list[str]:
    """Return the sentences a refusal tells the person (a bare 403 gets a general one)."""
    if isinstance(error, ValidationError):
        return [str(message) for message in error.messages]
    return [str(error) or _("您没有权限进行此操作。")]


def add_refusal(form: forms.BaseForm, error: ValidationError | PermissionDenied) -> None:
    """Put a refusal on the form: each field's errors beside its field when the form shows that
    field, everything else (and a hidden field's errors) above the form."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            shown = field in form.fields and not form.fields[field].widget.is_hidden
            form.add_error(field if shown else None, errors)
        return
    form.add_error(None, refusal_texts(error))


def message_refusal(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    """Tell the person on the next page why the action was refused."""
    for text in refusal_texts(error):
        messages.error(request, text)


def message_form_errors(request: HttpRequest, form: forms.BaseForm) -> None:
    """Tell the person on the next page what is wrong with a form posted from another page."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What running an action gave: its return value, or the refusal. True when it was done."""

    value: T | None = None
    refusal: ValidationError | PermissionDenied | None = None

    @property
    def done(self) -> bool:
        return self.refusal is None

    def __bool__(self) -> bool:
        return self.done


def run_action(
    request: HttpRequest,
    call: Callable[[], T],
    *,
    success: str | Callable[[T], str] | None = None,
    form: forms.BaseForm | None = None,
    denied_as_message: bool = False,
) -> Outcome[T]:
    """Run one action; on success say `success` (or `success(value)`), on a refusal say why.

    The refusal goes on `form` when one is given, else into messages. A `PermissionDenied`
    propagates (a 403) unless `denied_as_message`.
    """
    refused: tuple[type[Exception], ...] = (
        (ValidationError, PermissionDenied) if denied_as_message else (ValidationError,)
    )
    try:
        value = call()
    except refused as error:
        if form is not None:
            add_refusal(form, error)
        else:
            message_refusal(request, error)
        return Outcome(refusal=error)
    if success is not None:
        messages.success(request, success(value) if callable(success) else success)
    return Outcome(value=value)
