"""Factories shared by every app's tests. Regions follow Kabupaten Bengkalis (14.03)."""

import datetime

import factory
from factory.django import DjangoModelFactory

from lindung.accounts.models import Role, User
from lindung.regions.models import Level, Region


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"User {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = Role.COORDINATOR
    password = factory.django.Password("correct-horse-battery")


class AdminFactory(UserFactory):
    role = Role.ADMIN
    username = factory.Sequence(lambda n: f"admin{n}")


class CoordinatorFactory(UserFactory):
    role = Role.COORDINATOR
    username = factory.Sequence(lambda n: f"coord{n}")


def region(code: str, name: str) -> Region:
    """Get or create a region and its ancestors (named after their codes if new)."""
    level = {2: Level.PROVINCE, 5: Level.REGENCY, 8: Level.DISTRICT, 13: Level.VILLAGE}[len(code)]
    parent = None
    if level > Level.PROVINCE:
        parent_code = code.rsplit(".", 1)[0]
        parent = Region.objects.filter(code=parent_code).first() or region(parent_code, f"Region {parent_code}")
    obj, _ = Region.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent": parent})
    return obj


def bengkalis_village() -> Region:
    region("14", "Riau")
    region("14.03", "Bengkalis")
    region("14.03.01", "Bengkalis")
    return region("14.03.01.2004", "Kelapapati")


def mandau_village() -> Region:
    region("14", "Riau")
    region("14.03", "Bengkalis")
    region("14.03.09", "Mandau")
    return region("14.03.09.1001", "Air Jamban")


DEFAULT_PASSWORD = "correct-horse-battery"
BIRTH_DATE = datetime.date(1990, 5, 17)
