"""Limits on what an .xlsx unpacks to, checked before the spreadsheet reader sees it.

An .xlsx is a zip of XML. A few megabytes can unpack to gigabytes (a "zip bomb"), and a
sheet with one cell in A1 and one in XFD1048576 makes the reader allocate a grid of 17
billion cells: the reader (calamine) loads a whole sheet into memory, so the row limit
it applies afterwards comes too late. Here each zip entry is inflated in small chunks,
counting what it really produces (not what its header claims), and the worksheets are
scanned for their last row and column, so memory stays bounded whatever the file."""

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _


class UnpackRefused(Exception):
    """The workbook would unpack past a limit; the message says which, for the user."""


# A 200,000-row import of 20 columns is about 100 MB of sheet XML; the reader needs
# about 32 bytes a cell of the grid between A1 and the last cell.
MAX_UNPACKED_BYTES = 160 * 2**20
MAX_SHARED_STRINGS_BYTES = 48 * 2**20
MAX_COLUMNS = 256
MAX_CELLS = 4_000_000
# Excel's longest cell is 32,767 characters; a longer stretch without a tag is not a sheet.
MAX_TEXT_RUN = 2**20

_CHUNK = 2**16
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_TAG = re.compile(rb"<(?:\w+:)?(row|c)(?=[\s/>])([^>]*)>")
_REF = re.compile(rb'\sr="([A-Z]*)(\d*)"')
_VALUED_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})(\d{1,7})"[^>]*(?<!/)>')
_EMPTY_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="[A-Z]{1,3}\d{1,7}"[^>]*/>')


@dataclass
class _Grid:
    rows: int = 0
    columns: int = 0
    cells: int = 0


def check_xlsx(data: bytes, *, max_rows: int) -> None:
    """Raise UnpackRefused when the workbook would unpack past the limits; return quietly
    for anything that is not a zip (the reader explains those)."""
    stream = io.BytesIO(data)
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with archive:
        unpacked = 0
        grid_cells = 0
        for info in archive.infolist():
            if info.flag_bits & 0x1:
                return  # encrypted entries: the reader refuses the workbook itself
            sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
            limit = MAX_SHARED_STRINGS_BYTES if info.filename == "xl/sharedStrings.xml" else MAX_UNPACKED_BYTES
            grid = _Grid()
            size = 0
            scanner = _scan(grid, max_rows) if sheet else None
            if scanner is not None:
                next(scanner)
            for chunk in _inflate(stream, info):
                size += len(chunk)
                unpacked += len(chunk)
                if size > limit or unpacked > MAX_UNPACKED_BYTES:
                    raise UnpackRefused(_too_big())
                if scanner is not None:
                    scanner.send(chunk)
            if scanner is not None:
                scanner.close()
                _check_grid(grid, max_rows)
                grid_cells += grid.rows * grid.columns
                if grid_cells > MAX_CELLS:
                    raise UnpackRefused(_too_many_cells())


def _inflate(stream: IO[bytes], info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The entry's real content in chunks, whatever its header says about its size."""
    stream.seek(info.header_offset)
    header = stream.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size:
        raise UnpackRefused(_damaged())
    fields = _LOCAL_HEADER.unpack(header)
    stream.seek(info.header_offset + _LOCAL_HEADER.size + fields[-2] + fields[-1])
    remaining = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        while remaining > 0:
            chunk = stream.read(min(_CHUNK, remaining))
            if not chunk:
                raise UnpackRefused(_damaged())
            remaining -= len(chunk)
            yield chunk
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise UnpackRefused(_("This file is not a readable Excel workbook. Save it again as .xlsx."))
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    while remaining > 0 and not inflater.eof:
        raw = stream.read(min(_CHUNK, remaining))
        if not raw:
            raise UnpackRefused(_damaged())
        remaining -= len(raw)
        try:
            # max_length keeps one step's output small however well the data compresses.
            out = inflater.decompress(raw, _CHUNK)
            while out:
                yield out
                out = inflater.decompress(inflater.unconsumed_tail, _CHUNK) if inflater.unconsumed_tail else b""
        except zlib.error as exc:
            raise UnpackRefused(_damaged()) from exc


def _scan(grid: _Grid, max_rows: int) -> Generator[None, bytes, None]:
    """Receives a sheet's XML in chunks; keeps the last row and column that hold a cell.
    Self-closed cells (``<c r="Z9" s="1"/>``, formatting without a value) do not count:
    the reader skips them too."""
    pending = b""
    row = column = 0
    while True:
        chunk = yield
        pending += chunk
        end = pending.rfind(b">") + 1
        if not end:
            if len(pending) > MAX_TEXT_RUN:
                raise UnpackRefused(_damaged())
            continue
        segment = pending[:end]
        pending = pending[end:]
        refs = _VALUED_REF.findall(segment)
        tags = segment.count(b"<c ") + segment.count(b"<c>") + segment.count(b"<c/")
        if tags == len(refs) or tags == len(refs) + len(_EMPTY_REF.findall(segment)):
            # Every cell names its place (what Excel and every library write): the
            # last row and widest column come from the references, in C-speed passes.
            # Anything else (no references, a namespace prefix) takes the tag walk below.
            if refs:
                row = max(map(int, (digits for _, digits in refs)))
                widest = max({letters for letters, _ in refs}, key=lambda letters: (len(letters), letters))
                column = _column_number(refs[-1][0])
                grid.rows = max(grid.rows, row)
                grid.columns = max(grid.columns, _column_number(widest))
                grid.cells += len(refs)
                _check_grid(grid, max_rows)
            continue
        for match in _TAG.finditer(segment):
            ref = _REF.search(match.group(2))
            if match.group(1) == b"row":
                row = int(ref.group(2)) if ref and ref.group(2) else row + 1
                column = 0
                continue
            column = _column_number(ref.group(1)) if ref and ref.group(1) else column + 1
            if match.group(2).endswith(b"/"):
                continue
            grid.rows = max(grid.rows, row)
            grid.columns = max(grid.columns, column)
            grid.cells += 1
            if grid.rows > max_rows + 1 or grid.columns > MAX_COLUMNS:
                _check_grid(grid, max_rows)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _check_grid(grid: _Grid, max_rows: int) -> None:
    if grid.rows > max_rows + 1:
        raise UnpackRefused(
            _("The file has more than %(max)s rows. Split it into smaller files.") % {"max": f"{max_rows:,}"}
        )
    if grid.columns > MAX_COLUMNS:
        raise UnpackRefused(
            _("A sheet reaches column %(column)s; at most %(max)s columns can be imported. Delete the empty columns.")
            % {"column": f"{grid.columns:,}", "max": MAX_COLUMNS}
        )
    if grid.rows * grid.columns > MAX_CELLS:
        raise UnpackRefused(_too_many_cells())


def _too_big() -> str:
    return _("The workbook unpacks to more than %(mb)d MB. Split it into smaller files.") % {
        "mb": MAX_UNPACKED_BYTES // 2**20
    }


def _too_many_cells() -> str:
    return _("The workbook has more than %(max)s cells. Split it into smaller files or delete unused columns.") % {
        "max": f"{MAX_CELLS:,}"
    }


def _damaged() -> str:
    return _("The workbook is damaged and cannot be read. Save it again as .xlsx.")
