from .claim import Claim, ClaimProgram, ClaimStatus
from .rules import BenefitRule, RuleKey, SchoolLevel

__all__ = ["BenefitRule", "Claim", "ClaimProgram", "ClaimStatus", "RuleKey", "SchoolLevel"]
