"""Peak memory of reading hostile workbooks: `python -m bench.zip_bomb`.

Builds each bomb in a file under /tmp, then opens it in a fresh process (Django set up,
as in the web process or a job worker) through the importer's own reader, and prints
the file size, the answer and the process's peak resident memory."""

import itertools
import subprocess
import sys
import tempfile
from pathlib import Path

_CHILD = """
import io, resource, sys, time
from bench.django_setup import setup
setup()
from lindung.participants.imports.reading import FileProblem, open_spreadsheet
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
try:
    opened = open_spreadsheet(io.BytesIO(data), "bomb.xlsx")
    answer = "accepted, rows %d" % opened.row_estimate
except FileProblem as problem:
    answer = "refused: %s" % problem
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
took = time.perf_counter() - start
print("%.1f s | %s | peak RSS %d MB (%d MB after start-up)" % (took, answer, peak // 1024, base // 1024))
"""


def _bombs() -> dict[str, bytes]:
    from lindung.participants.tests import bombs, xls_bombs

    one_row = b"<row><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>"
    block = one_row * 10_000
    rows_1gb = itertools.repeat(block, 2**30 // len(block))
    return {
        "1 GB of rows (sequential, no r=)": bombs.workbook(rows_1gb),
        "1 GB of XML comments": bombs.workbook(bombs.padding(2**30)),
        "A1 + XFD1048576": bombs.far_corner(),
        "header claims 1 KB, inflates to 1 GB": bombs.lying_header(2**30),
        ".xls A1 + IV65536": xls_bombs.workbook([xls_bombs.number(0, 0, 1.0), xls_bombs.number(65_535, 255, 2.0)]),
        ".xls 60,000-row sheet listed 100 times": xls_bombs.workbook(
            [xls_bombs.number(row, 0, 1.0) for row in range(60_000)], listed=100
        ),
    }


def main(argv: list[str]) -> int:
    from bench.django_setup import setup

    setup()
    with tempfile.TemporaryDirectory() as folder:
        for name, data in _bombs().items():
            path = Path(folder) / "bomb.xlsx"
            path.write_bytes(data)
            result = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True)
            line = result.stdout.strip() or result.stderr.strip()[-300:]
            print(f"{name} ({len(data) / 2**20:.1f} MB file): {line}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
