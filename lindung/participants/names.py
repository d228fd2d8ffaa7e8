import re
import unicodedata

_NON_WORD = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")


def normalize_name(name: str) -> str:
    """Fold a name for matching: "Muh. RIZKI  Pratama" and "muh rizki pratama" agree.

    Case, accents, punctuation and repeated spaces are not what makes two people
    different, and coordinators type names in every style.
    """
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _NON_WORD.sub(" ", text.casefold())
    return _SPACES.sub(" ", text).strip()
