"""The page chrome (menus, footer) kept per process against rendered on every page.

    DATABASE_URL=... .venv/bin/python -m bench.chrome [--rounds 10] [--per-round 200] [--no-write]

Renders base.html, the frame of every staff page, for an administrator and for a
coordinator, in both languages, alternating the two ways in rounds so a noisy machine
weighs on both alike: "kept" is production (core/templatetags/chrome.py serves the menus
and footer from memory), "rendered" is what DEBUG does (every page renders them, as
before the tag). CPU time of the render alone, median of each round's median.
"""

import argparse
import os
import statistics
import time
from collections.abc import Sequence
from typing import Any

from bench.django_setup import setup
from bench.sections import write_section


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--per-round", type=int, default=200)
    parser.add_argument("--admin", default="bench_admin")
    parser.add_argument("--coordinator", default="bench_coord_058")
    parser.add_argument("--out", default="BENCHMARKS.md")
    parser.add_argument("--no-write", action="store_true")
    return parser.parse_args(argv)


def render_once(template: Any, user: Any, debug: bool) -> float:
    from django.conf import settings
    from django.middleware.csrf import get_token
    from django.test import RequestFactory

    request = RequestFactory().get("/participants/")
    request.user = user
    get_token(request)
    settings.DEBUG = debug  # ChromeNode reads it per render: True renders the chrome again
    try:
        started = time.process_time()
        template.render({"user": user}, request)
        return (time.process_time() - started) * 1000
    finally:
        settings.DEBUG = False


def measure(args: argparse.Namespace) -> list[dict[str, Any]]:
    from django.template.loader import get_template
    from django.utils import translation

    from lindung.accounts.models import User

    template = get_template("base.html")
    results = []
    for username in (args.admin, args.coordinator):
        user = User.objects.get(username=username)
        for language in ("id", "en"):
            with translation.override(language):
                for debug in (False, True):
                    for _ in range(50):
                        render_once(template, user, debug)  # warm: templates, translations, the store
                rounds: dict[bool, list[float]] = {False: [], True: []}
                for _ in range(args.rounds):
                    for debug in (False, True):
                        rounds[debug].append(
                            statistics.median(render_once(template, user, debug) for _ in range(args.per_round))
                        )
            kept, rendered = statistics.median(rounds[False]), statistics.median(rounds[True])
            results.append(
                {"user": username, "language": language, "kept": kept, "rendered": rendered, "saved": rendered - kept}
            )
    return results


def render_section(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    load = os.getloadavg()[0]
    rows = "\n".join(
        f"| {r['user']} | {r['language']} | {r['rendered']:.2f} | {r['kept']:.2f} | {r['saved']:.2f} |" for r in results
    )
    return (
        "## Page chrome kept per process (base.html)\n\n"
        f"`python -m bench.chrome --rounds {args.rounds} --per-round {args.per_round}` "
        f"({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {load:.2f}). CPU ms to render "
        "base.html, the frame of every staff page, median of the rounds' medians; the two ways alternate "
        "in each round. *Rendered*: the menus and footer rendered on every page (as DEBUG does, and as "
        "every page did before `{% chrome %}`); *kept*: production, served from the process's memory "
        "(lindung/core/templatetags/chrome.py).\n\n"
        "| user | language | rendered ms | kept ms | saved ms a page |\n| --- | --- | ---: | ---: | ---: |\n"
        f"{rows}\n\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup()
    results = measure(args)
    section = render_section(results, args)
    print(section)
    if not args.no_write:
        write_section(args.out, "chrome", section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
