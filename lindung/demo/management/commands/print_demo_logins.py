from typing import Any

from django.core.management.base import BaseCommand

from lindung.accounts.models import User
from lindung.demo.management.commands.load_demo import ADMIN, COORDINATORS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo sign-ins that `load_demo` created."

    def handle(self, *args: Any, **options: Any) -> None:
        usernames = [ADMIN[0], *(c[0] for c in COORDINATORS)]
        present = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
        self.stdout.write("")
        self.stdout.write("Lindung is starting on http://127.0.0.1:8000")
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for username in usernames:
            if username in present:
                role = "admin" if username == ADMIN[0] else "coordinator"
                self.stdout.write(f"  {username:<24} {role}")
        self.stdout.write("")
