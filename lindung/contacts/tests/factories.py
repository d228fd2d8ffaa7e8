import factory
from factory.django import DjangoModelFactory

from lindung.contacts.models import Contact


class ContactFactory(DjangoModelFactory[Contact]):
    class Meta:
        model = Contact

    name = factory.Sequence(lambda n: f"Kantor Cabang {n:03d}")
    position = "Branch office"
    phone = "+6276621234"
    whatsapp = "+6281234567890"
    email = factory.Sequence(lambda n: f"office{n}@example.org")
    is_published = True
