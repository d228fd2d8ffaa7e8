"""Query-parameter fields shared by the API's filters."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# Ids are 64-bit (BigAutoField). A larger number would crash the SQLite driver
# (OverflowError) and match nothing on PostgreSQL: refuse it as out of range instead,
# and let the schema say so.
ID_MAX = 2**63 - 1


class IdField(serializers.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(min_value=1, max_value=ID_MAX, **kwargs)


@extend_schema_field({"anyOf": [{"type": "string", "format": "email"}, {"type": "string", "maxLength": 0}]})
class OptionalEmailField(serializers.EmailField):
    """An email address, or "" when none is known: the schema must admit both."""


class CodeRelatedField(serializers.SlugRelatedField):
    """A related row named by a code. Text with a NUL byte names nothing (PostgreSQL
    refuses it in a query), so it is refused as an invalid value, like CharField does."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)
