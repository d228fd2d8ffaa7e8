"""Bulk writes of the participant import (participants_register_bulk / _update_bulk) give
the same registry and history as one service call a row."""

import datetime
import io
import random

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import get_history_model_for_model

from lindung.core.tests.factories import CoordinatorFactory, bengkalis_village
from lindung.participants import services
from lindung.participants.imports.participants import ParticipantImport
from lindung.participants.imports.pipeline import run_import
from lindung.participants.imports.reading import open_spreadsheet
from lindung.participants.models import Participant, Sex
from lindung.participants.tests.factories import ParticipantFactory, make_nik

from .import_helpers import HEADER, VILLAGE, xlsx

pytestmark = pytest.mark.django_db
History = get_history_model_for_model(Participant)
IGNORED = {"id", "created_at", "updated_at", "consent_at"}


class Rollback(Exception):
    pass


def generated_file(seed: int, existing: list[Participant]) -> bytes:
    """New workers (a few sharing a name and birth date), and rows for existing ones,
    changed or not, over two sheets."""
    rng = random.Random(seed)
    rows = []
    for serial in range(1, rng.randint(15, 40)):
        born = datetime.date(1970, 1, 1) + datetime.timedelta(days=rng.randint(0, 9000))
        sex = rng.choice([Sex.MALE, Sex.FEMALE])
        name = rng.choice(["Siti Aminah", "Budi Santoso", f"Peserta {serial}", f"Peserta {serial}"])
        if rng.random() < 0.2:
            born = datetime.date(1990, 5, 17)  # a likely duplicate of another row
        phone = rng.choice(["", "0812-3456-7890", "+62 813 1111 2222"])
        nik = make_nik(born, sex, 100 + serial)
        rows.append([nik, name, "Bengkalis", born.strftime("%d/%m/%Y"), "P" if sex == Sex.FEMALE else "L"])
        rows[-1] += [f"Jl. {serial}", VILLAGE, phone]
    for participant in existing:
        changed = rng.random() < 0.5
        name = participant.full_name + (" Baru" if changed else "")
        sex = "P" if participant.sex == Sex.FEMALE else "L"
        born = participant.birth_date.strftime("%d/%m/%Y")
        rows.append([participant.nik, name, participant.birth_place, born, sex, participant.address, VILLAGE, ""])
    rng.shuffle(rows)
    half = len(rows) // 2
    return xlsx([("A", [HEADER, *rows[:half]]), ("B", [HEADER, *rows[half:]])])


def snapshot() -> tuple[list[dict], list[tuple]]:
    people = [
        {k: v for k, v in row.items() if k not in IGNORED} for row in Participant.objects.order_by("nik").values()
    ]
    history = sorted(
        History.objects.values_list("nik", "history_type", "history_user_id", "full_name", "possible_duplicate")
    )
    return people, history


def run(content: bytes, actor, *, bulk: bool) -> tuple[list[dict], list[tuple]]:
    spreadsheet = open_spreadsheet(io.BytesIO(content), "file.xlsx")
    kind = ParticipantImport(actor=actor, coordinator=actor, bulk=bulk, committing=bulk)
    try:
        with transaction.atomic():
            run_import(spreadsheet, kind, commit=True)
            result = snapshot()
            raise Rollback
    except Rollback:
        return result


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_bulk_and_per_row_paths_write_the_same_rows_and_history(seed):
    village = bengkalis_village()
    coord = CoordinatorFactory()
    existing = [
        ParticipantFactory(
            coordinator=coord, village=village, district_id=village.parent_id, address="Jl. Lama", phone=""
        )
        for _ in range(5)
    ]
    content = generated_file(seed, existing)
    per_row = run(content, coord, bulk=False)
    bulk = run(content, coord, bulk=True)
    assert bulk[0] == per_row[0]
    assert bulk[1] == per_row[1]
    assert len(bulk[0]) > len(existing)


def test_bulk_registration_flags_likely_duplicates_and_records_the_actor():
    village = bengkalis_village()
    coord = CoordinatorFactory()
    born = datetime.date(1990, 5, 17)
    nik = make_nik(born, Sex.FEMALE, 1)
    earlier = ParticipantFactory(full_name="Siti Aminah", birth_date=born, village=village, nik=nik, sex=Sex.FEMALE)
    rows = [
        {
            "nik": make_nik(born, Sex.FEMALE, serial),
            "full_name": name,
            "birth_place": "Bengkalis",
            "birth_date": born,
            "sex": Sex.FEMALE,
            "address": "Jl. Baru",
            "village": village,
        }
        for serial, name in ((2, "SITI AMINAH"), (3, "Rina"), (4, "rina"), (5, "Dewi"))
    ]
    created = services.participants_register_bulk(actor=coord, rows=rows, coordinator=None, batch_size=2)
    flagged = dict(Participant.objects.values_list("full_name", "possible_duplicate"))
    assert flagged == {"Siti Aminah": True, "SITI AMINAH": True, "Rina": True, "rina": True, "Dewi": False}
    assert {p.coordinator_id for p in created} == {coord.pk}  # a coordinator registers for themselves
    history = History.objects.filter(nik__in=[r["nik"] for r in rows])
    assert history.count() == 4 and {h.history_user_id for h in history} == {coord.pk}
    assert earlier.pk not in {p.pk for p in created}


def test_bulk_registration_is_all_or_nothing_and_names_the_row():
    village = bengkalis_village()
    coord = CoordinatorFactory()
    born = datetime.date(1990, 5, 17)
    ParticipantFactory(nik=make_nik(born, Sex.MALE, 9))
    good = {
        "full_name": "Ahmad",
        "birth_place": "Bengkalis",
        "birth_date": born,
        "sex": Sex.MALE,
        "address": "Jl. A",
        "village": village,
    }
    rows = [{**good, "nik": make_nik(born, Sex.MALE, 1)}, {**good, "nik": make_nik(born, Sex.MALE, 9)}]
    with pytest.raises(services.BulkRowError) as refused:
        services.participants_register_bulk(actor=coord, rows=rows)
    assert refused.value.index == 1 and "already registered" in refused.value.message_dict["nik"][0]
    with pytest.raises(services.BulkRowError) as bad_phone:
        services.participants_register_bulk(actor=coord, rows=[{**rows[0], "phone": "12"}])
    assert bad_phone.value.index == 0 and "phone" in bad_phone.value.message_dict
    assert not Participant.objects.filter(nik=rows[0]["nik"]).exists()
    with pytest.raises(services.BulkRowError):  # a coordinator may not activate
        services.participants_register_bulk(actor=coord, rows=[{**rows[0], "status": "active"}])
    assert isinstance(refused.value, ValidationError)
