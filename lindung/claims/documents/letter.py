"""The "what is missing" message for the participant (CLM-3): the documents still to
bring and why the rejected ones were refused, in words a coordinator can send on
WhatsApp or print, built from the checklist so it never disagrees with the page."""

from django.utils.translation import gettext as _

from ..claim import Claim
from .checks import ChecklistRow
from .models import DocumentStatus


def missing_letter(claim: Claim, rows: list[ChecklistRow]) -> str:
    """Empty when nothing required is missing or rejected."""
    lines = []
    for row in rows:
        if not row.blocks:
            continue
        if row.status == DocumentStatus.REJECTED and row.document is not None:
            lines.append(
                _("- %(document)s: please bring it again (%(reason)s)")
                % {"document": row.label, "reason": row.document.status_reason}
            )
        else:
            lines.append(_("- %(document)s") % {"document": row.label})
    if not lines:
        return ""
    greeting = _("Dear %(name)s, for your %(claim)s claim we still need:") % {
        "name": claim.participant.full_name,
        "claim": claim.get_program_display(),
    }
    closing = _("Please bring or send them to your coordinator or the branch. Thank you.")
    return "\n".join([greeting, *lines, closing])
