from django.db import migrations

YES_NO_ID, YES_NO_EN = ["Ya", "Tidak"], ["Yes", "No"]
# Indonesian, English, answers (id, en), index of the right answer
QUESTIONS = [
    (
        "Apakah pekerja bukan penerima upah (pedagang, petani, ojek) bisa menjadi peserta BPJS Ketenagakerjaan?",
        "Can workers without an employer (traders, farmers, ojek drivers) join BPJS Ketenagakerjaan?",
        (YES_NO_ID, YES_NO_EN),
        0,
    ),
    (
        "Apakah JKK menanggung biaya pengobatan kecelakaan kerja sesuai kebutuhan medis?",
        "Does JKK pay for the treatment of a work accident as medically needed?",
        (YES_NO_ID, YES_NO_EN),
        0,
    ),
    (
        "Program mana yang memberi santunan kepada keluarga jika peserta meninggal dunia?",
        "Which program pays the family when a participant dies?",
        (["JHT", "JKM", "JP"], ["JHT", "JKM", "JP"]),
        1,
    ),
    (
        "Jika iuran terlambat dibayar, apakah perlindungan tetap berjalan?",
        "If contributions are paid late, does the protection continue?",
        (["Ya, tetap", "Bisa berhenti sampai iuran dibayar"], ["Yes, always", "It can stop until they are paid"]),
        1,
    ),
    (
        "Besarnya iuran pekerja bukan penerima upah dihitung dari apa?",
        "What is an informal worker's contribution based on?",
        (
            ["Penghasilan yang dilaporkan", "Umur", "Jumlah anak"],
            ["The income they declare", "Their age", "Their number of children"],
        ),
        0,
    ),
]


def seed(apps, schema_editor):
    Question = apps.get_model("outreach", "Question")
    if Question.objects.exists():
        return
    for position, (text_id, text_en, (choices_id, choices_en), correct) in enumerate(QUESTIONS):
        Question.objects.create(
            position=position,
            text_id=text_id,
            text_en=text_en,
            choices_id=choices_id,
            choices_en=choices_en,
            correct=correct,
        )


class Migration(migrations.Migration):
    dependencies = [("outreach", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
