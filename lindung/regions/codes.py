"""Kemendagri code shapes: `14`, `14.03`, `14.03.01`, `14.03.01.2004` (DOMAIN.md).

The shape alone gives the level and the parent, so every check here is pure and cheap.
"""

import re

from .models import Level

# [0-9], not \d: \d also accepts Arabic-Indic and other Unicode digits.
_CODE_RE = re.compile(r"[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{4})?)?)?")
_LEVEL_BY_LENGTH = {2: Level.PROVINCE, 5: Level.REGENCY, 8: Level.DISTRICT, 13: Level.VILLAGE}
SHAPE = {Level.PROVINCE: "NN", Level.REGENCY: "NN.NN", Level.DISTRICT: "NN.NN.NN", Level.VILLAGE: "NN.NN.NN.NNNN"}
SHAPES = "NN, NN.NN, NN.NN.NN or NN.NN.NN.NNNN"


def level_of(code: str) -> Level | None:
    """The level a well-formed code belongs to, or None for anything else."""
    if not _CODE_RE.fullmatch(code):
        return None
    return _LEVEL_BY_LENGTH[len(code)]


def parent_of(code: str) -> str | None:
    """The parent's code (the prefix before the last dot); None for a province."""
    head, dot, _ = code.rpartition(".")
    return head if dot else None


def village_kind_ok(code: str) -> bool:
    """Kelurahan codes start their last segment with 1, desa codes with 2."""
    return code[9] in "12"
