import pytest
from django.core.management import CommandError, call_command

from lindung.regions.models import Region

from .conftest import BENGKALIS_CSV

pytestmark = pytest.mark.django_db


def test_command_imports_and_prints_a_summary(capsys):
    call_command("import_regions", str(BENGKALIS_CSV))

    out = capsys.readouterr().out
    assert Region.objects.count() == 168
    assert "Village" in out and "155" in out
    assert "Imported: 168 rows in" in out


def test_command_dry_run_writes_nothing(capsys):
    call_command("import_regions", str(BENGKALIS_CSV), "--dry-run")

    assert "dry run" in capsys.readouterr().out
    assert not Region.objects.exists()


def test_command_refuses_a_bad_file_with_line_numbers(write_csv):
    path = write_csv("kode,nama\n14,Riau\n14.3,Bad\n")

    with pytest.raises(CommandError, match="line 3: bad code"):
        call_command("import_regions", str(path))
    assert not Region.objects.exists()


def test_command_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_regions", str(tmp_path / "missing.csv"))
