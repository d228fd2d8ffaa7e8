"""What nginx answers while gunicorn is down (deploy/smoke/run_stack.sh stops it last):
the product's own page from lindung/static/lindung/unavailable.html, byte for byte, with
its status kept (502), Retry-After and HTML content type, for a page view and for a form
sent; never nginx's bare error page.

    python deploy/smoke/app_down.py --base https://localhost:18443 --ca tls.crt

Exits non-zero with the reason at the first difference."""

import argparse
import sys
from pathlib import Path

import requests

PAGE = Path(__file__).resolve().parents[2] / "lindung" / "static" / "lindung" / "unavailable.html"


def check(response: requests.Response, what: str) -> list[str]:
    problems = []
    if response.status_code != 502:
        problems.append(f"{what}: status {response.status_code}, expected 502")
    if response.headers.get("Retry-After") != "30":
        problems.append(f"{what}: Retry-After {response.headers.get('Retry-After')!r}, expected '30'")
    if response.headers.get("Content-Type") != "text/html; charset=utf-8":
        problems.append(f"{what}: Content-Type {response.headers.get('Content-Type')!r}")
    if response.content != PAGE.read_bytes():
        problems.append(f"{what}: the body is not unavailable.html: {response.text[:200]!r}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--ca", required=True)
    args = parser.parse_args()
    # verify on every call: a REQUESTS_CA_BUNDLE in the environment beats Session.verify.
    login = f"{args.base}/accounts/login/"
    problems = check(requests.get(login, timeout=10, verify=args.ca), "GET /accounts/login/")
    sent = requests.post(login, data={"username": "x", "password": "y"}, timeout=10, verify=args.ca)
    problems += check(sent, "POST /accounts/login/")
    if problems:
        print("smoke: app down:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    print("smoke: gunicorn down -> nginx serves the product's unavailable page (502, Retry-After 30)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
