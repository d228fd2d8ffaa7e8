import unicodedata

MASK = "*"


def mask_name(full_name: str) -> str:
    """ "Siti Aminah" → "S*** A*****": the first letter of each word, the rest starred.

    For the public verification page: enough for the holder to recognise their card,
    too little to learn a stranger's name. Composed (NFC) first so an accented initial
    such as "É" stays one character and its combining mark cannot leak as a second.
    """
    words = unicodedata.normalize("NFC", full_name).split()
    return " ".join(word[0] + MASK * (len(word) - 1) for word in words)
