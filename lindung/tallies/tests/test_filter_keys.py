"""One map from participant filters to tally key columns (tallies.models.tally_filter)."""

from types import SimpleNamespace

from lindung.tallies.models import FILTER_COLUMNS, TallyKey, tally_filter


def test_every_filter_key_is_a_tally_column():
    assert set(FILTER_COLUMNS.values()) == set(TallyKey.KEY)


def test_key_filters_map_to_columns_and_instances_to_their_pk():
    group = SimpleNamespace(pk=7)
    assert tally_filter({"district": "14.03.01", "group": group, "coordinator": 3}) == {
        "district_id": "14.03.01",
        "group_id": 7,
        "coordinator_id": 3,
    }
    assert tally_filter({}) == {}


def test_a_filter_that_is_not_a_key_cannot_be_read_from_the_tallies():
    assert tally_filter({"district": "14.03.01", "village": "14.03.01.2004"}) is None
    assert tally_filter({"status": "active"}) is None
