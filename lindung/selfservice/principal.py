"""Who a signed-in participant is to the rest of the code: a small user-like object that
``core.access.principal_of`` reads (``access_kind()`` and ``participant_id``), so every
read goes through the same scope() and get_or_404() as the staff pages'. It is never a
staff ``User`` and never lands in ``request.user`` of a staff page."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ParticipantUser:
    participant_id: int
    session_id: int
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False
    # Staff checks elsewhere read these; a participant is none of them.
    is_admin: bool = False
    is_coordinator: bool = False
    is_officer: bool = False
    is_staff: bool = False
    is_superuser: bool = False
    pk: None = None

    def access_kind(self) -> str:
        return "participant"

    def __str__(self) -> str:
        return f"participant {self.participant_id}"
