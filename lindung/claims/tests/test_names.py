"""Tolerant name comparison: what passes, what is flagged, and that the reason is said."""

import pytest

from lindung.claims.documents.names import compare_names


@pytest.mark.parametrize(
    ("first", "second", "bank"),
    [
        ("Budi Santoso", "BUDI  SANTOSO", False),
        ("H. Budi Santoso, S.Pd.", "Budi Santoso", False),
        ("Soekarno Djojo", "Sukarno Jojo", False),
        ("Muh. Rizki Pratama", "Muhammad Rizki Pratama", False),
        ("M Rizki Pratama", "Muhammad Rizki Pratama", False),
        ("Siti Aminah binti Abdullah", "Siti Aminah", False),
        ("Muhammad Abdurrahman Wahyudi Kusuma", "MUHAMMAD ABDURRAHMAN WAH", True),
    ],
)
def test_harmless_differences_pass(first: str, second: str, bank: bool) -> None:
    assert compare_names(first, second, bank=bank).same


def test_what_was_forgiven_is_said() -> None:
    result = compare_names("Muh. Rizki", "Muhammad Rizki")
    assert result.same and any("short forms" in note for note in result.notes)


def test_a_one_letter_difference_is_flagged_as_a_possible_typo() -> None:
    result = compare_names("Budi Santoso", "Budi Santosa")
    assert not result.same
    assert result.notes == ("“santoso” and “santosa” differ by one letter: a typo, or another person.",)


def test_a_name_on_one_side_only_is_flagged_and_named() -> None:
    result = compare_names("Budi Santoso", "Budi Santoso Wijaya")
    assert not result.same
    assert "Only in the second: wijaya." in result.notes


def test_a_cut_name_passes_only_for_banks_and_only_when_long() -> None:
    assert not compare_names("Muhammad Abdurrahman Wahyudi Kusuma", "Muhammad Abdurrahman Wah").same
    assert not compare_names("Budi Santoso", "Budi", bank=True).same


def test_different_names_and_empty_names_are_flagged() -> None:
    assert compare_names("Budi Santoso", "Agus Salim").notes[0] == "“budi” and “agus” are different names."
    assert compare_names("", "Budi").notes == ("One of the two names is empty.",)
