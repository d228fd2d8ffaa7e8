"""CPU of the load test's pages in the Django process, and where it goes.

    DATABASE_URL=... .venv/bin/python -m bench.page_cpu [--runs 40] [--profile PAGE]

The pages a coordinator and the administrator open in bench/load/locustfile.py, each
requested through django.test.Client (real middleware, sessions, templates; DEBUG off)
``--runs`` times after a warm-up; the median CPU time of the process per request. This is
the gunicorn worker's share of the load test, measured without the network, the other
processes or the noise of a shared machine's wall clock. ``--profile NAME`` prints the
functions where that page spends its CPU (cProfile, cumulative and own time).
"""

import argparse
import cProfile
import pstats
import statistics
import time
from collections.abc import Sequence
from typing import Any

from bench.django_setup import setup


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--admin", default="bench_admin")
    parser.add_argument("--coordinator", default="bench_coord_058")
    parser.add_argument("--profile", default="", help="a page's name: print its profile")
    parser.add_argument("--only", default="", help="comma-separated page names")
    return parser.parse_args(argv)


def pages(coordinator: Any) -> list[tuple[str, str, str]]:
    """(name, who, path) of the load test's GET pages."""
    from lindung.participants.models import Participant

    mine = Participant.objects.filter(coordinator=coordinator).order_by("pk").values_list("pk", flat=True)[:1]
    participant = mine[0]
    return [
        ("search (coordinator)", "coordinator", "/participants/?q=siti"),
        ("participant detail", "coordinator", f"/participants/{participant}/"),
        ("arrears (coordinator)", "coordinator", "/billing/arrears/"),
        ("dashboard (coordinator)", "coordinator", "/"),
        ("payment form", "coordinator", f"/billing/participants/{participant}/pay/"),
        ("registration form", "coordinator", "/participants/new/"),
        ("search (admin)", "admin", "/participants/?q=siti"),
        ("arrears (admin)", "admin", "/billing/arrears/"),
        ("dashboard (admin)", "admin", "/"),
        ("sign-in page", "anonymous", "/accounts/login/"),
    ]


def cpu_ms(client: Any, path: str) -> float:
    started = time.process_time()
    response = client.get(path)
    elapsed = (time.process_time() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{path}: {response.status_code}")
    return elapsed


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup()
    from django.conf import settings
    from django.test import Client

    # Client() talks to "testserver"; setup_test_environment would also instrument templates.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    from lindung.accounts.models import User

    clients: dict[str, Any] = {"anonymous": Client()}
    coordinator = User.objects.get(username=args.coordinator)
    for who, user in (("admin", User.objects.get(username=args.admin)), ("coordinator", coordinator)):
        clients[who] = Client()
        clients[who].force_login(user)
    wanted = {n.strip() for n in args.only.split(",") if n.strip()}
    for name, who, path in pages(coordinator):
        if wanted and name not in wanted:
            continue
        client = clients[who]
        for _ in range(3):
            cpu_ms(client, path)
        if args.profile == name:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.runs):
                client.get(path)
            profile.disable()
            stats = pstats.Stats(profile)
            stats.sort_stats("cumulative").print_stats(60)
            stats.sort_stats("tottime").print_stats(40)
            continue
        runs = [cpu_ms(client, path) for _ in range(args.runs)]
        print(f"{name:28} {statistics.median(runs):6.1f} ms CPU (min {min(runs):.1f})", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
