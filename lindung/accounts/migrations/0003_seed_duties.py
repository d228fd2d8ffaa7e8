"""The branch duties named in REQUIREMENTS.md ACC-1 and the claims workflow, with the
actions they grant today (core/access.py reads "<model>.<action>"). Later capabilities
(claims) add their actions to these rows in their own migrations."""

from django.db import migrations

DUTIES = [
    (
        "membership",
        "Membership officer",
        ["participant.view", "participant.change", "participant.activate", "participant.submit",
         "participant.withdraw", "identitydocument.view", "familymember.view", "bill.view", "payment.view",
         "participantarrears.view", "membershipcard.view", "participantprogram.view"],
    ),
    ("claims_services", "Claims services officer", ["participant.view", "familymember.view", "identitydocument.view"]),
    ("finance_head", "Head of finance", ["participant.view", "payment.view", "bill.view", "deposit.view"]),
    ("branch_head", "Branch head", ["participant.view", "payment.view", "bill.view", "participantarrears.view"]),
]


def seed(apps, schema_editor):
    Duty = apps.get_model("accounts", "Duty")
    for code, name, grants in DUTIES:
        Duty.objects.update_or_create(code=code, defaults={"name": name, "grants": grants})


def unseed(apps, schema_editor):
    apps.get_model("accounts", "Duty").objects.filter(code__in=[code for code, _name, _grants in DUTIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_duty_alter_user_role_user_duties")]
    operations = [migrations.RunPython(seed, unseed)]
