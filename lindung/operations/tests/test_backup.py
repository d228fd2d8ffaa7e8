"""The backup round trip on the test database's own vendor (CI runs the suite on SQLite
and on PostgreSQL): every table's rows and every file come back identical."""

import datetime
import io
import json
import tarfile
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.models import FileField

from lindung.billing.bills.services import bills_generate
from lindung.billing.payments.services import PaymentInput, payment_record
from lindung.billing.tests.factories import cash_method, informal_participant
from lindung.operations.backup import archive, checksums, pg_checksums
from lindung.operations.backup.archive import BackupError, backup_create, backup_restore, compare
from lindung.operations.backup.checksums import database_tables
from lindung.participants.models import DocumentKind, IdentityDocument

# Transactional: pg_dump reads the database from its own connection, so the rows must be
# committed; serialized_rollback puts back the rows data migrations seeded.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _point_storages(settings, monkeypatch, private: Path, media: Path) -> dict[str, Path]:
    """Move the file folders (the models' storages are made once, at import)."""
    settings.MEDIA_ROOT = media
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, FileField) and field.storage is not default_storage:
                monkeypatch.setattr(field, "storage", FileSystemStorage(location=private))
    return {"private": private, "media": media}


@pytest.fixture
def roots(settings, monkeypatch, tmp_path: Path) -> dict[str, Path]:
    return _point_storages(settings, monkeypatch, tmp_path / "private", tmp_path / "media")


@pytest.fixture
def registry(roots, coord_a):
    """Participants with KTP and KK scans, bills and a payment."""
    people = [informal_participant(coordinator=coord_a, full_name=f"Peserta Cadangan {n}") for n in range(3)]
    for person, kind in [(people[0], DocumentKind.KTP), (people[0], DocumentKind.KK), (people[1], DocumentKind.KTP)]:
        doc = IdentityDocument(
            participant=person, kind=kind, original_name="scan.jpg", content_type="image/jpeg", size=9
        )
        doc.uploaded_by = coord_a
        doc.file.save("scan.jpg", ContentFile(b"\xff\xd8\xff" + uuid.uuid4().bytes), save=True)
    (roots["media"] / "logo.txt").parent.mkdir(parents=True, exist_ok=True)
    (roots["media"] / "logo.txt").write_text("public file")
    bills_generate(month=datetime.date(2026, 1, 1))
    data = PaymentInput(amount=16_800, paid_on=datetime.date(2026, 1, 20), method=cash_method())
    payment_record(actor=coord_a, participant=people[0], data=data, submission_key=uuid.uuid4().hex)
    return people


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def move_roots(settings, monkeypatch, tmp_path: Path):
    """Point the file folders at new, empty ones, as on the machine restored to."""
    return lambda: _point_storages(settings, monkeypatch, tmp_path / "new-private", tmp_path / "new-media")


def test_round_trip_restores_every_table_and_file(registry, roots, empty_database, move_roots, tmp_path):
    original = database_tables()
    original_files = {name: _files(root) for name, root in roots.items()}
    assert original["participants_participant"]["rows"] == 3
    assert original["billing_payment"]["rows"] == 1

    path, manifest = backup_create(tmp_path / "backup.tar")
    assert manifest["tables"] == original
    assert manifest["database"]["vendor"] == connection.vendor
    assert len([n for n in manifest["files"] if n.startswith("files/private/documents/")]) == 3
    assert path.stat().st_mode & 0o077 == 0  # NIKs and ID scans: owner only

    restored_roots = move_roots()
    report = backup_restore(path, alias=empty_database)

    assert report.ok, (report.tables, report.files)
    assert database_tables(empty_database) == original  # every table: count and checksum
    assert {name: _files(root) for name, root in restored_roots.items()} == original_files
    assert report.migrations_behind == []


def test_check_notices_a_changed_row(registry, tmp_path, move_roots, empty_database):
    """The comparison is able to fail: one field changed after the restore is reported."""
    path, _ = backup_create(tmp_path / "backup.tar")
    move_roots()
    assert backup_restore(path, alias=empty_database).ok
    with connections[empty_database].cursor() as cursor:
        cursor.execute("UPDATE participants_participant SET address = 'Jl. Lain' WHERE id = %s", [registry[2].pk])
    report = compare(report_manifest(path), empty_database)
    assert report.tables == {"participants_participant": "same row count, different content"}


