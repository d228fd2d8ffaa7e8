"""The COPY path of the bulk registration (PostgreSQL, lindung.participants.bulk_copy)
writes the same participants and history rows as bulk_create_with_history did, and
refuses what the service refuses, naming the row. On SQLite both runs below take
bulk_create_with_history; CI runs the suite on PostgreSQL, where they differ."""

import datetime
from typing import Any

import pytest
from django.db import transaction

from lindung.communities.tests.factories import CommunityGroupFactory
from lindung.core.tests.factories import AdminFactory, CoordinatorFactory, bengkalis_village
from lindung.participants import bulk_copy, services
from lindung.participants.models import Category, ConsentMethod, Participant, Sex, Status
from lindung.participants.tests.factories import ParticipantFactory, make_nik

pytestmark = pytest.mark.django_db
History = Participant.history.model
# Differ between two runs by nature: ids from the sequence, and clock readings.
RUN_BOUND = {"id", "created_at", "updated_at", "consent_at", "history_id", "history_date"}


class Rollback(Exception):
    pass


def rows(village: Any, group: Any) -> list[dict[str, Any]]:
    """Registrations using every optional field, two of them likely duplicates."""
    out = []
    for serial in range(1, 8):
        born = datetime.date(1980, 1, 1) + datetime.timedelta(days=97 * serial)
        sex = Sex.FEMALE if serial % 2 else Sex.MALE
        row: dict[str, Any] = {
            "nik": make_nik(born, sex, serial),
            "full_name": f"  Peserta   Salin {serial} ",
            "birth_place": "Bengkalis",
            "birth_date": born,
            "sex": sex,
            "address": f"Jl. Salin {serial}",
            "village": village,
        }
        if serial % 2:
            row |= {
                "phone": "0812-3456-78" + f"{serial:02d}",
                "email": f"p{serial}@example.org",
                "occupation": "Nelayan",
                "category": Category.CONSTRUCTION,
                "declared_income": 2_500_000 + serial,
                "family_card_number": "1403.0112.3456.7890",
                "membership_number": f" 2{serial:010d} ",
                "contact_consent": True,
                "consent_method": ConsentMethod.WHATSAPP,
                "community_group": group,
                "status": Status.ACTIVE,
            }
        out.append(row)
    out[-1] |= {"full_name": out[0]["full_name"].upper(), "birth_date": out[0]["birth_date"]}
    out[-1]["nik"] = make_nik(out[0]["birth_date"], out[-1]["sex"], 7)
    return out


def stored(niks: list[str]) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    people = {p["nik"]: p for p in Participant.objects.filter(nik__in=niks).values()}
    history = {h["nik"]: h for h in History.objects.filter(nik__in=niks).values()}
    assert len(people) == len(history) == len(niks)  # one "+" row each
    return people, history


def register(data: list[dict[str, Any]], *, copy: bool, monkeypatch: Any, **kwargs: Any) -> Any:
    monkeypatch.setattr(bulk_copy, "USE_COPY", copy)
    niks = [r["nik"] for r in data]
    try:
        with transaction.atomic():
            created = services.participants_register_bulk(rows=data, **kwargs)
            people, history = stored(niks)
            raise Rollback
    except Rollback:
        return created, people, history


def without(row: dict[str, Any], names: set[str]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in names}


