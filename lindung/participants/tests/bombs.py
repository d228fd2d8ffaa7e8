"""Hostile workbooks, built in memory: a sheet that unpacks far beyond its size, a grid
stretched to the last cell Excel has, and a header that lies about its size."""

import io
import zipfile
from collections.abc import Iterable

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    b'Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_END = b"</sheetData></worksheet>"


def workbook(sheet_parts: Iterable[bytes]) -> bytes:
    """A minimal .xlsx whose one sheet's XML is the concatenation of ``sheet_parts``
    (streamed into the zip, so a gigabyte sheet never sits in memory)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_START)
            for part in sheet_parts:
                sheet.write(part)
            sheet.write(SHEET_END)
    return buffer.getvalue()


def rows(count: int, *, width: int = 3) -> Iterable[bytes]:
    """``count`` rows of ``width`` small numbers, in blocks of 10,000 rows."""
    cells = "".join(f"<c><v>{i}</v></c>" for i in range(width))
    block = 10_000
    for start in range(1, count + 1, block):
        yield "".join(f'<row r="{n}">{cells}</row>' for n in range(start, min(start + block, count + 1))).encode()


def padding(total_bytes: int) -> Iterable[bytes]:
    """XML comments: nothing for the reader, everything for the inflater."""
    chunk = b"<!---->" * (2**20 // 7)
    for _ in range(total_bytes // len(chunk) + 1):
        yield chunk


def far_corner() -> bytes:
    """One value in A1 and one in XFD1048576: a 17-billion-cell grid in 1 KB."""
    return workbook([b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'])


def lying_header(real_bytes: int) -> bytes:
    """A sheet whose central-directory entry claims 1 KB but inflates to ``real_bytes``."""
    data = bytearray(workbook(padding(real_bytes)))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        claimed = info.file_size
    # Overwrite the 8-byte zip64 size (written since force_zip64) wherever it appears.
    data = data.replace(claimed.to_bytes(8, "little"), (1024).to_bytes(8, "little"))
    return bytes(data)
