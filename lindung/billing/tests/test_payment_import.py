"""Payments import: preview with per-row errors, all-or-nothing commit through
payment_record, re-upload and re-commit idempotency, scoping."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lindung.billing.bills.services import bills_generate
from lindung.billing.models import Bill, Payment
from lindung.billing.payments.importing import submission_key
from lindung.billing.payments.services import PaymentInput, payment_record, payment_reverse
from lindung.billing.tests.factories import cash_method, informal_participant, transfer_method
from lindung.jobs.models import JobStatus
from lindung.participants.imports import jobs as imports
from lindung.participants.tests.import_helpers import commit, counts, csv_bytes, xlsx

pytestmark = pytest.mark.django_db

HEADER = ["NIK", "Tanggal Bayar", "Jumlah", "Metode", "Referensi", "Penagih", "Bayar di muka", "Catatan"]
PAID_ON = datetime.date(2026, 3, 20)
MONTH_BILL = 16_800  # informal worker, Rp 1,000,000 declared income


@pytest.fixture
def world(coord_a, coord_b, admin):
    cash_method(), transfer_method()
    mine = informal_participant(coordinator=coord_a, full_name="Siti Aminah")
    theirs = informal_participant(coordinator=coord_b, full_name="Budi Santoso")
    for month in (1, 2, 3):
        bills_generate(month=datetime.date(2026, month, 1))
    return {"a": coord_a, "b": coord_b, "admin": admin, "mine": mine, "theirs": theirs}


def preview(actor, content, name="bayar.xlsx", *, capture):
    with capture(execute=True):
        job = imports.import_start(actor=actor, upload=SimpleUploadedFile(name, content), kind="payments")
    job.refresh_from_db()
    return job


def row(participant, amount=MONTH_BILL, reference="", method="tunai ke KOORDINATOR", **extra):
    values = [participant.nik, PAID_ON.strftime("%d/%m/%Y"), amount, method, reference, "", "", ""]
    for index, value in extra.items():
        values[int(index.removeprefix("c"))] = value
    return values


def errors(job):
    return {(e["row"], e["column"]): e["message"] for e in job.result["import"]["samples"]["error"]}


def test_preview_reports_every_kind_of_row_error(world, django_capture_on_commit_callbacks):
    content = xlsx(
        [
            (
                "Maret",
                [
                    HEADER,
                    row(world["mine"], reference="TRX-1", method="Transfer bank"),  # 2: fine
                    row(world["theirs"]),  # 3: not theirs to see
                    ["1403011705900099", "20/03/2026", 1000, "Tunai ke koordinator", "", "", "", ""],  # 4: unknown
                    row(world["mine"], reference="TRX-1", method="Transfer bank"),  # 5: repeated reference
                    row(world["mine"], method="Cek"),  # 6: unknown method
                    row(world["mine"], amount=10 * MONTH_BILL),  # 7: more than owed
                ],
            )
        ]
    )
    job = preview(world["a"], content, capture=django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert counts(job) == {"new": 1, "updated": 0, "unchanged": 0, "error": 5}
    found = errors(job)
    assert found[(3, "NIK")] == found[(4, "NIK")] == "No participant with this NIK among those you can see."
    assert "row 2" in found[(5, "Referensi")]
    assert found[(6, "Metode")].startswith("Unknown payment method")
    # The service's own message, with what is owed once row 2 is paid.
    assert found[(7, "Jumlah")].startswith("The participant owes Rp 33.600 for the open months.")
    assert not Payment.objects.exists()
    with pytest.raises(Exception):  # noqa: B017 - ValidationError: the file has errors
        imports.import_commit(actor=world["a"], preview=job)


def test_commit_records_through_the_service_and_reupload_is_idempotent(world, django_capture_on_commit_callbacks):
    content = xlsx(
        [
            ("S1", [HEADER, row(world["mine"], reference="TRX-7", method="transfer bank")]),
            ("S2", [HEADER, row(world["mine"], amount=2 * MONTH_BILL, c5=world["b"].username, c7="kas RT")]),
        ]
    )
    first = preview(world["a"], content, capture=django_capture_on_commit_callbacks)
    assert counts(first) == {"new": 2, "updated": 0, "unchanged": 0, "error": 0}, errors(first)
    done = commit(world["a"], first, capture=django_capture_on_commit_callbacks)
    assert done.status == JobStatus.SUCCEEDED, done.message
    payments = list(Payment.objects.order_by("id"))
    assert [p.amount for p in payments] == [MONTH_BILL, 2 * MONTH_BILL]
    # A coordinator is the collector of what they import, whatever the file says.
    assert {p.collected_by_id for p in payments} == {world["a"].pk}
    assert payments[1].note == "kas RT" and payments[0].reference == "TRX-7"
    assert payments[0].submission_key == submission_key(first.pk, "S1", 2)
    assert not Bill.objects.filter(participant=world["mine"], settled_on__isnull=True).exists()

    again = preview(world["a"], content, capture=django_capture_on_commit_callbacks)
    # The referenced row is recognised by its reference, the cash row by NIK, amount and date.
    assert counts(again) == {"new": 0, "updated": 0, "unchanged": 2, "error": 0}, errors(again)


def test_reupload_without_references_is_recognised_row_for_row(client, world, django_capture_on_commit_callbacks):
    """Two real payments of the same amount on the same day, no reference: both recorded
    the first time, neither the second; a reversed one no longer counts as on record."""
    content = csv_bytes([HEADER, row(world["mine"]), row(world["mine"])])
    first = preview(world["a"], content, "bayar.csv", capture=django_capture_on_commit_callbacks)
    assert counts(first) == {"new": 2, "updated": 0, "unchanged": 0, "error": 0}, errors(first)
    commit(world["a"], first, capture=django_capture_on_commit_callbacks)
    assert Payment.objects.filter(participant=world["mine"]).count() == 2

    again = preview(world["a"], content, "bayar.csv", capture=django_capture_on_commit_callbacks)
    assert counts(again) == {"new": 0, "updated": 0, "unchanged": 2, "error": 0}, errors(again)
    assert {r["name"] for r in again.result["import"]["samples"]["unchanged"]} == {"Siti Aminah"}
    client.force_login(world["a"])
    page = client.get(reverse("participants:import_detail", args=[again.pk])).content.decode()
    # Only the "already recorded" table names the worker: nothing is new, nothing is wrong.
    assert page.count("Siti Aminah") == 2
    done = commit(world["a"], again, capture=django_capture_on_commit_callbacks)
    assert done.status == JobStatus.SUCCEEDED and Payment.objects.count() == 2

    # One of the two reversed (recorded in error): uploading the file again records one.
    payment_reverse(actor=world["admin"], payment=Payment.objects.first(), reason="Salah catat")
    third = preview(world["a"], content, "bayar.csv", capture=django_capture_on_commit_callbacks)
    assert counts(third) == {"new": 1, "updated": 0, "unchanged": 1, "error": 0}, errors(third)


def test_a_payment_typed_in_the_form_is_not_imported_again(world, django_capture_on_commit_callbacks):
    data = PaymentInput(amount=MONTH_BILL, paid_on=PAID_ON, method=cash_method())
    payment_record(actor=world["a"], participant=world["mine"], data=data, submission_key="form-1")
    content = csv_bytes([HEADER, row(world["mine"]), row(world["mine"], amount=MONTH_BILL + 1)])
    job = preview(world["a"], content, "bayar.csv", capture=django_capture_on_commit_callbacks)
    assert counts(job)["unchanged"] == 1 and counts(job)["new"] == 1, errors(job)


def test_reupload_of_referenced_rows_changes_nothing(world, django_capture_on_commit_callbacks):
    content = csv_bytes([HEADER, row(world["mine"], reference="TRX-9", method="Transfer bank")])
    first = preview(world["a"], content, "bayar.csv", capture=django_capture_on_commit_callbacks)
    commit(world["a"], first, capture=django_capture_on_commit_callbacks)
    again = preview(world["a"], content, "bayar.csv", capture=django_capture_on_commit_callbacks)
    assert counts(again) == {"new": 0, "updated": 0, "unchanged": 1, "error": 0}
    done = commit(world["a"], again, capture=django_capture_on_commit_callbacks)
    assert done.status == JobStatus.SUCCEEDED and Payment.objects.count() == 1
    # Same reference but another amount: not the same payment.
    other = csv_bytes([HEADER, row(world["mine"], amount=1000, reference="TRX-9", method="Transfer bank")])
    third = preview(world["a"], other, "bayar.csv", capture=django_capture_on_commit_callbacks)
    assert errors(third)[(2, "Referensi")] == "A payment with this reference has already been recorded."


def test_a_failure_during_commit_records_nothing(world, django_capture_on_commit_callbacks, monkeypatch):
    content = xlsx([("S", [HEADER, row(world["mine"]), row(world["mine"]), row(world["mine"])])])
    job = preview(world["a"], content, capture=django_capture_on_commit_callbacks)
    assert counts(job)["new"] == 3
    # Someone pays the participant's arrears between preview and commit: row 4 is now too much.
    from lindung.billing.tests.test_payments import pay

    # (Another day: the same NIK, amount and date would count as this file's row, recorded.)
    pay(world["a"], world["mine"], MONTH_BILL, paid_on=PAID_ON - datetime.timedelta(days=1))
    done = commit(world["a"], job, capture=django_capture_on_commit_callbacks)
    assert done.status == JobStatus.FAILED and "Nothing was imported" in done.message and "row 4" in done.message
    assert Payment.objects.count() == 1


def test_running_the_commit_again_cannot_record_twice(world, django_capture_on_commit_callbacks):
    from lindung.participants.imports.handlers import build_kind
    from lindung.participants.imports.pipeline import run_import
    from lindung.participants.imports.reading import open_spreadsheet

    job = preview(world["a"], xlsx([("S", [HEADER, row(world["mine"])])]), capture=django_capture_on_commit_callbacks)
    for _ in range(2):
        with job.input_file.open("rb") as stream:
            run_import(open_spreadsheet(stream, job.input_name), build_kind(job), commit=True)
    assert Payment.objects.count() == 1


def test_admin_names_the_collector_and_sees_everyone(world, django_capture_on_commit_callbacks):
    content = xlsx(
        [
            (
                "S",
                [
                    HEADER,
                    row(world["theirs"], c5=world["b"].username.upper()),
                    row(world["mine"], c5="nobody"),
                    row(world["mine"], c6=5),
                ],
            )
        ]
    )
    job = preview(world["admin"], content, capture=django_capture_on_commit_callbacks)
    found = errors(job)
    assert found[(3, "Penagih")] == "No active coordinator or administrator has this username."
    assert found[(4, "Bayar di muka")].startswith("Months can be paid in advance in blocks of")
    assert counts(job)["new"] == 1


def test_prepaid_months_count_towards_what_may_be_paid(world, django_capture_on_commit_callbacks):
    # January to March open; three months from March paid in advance add April and May.
    too_much = xlsx([("S", [HEADER, row(world["mine"], amount=6 * MONTH_BILL, c6=3)])])
    job = preview(world["a"], too_much, capture=django_capture_on_commit_callbacks)
    assert errors(job)[(2, "Jumlah")].startswith("The participant owes Rp 84.000")
    content = xlsx([("S", [HEADER, row(world["mine"], amount=5 * MONTH_BILL, c6=3)])])
    job = preview(world["a"], content, capture=django_capture_on_commit_callbacks)
    assert counts(job)["new"] == 1, errors(job)
    done = commit(world["a"], job, capture=django_capture_on_commit_callbacks)
    assert done.status == JobStatus.SUCCEEDED, done.message
    assert Payment.objects.get().prepaid_months == 3
    assert Bill.objects.filter(participant=world["mine"], settled_on__isnull=False).count() == 5


@pytest.mark.parametrize("who", ["anonymous", "a", "b", "admin"])
def test_payment_import_pages_permissions(client, world, who, django_capture_on_commit_callbacks):
    job = preview(world["a"], xlsx([("S", [HEADER, row(world["mine"])])]), capture=django_capture_on_commit_callbacks)
    if who != "anonymous":
        client.force_login(world[who])
    start = client.get(reverse("participants:payments_import_start"))
    detail = client.get(reverse("participants:import_detail", args=[job.pk]))
    if who == "anonymous":
        assert start.status_code == 302 and "/login" in start["Location"]
        assert detail.status_code == 302
        return
    assert start.status_code == 200 and b"Import payments" in start.content
    assert b"Payment date" in start.content
    if who == "b":
        assert detail.status_code == 404
    else:
        assert detail.status_code == 200 and b"New payments" in detail.content and b"Siti Aminah" in detail.content


def test_upload_through_the_page_queues_a_payments_preview(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["a"])
    upload = SimpleUploadedFile("bayar.xlsx", xlsx([("S", [HEADER, row(world["mine"])])]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("participants:payments_import_start"), {"file": upload})
    assert response.status_code == 302
    job = imports.import_previews_for(world["a"]).get()
    assert job.params["kind"] == "payments" and counts(job)["new"] == 1
