from .claim import Claim, ClaimProgram, ClaimStatus
from .notifications import ClaimNotification, NotificationState
from .rules import BenefitRule, RuleKey, SchoolLevel

__all__ = [
    "BenefitRule",
    "Claim",
    "ClaimNotification",
    "ClaimProgram",
    "ClaimStatus",
    "NotificationState",
    "RuleKey",
    "SchoolLevel",
]
