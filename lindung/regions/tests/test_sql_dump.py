"""The national region import reads an SQL dump of ('kode','nama') INSERT rows, the form the
open Kemendagri datasets are published in, as well as CSV."""

import csv

import pytest
from django.core.management import CommandError, call_command

from lindung.regions.models import Region
from lindung.regions.sql_dump import sql_rows

from .conftest import BENGKALIS_CSV

pytestmark = pytest.mark.django_db

ONE_TUPLE_A_LINE = """-- wilayah dump
SET NAMES utf8mb4;
CREATE TABLE `wilayah` (
  `kode` varchar(13) NOT NULL,
  `nama` varchar(100) DEFAULT NULL,
  PRIMARY KEY (`kode`)
);
INSERT INTO `wilayah` (`kode`, `nama`) VALUES
('14', 'RIAU'),
('14.03', 'KAB. BENGKALIS'),
('14.03.01', 'Bengkalis');
"""
# mysqldump's extended insert: every tuple on one line, quotes escaped both ways.
EXTENDED = (
    "INSERT INTO wilayah VALUES ('14.03.01.2004','Kelapapati'),"
    "('14.03.01.2005','Pulau Ie\\'u'),('14.03.01.2006', 'Teluk ''Latak''');\n"
)
DUMP = ONE_TUPLE_A_LINE + EXTENDED


def test_rows_are_read_with_their_lines_quotes_unescaped():
    rows = list(sql_rows(DUMP))
    assert rows[0] == (9, ["14", "RIAU"]) and rows[2] == (11, ["14.03.01", "Bengkalis"])
    assert rows[4][1] == ["14.03.01.2005", "Pulau Ie'u"] and rows[5][1] == ["14.03.01.2006", "Teluk 'Latak'"]
    assert len(rows) == 6


def test_a_column_list_in_another_order_is_followed():
    rows = list(sql_rows("INSERT INTO w (nama, kode) VALUES ('RIAU', '14');"))
    assert rows == [(1, ["14", "RIAU"])]


def test_the_command_imports_a_dump(tmp_path, capsys):
    path = tmp_path / "wilayah.sql"
    path.write_text(DUMP, encoding="utf-8")
    call_command("import_regions", str(path))
    assert Region.objects.get(code="14.03.01.2005").name == "Pulau Ie'u"
    assert Region.objects.count() == 6 and "Imported: 6 rows" in capsys.readouterr().out


def test_the_same_data_as_sql_and_as_csv_import_alike(tmp_path, capsys):
    with open(BENGKALIS_CSV, encoding="utf-8-sig", newline="") as source:
        rows = [r for r in csv.reader(source) if r and any(ch.isdigit() for ch in r[0])]
    values = ",\n".join("('{}','{}')".format(code, name.replace("'", "''")) for code, name in rows)
    path = tmp_path / "bengkalis.sql"
    path.write_text(f"INSERT INTO `wilayah` (`kode`,`nama`) VALUES\n{values};\n", encoding="utf-8")
    call_command("import_regions", str(path))
    assert Region.objects.count() == 168 == len(rows)


def test_a_broken_tuple_is_refused_with_its_line(tmp_path):
    path = tmp_path / "bad.sql"
    path.write_text("INSERT INTO wilayah VALUES\n('14','RIAU'),\n('14.03', 'KAB. BENGKALIS\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 3"):
        call_command("import_regions", str(path))
    assert not Region.objects.exists()


def test_csv_still_imports(capsys):
    call_command("import_regions", str(BENGKALIS_CSV))
    assert Region.objects.count() == 168
