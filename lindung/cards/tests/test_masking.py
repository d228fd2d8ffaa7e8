import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from lindung.cards.masking import MASK, mask_name


def test_example_from_the_requirement() -> None:
    assert mask_name("Siti Aminah") == "S*** A*****"


def test_single_letters_extra_spaces_and_non_ascii() -> None:
    assert mask_name("A") == "A"
    assert mask_name("  Siti   Aminah  ") == "S*** A*****"
    assert mask_name("Ñoño Ébé") == "Ñ*** É**"
    assert mask_name("") == ""


def test_decomposed_accent_is_one_letter() -> None:
    # "É" typed as E + combining acute must not reveal the combining mark as a second letter.
    assert mask_name(unicodedata.normalize("NFD", "Élodie")) == "É*****"


names = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)


@given(names)
def test_reveals_only_the_first_letter_of_each_word(name: str) -> None:
    masked = mask_name(name)
    words = unicodedata.normalize("NFC", name).split()
    parts = masked.split(" ") if masked else []
    assert len(parts) == len(words)
    for word, part in zip(words, parts, strict=True):
        assert part[0] == word[0]
        assert part[1:] == MASK * (len(word) - 1)


@given(names)
def test_no_letter_beyond_the_initials_survives(name: str) -> None:
    masked = mask_name(name)
    revealed = [ch for ch in masked if ch not in (MASK, " ")]
    assert len(revealed) <= len(unicodedata.normalize("NFC", name).split())
