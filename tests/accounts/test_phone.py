from __future__ import annotations

import pytest
from django import forms

from portal.accounts.adapter import AccountAdapter
from portal.community.phone import InvalidPhone, normalize_phone


@pytest.mark.parametrize(
    "typed",
    ["13800138000", "138 0013 8000", "+86 138-0013-8000", "008613800138000", "(138) 0013-8000"],
)
def test_mobile_numbers_as_people_type_them_are_stored_e164(typed):
    assert normalize_phone(typed) == "+8613800138000"


@pytest.mark.parametrize(
    "typed", ["", "12345", "1380013800", "abc", "010-12345678", "+86 10 1234 5678"]
)
def test_invalid_numbers_are_refused(typed):
    with pytest.raises(InvalidPhone):
        normalize_phone(typed)


def test_adapter_answers_invalid_number_in_chinese():
    with pytest.raises(forms.ValidationError) as exc:
        AccountAdapter().clean_phone("12345")
    assert "请输入有效的手机号码" in exc.value.messages[0]


def test_phone_form_field_normalises(db):
    field = AccountAdapter().phone_form_field(required=True)
    assert field.clean("138 0013 8000") == "+8613800138000"
