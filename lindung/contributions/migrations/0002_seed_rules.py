"""The contribution figures of DOMAIN.md, each with its validity and legal basis.

Left out on purpose: the COVID relief of PP 49/2020 (due date on the 30th, 0.5 % fine,
JKK/JKM discounts), whose exact contribution months are not pinned down in DOMAIN.md,
and PP 7/2025's temporary JKK halving, which depends on the employer's industry. Both can
be added as dated versions from the rules screen without code changes.
"""

import datetime
from decimal import Decimal

from django.db import migrations

D = datetime.date
PP44_START = D(2015, 7, 1)  # PP 44/45/46 of 2015 took effect on 1 July 2015.
ARTICLE_TO_CONFIRM = "article to confirm"

PU = "wage_earner"
BPU = "informal"


def rules():
    rows = []
    for tier, rate in enumerate(("0.24", "0.54", "0.89", "1.27", "1.74"), start=1):
        rows.append(
            dict(
                kind="program_rate",
                category=PU,
                program="jkk",
                risk_tier=tier,
                rate=Decimal(rate),
                payer="employer",
                mandatory=True,
                valid_from=PP44_START,
                legal_basis="PP 44/2015 art. 16 and annex I",
            )
        )
    rows += [
        dict(
            kind="program_rate",
            category=PU,
            program="jkm",
            rate=Decimal("0.30"),
            payer="employer",
            mandatory=True,
            valid_from=PP44_START,
            legal_basis="PP 44/2015 art. 18",
        ),
        dict(
            kind="program_rate",
            category=PU,
            program="jht",
            rate=Decimal("5.7"),
            worker_rate=Decimal("2.0"),
            payer="shared",
            mandatory=True,
            valid_from=PP44_START,
            legal_basis="PP 46/2015 art. 16",
            note="3.7 % employer + 2.0 % worker.",
        ),
        dict(
            kind="program_rate",
            category=PU,
            program="jp",
            rate=Decimal("3.0"),
            worker_rate=Decimal("1.0"),
            payer="shared",
            mandatory=True,
            valid_from=PP44_START,
            legal_basis="PP 45/2015 art. 28-29",
            note="2 % employer + 1 % worker, on the wage capped at the JP ceiling. In reality micro and small "
            "employers may be exempt; Lindung treats JP as mandatory for every wage earner.",
        ),
        dict(
            kind="program_rate",
            category=PU,
            program="jkp",
            rate=Decimal("0.46"),
            payer="no_extra_cost",
            mandatory=True,
            valid_from=D(2021, 2, 2),
            valid_to=D(2025, 2, 6),
            legal_basis="PP 37/2021",
            note="No extra cost to the worker: government 0.22 % plus a recomposition of JKK and JKM. "
            "Start date taken as PP 37/2021's promulgation.",
        ),
        dict(
            kind="program_rate",
            category=PU,
            program="jkp",
            rate=Decimal("0.36"),
            payer="no_extra_cost",
            mandatory=True,
            valid_from=D(2025, 2, 7),
            legal_basis="PP 6/2025 (amending PP 37/2021)",
            note="No extra cost to the worker: government 0.22 % plus a recomposition of JKK and JKM.",
        ),
        dict(
            kind="program_rate",
            category=BPU,
            program="jkk",
            rate=Decimal("1.0"),
            payer="worker",
            mandatory=True,
            valid_from=PP44_START,
            legal_basis="PP 44/2015 art. 16 and annex II",
            note="Rp10,000 at Rp1,000,000, up to about Rp207,000 (the annex sets it by income bracket).",
        ),
        dict(
            kind="program_rate",
            category=BPU,
            program="jkm",
            amount=6800,
            payer="worker",
            mandatory=True,
            valid_from=PP44_START,
            legal_basis="PP 44/2015 art. 18 and annex II",
            note="Flat per month.",
        ),
        dict(
            kind="program_rate",
            category=BPU,
            program="jht",
            rate=Decimal("2.0"),
            payer="worker",
            mandatory=False,
            valid_from=PP44_START,
            legal_basis="PP 46/2015 art. 16",
            note="Optional for informal workers.",
        ),
        dict(
            kind="min_income",
            category=BPU,
            amount=1_000_000,
            valid_from=PP44_START,
            legal_basis="PP 44/2015 annex II (lowest income bracket)",
        ),
        dict(
            kind="due_date",
            category=PU,
            day=15,
            month_offset=1,
            next_working_day=True,
            valid_from=PP44_START,
            legal_basis=f"PP 44/2015 ({ARTICLE_TO_CONFIRM})",
            note="By the 15th of the month after the contribution month; next working day if a holiday.",
        ),
        dict(
            kind="due_date",
            category=BPU,
            day=15,
            month_offset=0,
            next_working_day=False,
            valid_from=PP44_START,
            legal_basis=f"PP 44/2015 ({ARTICLE_TO_CONFIRM})",
            note="By the 15th of the contribution month.",
        ),
        dict(
            kind="late_fine",
            category=PU,
            rate=Decimal("2.0"),
            valid_from=PP44_START,
            legal_basis=f"PP 44/2015 ({ARTICLE_TO_CONFIRM})",
            note="2 % of the unpaid contribution per month late, borne by the employer.",
        ),
        dict(
            kind="lapse",
            category=BPU,
            months=3,
            valid_from=PP44_START,
            legal_basis="Operational rule of BPJS Ketenagakerjaan, not a regulation article",
            note="Membership becomes non-active after 3 consecutive unpaid months.",
        ),
        dict(
            kind="prepay",
            category=BPU,
            options="1,3,6,12",
            valid_from=PP44_START,
            legal_basis="BPJS Ketenagakerjaan payment options for informal workers (operational)",
        ),
    ]
    ceilings = [(2022, 9_077_600), (2023, 9_559_600), (2024, 10_042_300), (2025, 10_547_400), (2026, 11_086_300)]
    for index, (year, amount) in enumerate(ceilings):
        last = index == len(ceilings) - 1
        rows.append(
            dict(
                kind="jp_ceiling",
                program="jp",
                amount=amount,
                valid_from=D(year, 3, 1),
                valid_to=None if last else D(year + 1, 3, 1) - datetime.timedelta(days=1),
                legal_basis=f"PP 45/2015 art. 28 (yearly adjustment by GDP growth, announced for {year})",
                note="Less certain: confirm against BPJS Ketenagakerjaan's announcement." if last else "",
            )
        )
    return rows


def seed(apps, schema_editor):
    Rule = apps.get_model("contributions", "ContributionRule")
    Rule.objects.bulk_create([Rule(**row) for row in rules()])


def unseed(apps, schema_editor):
    apps.get_model("contributions", "ContributionRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("contributions", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
