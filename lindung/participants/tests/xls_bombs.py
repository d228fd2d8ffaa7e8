"""Old binary .xls workbooks (BIFF8 in an OLE compound file), written byte by byte for
the tests: nothing in the project writes .xls, and a hostile one must be small on disk
and huge for the reader. Only what calamine needs: the globals with 16 cell formats and
the sheet list, then each sheet's cells."""

import struct
from collections.abc import Iterable

_END, _FREE, _FAT, _NONE = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
SECTOR = 512
# Streams shorter than this live in the "mini stream", which this writer does not do.
MINI_CUTOFF = 4096


def record(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def number(row: int, column: int, value: float) -> bytes:
    return record(0x0203, struct.pack("<HHHd", row, column, 15, value))


def blank(row: int, column: int) -> bytes:
    return record(0x0201, struct.pack("<HHH", row, column, 15))


def _bof(kind: int) -> bytes:
    return record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x0006))


def workbook(sheet_cells: Iterable[bytes], *, listed: int = 1) -> bytes:
    """One sheet holding ``sheet_cells`` (records), named ``listed`` times in the sheet list."""
    formats = record(0x00E0, struct.pack("<HHH", 0, 0, 0xFFF5) + b"\x00" * 14) * 16

    def globals_(sheet_at: int) -> bytes:
        names = b"".join(
            record(0x0085, struct.pack("<IBBBB", sheet_at, 0, 0, len(name), 0) + name)
            for name in (f"Data{i}".encode() for i in range(listed))
        )
        return _bof(0x0005) + formats + names + record(0x000A)

    sheet = _bof(0x0010) + b"".join(sheet_cells) + record(0x000A)
    stream = globals_(len(globals_(0))) + sheet
    return compound_file(stream.ljust(MINI_CUTOFF, b"\x00"))


def grid(rows: int, width: int) -> list[bytes]:
    return [number(r, c, float(c)) for r in range(rows) for c in range(width)]


def compound_file(stream: bytes) -> bytes:
    """An OLE compound file (version 3) holding ``stream`` as "Workbook"."""
    data = stream + b"\x00" * (-len(stream) % SECTOR)
    data_sectors = len(data) // SECTOR
    fat_sectors = 1
    while data_sectors + 1 + fat_sectors > fat_sectors * (SECTOR // 4):
        fat_sectors += 1
    directory_at, fat_at = data_sectors, data_sectors + 1
    chain = [*range(1, data_sectors), _END, _END, *([_FAT] * fat_sectors)]
    chain += [_FREE] * (fat_sectors * SECTOR // 4 - len(chain))

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00" if name else b""
        return (
            raw.ljust(64, b"\x00")
            + struct.pack("<HBB", len(raw), kind, 1 if kind else 0)
            + struct.pack("<III", _NONE, _NONE, child)
            + b"\x00" * 36
            + struct.pack("<IQ", start, size)
        )

    directory = (
        entry("Root Entry", 5, 1, _END, 0) + entry("Workbook", 2, _NONE, 0, len(stream)) + entry("", 0, _NONE, 0, 0) * 2
    )
    difat = [fat_at + i for i in range(fat_sectors)] + [_FREE] * (109 - fat_sectors)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<9I", 0, fat_sectors, directory_at, 0, MINI_CUTOFF, _END, 0, _END, 0)
        + struct.pack("<109I", *difat)
    )
    return header + data + directory + struct.pack(f"<{len(chain)}I", *chain)
