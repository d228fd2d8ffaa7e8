"""The first texts of the plain-language pages (SELF-3), loaded by a data migration and
edited by administrators afterwards. Texts name no amounts: the worked examples under
each page are computed from the rules in force (info/examples.py)."""

PAGES = [
    {
        "slug": "jkk",
        "topic": "jkk",
        "position": 1,
        "title_id": "Jaminan Kecelakaan Kerja (JKK)",
        "title_en": "Work accident insurance (JKK)",
        "body_id": (
            "JKK melindungi Anda jika mengalami kecelakaan saat bekerja, dalam perjalanan ke atau dari tempat kerja, "
            "atau terkena penyakit akibat pekerjaan.\n\n"
            "## Apa yang Anda dapat\n"
            "- Perawatan dan pengobatan sesuai kebutuhan medis, tanpa batas biaya.\n"
            "- Penggantian penghasilan selama tidak bisa bekerja.\n"
            "- Santunan jika cacat, dan santunan untuk keluarga jika meninggal karena kecelakaan kerja.\n\n"
            "## Yang perlu dilakukan\n"
            "Laporkan kecelakaan secepatnya kepada koordinator atau kantor cabang. Simpan bukti berobat dan surat "
            "keterangan kecelakaan."
        ),
        "body_en": (
            "JKK protects you if you have an accident at work, on the way to or from work, or fall ill because of "
            "your work.\n\n"
            "## What you get\n"
            "- Treatment and care as medically needed, with no cost limit.\n"
            "- Your income replaced while you cannot work.\n"
            "- A benefit if you are disabled, and for your family if you die from a work accident.\n\n"
            "## What to do\n"
            "Report the accident as soon as you can to your coordinator or the branch office. Keep the medical "
            "receipts and the accident statement."
        ),
    },
    {
        "slug": "jkm",
        "topic": "jkm",
        "position": 2,
        "title_id": "Jaminan Kematian (JKM)",
        "title_en": "Death benefit (JKM)",
        "body_id": (
            "JKM memberi santunan kepada keluarga jika peserta meninggal dunia bukan karena kecelakaan kerja.\n\n"
            "## Apa yang diterima keluarga\n"
            "- Santunan sekaligus.\n"
            "- Santunan berkala yang dibayar sekaligus.\n"
            "- Biaya pemakaman.\n"
            "- Beasiswa untuk anak, jika syarat lama iuran terpenuhi.\n\n"
            "Iuran harus dibayar tepat waktu agar perlindungan tetap aktif."
        ),
        "body_en": (
            "JKM pays the family when a participant dies from a cause other than a work accident.\n\n"
            "## What the family receives\n"
            "- A lump sum.\n"
            "- A periodic benefit, paid at once.\n"
            "- Funeral costs.\n"
            "- A scholarship for children, when the contributions were paid long enough.\n\n"
            "Pay contributions on time so the protection stays active."
        ),
    },
    {
        "slug": "jht",
        "topic": "jht",
        "position": 3,
        "title_id": "Jaminan Hari Tua (JHT)",
        "title_en": "Old-age savings (JHT)",
        "body_id": (
            "JHT adalah tabungan untuk hari tua. Iuran Anda dikumpulkan dalam saldo atas nama Anda dan "
            "dikembangkan setiap tahun.\n\n"
            "## Kapan bisa diambil\n"
            "- Seluruh saldo pada usia pensiun JHT, atau jika berhenti bekerja, cacat total tetap, meninggal, atau "
            "pindah ke luar negeri untuk selamanya.\n"
            "- Sebagian saldo setelah menjadi peserta cukup lama, untuk persiapan hari tua atau perumahan.\n\n"
            "Bagi pekerja bukan penerima upah, JHT boleh dipilih sebagai tambahan JKK dan JKM."
        ),
        "body_en": (
            "JHT is savings for old age. Your contributions build a balance in your name that earns returns each "
            "year.\n\n"
            "## When you can take it\n"
            "- The whole balance at the JHT age, or when you stop working, become permanently disabled, die, or "
            "leave Indonesia for good.\n"
            "- Part of the balance after enough years of membership, to prepare for retirement or for housing.\n\n"
            "Informal workers may choose JHT on top of JKK and JKM."
        ),
    },
    {
        "slug": "jp",
        "topic": "jp",
        "position": 4,
        "title_id": "Jaminan Pensiun (JP)",
        "title_en": "Pension (JP)",
        "body_id": (
            "JP memberi penghasilan bulanan setelah usia pensiun. Program ini untuk pekerja penerima upah: "
            "pemberi kerja mendaftarkan dan ikut membayar iuran.\n\n"
            "## Apa yang Anda dapat\n"
            "- Pensiun bulanan jika masa iuran cukup.\n"
            "- Jika masa iuran belum cukup, iuran beserta hasil pengembangannya dibayar sekaligus."
        ),
        "body_en": (
            "JP pays a monthly income after pension age. It is for wage earners: the employer registers them and "
            "pays part of the contribution.\n\n"
            "## What you get\n"
            "- A monthly pension once you have contributed long enough.\n"
            "- If you have not, your contributions and their returns are paid at once."
        ),
    },
    {
        "slug": "faq",
        "topic": "faq",
        "position": 5,
        "title_id": "Pertanyaan yang sering diajukan",
        "title_en": "Frequently asked questions",
        "body_id": (
            "## Siapa yang bisa mendaftar?\n"
            "Pekerja bukan penerima upah (pedagang, petani, nelayan, pengemudi ojek, dan lainnya) "
            "yang memiliki NIK.\n\n"
            "## Berapa iurannya?\n"
            "Iuran dihitung dari penghasilan yang Anda laporkan dan program yang Anda pilih. Gunakan kalkulator "
            "iuran untuk menghitungnya.\n\n"
            "## Bagaimana cara membayar?\n"
            "Melalui koordinator Anda atau titik pembayaran terdekat. Simpan tanda terimanya.\n\n"
            "## Apa yang terjadi jika terlambat membayar?\n"
            "Perlindungan bisa berhenti sampai iuran dibayar kembali. Kecelakaan yang terjadi saat tidak aktif "
            "tidak ditanggung.\n\n"
            "## Ke mana menyampaikan keluhan?\n"
            "Gunakan halaman masukan dan pengaduan. Anda akan mendapat nomor tiket untuk mengikuti jawabannya."
        ),
        "body_en": (
            "## Who can register?\n"
            "Workers without an employer (traders, farmers, fishers, ojek drivers and others) who have a NIK.\n\n"
            "## How much does it cost?\n"
            "The contribution depends on the income you declare and the programs you choose. Use the contribution "
            "calculator to work it out.\n\n"
            "## How do I pay?\n"
            "Through your coordinator or the nearest payment point. Keep the receipt.\n\n"
            "## What happens if I pay late?\n"
            "Protection can stop until the contributions are paid again. An accident while it has stopped is not "
            "covered.\n\n"
            "## Where do I complain?\n"
            "Use the feedback and complaints page. You get a ticket number to follow the answer."
        ),
    },
]
