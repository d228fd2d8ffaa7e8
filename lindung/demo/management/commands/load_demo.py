"""Demo data for `make run`: Kabupaten Bengkalis, one admin, two coordinators in different
districts, community groups, contacts and a few hundred participants. Loads once."""

import datetime
import random
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lindung.accounts.models import Role, User
from lindung.accounts.services import user_create
from lindung.communities.models import GroupType
from lindung.communities.services import community_group_create
from lindung.contacts.services import contact_create
from lindung.demo import names
from lindung.demo.money import load_money
from lindung.participants.models import Category, Sex, Status
from lindung.participants.services import participant_register, participant_update
from lindung.regions.models import Level, Region
from lindung.regions.services import BENGKALIS_CSV, regions_import_csv

# Demo-only credentials, printed by `print_demo_logins`; the loader refuses to run
# outside DEBUG so they never reach a production database.
DEMO_PASSWORD = "demo-lindung-2026"  # noqa: S105
MOBILE_PREFIXES = ["12", "13", "21", "52", "53", "77"]
ADMIN = ("admin", "Admin", "Cabang Bengkalis")
COORDINATORS = [
    ("koordinator.bengkalis", "Siti", "Rahmawati", "14.03.01", "081277001001"),
    ("koordinator.mandau", "Rudi", "Hasibuan", "14.03.09", "081277001002"),
]


class Command(BaseCommand):
    help = "Load the demo data set (once). Refuses to run unless DEBUG is on, or with --force."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--participants", type=int, default=300)
        parser.add_argument("--force", action="store_true", help="allow with DEBUG off (never on production)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Demo data is for local use: run with DEBUG on (make run) or pass --force.")
        if User.objects.filter(username=ADMIN[0]).exists():
            self.stdout.write("Demo data already loaded.")
            return
        with transaction.atomic():
            regions_import_csv(path=BENGKALIS_CSV)
            admin = User.objects.create_user(
                ADMIN[0], password=DEMO_PASSWORD, first_name=ADMIN[1], last_name=ADMIN[2], role=Role.ADMIN
            )
            coordinators = [
                user_create(
                    actor=admin,
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@example.org",
                    phone=phone,
                    role=Role.COORDINATOR,
                    district=Region.objects.get(code=district),
                    password=DEMO_PASSWORD,
                )
                for username, first, last, district, phone in COORDINATORS
            ]
            groups = self._groups(admin, coordinators)
            self._contacts(admin)
            count = self._participants(admin, coordinators, groups, options["participants"])
            load_money(coordinators, random.Random(20261123))
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {count} participants."))

    def _groups(self, admin: User, coordinators: list[User]) -> dict[int, list[Any]]:
        plan = [
            ("Kelompok Nelayan Selat Bengkalis", GroupType.FISHERS),
            ("Koperasi Pedagang Pasar Terubuk", GroupType.TRADERS),
            ("Ojek Pangkalan Bengkalis Kota", GroupType.DRIVERS),
            ("Kelompok Tani Sawit Mandau", GroupType.FARMERS),
            ("Koperasi Karyawan Duri", GroupType.COOPERATIVE),
            ("Pengrajin Tenun Mandau", GroupType.ARTISANS),
        ]
        groups: dict[int, list[Any]] = {c.pk: [] for c in coordinators}
        for index, (name, kind) in enumerate(plan):
            coordinator = coordinators[0] if index < 3 else coordinators[1]
            assert coordinator.district is not None
            village = Region.objects.filter(parent=coordinator.district, level=Level.VILLAGE).order_by("code")[
                index % 3
            ]
            groups[coordinator.pk].append(
                community_group_create(
                    actor=admin, name=name, group_type=kind, village=village, coordinator=coordinator
                )
            )
        return groups

    def _contacts(self, admin: User) -> None:
        contact_create(
            actor=admin,
            name="BPJS Ketenagakerjaan Kantor Cabang Bengkalis",
            position="Kantor cabang",
            phone="0766-21234",
            address="Jl. Ahmad Yani, Bengkalis",
            office_hours="Senin-Jumat 08.00-16.00",
        )
        contact_create(
            actor=admin,
            name="Layanan Masyarakat BPJS Ketenagakerjaan",
            position="Pusat layanan",
            phone="(021) 5207797",
            whatsapp="0811-1175-175",
        )

    def _participants(self, admin: User, coordinators: list[User], groups: dict[int, list[Any]], total: int) -> int:
        rng = random.Random(20261122)
        today = datetime.date.today()
        used: set[str] = set()
        for index in range(total):
            coordinator = coordinators[index % len(coordinators)]
            assert coordinator.district is not None
            villages = list(Region.objects.filter(parent=coordinator.district, level=Level.VILLAGE))
            sex = rng.choice([Sex.MALE, Sex.FEMALE])
            first = rng.choice(names.MALE if sex == Sex.MALE else names.FEMALE)
            birth = datetime.date(rng.randint(1966, 2006), rng.randint(1, 12), rng.randint(1, 28))
            village = rng.choice(villages)
            nik = self._nik(village, birth, sex, used)
            registration = today - datetime.timedelta(days=rng.randint(0, 540))
            result = participant_register(
                actor=coordinator,
                data={
                    "nik": nik,
                    "full_name": f"{first} {rng.choice(names.FAMILY)}",
                    "birth_place": "Bengkalis" if rng.random() < 0.6 else village.name,
                    "birth_date": birth,
                    "sex": sex,
                    "address": f"{rng.choice(names.STREETS)} No. {rng.randint(1, 120)}",
                    "village": village,
                    "phone": f"08{rng.choice(MOBILE_PREFIXES)}{rng.randint(10_000_000, 99_999_999)}",
                    "occupation": rng.choice(names.OCCUPATIONS),
                    "category": Category.INFORMAL,
                    "declared_income": rng.choice([1_000_000, 1_500_000, 2_000_000, 2_500_000, 3_000_000]),
                    "community_group": rng.choice(groups[coordinator.pk]) if rng.random() < 0.7 else None,
                    "status": Status.SUBMITTED,
                    "contact_consent": rng.random() < 0.8,
                    "consent_method": "paper_form",
                },
                registration_date=registration,
            )
            if result.participant.status == Status.SUBMITTED and rng.random() < 0.85:
                # The branch confirms most registrations and issues a KPJ (invented numbers).
                participant_update(
                    actor=admin,
                    participant=result.participant,
                    data={"status": Status.ACTIVE, "membership_number": f"26{result.participant.pk:09d}"},
                )
        return total

    @staticmethod
    def _nik(village: Region, birth: datetime.date, sex: str, used: set[str]) -> str:
        district_digits = village.code[:8].replace(".", "")
        day = birth.day + (40 if sex == Sex.FEMALE else 0)
        stem = f"{district_digits}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        serial = 1
        while f"{stem}{serial:04d}" in used:
            serial += 1
        nik = f"{stem}{serial:04d}"
        used.add(nik)
        return nik