def report_manifest(path: Path) -> dict:
    return backup_restore(path, check_only=True).manifest


def _rewrite(path: Path, out: Path, change) -> None:
    with tarfile.open(path) as source, tarfile.open(out, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            data = change(member.name, data)
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))


def test_tampered_document_is_refused_before_anything_is_written(registry, tmp_path, move_roots, empty_database):
    path, manifest = backup_create(tmp_path / "backup.tar")
    scan = next(n for n in manifest["files"] if n.startswith("files/private/documents/"))
    _rewrite(path, tmp_path / "bad.tar", lambda name, data: data[:-1] + b"!" if name == scan else data)
    move_roots()

    with pytest.raises(BackupError, match="damaged or was altered") as refused:
        backup_restore(tmp_path / "bad.tar", alias=empty_database)

    assert scan in str(refused.value)
    assert connections[empty_database].introspection.table_names() == []
    with pytest.raises(CommandError, match="damaged or was altered"):
        call_command("restore", str(tmp_path / "bad.tar"), "--check")


def test_tampered_database_dump_is_refused(registry, tmp_path, move_roots, empty_database):
    path, manifest = backup_create(tmp_path / "backup.tar")
    dump = manifest["database"]["file"]
    _rewrite(path, tmp_path / "bad.tar", lambda name, data: data + b"\0" if name == dump else data)
    with pytest.raises(BackupError, match=dump):
        backup_restore(tmp_path / "bad.tar", alias=empty_database)
    assert connections[empty_database].introspection.table_names() == []


def test_restore_lists_tables_that_do_not_match_the_manifest(registry, tmp_path, move_roots, empty_database, capsys):
    """A manifest that disagrees with the dump (here: edited) makes restore exit 1 and
    name the table."""
    path, _ = backup_create(tmp_path / "backup.tar")

    def edit(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["tables"]["billing_payment"]["rows"] = 2
        return json.dumps(manifest).encode()

    _rewrite(path, tmp_path / "edited.tar", edit)
    move_roots()
    with pytest.raises(SystemExit) as exited:
        call_command("restore", str(tmp_path / "edited.tar"), "--database", empty_database)
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "table billing_payment: 1 rows, backup has 2" in err
    assert "Do not use this database" in err


def test_restore_refuses_a_database_that_is_not_empty(registry, tmp_path):
    path, _ = backup_create(tmp_path / "backup.tar")
    before = database_tables()
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(path))
    assert database_tables() == before


def test_restore_refuses_to_overwrite_a_different_file(registry, roots, tmp_path, move_roots, empty_database):
    path, manifest = backup_create(tmp_path / "backup.tar")
    scan = next(n for n in manifest["files"] if n.startswith("files/private/"))
    (roots["private"] / scan.removeprefix("files/private/")).write_bytes(b"another scan")
    with pytest.raises(BackupError, match="already exist with other content"):
        backup_restore(path, alias=empty_database)
    assert connections[empty_database].introspection.table_names() == []


def test_backup_command_reports_the_archive(registry, tmp_path, capsys):
    call_command("backup", "--output", str(tmp_path / "nightly.tar"))
    out = capsys.readouterr().out
    assert "nightly.tar" in out and "3 files" not in out and "4 files" in out


def test_manifest_names_the_checksum_algorithm_of_each_table(registry, tmp_path):
    """PostgreSQL checksums are computed by PostgreSQL itself; SQLite's in Python."""
    _, manifest = backup_create(tmp_path / "backup.tar")
    expected = pg_checksums.ALGORITHM if connection.vendor == "postgresql" else checksums.ALGORITHM
    assert manifest["version"] == 2
    assert {figures["algorithm"] for figures in manifest["tables"].values()} == {expected}


