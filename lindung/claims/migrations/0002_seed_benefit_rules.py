"""Benefit rules from docs DOMAIN.md "Benefits and claims", each with its legal basis.

Dates chosen where the handbook gives a month or a regulation rather than a day:
- PP 82/2019 took effect on 2 Dec 2019 (its promulgation): JKM amounts, scholarship and
  the 5-year JKK claim expiry start that day; the older rows end on 1 Dec 2019.
- The JMO self-service ceiling rose to Rp15,000,000 "in May 2025": we use 1 May 2025.
- Rules with no known start in the handbook start with the programmes (PP 44-46/2015,
  1 July 2015).
"""

import datetime

from django.db import migrations

D = datetime.date
START = D(2015, 7, 1)
PP82 = D(2019, 12, 2)
BEFORE_PP82 = D(2019, 12, 1)
JMO_15M = D(2025, 5, 1)

# key, variant, valid_from, valid_to, amount, quantity, months, legal_basis, note
RULES = [
    ("jht_full_age", "", START, None, None, 56, None, "PP 46/2015 art. 26; Permenaker 4/2022", ""),
    (
        "jht_waiting_months", "", START, None, None, 1, None, "Permenaker 4/2022",
        "After resignation or termination the balance is paid once the waiting period has passed: "
        "from the same day of the following month.",
    ),
    ("jht_partial_years", "", START, None, None, 10, None, "PP 46/2015 art. 22", "Once per participant."),
    ("jht_partial_percent", "10", START, None, None, 10, None, "PP 46/2015 art. 22", "Retirement preparation."),
    ("jht_partial_percent", "30", START, None, None, 30, None, "PP 46/2015 art. 22", "Housing."),
    (
        "jkk_expiry_years", "", START, BEFORE_PP82, None, 2, None, "PP 44/2015",
        "Judged by the accident date; the day of the anniversary is too late.",
    ),
    (
        "jkk_expiry_years", "", PP82, None, None, 5, None, "PP 82/2019 (in force 2 Dec 2019)",
        "Judged by the accident date; the day of the anniversary is too late.",
    ),
    ("jkk_death_wages", "", START, None, None, 48, None, "PP 44/2015 art. 25; PP 82/2019", "48 x monthly wage."),
    (
        "jkk_incapacity", "first", START, None, None, 100, 12, "PP 44/2015 art. 25; PP 82/2019",
        "100 % of the wage for the first 12 months (a month counts as 30 days).",
    ),
    (
        "jkk_incapacity", "later", START, None, None, 50, None, "PP 44/2015 art. 25; PP 82/2019",
        "50 % of the wage from the 13th month until recovery.",
    ),
    ("jkm_lump_sum", "", START, BEFORE_PP82, 16_200_000, None, None, "PP 44/2015 art. 34", ""),
    ("jkm_lump_sum", "", PP82, None, 20_000_000, None, None, "PP 82/2019", ""),
    ("jkm_periodic", "", START, BEFORE_PP82, 200_000, 24, None, "PP 44/2015 art. 34", "24 x Rp200,000 = Rp4,800,000."),
    ("jkm_periodic", "", PP82, None, 500_000, 24, None, "PP 82/2019", "24 x Rp500,000 = Rp12,000,000, paid at once."),
    ("jkm_funeral", "", START, BEFORE_PP82, 3_000_000, None, None, "PP 44/2015 art. 34", ""),
    ("jkm_funeral", "", PP82, None, 10_000_000, None, None, "PP 82/2019", ""),
    ("jkm_sch_children", "", START, BEFORE_PP82, None, 1, None, "PP 44/2015 art. 34", ""),
    ("jkm_sch_children", "", PP82, None, None, 2, None, "PP 82/2019", ""),
    ("jkm_sch_member_years", "", START, BEFORE_PP82, None, 5, None, "PP 44/2015 art. 34", "Years of membership."),
    ("jkm_sch_contrib_years", "", PP82, None, None, 3, None, "PP 82/2019", "Years of contributions paid."),
    ("jkm_sch_flat", "", START, BEFORE_PP82, 12_000_000, None, None, "PP 44/2015 art. 34", ""),
    ("jkm_sch_level", "tk_sd", PP82, None, 1_500_000, 8, None, "PP 82/2019", "Per year, at most 8 years."),
    ("jkm_sch_level", "smp", PP82, None, 2_000_000, 3, None, "PP 82/2019", "Per year, at most 3 years."),
    ("jkm_sch_level", "sma", PP82, None, 3_000_000, 3, None, "PP 82/2019", "Per year, at most 3 years."),
    ("jkm_sch_level", "university", PP82, None, 12_000_000, 5, None, "PP 82/2019", "Per year, at most 5 years."),
    ("jkm_sch_cap", "", PP82, None, 87_000_000, None, None, "PP 82/2019", "Rp174,000,000 for two children."),
    ("jp_min_months", "", START, None, None, 180, None, "PP 45/2015 art. 15", "Fewer months: a lump sum."),
    ("jp_category", "wage_earner", START, None, None, None, None, "PP 45/2015 art. 2", "JP is for wage earners."),
    ("jp_pension_age", "", START, D(2018, 12, 31), None, 56, None, "PP 45/2015 art. 15", ""),
] + [
    (
        "jp_pension_age", "", D(year, 1, 1), D(year + 2, 12, 31) if age < 65 else None, None, age, None,
        "PP 45/2015 art. 15", "Plus one year every three years until 65.",
    )
    for age, year in zip(range(57, 66), range(2019, 2044, 3), strict=True)
] + [
    (
        "route_jmo_max", "", START, D(2025, 4, 30), 10_000_000, None, None, "BPJS Ketenagakerjaan JMO service terms",
        "JMO self-service up to this balance.",
    ),
    (
        "route_jmo_max", "", JMO_15M, None, 15_000_000, None, None, "BPJS Ketenagakerjaan JMO service terms (May 2025)",
        "JMO self-service up to this balance; 1 May 2025 stands for 'since May 2025'.",
    ),
    (
        "route_online_partial", "10", START, None, None, 10, None, "BPJS Ketenagakerjaan Lapak Asik service terms",
        "The 10 % partial claim goes to the online interview service.",
    ),
    (
        "route_npwp_above", "", START, None, 50_000_000, None, None, "PP 68/2009 (final tax on lump-sum benefits)",
        "A tax number (NPWP) is needed above this balance.",
    ),
]


def seed(apps, schema_editor):
    BenefitRule = apps.get_model("claims", "BenefitRule")
    for key, variant, valid_from, valid_to, amount, quantity, months, legal_basis, note in RULES:
        BenefitRule.objects.update_or_create(
            key=key,
            variant=variant,
            valid_from=valid_from,
            defaults={
                "valid_to": valid_to,
                "amount": amount,
                "quantity": quantity,
                "months": months,
                "legal_basis": legal_basis,
                "note": note,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("claims", "BenefitRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
