"""Sweep uploaded files that no row names: the leftovers of transactions that saved a
file and then rolled back (a refused registration with its KTP photo, a job that failed
before committing). Django writes an upload to disk when the row is saved, inside the
transaction, and nothing removes it when the transaction rolls back.

Which files count: every file under the folder of a FileSystemStorage that some model's
FileField uses, found by walking the models (so core names no other app). A file is
removed only if no FileField row names it *and* it is older than ``min_age``: a file of a
transaction still running is not visible to this reader yet, so the age must exceed the
longest transaction that writes files (requests stop at 60 s, jobs commit their files
as they save them); the default, a day, leaves a wide margin.
"""

import datetime
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core.files.storage import FileSystemStorage
from django.db import models

logger = logging.getLogger(__name__)

DEFAULT_MIN_AGE = datetime.timedelta(hours=24)
BATCH = 500


@dataclass
class SweepResult:
    checked: int = 0
    removed: list[str] = field(default_factory=list)
    kept_young: int = 0


def _file_fields() -> dict[Path, list[tuple[type[models.Model], str]]]:
    """Each storage folder with the (model, field) pairs that keep files in it."""
    roots: dict[Path, list[tuple[type[models.Model], str]]] = {}
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if not isinstance(model_field, models.FileField):
                continue
            storage = model_field.storage
            if isinstance(storage, FileSystemStorage):
                roots.setdefault(Path(storage.location).resolve(), []).append((model, model_field.name))
    return roots


def _files(root: Path) -> Iterator[Path]:
    for folder, _dirs, names in os.walk(root):
        for name in names:
            yield Path(folder) / name


def _referenced(users: list[tuple[type[models.Model], str]], names: list[str]) -> set[str]:
    found: set[str] = set()
    for model, field_name in users:
        rows = model._default_manager.filter(**{f"{field_name}__in": names}).values_list(field_name, flat=True)
        found.update(rows)
    return found


def sweep(*, min_age: datetime.timedelta = DEFAULT_MIN_AGE, dry_run: bool = False) -> SweepResult:
    result = SweepResult()
    cutoff = datetime.datetime.now(tz=datetime.UTC).timestamp() - min_age.total_seconds()
    for root, users in _file_fields().items():
        if not root.is_dir():
            continue
        batch: list[tuple[Path, str]] = []
        for path in _files(root):
            result.checked += 1
            try:
                if path.stat().st_mtime > cutoff:
                    result.kept_young += 1
                    continue
            except FileNotFoundError:  # removed meanwhile
                continue
            batch.append((path, path.relative_to(root).as_posix()))
            if len(batch) >= BATCH:
                _remove_unreferenced(batch, users, result, dry_run)
                batch = []
        if batch:
            _remove_unreferenced(batch, users, result, dry_run)
    return result


def _remove_unreferenced(
    batch: list[tuple[Path, str]], users: list[tuple[type[models.Model], str]], result: SweepResult, dry_run: bool
) -> None:
    referenced = _referenced(users, [name for _path, name in batch])
    for path, name in batch:
        if name in referenced:
            continue
        result.removed.append(name)
        if not dry_run:
            path.unlink(missing_ok=True)
            logger.info("orphan file removed", extra={"file": name})
