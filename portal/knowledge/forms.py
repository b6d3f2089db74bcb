from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label=_("这篇文章对您有帮助吗？"),
        choices=[("1", _("有帮助")), ("0", _("没帮助"))],
        coerce=lambda v: v == "1",
        error_messages={
            "required": _("请选择“有帮助”或“没帮助”。"),
            "invalid_choice": _("请选择“有帮助”或“没帮助”。"),
        },
    )
    comment = forms.CharField(
        label=_("补充意见（选填）"),
        max_length=300,
        required=False,
        error_messages={"max_length": _("补充意见最多 300 字。")},
    )
