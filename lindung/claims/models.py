from .archive.models import ArchiveFile, ArchivePolicy
from .claim import Claim, ClaimProgram, ClaimStatus
from .dashboard.models import ServiceLevel
from .documents.models import ClaimDocument, DocumentRequirement, MismatchOverride
from .medical.models import BillLine, MedicinePrice
from .notifications import ClaimNotification, NotificationState
from .outreach.models import OutreachContact
from .rules import BenefitRule, RuleKey, SchoolLevel
from .vouchers.models import ClaimVoucher

__all__ = [
    "ArchiveFile",
    "ArchivePolicy",
    "BenefitRule",
    "BillLine",
    "Claim",
    "ClaimDocument",
    "ClaimNotification",
    "ClaimProgram",
    "ClaimStatus",
    "ClaimVoucher",
    "DocumentRequirement",
    "MedicinePrice",
    "MismatchOverride",
    "NotificationState",
    "OutreachContact",
    "RuleKey",
    "SchoolLevel",
    "ServiceLevel",
]
