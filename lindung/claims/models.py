from .claim import Claim, ClaimProgram, ClaimStatus
from .dashboard.models import ServiceLevel
from .documents.models import ClaimDocument, DocumentRequirement, MismatchOverride
from .notifications import ClaimNotification, NotificationState
from .rules import BenefitRule, RuleKey, SchoolLevel

__all__ = [
    "BenefitRule",
    "Claim",
    "ClaimDocument",
    "ClaimNotification",
    "ClaimProgram",
    "ClaimStatus",
    "DocumentRequirement",
    "MismatchOverride",
    "NotificationState",
    "RuleKey",
    "SchoolLevel",
    "ServiceLevel",
]
