from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import User
from lindung.accounts.selectors import coordinator_choices

from .reading import MAX_UPLOAD_BYTES, SPREADSHEET_ACCEPT


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel workbook (.xlsx) or CSV file"),
        help_text=_("Every sheet of the workbook is read. At most 20 MB and 200,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": SPREADSHEET_ACCEPT}),
    )
    coordinator = forms.ModelChoiceField(
        label=_("Coordinator of the new participants"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Leave empty to import them without a coordinator."),
    )

    def __init__(self, *args: Any, user: User, kind: str = "participants", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user.is_admin and kind == "participants":
            field = self.fields["coordinator"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = coordinator_choices()
        else:
            del self.fields["coordinator"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB. Split it into smaller files."),
                params={"mb": MAX_UPLOAD_BYTES // 2**20},
            )
        return upload
