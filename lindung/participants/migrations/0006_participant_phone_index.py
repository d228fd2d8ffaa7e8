# Replies over WhatsApp/SMS find their participant by phone number (messaging inbox).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("participants", "0005_drop_duplicate_fk_indexes")]

    operations = [
        migrations.AddIndex(model_name="participant", index=models.Index(fields=["phone"], name="participant_phone")),
    ]
