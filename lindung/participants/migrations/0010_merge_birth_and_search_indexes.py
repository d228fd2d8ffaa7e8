"""Joins two branches built side by side: the claims outreach index on (coordinator,
birth date) and the covering search indexes. Neither touches the other's indexes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0008_participant_coord_birth_index"),
        ("participants", "0009_drop_replaced_search_indexes"),
    ]

    operations = []
