from .rules import BenefitRule, RuleKey, SchoolLevel

__all__ = ["BenefitRule", "RuleKey", "SchoolLevel"]
