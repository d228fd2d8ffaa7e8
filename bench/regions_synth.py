"""A synthetic national region tree with Kemendagri-shaped dotted codes (14 / 14.03 /
14.03.01 / 14.03.01.2004). The full size matches the 2025 national counts, so joins and
filters see realistic fan-outs; the small size keeps SQLite runs quick."""

import random
from collections.abc import Iterator
from typing import NamedTuple

from lindung.participants.nik import PROVINCE_CODES

from .names import PLACE_HEAD, PLACE_TAIL, PROVINCE_NAMES

FULL = (514, 7_285, 83_762)  # regencies, districts, villages over 38 provinces
SMALL = (76, 228, 912)


class Node(NamedTuple):
    code: str
    name: str
    level: int
    parent: str | None


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """Split ``total`` into ``parts`` positive, uneven counts (some regencies are big)."""
    weights = [rng.uniform(0.4, 1.6) for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    counts = [1 + int(w * scale) for w in weights]
    for i in range(total - sum(counts)):
        counts[i % parts] += 1
    return counts


def _place(rng: random.Random) -> str:
    return rng.choice(PLACE_HEAD) + rng.choice(PLACE_TAIL)


def tree(size: tuple[int, int, int] = FULL, seed: int = 1) -> Iterator[Node]:
    """Parents always come before their children."""
    rng = random.Random(seed)
    provinces = sorted(PROVINCE_CODES)
    n_regencies, n_districts, n_villages = size
    regency_counts = _split(n_regencies, len(provinces), rng)
    district_counts = iter(_split(n_districts, n_regencies, rng))
    village_counts = iter(_split(n_villages, n_districts, rng))
    for province, n_reg in zip(provinces, regency_counts, strict=True):
        yield Node(province, PROVINCE_NAMES[province], 1, None)
        n_cities = max(1, n_reg // 6) if n_reg > 1 else 0
        regency_numbers = [f"{i:02d}" for i in range(1, n_reg - n_cities + 1)]
        regency_numbers += [f"{71 + i:02d}" for i in range(n_cities)]
        for number in regency_numbers:
            regency = f"{province}.{number}"
            prefix = "Kota" if int(number) >= 71 else "Kabupaten"
            yield Node(regency, f"{prefix} {_place(rng)}", 2, province)
            for d in range(1, next(district_counts) + 1):
                district = f"{regency}.{d:02d}"
                yield Node(district, _place(rng), 3, regency)
                n_vil = next(village_counts)
                # Cities have kelurahan (1xxx), regencies mostly desa (2xxx).
                first = 1001 if int(number) >= 71 else 2001
                for v in range(n_vil):
                    yield Node(f"{district}.{first + v}", _place(rng), 4, district)
