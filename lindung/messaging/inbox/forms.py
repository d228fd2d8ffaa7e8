from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import User


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Answer"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    assigned_to = forms.TypedChoiceField(label=_("Assign to"), coerce=int)

    def __init__(self, *args: Any, users: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assigned_to"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(u.pk, u.get_full_name() or u.username) for u in users]
