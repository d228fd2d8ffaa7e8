from .archive.models import ArchiveFile, ArchivePolicy
from .claim import Claim, ClaimProgram, ClaimStatus
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
    "ClaimNotification",
    "ClaimProgram",
    "ClaimStatus",
    "ClaimVoucher",
    "MedicinePrice",
    "NotificationState",
    "OutreachContact",
    "RuleKey",
    "SchoolLevel",
]
