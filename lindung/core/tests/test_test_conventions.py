"""Rules the test suite itself must keep, checked over every test file."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TRANSACTIONAL = re.compile(r"django_db\(([^)]*)transaction=True([^)]*)\)")


def test_every_transactional_test_restores_the_serialized_data():
    # A transactional test ends with a flush; without serialized_rollback the flush's
    # post_migrate re-creates the content types, and the next test that restores the
    # serialized data fails at setup on duplicate content types (27 errors in one CI run).
    offenders = [
        f"{path.relative_to(ROOT.parent)}: {match.group(0)}"
        for path in sorted(ROOT.rglob("test*.py"))
        for match in TRANSACTIONAL.finditer(path.read_text(encoding="utf-8"))
        if "serialized_rollback=True" not in match.group(0)
    ]
    assert offenders == []
