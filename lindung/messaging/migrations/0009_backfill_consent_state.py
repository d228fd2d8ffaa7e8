"""Fill ConsentState from the ledger: per participant and channel, the latest fact
(by time, then id) that covers the channel, whether for that channel or for all.
One set-based INSERT ... SELECT with a window function (PostgreSQL and SQLite alike),
an upsert, so running it again (``manage.py rebuild_consent_state``, which keeps its own
copy in consent.py) only corrects; from here on consent.ledger_add keeps it in the
writer's transaction."""

from django.db import migrations

BACKFILL = """
INSERT INTO messaging_consentstate (participant_id, channel, given, at, ledger_id)
SELECT participant_id, ch, given, at, id FROM (
    SELECT r.participant_id, c.ch, r.given, r.at, r.id,
           ROW_NUMBER() OVER (PARTITION BY r.participant_id, c.ch ORDER BY r.at DESC, r.id DESC) AS n
    FROM messaging_consentrecord r
    JOIN (SELECT 'whatsapp' AS ch UNION ALL SELECT 'sms' AS ch) c ON r.channel IN ('all', c.ch)
) latest
WHERE n = 1
ON CONFLICT (participant_id, channel) DO UPDATE
SET given = excluded.given, at = excluded.at, ledger_id = excluded.ledger_id
WHERE (messaging_consentstate.at, messaging_consentstate.ledger_id) < (excluded.at, excluded.ledger_id)
"""


def forwards(apps, schema_editor):
    schema_editor.execute(BACKFILL)


def backwards(apps, schema_editor):
    schema_editor.execute("DELETE FROM messaging_consentstate")


class Migration(migrations.Migration):
    dependencies = [("messaging", "0008_consent_state")]
    operations = [migrations.RunPython(forwards, backwards)]
