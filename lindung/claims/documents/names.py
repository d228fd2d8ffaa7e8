"""Tolerant comparison of two spellings of a person's name, with the reasons in words.

Branch reports name mismatched names as a top cause of stalled claims, yet most
differences are harmless: case, punctuation, titles (H., Hj., Drs., S.Pd.), the old
spelling (Soekarno / Sukarno, Djoko / Joko), the usual short forms (Muh. / Muhammad),
initials, a patronymic (bin / binti ...) written on one side only, or a bank that cut
a long name short. Those pass with a note saying what was forgiven. Anything else (a
letter changed, a name only on one side, different names) is flagged with the reason,
so the officer knows what to look at instead of comparing two strings by eye.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from lindung.participants.names import normalize_name

TITLES = frozenset(
    {
        *("h", "hj", "haji", "hajjah", "ir", "dr", "drs", "dra", "prof", "s", "pd", "spd", "se", "sh", "st"),
        *("skom", "sag", "mm", "mpd", "amd", "ns", "bapak", "bpk", "ibu", "sdr", "sdri", "tn", "ny", "nn"),
    }
)
PATRONYMIC = frozenset({"bin", "binti", "bt"})
# Short and variant spellings that name the same given name, folded to one form.
VARIANTS = {
    "muhammad": ("muhamad", "mohammad", "mohamad", "muhammat", "muh", "moh", "mhd", "mochammad", "mochamad"),
    "ahmad": ("achmad", "akhmad", "ahmat"),
    "abdul": ("abd",),
    "nur": ("noor", "nour"),
    "siti": ("sitti",),
}
CANONICAL = {variant: name for name, variants in VARIANTS.items() for variant in variants}
OLD_SPELLING = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("nj", "ny"), ("sj", "sy"))
# Banks print at most this many characters of the holder's name (the shortest we know).
BANK_NAME_MIN_CUT = 20


@dataclass(frozen=True)
class NameComparison:
    same: bool
    notes: tuple[str, ...] = field(default=())


def _modern(token: str) -> str:
    for old, new in OLD_SPELLING:
        token = token.replace(old, new)
    return CANONICAL.get(token, token)


def _tokens(name: str, notes: list[str]) -> list[str]:
    raw = normalize_name(name).split()
    kept = [t for t in raw if t not in TITLES] or raw
    if len(kept) < len(raw):
        notes.append(_("Titles were ignored."))
    for index, token in enumerate(kept):
        if token in PATRONYMIC and index > 0:
            notes.append(_("The patronymic (bin / binti ...) was ignored."))
            kept = kept[:index]
            break
    modern = [_modern(t) for t in kept]
    if modern != kept:
        notes.append(_("Old spellings and short forms were read as the same name (e.g. Soe- / Su-, Muh. / Muhammad)."))
    return modern


def _one_letter_apart(a: str, b: str) -> bool:
    """One letter changed, added or dropped (a typo), for names long enough to tell."""
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _initial_of(a: str, b: str) -> bool:
    return (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def compare_names(first: str, second: str, *, bank: bool = False) -> NameComparison:
    """Compare two names; ``bank`` when one is a bank account holder (which may be cut)."""
    if not normalize_name(first) or not normalize_name(second):
        return NameComparison(False, (_("One of the two names is empty."),))
    notes: list[str] = []
    a, b = _tokens(first, notes), _tokens(second, notes)
    notes = list(dict.fromkeys(notes))
    if a == b:
        return NameComparison(True, tuple(notes))
    joined_a, joined_b = " ".join(a), " ".join(b)
    if bank and min(len(joined_a), len(joined_b)) >= BANK_NAME_MIN_CUT:
        short, long = sorted((joined_a, joined_b), key=len)
        if long.startswith(short):
            return NameComparison(True, (*notes, _("The bank cut the long name short; the part it kept agrees.")))
    if len(a) == len(b):
        flagged: list[str] = []
        for x, y in zip(a, b, strict=True):
            if x == y:
                continue
            if _initial_of(x, y):
                notes.append(_("“%(initial)s” was read as the initial of “%(name)s”.") % _pair(x, y))
            elif _one_letter_apart(x, y):
                flagged.append(
                    _("“%(a)s” and “%(b)s” differ by one letter: a typo, or another person.") % {"a": x, "b": y}
                )
            else:
                flagged.append(_("“%(a)s” and “%(b)s” are different names.") % {"a": x, "b": y})
        return NameComparison(not flagged, tuple(flagged or notes))
    only_a = [t for t in a if t not in b]
    only_b = [t for t in b if t not in a]
    flagged = []
    if only_a:
        flagged.append(_("Only in the first: %(names)s.") % {"names": " ".join(only_a)})
    if only_b:
        flagged.append(_("Only in the second: %(names)s.") % {"names": " ".join(only_b)})
    flagged.append(_("The names have a different number of parts (%(a)s and %(b)s).") % {"a": len(a), "b": len(b)})
    return NameComparison(False, tuple(flagged))


def _pair(x: str, y: str) -> dict[str, str]:
    initial, name = (x, y) if len(x) == 1 else (y, x)
    return {"initial": initial, "name": name}
