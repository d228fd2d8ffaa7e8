from django.db import migrations

BASIS = "Lindung default; set it to the branch's service charter"
# code, Indonesian, English, first answer within (hours)
CATEGORIES = [
    ("contribution", "Iuran dan pembayaran", "Contributions and payments", 72),
    ("claim", "Klaim manfaat", "Benefit claims", 72),
    ("registration", "Pendaftaran dan data peserta", "Registration and personal data", 72),
    ("service", "Pelayanan koordinator atau kantor", "Service by a coordinator or office", 120),
    ("suggestion", "Saran", "Suggestion", 168),
    ("other", "Lainnya", "Other", 120),
]


def seed(apps, schema_editor):
    FeedbackCategory = apps.get_model("feedback", "FeedbackCategory")
    for position, (code, name_id, name_en, hours) in enumerate(CATEGORIES):
        FeedbackCategory.objects.get_or_create(
            code=code,
            defaults={
                "name_id": name_id,
                "name_en": name_en,
                "answer_within_hours": hours,
                "basis": BASIS,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
