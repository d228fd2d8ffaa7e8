"""Regions from an SQL dump: the form the open Kemendagri region datasets are most often
published in (``INSERT INTO wilayah (kode, nama) VALUES ('11','ACEH'),(...);``), one tuple a
line or all on one line (mysqldump's extended inserts). Yields (line, [kode, nama]) rows
for the same checks as the CSV import; everything outside INSERT statements is ignored."""

import re
from collections.abc import Iterator

INSERT = re.compile(r"INSERT\s+INTO\s+[`\"\w.]+\s*(\((?P<columns>[^)]*)\))?\s*VALUES\s*", re.IGNORECASE)
# A value: a quoted string ('' or \' inside), or a bare token such as NULL or a number.
VALUE = re.compile(r"\s*(?:'(?P<text>(?:[^'\\]|\\.|'')*)'|(?P<bare>[^,()\s]+))\s*", re.DOTALL)
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}


def looks_like_sql(text: str) -> bool:
    return INSERT.search(text[:200_000]) is not None


def _unescape(text: str) -> str:
    text = text.replace("''", "'")
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), text)


def _column_positions(columns: str | None) -> tuple[int, int]:
    """Where kode and nama are in each tuple: by the statement's column list, else first two."""
    if not columns:
        return 0, 1
    names = [c.strip(" `\"'").casefold() for c in columns.split(",")]
    code = names.index("kode") if "kode" in names else 0
    name = names.index("nama") if "nama" in names else 1
    return code, name


def _tuple(text: str, pos: int) -> tuple[list[str] | None, int]:
    """The values of the tuple opening at ``pos`` (a "("), and the position after it."""
    values: list[str] = []
    pos += 1
    while True:
        match = VALUE.match(text, pos)
        if not match:
            return None, pos
        values.append(_unescape(match["text"]) if match["text"] is not None else match["bare"])
        pos = match.end()
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        if pos < len(text) and text[pos] == ")":
            return values, pos + 1
        return None, pos


def sql_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line, [kode, nama]) for every tuple; a tuple that cannot be read yields (line, ["?"]),
    which the import reports as a row without its two columns."""
    line, counted = 1, 0

    def line_at(pos: int) -> int:
        nonlocal line, counted
        line += text.count("\n", counted, pos)
        counted = pos
        return line

    for statement in INSERT.finditer(text):
        code_at, name_at = _column_positions(statement["columns"])
        pos = statement.end()
        while pos < len(text):
            while pos < len(text) and text[pos] in " \t\r\n,":
                pos += 1
            if pos >= len(text) or text[pos] != "(":
                break  # the ";" ending the statement, or something else: next INSERT
            where = line_at(pos)
            values, pos = _tuple(text, pos)
            if values is None or len(values) <= max(code_at, name_at):
                yield where, ["?"]
                end = text.find("\n", pos)
                pos = len(text) if end < 0 else end
                continue
            yield where, [values[code_at], values[name_at]]
