"""The keywords a participant may send and the default control-group share (10 %, the
issue's default for MSG-10), as rows an administrator can change."""

import datetime

from django.db import migrations

KEYWORDS = [
    ("STOP", "opt_out", "Anda tidak akan menerima pengingat lagi. Balas MULAI untuk menerimanya kembali."),
    ("BERHENTI", "opt_out", "Anda tidak akan menerima pengingat lagi. Balas MULAI untuk menerimanya kembali."),
    ("UNSUBSCRIBE", "opt_out", "You will not receive reminders any more. Reply START to receive them again."),
    ("STOP ALL", "opt_out", "Anda tidak akan menerima pengingat lagi. Balas MULAI untuk menerimanya kembali."),
    ("START", "opt_in", "You will receive reminders again. Reply STOP to stop them."),
    ("MULAI", "opt_in", "Anda akan menerima pengingat lagi. Balas BERHENTI untuk menghentikannya."),
    (
        "SALDO",
        "balance",
        "Yth. {name}, iuran yang belum dibayar: {owed} ({late_months} bulan terlambat, {late_amount}).",
    ),
    (
        "TAGIHAN",
        "balance",
        "Yth. {name}, iuran yang belum dibayar: {owed} ({late_months} bulan terlambat, {late_amount}).",
    ),
    ("BALANCE", "balance", "Dear {name}, contributions unpaid: {owed} ({late_months} months late, {late_amount})."),
    ("BAYAR", "how_to_pay", "Cara membayar iuran: {payment_methods}. Koordinator Anda: {coordinator}, {coordinator_phone}."),
    ("CARA BAYAR", "how_to_pay", "Cara membayar iuran: {payment_methods}. Koordinator Anda: {coordinator}, {coordinator_phone}."),
    ("KOORDINATOR", "coordinator", "Koordinator Anda: {coordinator}, {coordinator_phone}."),
]


def seed(apps, schema_editor):
    ReplyKeyword = apps.get_model("messaging", "ReplyKeyword")
    ControlShare = apps.get_model("messaging", "ControlShare")
    for word, action, reply in KEYWORDS:
        ReplyKeyword.objects.get_or_create(word=word, defaults={"action": action, "reply": reply})
    ControlShare.objects.get_or_create(
        valid_from=datetime.date(2026, 1, 1),
        defaults={
            "percent": 10,
            "basis": "Issue 9 (MSG-10): each campaign keeps a random held-out control group, default 10 %.",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("messaging", "0004_inbox_and_control")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