def test_restore_exits_1_when_a_restored_row_differs(
    registry, tmp_path, move_roots, empty_database, monkeypatch, capsys
):
    """The whole command path: a row changed between pg_restore (or the SQLite copy) and the
    check is reported by table, and the restore fails."""
    path, _ = backup_create(tmp_path / "backup.tar")
    move_roots()
    real_restore = archive.restore_database

    def restore_then_tamper(alias: str, dump: Path) -> None:
        real_restore(alias, dump)
        with connections[alias].cursor() as cursor:
            cursor.execute("UPDATE billing_payment SET amount = amount + 1")

    monkeypatch.setattr(archive, "restore_database", restore_then_tamper)
    with pytest.raises(SystemExit) as exited:
        call_command("restore", str(path), "--database", empty_database)
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "table billing_payment: same row count, different content" in err
    assert err.count("table ") == 1


def _as_version_1(manifest_bytes: bytes, python_figures: dict) -> bytes:
    """The manifest an archive written before checksum algorithms were named carried:
    version 1, Python checksums, no algorithm key."""
    manifest = json.loads(manifest_bytes)
    manifest["version"] = 1
    manifest["tables"] = {t: {"rows": f["rows"], "checksum": f["checksum"]} for t, f in python_figures.items()}
    return json.dumps(manifest).encode()


def test_an_older_archive_with_python_checksums_restores_and_verifies(
    registry, tmp_path, move_roots, empty_database, capsys
):
    python_figures = database_tables(algorithm=checksums.ALGORITHM)
    path, _ = backup_create(tmp_path / "backup.tar")
    _rewrite(
        path,
        tmp_path / "old.tar",
        lambda name, data: _as_version_1(data, python_figures) if name == "manifest.json" else data,
    )
    move_roots()
    call_command("restore", str(tmp_path / "old.tar"), "--database", empty_database)
    assert f"(table checksums: {checksums.ALGORITHM})" in capsys.readouterr().out


def test_an_older_archive_still_detects_a_changed_row(registry, tmp_path, move_roots, empty_database):
    python_figures = database_tables(algorithm=checksums.ALGORITHM)
    path, _ = backup_create(tmp_path / "backup.tar")
    _rewrite(
        path,
        tmp_path / "old.tar",
        lambda name, data: _as_version_1(data, python_figures) if name == "manifest.json" else data,
    )
    move_roots()
    manifest = backup_restore(tmp_path / "old.tar", alias=empty_database).manifest
    with connections[empty_database].cursor() as cursor:
        cursor.execute("UPDATE participants_participant SET address = 'Jl. Lain' WHERE id = %s", [registry[2].pk])
    assert compare(manifest, empty_database).tables == {"participants_participant": "same row count, different content"}


def test_restore_refuses_checksums_it_cannot_compute(registry, tmp_path, move_roots, empty_database):
    path, _ = backup_create(tmp_path / "backup.tar")

    def future(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["tables"]["billing_payment"]["algorithm"] = "blake3-row-sum-v9"
        return json.dumps(manifest).encode()

    _rewrite(path, tmp_path / "future.tar", future)
    move_roots()
    with pytest.raises(CommandError, match="'blake3-row-sum-v9', which this version of Lindung does not know"):
        call_command("restore", str(tmp_path / "future.tar"), "--check")
    with pytest.raises(CommandError, match="'blake3-row-sum-v9', which this version of Lindung does not know"):
        call_command("restore", str(tmp_path / "future.tar"), "--database", empty_database)
    assert connections[empty_database].introspection.table_names() == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL checksum is PostgreSQL's")
def test_sql_checksum_sees_what_the_python_one_sees(registry):
    """Both algorithms count the same rows; the SQL one notices one value changed and does
    not depend on the session's time zone (a restore server may be set otherwise)."""
    sql, python = database_tables(), database_tables(algorithm=checksums.ALGORITHM)
    assert {t: f["rows"] for t, f in sql.items()} == {t: f["rows"] for t, f in python.items()}
    with connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'Asia/Jakarta'")
        assert database_tables() == sql
        cursor.execute("UPDATE billing_payment SET paid_on = paid_on + 1")
        changed = database_tables()
        cursor.execute("SET TIME ZONE 'UTC'")
    assert [t for t in sql if sql[t] != changed[t]] == ["billing_payment"]
