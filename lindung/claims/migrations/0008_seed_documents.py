"""The document checklists (DOMAIN.md "Benefits and claims"), the dashboard's service
level, and the grants the branch duties need for drafting, documents and overrides."""

import datetime

from django.db import migrations

START = datetime.date(2015, 7, 1)  # the programs' current regulations; no earlier start known
JHT_BASIS = "PP 46/2015; Permenaker 4/2022"
JKK_BASIS = "PP 44/2015 jo. PP 82/2019"
JKM_BASIS = "PP 44/2015 jo. PP 82/2019"
JP_BASIS = "PP 45/2015"
NPWP_BASIS = "PP 68/2009 (NPWP di atas Rp50.000.000)"

JHT_BY_REASON = {
    "": ["ktp", "kk", "kpj", "bank_book"],
    "resignation": ["leaving_letter"],
    "termination": ["leaving_letter"],
    "contract_end": ["leaving_letter"],
    "stopped_working": ["stopped_working"],
    "disability": ["disability"],
    "death": ["death_certificate", "heir_statement", "heir_ktp"],
    "leaving_indonesia": ["passport"],
}
JKK = ["kpj", "ktp", "chronology", "witness_ktp", "attendance", "accident_report_1", "accident_report_2",
       "doctor_statement", "medical_receipts", "bank_book"]
JKK_WHEN = ["duty_order", "police_report"]
JKM = ["kpj", "ktp", "kk", "death_certificate", "heir_statement", "heir_ktp", "bank_book"]
JP = ["kpj", "ktp", "kk", "bank_book"]

GRANTS = {
    "claims_services": [
        "claim.add", "claim.change", "claim.submit", "claimdocument.view", "claimdocument.add",
        "claimdocument.review", "claimdocument.transcribe", "mismatchoverride.view", "mismatchoverride.add",
        "documentrequirement.view", "servicelevel.view",
    ],
    "finance_head": ["claimdocument.view", "mismatchoverride.view", "documentrequirement.view", "servicelevel.view"],
    "branch_head": ["claimdocument.view", "mismatchoverride.view", "documentrequirement.view", "servicelevel.view"],
    "services_head": [
        "claimdocument.view", "mismatchoverride.view", "mismatchoverride.add", "documentrequirement.view",
        "servicelevel.view",
    ],
}


def seed(apps, schema_editor):
    Requirement = apps.get_model("claims", "DocumentRequirement")
    rows = []

    def add(program, kinds, basis, reason="", condition="always"):
        for kind in kinds:
            rows.append(Requirement(program=program, jht_reason=reason, kind=kind, condition=condition,
                                    valid_from=START, legal_basis=basis, position=len(rows)))

    for reason, kinds in JHT_BY_REASON.items():
        add("jht", kinds, JHT_BASIS, reason)
    add("jht", ["npwp"], NPWP_BASIS, condition="npwp")
    add("jkk", JKK, JKK_BASIS)
    add("jkk", JKK_WHEN, JKK_BASIS, condition="applicable")
    add("jkm", JKM, JKM_BASIS)
    add("jp", JP, JP_BASIS)
    Requirement.objects.bulk_create(rows)
    apps.get_model("claims", "ServiceLevel").objects.create(
        days=7,
        valid_from=START,
        # Shown as is on the (Indonesian) dashboard. DOMAIN.md: Lapak Asik pays within about
        # 5 working days of submission; counted here as 7 calendar days.
        basis="Lapak Asik: dibayar ±5 hari kerja sejak pengajuan (DOMAIN.md), dihitung 7 hari kalender",
    )
    Duty = apps.get_model("accounts", "Duty")
    for duty in Duty.objects.filter(code__in=list(GRANTS)):
        duty.grants = list(dict.fromkeys([*duty.grants, *GRANTS[duty.code]]))
        duty.save(update_fields=["grants"])


def unseed(apps, schema_editor):
    apps.get_model("claims", "DocumentRequirement").objects.all().delete()
    apps.get_model("claims", "ServiceLevel").objects.all().delete()
    Duty = apps.get_model("accounts", "Duty")
    for duty in Duty.objects.filter(code__in=list(GRANTS)):
        duty.grants = [grant for grant in duty.grants if grant not in GRANTS[duty.code]]
        duty.save(update_fields=["grants"])


class Migration(migrations.Migration):
    dependencies = [("claims", "0007_documents_dashboard"), ("accounts", "0003_seed_duties")]
    operations = [migrations.RunPython(seed, unseed)]
