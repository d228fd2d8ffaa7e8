"""Limits on an old binary .xls workbook, checked before the spreadsheet reader sees it.

An .xls is not compressed, so its size is bounded by the upload limit, but the reader
(calamine) builds each sheet as a grid from A1 to the last cell holding a value: a 6 KB
file with one number in A1 and one in IV65536 makes it allocate about a gigabyte, and
a workbook may list one sheet many times. So the BIFF records of every sheet the
workbook lists are scanned here (the stream is at most the upload's size) for the last
row and column holding a value, with the same limits as an .xlsx (unpacking.py).
Records that hold no value (blank formatted cells) do not count: the reader skips them.
"""

import io
import struct
from collections.abc import Iterator

import olefile

from . import unpacking
from .unpacking import UnpackRefused, _check_grid, _Grid, _too_many_cells

_HEADER = struct.Struct("<HH")
_EOF, _BOUNDSHEET = 0x000A, 0x0085
# Records with a value at (row, column) in their first four bytes, BIFF2 to BIFF8.
_VALUED = frozenset({0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x007E, 0x00D6, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E})
_MULRK = 0x00BD  # row, first column, ..., last column in its last two bytes


def check_xls(data: bytes, *, max_rows: int) -> None:
    """Raise UnpackRefused when a sheet would be too large for the reader; return quietly
    for what is not a readable .xls (the reader explains those)."""
    stream = _workbook_stream(data)
    if stream is None:
        return
    total = 0
    measured: dict[int, _Grid] = {}
    for offset in _sheet_offsets(stream):
        # A sheet listed twice is read twice by the reader, but scanned once here.
        grid = measured.get(offset)
        if grid is None:
            grid = measured[offset] = _measure(stream, offset)
        _check_grid(grid, max_rows)
        total += grid.rows * grid.columns
        if total > unpacking.MAX_CELLS:
            raise UnpackRefused(_too_many_cells())


def _workbook_stream(data: bytes) -> bytes | None:
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as container:
            for name in ("Workbook", "Book"):
                if container.exists(name):
                    return bytes(container.openstream(name).read())
    except (OSError, ValueError, struct.error, IndexError, TypeError):
        return None
    return None  # an encrypted .xlsx is an OLE container too, without a workbook stream


def _walk(stream: bytes, start: int) -> Iterator[tuple[int, int, int]]:
    """(record type, where its body starts, its length) from ``start`` on."""
    position = start
    end = len(stream)
    while position + 4 <= end:
        kind, length = _HEADER.unpack_from(stream, position)
        yield kind, position + 4, length
        position += 4 + length


def _sheet_offsets(stream: bytes) -> list[int]:
    """Where the globals' sheet list says each worksheet starts."""
    offsets: list[int] = []
    for kind, body, length in _walk(stream, 0):
        if kind == _EOF:
            break
        if kind == _BOUNDSHEET and length >= 6 and stream[body + 5] == 0:  # 0: a worksheet
            (offset,) = struct.unpack_from("<I", stream, body)
            offsets.append(offset)
    return offsets


def _measure(stream: bytes, offset: int) -> _Grid:
    grid = _Grid()
    if offset + 4 > len(stream):
        return grid
    for kind, body, length in _walk(stream, offset):
        if kind == _EOF:
            break
        if kind in _VALUED and length >= 4:
            row, column = struct.unpack_from("<HH", stream, body)
            last = column
        elif kind == _MULRK and length >= 6:
            row, column = struct.unpack_from("<HH", stream, body)
            (last,) = struct.unpack_from("<H", stream, body + length - 2)
        else:
            continue
        grid.cells += 1
        grid.rows = max(grid.rows, row + 1)
        grid.columns = max(grid.columns, last + 1)
    return grid
