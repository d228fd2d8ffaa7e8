from django.db import migrations

from lindung.info.seed_pages import PAGES


def seed(apps, schema_editor):
    InfoPage = apps.get_model("info", "InfoPage")
    InfoPageVersion = apps.get_model("info", "InfoPageVersion")
    for data in PAGES:
        page, created = InfoPage.objects.get_or_create(slug=data["slug"], defaults={**data, "version": 1})
        if created:
            InfoPageVersion.objects.create(
                page=page,
                number=1,
                note="First text",
                **{k: data[k] for k in ("title_id", "title_en", "body_id", "body_en")},
            )


class Migration(migrations.Migration):
    dependencies = [("info", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
