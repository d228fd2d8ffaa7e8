# The indexes on the claim's copies, after they are filled in (a separate migration, so
# the index build does not share the backfill's transaction).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0011_claim_coordinator_district'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(fields=['coordinator', 'status_changed_at', 'id'], name='claim_coordinator_queue'),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(fields=['status', 'district', 'officer', 'submitted_on'], name='claim_area_officer'),
        ),
    ]
