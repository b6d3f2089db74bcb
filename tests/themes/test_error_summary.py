"""The one error summary: every public form's refusal lists each problem as a link to its field."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.template import Context, Template

TEMPLATES = Path(__file__).resolve().parents[2] / "themes" / "templates"


class _ClaimForm(forms.Form):
    name = forms.CharField(label="姓名")
    kind = forms.ChoiceField(
        label="身份", choices=[("owner", "业主"), ("tenant", "住户")], widget=forms.RadioSelect
    )

    def clean(self):
        raise forms.ValidationError("请稍后再试。")


def _render(form) -> str:
    return Template("{% load gongzhi %}{% error_summary form %}").render(Context({"form": form}))


def test_each_field_error_is_a_link_to_that_fields_input_and_a_radio_group_to_its_first_option():
    form = _ClaimForm(data={})
    assert not form.is_valid()
    html = _render(form)
    assert 'href="#id_name"' in html
    assert 'href="#id_kind_0"' in html  # the first radio: a fieldset has no id of its own
    assert "请稍后再试。" in html  # the form's own error, as text without a link
    assert "data-error-summary" in html and 'tabindex="-1"' in html


def test_a_valid_or_unbound_form_shows_no_summary():
    assert _render(_ClaimForm()).strip() == ""


def test_the_field_error_beside_the_input_is_what_the_input_is_described_by():
    form = _ClaimForm(data={})
    form.is_valid()
    widget = str(form["name"])
    errors = str(form["name"].errors)
    assert 'aria-describedby="id_name_error"' in widget
    assert 'id="id_name_error"' in errors


def test_every_public_form_template_uses_the_one_summary_and_no_other_error_box():
    """Templates that show a form's errors show the shared summary, not a box of their own."""
    own_boxes = ("non_field_errors }}</div>", "{{ form.non_field_errors }}", 'class="form-errors"')
    shows_errors = (".errors", "accounts/_field.html", ".as_div", ".as_p")
    has_summary = ("{% error_summary", "{% element fields")  # allauth's fields include it
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if "wagtailadmin" in path.parts or path.name.startswith("register_import"):
            continue  # the Wagtail admin (and the import pages inside it) has its own
        if path.parent.name in {"includes", "elements"} or path.name.startswith("_"):
            continue  # parts: the page that includes them shows the summary
        text = path.read_text(encoding="utf-8")
        if any(box in text for box in own_boxes):
            offenders.append(f"{path.relative_to(TEMPLATES)}: its own error box")
        if any(s in text for s in shows_errors) and not any(s in text for s in has_summary):
            offenders.append(f"{path.relative_to(TEMPLATES)}: no error summary")
    assert offenders == []
