"""Questionnaire scoring: one point per right answer; the change per event is the
average after minus the average before, in percentage points."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .models import Question


def score(questions: Iterable[Question], answers: Mapping[str, int]) -> tuple[int, int]:
    """(right answers, questions asked); a question left unanswered counts as wrong."""
    asked = list(questions)
    right = sum(1 for q in asked if answers.get(str(q.pk)) == q.correct)
    return right, len(asked)


@dataclass(frozen=True)
class Change:
    before: float | None  # average percent right before, None if nobody answered
    after: float | None
    # Only attendees who answered both: the fairest measure of what the event taught.
    paired: float | None
    paired_count: int

    @property
    def overall(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def change(responses: Iterable[tuple[int, str, int, int]]) -> Change:
    """From (attendee id, phase, score, total) rows."""
    before: dict[int, float] = {}
    after: dict[int, float] = {}
    for attendee, phase, right, total in responses:
        if total:
            (before if phase == "pre" else after)[attendee] = 100.0 * right / total
    both = sorted(before.keys() & after.keys())
    return Change(
        _mean(list(before.values())),
        _mean(list(after.values())),
        _mean([after[a] - before[a] for a in both]),
        len(both),
    )
