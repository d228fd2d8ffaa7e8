"""Write and restore backup archives.

An archive is one tar file:

- ``database.pgdump`` (``pg_dump -Fc``) or ``database.sqlite3`` (SQLite's online backup),
- ``files/private/...`` and ``files/media/...``: the uploaded documents and job files,
- ``manifest.json``: format version, time, database vendor, applied migrations, every
  table's row count, checksum and the algorithm that made it (see checksums.py) and every
  file's size and sha256.

The figures in the manifest describe exactly the data in the dump: on PostgreSQL they are
read inside the transaction whose snapshot pg_dump uses (``pg_export_snapshot``), on
SQLite from the backup copy itself. So a restore can be checked row for row, while the
application keeps running during the backup.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connections
from django.db.models import FileField
from django.utils import timezone

from lindung.participants.models import IdentityDocument

from .checksums import ALGORITHM as PYTHON_ALGORITHM
from .checksums import UnknownAlgorithm, check_algorithm, database_tables
from .engines import dump_database, restore_database

FORMAT = "lindung-backup"
# Version 2 names each table's checksum algorithm; version 1 archives were all made with
# the Python one. A version 1 reader refuses version 2 instead of comparing unlike checksums.
VERSION = 2
READABLE_VERSIONS = {1, 2}
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    tables: dict[str, str] = field(default_factory=dict)  # table -> what differs
    files: dict[str, str] = field(default_factory=dict)  # archive path -> what differs
    migrations_behind: list[str] = field(default_factory=list)  # in the code, not in the backup

    @property
    def ok(self) -> bool:
        return not self.tables and not self.files

    @property
    def algorithms(self) -> list[str]:
        return sorted(tables_by_algorithm(self.manifest))


def _file_storages() -> list[tuple[str, FileSystemStorage]]:
    out = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, FileField) and isinstance(f.storage, FileSystemStorage):
                out.append((f"{model._meta.label}.{f.name}", f.storage))
    return out


def file_roots() -> dict[str, Path]:
    """The folders whose files a backup carries, by their name in the archive: the private
    storage of identity documents and job files, and the public media folder. Taken from
    the models' own storages, so a backup follows where uploads really go."""
    private = IdentityDocument._meta.get_field("file").storage
    assert isinstance(private, FileSystemStorage)
    roots = {"private": Path(private.location), "media": Path(default_storage.location)}  # type: ignore[attr-defined]
    for label, storage in _file_storages():
        where = Path(storage.location)
        if not any(where == root or root in where.parents for root in roots.values()):
            raise BackupError(f"Files of {label} are stored in {where}, outside the folders a backup carries.")
    return roots


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _local_files() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for name, root in file_roots().items():
        if root.is_dir():
            for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
                out[f"files/{name}/{path.relative_to(root).as_posix()}"] = path
    return out


def _add(tar: tarfile.TarFile, name: str, path: Path) -> dict[str, Any]:
    with path.open("rb") as stream:
        digest = _sha256(stream)
        size = stream.tell()
        stream.seek(0)
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, 0o600, int(path.stat().st_mtime)
        tar.addfile(info, stream)
    return {"size": size, "sha256": digest}


def default_path() -> Path:
    folder = Path(settings.LINDUNG_BACKUP_DIR)
    return folder / f"lindung-{timezone.now():%Y%m%d-%H%M%S}.tar"