@pytest.mark.parametrize("batch_size", [3, 5000])
def test_copy_writes_the_same_rows_and_history_as_bulk_create(monkeypatch, batch_size):
    admin, coord = AdminFactory(), CoordinatorFactory()
    village = bengkalis_village()
    group = CommunityGroupFactory(village=village, coordinator=coord)
    data = rows(village, group)
    kwargs = {"actor": admin, "coordinator": coord, "batch_size": batch_size}
    copied, people, history = register(data, copy=True, monkeypatch=monkeypatch, **kwargs)
    created, expected_people, expected_history = register(data, copy=False, monkeypatch=monkeypatch, **kwargs)

    assert people.keys() == expected_people.keys() and len(people) == len(data)
    for nik, person in people.items():
        assert without(person, RUN_BOUND) == without(expected_people[nik], RUN_BOUND)
        assert without(history[nik], RUN_BOUND) == without(expected_history[nik], RUN_BOUND)
        # Field by field, the history row is the stored row as it was written.
        for name, value in person.items():
            # name_key and updated_at are not tracked; the likely-duplicate flag is set
            # after the write, without a history row of its own.
            if name in {"name_key", "updated_at", "possible_duplicate"}:
                continue
            assert history[nik][name] == value, name
        assert history[nik]["history_type"] == "+" and history[nik]["history_user_id"] == admin.pk
        assert history[nik]["history_change_reason"] is None
        assert person["updated_at"] >= person["created_at"] and history[nik]["history_date"] >= person["created_at"]
        assert (person["consent_at"] is not None) == person["contact_consent"]
    assert sum(p["possible_duplicate"] for p in people.values()) == 2
    # The instances handed back are the stored rows, by id, in the order given.
    assert [p.nik for p in copied] == [p.nik for p in created] == [r["nik"] for r in data]
    assert [p.pk for p in copied] == [people[p.nik]["id"] for p in copied]
    assert all(not p._state.adding for p in copied)


def test_a_taken_kpj_or_nik_is_refused_at_its_row_and_nothing_is_kept(monkeypatch):
    admin = AdminFactory()
    village = bengkalis_village()
    data = rows(village, None)
    for row in data:
        row.pop("community_group", None)
    ParticipantFactory(nik=make_nik(datetime.date(1970, 1, 1), Sex.MALE, 1), membership_number="20000000005")
    before = (Participant.objects.count(), History.objects.count())
    with pytest.raises(services.BulkRowError) as kpj:
        services.participants_register_bulk(actor=admin, rows=data, batch_size=2)
    assert kpj.value.index == 4 and "membership_number" in kpj.value.message_dict
    ParticipantFactory(nik=data[5]["nik"], birth_date=data[5]["birth_date"], sex=data[5]["sex"])
    data[4]["membership_number"] = ""
    with pytest.raises(services.BulkRowError) as nik:
        services.participants_register_bulk(actor=admin, rows=data, batch_size=4)
    assert nik.value.index == 5 and nik.value.message_dict["nik"] == [services.DUPLICATE_NIK_MESSAGE]
    assert (Participant.objects.count(), History.objects.count()) == (before[0] + 1, before[1] + 1)


def test_a_refused_row_in_the_middle_of_a_chunk_stops_the_copy_cleanly():
    coord = CoordinatorFactory()
    data = [without(r, {"membership_number", "status", "community_group"}) for r in rows(bengkalis_village(), None)]
    data[3]["phone"] = "12"
    with pytest.raises(services.BulkRowError) as refused:
        services.participants_register_bulk(actor=coord, rows=data)
    assert refused.value.index == 3 and "phone" in refused.value.message_dict
    assert not Participant.objects.filter(nik__in=[r["nik"] for r in data]).exists()
    # The connection is usable again: the same rows, corrected, go in.
    data[3]["phone"] = ""
    assert len(services.participants_register_bulk(actor=coord, rows=data)) == len(data)


def test_a_taken_nik_is_found_at_its_row_when_the_database_does_not_name_it(monkeypatch):
    monkeypatch.setattr(bulk_copy, "violated_key", lambda exc: None)  # e.g. details hidden
    coord = CoordinatorFactory()
    data = [without(r, {"membership_number", "status", "community_group"}) for r in rows(bengkalis_village(), None)]
    ParticipantFactory(nik=data[2]["nik"], birth_date=data[2]["birth_date"], sex=data[2]["sex"])
    with pytest.raises(services.BulkRowError) as refused:
        services.participants_register_bulk(actor=coord, rows=data)
    assert refused.value.index == 2 and refused.value.message_dict["nik"] == [services.DUPLICATE_NIK_MESSAGE]
