"""Common Indonesian (Malay/Riau) given names for demo data. Invented people only."""

MALE = [
    "Ahmad", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Irwan", "Joko", "Khairul", "Lukman",
    "Muhammad", "Nasrul", "Rahmat", "Rizki", "Syahrul", "Taufik", "Usman", "Wahyu", "Yusuf", "Zulkifli",
]
FEMALE = [
    "Aisyah", "Dewi", "Fitri", "Hasanah", "Indah", "Juliana", "Kartini", "Lestari", "Mariani", "Nurhayati",
    "Putri", "Rahmawati", "Sari", "Siti", "Suryani", "Tuti", "Wulandari", "Yanti", "Zubaidah", "Ratna",
]
FAMILY = [
    "Saputra", "Hidayat", "Siregar", "Nasution", "Lubis", "Harahap", "Pratama", "Santoso", "Hasibuan",
    "Simanjuntak", "Abdullah", "Rahman", "Ismail", "Syahputra", "Wijaya", "Kurniawan", "Sembiring", "Daulay",
]
OCCUPATIONS = [
    "Nelayan", "Petani sawit", "Petani karet", "Pedagang pasar", "Pengemudi ojek", "Buruh harian",
    "Penjahit", "Tukang bangunan", "Pedagang kaki lima", "Pengrajin",
]
STREETS = ["Jl. Antara", "Jl. Pramuka", "Jl. Hangtuah", "Jl. Sudirman", "Jl. Bantan", "Jl. Kelapapati Darat"]
