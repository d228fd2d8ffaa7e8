import datetime

from lindung.participants.models import Participant


def coverage_valid_through(participant: Participant) -> datetime.date | None:
    """The last day the participant is covered by paid contributions, or None if unknown.

    Shown as "valid through" on the public verification page and meant for the card.

    PLACEHOLDER: bills and payments do not exist yet, so this answers None and the page
    shows "–" with a note. The contributions app should replace the body with the end
    of the last fully paid coverage period (e.g. the last day of the latest month whose
    bill is paid), as one indexed query: the public page calls it on every scan. Keep
    the signature; callers treat None as "not known yet", never as "expired".
    """
    return None
