"""Word lists for synthetic people and places. Written for this generator; any
resemblance to a real person is the point of "realistic-looking", not a record."""


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(sep))


MALE_FIRST = _words(
    "Agus Budi Joko Slamet Bambang Hendra Dedi Rudi Andi Eko Heru Wahyu Yusuf Ahmad Muhammad Rizki Fajar Dimas Arif "
    "Bayu Teguh Iwan Irfan Hadi Sugeng Sutrisno Rahmat Imam Ilham Aditya Galih Putra Reza Fikri Ujang Asep Dadang "
    "Made Ketut Nyoman Wayan Yohanes Petrus Daniel Samuel Hasan Husein Umar Anwar Syaiful Taufik Zainal Bagus Gilang"
)
FEMALE_FIRST = _words(
    "Siti Sri Dewi Ratna Wati Yuni Rina Lestari Nur Ani Fitri Indah Ayu Putri Dian Wulan Rini Tuti Endang Sumiati "
    "Nurul Aisyah Fatimah Kartika Maya Citra Novi Eka Lina Yanti Rahayu Suryani Mega Intan Nia Desi Ika Astuti Utami "
    "Ni Luh Komang Maria Agustina Theresia Magdalena Halimah Khadijah Zahra Salsabila Nabila Annisa Rosmawati Nining"
)
MIDDLE = _words("Dwi Tri Nur Adi Eka Sri Muhammad Abdul Putra Putri Wahyu Rizki Indra Dewi Ayu")
# Weighted towards the first entries so some surnames are common, as in real registers.
LAST = _words(
    "Santoso Wijaya Saputra Hidayat Setiawan Kurniawan Pratama Susanto Nugroho Gunawan Purnomo Siregar Nasution "
    "Harahap Lubis Simanjuntak Sitompul Hutapea Sinaga Tambunan Pane Ginting Tarigan Sembiring Manurung Situmorang "
    "Rahman Hakim Halim Syahputra Ramadhan Firmansyah Maulana Hasibuan Daulay Rangkuti Batubara Damanik Purba "
    "Wibowo Prasetyo Utomo Sulistyo Hartono Wahyudi Suharto Sudirman Mulyadi Suryadi Kusuma Permana Lesmana "
    "Tanjung Koto Chaniago Piliang Sikumbang Caniago Mandailing Matondang Pasaribu Panjaitan Napitupulu "
    "Pangaribuan Sihombing Silalahi Marpaung Butarbutar Rumahorbo Manalu Sianturi Pardede Simatupang Lumbantobing "
    "Latuconsina Tuasikal Pattimura Wattimena Kaunang Rondonuwu Mandagi Lumenta Sumampouw Tumbelaka Pakpahan"
)
PLACE_HEAD = _words(
    "Suka Karang Tanjung Sumber Mekar Sido Banjar Pasir Muara Rawa Cipta Bukit Teluk Kali Batu Sei Air Padang "
    "Ranca Kebon Ujung Tegal Gunung Lubuk Koto Pulau Labuhan Simpang Talang Pematang"
)
PLACE_TAIL = _words(
    "maju jaya rejo sari makmur mulya harjo asri indah baru wangi agung tengah lestari raya mukti rahayu "
    "sejahtera damai permai utara selatan timur barat hilir hulu"
)
PROVINCE_NAMES = {
    "11": "Aceh", "12": "Sumatera Utara", "13": "Sumatera Barat", "14": "Riau", "15": "Jambi",
    "16": "Sumatera Selatan", "17": "Bengkulu", "18": "Lampung", "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau", "31": "DKI Jakarta", "32": "Jawa Barat", "33": "Jawa Tengah",
    "34": "DI Yogyakarta", "35": "Jawa Timur", "36": "Banten", "51": "Bali", "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur", "61": "Kalimantan Barat", "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan", "64": "Kalimantan Timur", "65": "Kalimantan Utara", "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah", "73": "Sulawesi Selatan", "74": "Sulawesi Tenggara", "75": "Gorontalo",
    "76": "Sulawesi Barat", "81": "Maluku", "82": "Maluku Utara", "91": "Papua", "92": "Papua Barat",
    "93": "Papua Selatan", "94": "Papua Tengah", "95": "Papua Pegunungan", "96": "Papua Barat Daya",
}  # fmt: skip
OCCUPATIONS = (
    "Pedagang", "Petani", "Nelayan", "Pengemudi ojek", "Buruh harian", "Tukang bangunan", "Penjahit",
    "Pengrajin", "Asisten rumah tangga", "Karyawan toko", "Peternak", "Montir", "Kurir", "Penjual makanan",
)  # fmt: skip
STREETS = _words(
    "Jl. Merdeka|Jl. Sudirman|Jl. Diponegoro|Jl. Kartini|Jl. Pahlawan|Gg. Melati|Gg. Mawar|Jl. Masjid", "|"
)
