"""Grants for the vouchers, the archive, the hospital bill check and the age outreach
(REQUIREMENTS.md CLM-7..9): claims services keep the archive, check bills and phone
participants who reach the JHT/JP age; finance and the heads read vouchers and the archive."""

from django.db import migrations

READ = ["claimvoucher.view", "archivefile.view", "archivepolicy.view", "billline.view", "medicineprice.view"]
GRANTS = {
    "claims_services": [*READ, "billline.add", "billline.delete", "outreachcontact.view", "outreachcontact.add"],
    "finance_head": READ,
    "branch_head": [*READ, "outreachcontact.view"],
    "services_head": [*READ, "outreachcontact.view", "outreachcontact.add"],
}


def seed(apps, schema_editor):
    Duty = apps.get_model("accounts", "Duty")
    for duty in Duty.objects.filter(code__in=list(GRANTS)):
        duty.grants = list(dict.fromkeys([*duty.grants, *GRANTS[duty.code]]))
        duty.save(update_fields=["grants"])


def unseed(apps, schema_editor):
    Duty = apps.get_model("accounts", "Duty")
    for duty in Duty.objects.filter(code__in=list(GRANTS)):
        duty.grants = [grant for grant in duty.grants if grant not in GRANTS[duty.code]]
        duty.save(update_fields=["grants"])


class Migration(migrations.Migration):
    dependencies = [("claims", "0007_vouchers_archive_bill_check_outreach"), ("accounts", "0003_seed_duties")]
    operations = [migrations.RunPython(seed, unseed)]
