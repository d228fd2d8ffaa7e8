"""Showing a service's refusal on the form that asked for it."""

from django.core.exceptions import ValidationError
from django.forms import BaseForm


def show_service_errors(form: BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError beside the fields it names; the rest (and errors
    about fields the form does not have) go to the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
