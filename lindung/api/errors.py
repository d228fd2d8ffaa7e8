"""Service exceptions as API answers: the services speak Django, the API speaks DRF."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from rest_framework import exceptions, serializers
from rest_framework.settings import api_settings


@contextmanager
def service_errors() -> Iterator[None]:
    """Field errors of a service become a 400 keyed by the same field names, a refusal a 403."""
    try:
        yield
    except ValidationError as error:
        raise serializers.ValidationError(as_field_errors(error)) from error
    except PermissionDenied as error:
        raise exceptions.PermissionDenied(str(error) or None) from error


def as_field_errors(error: ValidationError) -> dict[str, list[str]]:
    if not hasattr(error, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    return {
        api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: messages
        for field, messages in error.message_dict.items()
    }
