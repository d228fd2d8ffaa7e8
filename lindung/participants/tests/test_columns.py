"""One participant field list (participants/columns.py): the list page, the export and
the API's list rows name and label the same fields, and hide the same ones."""

from types import SimpleNamespace

from lindung.api.serializers import ParticipantListSerializer
from lindung.participants.columns import API_LIST_KEYS, FIELDS, LIST_KEYS, list_columns
from lindung.reports.exports.participants import _columns as export_columns

ADMIN = SimpleNamespace(is_admin=True)
COORDINATOR = SimpleNamespace(is_admin=False)


def test_the_list_and_the_export_take_keys_and_labels_from_the_field_list():
    for user in (ADMIN, COORDINATOR):
        for column in [*list_columns(user), *export_columns(user)]:
            assert str(column.label) == str(FIELDS[column.key].label)
    assert [c.key for c in list_columns(ADMIN)] == list(LIST_KEYS)


def test_only_administrators_see_the_coordinator_column():
    def shown(user):
        return {c.key for c in list_columns(user)} | {c.key for c in export_columns(user)}

    assert "coordinator" in shown(ADMIN)
    assert "coordinator" not in shown(COORDINATOR)


def test_the_api_rows_carry_the_listed_fields():
    fields = ParticipantListSerializer.Meta.fields
    assert [FIELDS[key].api for key in API_LIST_KEYS] == fields[1:-1]
