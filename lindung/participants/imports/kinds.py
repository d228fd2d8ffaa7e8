"""The import kinds the import pages and jobs know, by name. The pipeline is
kind-agnostic; each kind registers itself from its app's AppConfig.ready() (participants
here, payments from billing), so this package imports no app above participants."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lindung.jobs.models import Job

from .base import ImportKind
from .columns import ColumnSpec


@dataclass(frozen=True)
class KindSpec:
    name: str
    columns: Sequence[ColumnSpec]
    # Builds the kind for one run over the file a preview job was queued with.
    build: Callable[[Job, bool], ImportKind]


_KINDS: dict[str, KindSpec] = {}


def register_kind(spec: KindSpec) -> None:
    if spec.name in _KINDS and _KINDS[spec.name] != spec:
        raise ValueError(f"import kind {spec.name!r} registered twice")
    _KINDS[spec.name] = spec


def import_kind(name: str) -> KindSpec:
    try:
        return _KINDS[name]
    except KeyError as exc:
        raise ValueError(f"unknown import kind {name!r}") from exc


def is_import_kind(name: str) -> bool:
    return name in _KINDS
