"""Claim actions for the branch duties (accounts 0003 seeded them without claims), and
the head of services, who signs vouchers first (REQUIREMENTS.md CLM-5)."""

from django.db import migrations

GRANTS = {
    "claims_services": [
        "claim.view", "claim.verify", "claim.request_documents", "claim.approve", "claim.reject", "claim.archive",
        "benefitrule.view",
    ],
    "finance_head": ["claim.view", "claim.pay", "claim.print_voucher", "claim.sign_finance", "familymember.view"],
    "branch_head": ["claim.view", "claim.sign_branch", "familymember.view"],
    "services_head": ["participant.view", "familymember.view", "claim.view", "claim.sign_services"],
}
NAMES = {"services_head": "Head of services"}


def seed(apps, schema_editor):
    Duty = apps.get_model("accounts", "Duty")
    for code, grants in GRANTS.items():
        duty, _created = Duty.objects.get_or_create(code=code, defaults={"name": NAMES.get(code, code), "grants": []})
        duty.grants = list(dict.fromkeys([*duty.grants, *grants]))
        duty.save(update_fields=["grants"])


def unseed(apps, schema_editor):
    Duty = apps.get_model("accounts", "Duty")
    Duty.objects.filter(code__in=list(NAMES)).delete()
    for duty in Duty.objects.filter(code__in=list(GRANTS)):
        duty.grants = [grant for grant in duty.grants if grant not in GRANTS[duty.code]]
        duty.save(update_fields=["grants"])


class Migration(migrations.Migration):
    dependencies = [("claims", "0003_claim"), ("accounts", "0003_seed_duties")]
    operations = [migrations.RunPython(seed, unseed)]