def backup_create(path: Path | None = None, *, alias: str = "default") -> tuple[Path, dict[str, Any]]:
    """Write a backup archive of this database and the file folders; returns its path and
    manifest. The archive is written beside its final name and renamed when complete, so
    a crash never leaves a half archive under a backup's name. It is readable by its owner
    only: it holds every participant's NIK and documents."""
    path = Path(path or default_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    vendor = connections[alias].vendor
    started = timezone.now()
    with tempfile.TemporaryDirectory(prefix=".lindung-backup-", dir=path.parent) as work:
        dump, figures = dump_database(alias, Path(work))
        partial = path.with_name(f".{path.name}.partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
                database = {"vendor": vendor, "file": dump.name, **_add(tar, dump.name, dump)}
                files = {name: _add(tar, name, local) for name, local in _local_files().items()}
                manifest = {
                    "format": FORMAT,
                    "version": VERSION,
                    "created_at": started.isoformat(),
                    "seconds": round((timezone.now() - started).total_seconds(), 2),
                    "database": database,
                    "migrations": figures["migrations"],
                    "tables": figures["tables"],
                    "files": files,
                }
                body = json.dumps(manifest, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = len(body), 0o600, int(started.timestamp())
                tar.addfile(info, io.BytesIO(body))
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return path, manifest


def read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.getmember(MANIFEST)
        stream = tar.extractfile(member)
        manifest = json.load(stream) if stream else None
    except (KeyError, ValueError) as exc:
        raise BackupError("This is not a Lindung backup: it has no readable manifest.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("This is not a Lindung backup: its manifest is of another format.")
    if manifest.get("version") not in READABLE_VERSIONS:
        raise BackupError(f"Backup format version {manifest.get('version')} is not supported (this is {VERSION}).")
    return manifest


def tables_by_algorithm(manifest: dict[str, Any]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for table, figures in manifest["tables"].items():
        out.setdefault(figures.get("algorithm", PYTHON_ALGORITHM), set()).add(table)
    return out


def _check_algorithms(manifest: dict[str, Any], alias: str | None) -> None:
    """The restored tables can only be checked with the algorithm that made the manifest's
    checksums; refuse before restoring anything if this code cannot compute it here (on
    any database when ``alias`` is None: ``restore --check`` may run on another machine)."""
    for algorithm in tables_by_algorithm(manifest):
        try:
            check_algorithm(algorithm, alias)
        except UnknownAlgorithm as exc:
            message = f"This backup cannot be checked after a restore: its {exc}. Nothing was restored."
            raise BackupError(message) from exc


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"The archive names a file outside its folders: {name!r}.")
    return path


def verify_archive(tar: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    """Every file the manifest lists is in the archive with its size and sha256, and the
    archive holds nothing else. Refuses (BackupError) before anything is written."""
    expected = {manifest["database"]["file"]: manifest["database"], **manifest["files"]}
    members = {m.name: m for m in tar.getmembers() if m.name != MANIFEST}
    problems = [f"{name}: missing" for name in sorted(expected.keys() - members.keys())]
    problems += [f"{name}: not in the manifest" for name in sorted(members.keys() - expected.keys())]
    for name in sorted(expected.keys() & members.keys()):
        _safe_name(name)
        member = members[name]
        stream = tar.extractfile(member) if member.isfile() else None
        if stream is None:
            problems.append(f"{name}: not a regular file")
        elif member.size != expected[name]["size"] or _sha256(stream) != expected[name]["sha256"]:
            problems.append(f"{name}: content differs from the manifest")
    if problems:
        raise BackupError("The archive is damaged or was altered; nothing was restored.\n  " + "\n  ".join(problems))


def _destination(name: str) -> Path:
    parts = _safe_name(name).parts
    roots = file_roots()
    if len(parts) < 3 or parts[0] != "files" or parts[1] not in roots:
        raise BackupError(f"The archive names a file outside its folders: {name!r}.")
    return roots[parts[1]].joinpath(*parts[2:])


def _check_target(alias: str, manifest: dict[str, Any]) -> None:
    connection = connections[alias]
    vendor = manifest["database"]["vendor"]
    if connection.vendor != vendor:
        raise BackupError(f"This is a {vendor} backup; the target database is {connection.vendor}.")
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"The target database {connection.settings_dict['NAME']} is not empty ({len(tables)} tables). "
            "Restore only into a new, empty database; nothing was changed."
        )
    clashes = []
    for name, entry in manifest["files"].items():
        local = _destination(name)
        if local.exists():
            with local.open("rb") as stream:
                if _sha256(stream) != entry["sha256"]:
                    clashes.append(str(local))
    if clashes:
        raise BackupError(
            "These files already exist with other content; move them away first:\n  " + "\n  ".join(clashes[:20])
        )


def _write_file(tar: tarfile.TarFile, name: str) -> None:
    local = _destination(name)
    local.parent.mkdir(parents=True, exist_ok=True)
    stream = tar.extractfile(name)
    assert stream is not None  # verified as a regular file
    partial = local.with_name(f".{local.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(stream, out, CHUNK)
    os.replace(partial, local)


def compare(manifest: dict[str, Any], alias: str) -> RestoreReport:
    """What the restored database and folders hold, against the manifest."""
    report = RestoreReport(manifest)
    want: dict[str, dict[str, Any]] = manifest["tables"]
    have: dict[str, dict[str, Any]] = {}
    for algorithm, tables in tables_by_algorithm(manifest).items():
        have.update(database_tables(alias, algorithm, only=tables))
    present = set(connections[alias].introspection.table_names())
    for table in sorted(present | want.keys()):
        if table not in want:
            report.tables[table] = "not in the backup"
        elif table not in have:
            report.tables[table] = "missing after restore"
        elif have[table]["rows"] != want[table]["rows"]:
            report.tables[table] = f"{have[table]['rows']} rows, backup has {want[table]['rows']}"
        elif have[table]["checksum"] != want[table]["checksum"]:
            report.tables[table] = "same row count, different content"
    for name, entry in manifest["files"].items():
        local = _destination(name)
        if not local.is_file():
            report.files[name] = "missing after restore"
            continue
        with local.open("rb") as stream:
            if _sha256(stream) != entry["sha256"]:
                report.files[name] = "content differs"
    return report


def _migrations_behind(manifest: dict[str, Any]) -> list[str]:
    from django.db.migrations.loader import MigrationLoader

    archived = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    in_code = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    return sorted(f"{app}.{name}" for app, name in in_code if (app, name) not in archived)


def _open(archive: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(archive, mode="r:*")  # the caller closes it
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"Cannot read {archive}: {exc}") from exc


def backup_restore(archive: Path, *, alias: str = "default", check_only: bool = False) -> RestoreReport:
    """Restore an archive into an empty database (and the file folders), then check every
    table and file against the manifest. ``check_only`` verifies the archive and stops."""
    with _open(archive) as tar:
        manifest = read_manifest(tar)
        verify_archive(tar, manifest)
        _check_algorithms(manifest, None)
        if check_only:
            return RestoreReport(manifest)
        _check_target(alias, manifest)
        _check_algorithms(manifest, alias)
        with tempfile.TemporaryDirectory(prefix="lindung-restore-") as work:
            dump = Path(work) / PurePosixPath(manifest["database"]["file"]).name
            source = tar.extractfile(manifest["database"]["file"])
            assert source is not None
            with dump.open("wb") as out:
                shutil.copyfileobj(source, out, CHUNK)
            restore_database(alias, dump)
        for name in manifest["files"]:
            _write_file(tar, name)
    report = compare(manifest, alias)
    report.migrations_behind = _migrations_behind(manifest)
    return report


def describe(manifest: dict[str, Any]) -> str:
    created = datetime.datetime.fromisoformat(manifest["created_at"])
    rows = sum(t["rows"] for t in manifest["tables"].values())
    return (
        f"{manifest['database']['vendor']} backup of {created:%Y-%m-%d %H:%M:%S %Z}: "
        f"{len(manifest['tables'])} tables, {rows} rows, {len(manifest['files'])} files"
    )


__all__ = ["BackupError", "RestoreReport", "backup_create", "backup_restore", "describe"]
