"""Forms of the consultations app: a participant's response and the committee's handling.

Their fields are built from the questionnaire, the draft's sections and the opinions; the
templates keep their own accessible markup (ids the error summary links to) and read each
field's value and errors from the bound form. A response is checked by
`consultations.answers.check_submission`, the one definition `actions.submit_response` applies
again, so the same Chinese sentences say what is wrong before and after the action.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from consultations.answers import check_submission, opinion_field_name
from consultations.choices import Handling
from themes.sanitiser import plain_text


class ValuesInput(forms.Widget):
    """Read every value posted under the field's name (checkbox groups post several)."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        if hasattr(data, "getlist"):
            return data.getlist(name)
        value = data.get(name)
        return [] if value is None else value if isinstance(value, list) else [value]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False


class AnswerField(forms.Field):
    """One question's answer, as the list of values posted (a checkbox group posts several)."""

    widget = ValuesInput

    def __init__(self, question: Any, **kwargs: Any) -> None:
        self.question = question
        # A required question is refused in ResponseForm.clean, with the question named.
        super().__init__(required=False, label=question.text, **kwargs)

    def to_python(self, value: Any) -> list[str]:
        if value in self.empty_values:
            return []
        return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


class ResponseForm(forms.Form):
    """A participant's answers (`q<pk>`) and opinions (`opinion-<anchor>`, `opinion-overall`)."""

    def __init__(
        self,
        *args: Any,
        questions: Sequence[Any],
        sections: Sequence[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.sections = list(sections)
        for question in self.questions:
            self.fields[question.field_name] = AnswerField(question)
        for anchor in [section.anchor for section in self.sections] + [""]:
            self.fields[opinion_field_name(anchor)] = forms.CharField(
                required=False, strip=False, widget=forms.Textarea
            )

    @classmethod
    def initial_from(cls, response: Any) -> dict[str, Any]:
        """Return a saved response as the form's initial values (opinions as typed text)."""
        if response is None:
            return {}
        initial: dict[str, Any] = {}
        for answer in response.answers.all():
            value = answer.choice or answer.scale or answer.text
            initial.setdefault(f"q{answer.question_id}", []).append(str(value))
        for opinion in response.opinions.all():
            initial[opinion_field_name(opinion.section_anchor)] = editable_text(opinion.body)
        return initial

    def clean(self) -> dict[str, Any]:
        """Check the whole submission as the action will (every problem at once, each beside
        its field): `answers.check_submission` is the one definition."""
        cleaned = super().clean()
        try:
            check_submission(self.questions, self.sections, self.answers(), self.opinions())
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned

    def chosen(self, question: Any) -> list[str]:
        """Return the question's values as the page shows them (posted, else saved)."""
        return self[question.field_name].value() or []

    def opinion_text(self, anchor: str) -> str:
        return self[opinion_field_name(anchor)].value() or ""

    def answers(self) -> dict[int, list[str]]:
        """Return the answers as the action takes them: {question id: [values]}."""
        return {q.pk: self.cleaned_data.get(q.field_name, []) for q in self.questions}

    def opinions(self) -> dict[str, str]:
        """Return the opinions as the action takes them: {anchor ("" overall): text}."""
        anchors = [section.anchor for section in self.sections] + [""]
        return {a: self.cleaned_data.get(opinion_field_name(a), "") for a in anchors}


def editable_text(html: str) -> str:
    """Return stored opinion HTML as the text its author typed (line breaks kept)."""
    for tag in ("<br>", "<br/>", "<br />", "</p>"):
        html = html.replace(tag, tag + "\n")
    return plain_text(html)


class HandlingForm(forms.Form):
    """The committee's handling of the opinions posted (`handling-<pk>`, `reason-<pk>`).

    Whether a reason is needed, and whether the opinions belong to the consultation, is the
    action's to say (`actions.mark_opinions`); its refusals land beside these fields.
    """

    summary = forms.CharField(required=False, strip=False, widget=forms.Textarea)

    def __init__(self, *args: Any, opinion_ids: Iterable[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.opinion_ids = list(opinion_ids)
        for pk in self.opinion_ids:
            self.fields[f"handling-{pk}"] = forms.ChoiceField(
                required=False,
                choices=[("", ""), *Handling.choices],
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("请从列出的处理结果中选择一项。")},
            )
            self.fields[f"reason-{pk}"] = forms.CharField(required=False, widget=forms.Textarea)

    @classmethod
    def posted(cls, data: Any) -> HandlingForm:
        """Return the form for the opinions the page posted (their ids in `opinion`)."""
        ids = [int(v) for v in data.getlist("opinion") if v.isdigit()]
        return cls(data, opinion_ids=ids)

    def marks(self) -> dict[int, tuple[str, str]]:
        """Return the marks as the action takes them: {opinion id: (handling, reason)}."""
        data = self.cleaned_data
        return {pk: (data[f"handling-{pk}"], data[f"reason-{pk}"]) for pk in self.opinion_ids}

    def errors_of(self, pk: int) -> list[str]:
        return [*self.errors.get(f"handling-{pk}", []), *self.errors.get(f"reason-{pk}", [])]
