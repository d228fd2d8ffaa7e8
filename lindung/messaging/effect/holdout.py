"""Who is held back from a campaign (MSG-10). Deterministic, so planning the same
campaign twice (a retry, a second planner) holds back the same people, and random in
effect, so the held-out group is like the reminded one in everything but the reminder:
SHA-256 of (group, participant) read as a number in [0, 10,000) below share x 100.

The group is what one measurement compares: the outbox ``source`` today (a policy run, a
one-off send), the campaign once campaigns exist. Hashing the group, not the stage, keeps
a person in the same arm through every stage of one campaign."""

import hashlib

CONTROL_REASON = "control"  # OutboxMessage.skip_reason of a held-out row


def held_out(participant_id: int, group: str, percent: int) -> bool:
    if percent <= 0 or not group:
        return False
    digest = hashlib.sha256(f"{group}:{participant_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 10_000 < percent * 100
