"""Seed the reminder policy (MSG-3): three templates and five stages relative to the due
date, for every category, as data an administrator can change (effective-dated)."""

import datetime

from django.db import migrations

BASIS = (
    "Jatuh tempo iuran tanggal 15 (BPU: bulan iuran; PU: bulan berikutnya), DOMAIN.md "
    "'Due dates and lateness'; jarak tahap adalah kebijakan operasional cabang (issue 9), bukan pasal peraturan."
)
TEMPLATES = {
    "before": (
        "Pengingat sebelum jatuh tempo",
        "reminder_before_due",
        "Halo {name}, iuran BPJS Ketenagakerjaan Anda sebesar {amount_due} jatuh tempo pada {due_date}. "
        "Bayar lewat: {payment_options}. Pertanyaan: {coordinator_name} ({coordinator_phone}).",
        "Hello {name}, your BPJS Ketenagakerjaan contribution of {amount_due} is due on {due_date}. "
        "Pay by: {payment_options}. Questions: {coordinator_name} ({coordinator_phone}).",
    ),
    "due": (
        "Pengingat hari jatuh tempo",
        "reminder_due_today",
        "Halo {name}, hari ini ({due_date}) batas bayar iuran BPJS Ketenagakerjaan Anda sebesar {amount_due}. "
        "Bayar lewat: {payment_options}. Hubungi {coordinator_name} ({coordinator_phone}).",
        "Hello {name}, today ({due_date}) is the last day to pay your BPJS Ketenagakerjaan contribution of "
        "{amount_due}. Pay by: {payment_options}. Contact {coordinator_name} ({coordinator_phone}).",
    ),
    "late": (
        "Pengingat tunggakan",
        "reminder_late",
        "Halo {name}, iuran BPJS Ketenagakerjaan Anda tertunggak {months_late} bulan, total {amount_due}. "
        "Agar perlindungan tetap aktif, bayar lewat: {payment_options}. Hubungi {coordinator_name} "
        "({coordinator_phone}).",
        "Hello {name}, your BPJS Ketenagakerjaan contributions are {months_late} months late, {amount_due} in "
        "total. To keep your cover, pay by: {payment_options}. Contact {coordinator_name} ({coordinator_phone}).",
    ),
}
STAGES = [("due-5", -5, "before"), ("due0", 0, "due"), ("due+3", 3, "late"), ("due+10", 10, "late"), ("due+30", 30, "late")]


def seed(apps, schema_editor):
    Template = apps.get_model("messaging", "MessageTemplate")
    Stage = apps.get_model("messaging", "ReminderStage")
    made = {}
    for key, (title, wa_name, text_id, text_en) in TEMPLATES.items():
        made[key], _ = Template.objects.get_or_create(
            title=title, defaults={"text_id": text_id, "text_en": text_en, "whatsapp_name": wa_name}
        )
    for key, offset, template in STAGES:
        Stage.objects.get_or_create(
            key=key,
            category="",
            valid_from=datetime.date(2015, 7, 1),
            defaults={"offset_days": offset, "template": made[template], "basis": BASIS},
        )


class Migration(migrations.Migration):
    dependencies = [("messaging", "0004_campaigns")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
