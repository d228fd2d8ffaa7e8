"""The smoke journey through the production stack (deploy/smoke/run_stack.sh starts it):
nginx in front over TLS, gunicorn with production settings, Celery worker and beat on
Redis, PostgreSQL. A real HTTP client, as a coordinator: sign in, register a participant,
record a payment, download the receipt, export the list through a background job; and
what nginx itself must do: static files, compression, headers, body limit, redirects.

    python deploy/smoke/journey.py --base https://localhost:18443 --ca tls.crt \
        --http http://localhost:18080 --username U --password P --worker-log worker.log

Prints one line per step; exits non-zero at the first failure. Writes the NIK and phone it
registered to --secrets-out, so the caller can prove no log line carries them."""

import argparse
import datetime
import json
import random
import re
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import requests
from forms import form_with

# Headers the app sets on its pages; each must appear once (nginx adds none of them there).
APP_HEADERS = [
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Strict-Transport-Security",
    "Permissions-Policy",
    "Cross-Origin-Opener-Policy",
]
TIMEOUT = 30


class Journey:
    def __init__(self, args: argparse.Namespace) -> None:
        self.base = args.base.rstrip("/")
        self.args = args
        self.http = requests.Session()
        # Passed on every call: a REQUESTS_CA_BUNDLE in the environment beats Session.verify.
        self.http.headers["Accept-Language"] = "en"

    def step(self, text: str) -> None:
        print(f"smoke: {text}", flush=True)

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base + path

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(self.url(path), timeout=TIMEOUT, verify=self.args.ca, **kwargs)

    def post(self, path: str, data: dict[str, str], *, referer: str, **kwargs: Any) -> requests.Response:
        # Django checks the Referer of HTTPS form posts (CSRF), as a browser would send it.
        headers = {"Referer": self.url(referer), **kwargs.pop("headers", {})}
        return self.http.post(
            self.url(path), data=data, headers=headers, timeout=TIMEOUT, verify=self.args.ca, **kwargs
        )

    # --- what nginx does ------------------------------------------------------------

    def check_plain_http_redirects(self) -> None:
        response = requests.get(self.args.http + "/accounts/login/", allow_redirects=False, timeout=TIMEOUT)
        assert response.status_code == 301, response.status_code
        assert response.headers["Location"].startswith("https://"), response.headers["Location"]
        self.step("plain HTTP is redirected to HTTPS")

    def check_health(self) -> None:
        alive = self.get("/healthz")
        assert alive.status_code == 200 and alive.json() == {"status": "ok"}, alive.text
        ready = self.get("/readyz")
        body = ready.json()
        assert ready.status_code == 200, ready.text
        assert body["checks"] == {"database": "ok", "redis": "ok", "broker": "ok"}, body
        timings = []
        for _ in range(20):
            started = time.monotonic()
            assert self.get("/readyz").status_code == 200
            timings.append((time.monotonic() - started) * 1000)
        timings.sort()
        self.step(
            f"healthz and readyz answer ({body['status']}, {body['warnings']}); "
            f"readyz through nginx: median {timings[10]:.0f} ms, slowest {timings[-1]:.0f} ms of 20"
        )

    def check_page_headers(self, response: requests.Response) -> None:
        raw = response.raw.headers
        for name in APP_HEADERS:
            count = len(raw.getlist(name))
            assert count == 1, f"{name} appears {count} times on {response.url}"
        assert response.headers.get("Content-Encoding") == "gzip", "pages are not compressed"
        assert response.headers.get("Server") == "nginx", f"server version shown: {response.headers.get('Server')}"
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"]), response.headers["X-Request-ID"]
        self.step("page: security headers once each, gzip, nginx's request id passed through")

    def check_static(self, html: str) -> None:
        paths = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
        assert paths, "the page links no static files"
        for path in paths:
            response = self.get(path, headers={"Accept-Encoding": "gzip"})
            assert response.status_code == 200, (path, response.status_code)
            # Served by nginx from collectstatic's output, not by the app: no request id.
            assert "X-Request-ID" not in response.headers, f"{path} was served by the app"
            assert response.headers.get("Content-Encoding") == "gzip", f"{path} not compressed"
            assert "immutable" in response.headers.get("Cache-Control", ""), response.headers
            assert response.headers.get("X-Content-Type-Options") == "nosniff"
            assert len(response.raw.headers.getlist("Strict-Transport-Security")) == 1
        self.step(f"{len(paths)} static files from nginx, compressed, cached for a year")

    def check_body_limit(self) -> None:
        big = b"x" * (22 * 1024 * 1024)
        response = self.http.post(
            self.url("/participants/import/"),
            data=big,
            headers={"Content-Type": "text/csv"},
            timeout=TIMEOUT,
            verify=self.args.ca,
        )
        assert response.status_code == 413, response.status_code
        self.step("a 22 MiB body is refused by nginx (413) before it reaches gunicorn")

    # --- the user's journey -----------------------------------------------------------

    def sign_in(self) -> None:
        page = self.get("/accounts/login/")
        assert page.status_code == 200, page.status_code
        self.check_page_headers(page)
        self.check_static(page.text)
        form = form_with(page.text, "username")
        form.values.update(username=self.args.username, password=self.args.password)
        response = self.post("/accounts/login/", form.values, referer="/accounts/login/", allow_redirects=False)
        assert response.status_code == 302, f"sign-in refused ({response.status_code})"
        assert "sessionid" in self.http.cookies, "no session cookie"
        cookie = next(c for c in self.http.cookies if c.name == "sessionid")
        assert cookie.secure, "the session cookie is not marked Secure"
        home = self.get("/")
        assert home.status_code == 200 and "logout" in home.text, home.status_code
        self.step(f"signed in as {self.args.username} (CSRF, secure session cookie)")

    def register(self) -> tuple[int, str, str]:
        page = self.get("/participants/new/")
        form = form_with(page.text, "nik")
        born = datetime.date(1991, 4, 12)
        nik = f"140301{born.day + 40:02d}{born.month:02d}{born.year % 100:02d}{random.randint(5000, 9999):04d}"
        phone = f"0812{random.randint(10_000_000, 99_999_999)}"
        villages = [v for v in form.options.get("village", []) if v]
        assert villages, "no village offered for the coordinator's district"
        form.values.update(
            nik=nik,
            full_name="Smoke Uji Coba",
            birth_place="Bengkalis",
            birth_date=born.isoformat(),
            sex="F",
            address="Jl. Smoke 1",
            village=villages[0],
            phone=phone,
            category="informal",
            declared_income="2500000",
        )
        response = self.post("/participants/new/", form.values, referer="/participants/new/", allow_redirects=False)
        assert response.status_code == 302, f"registration refused: {_errors(response.text)}"
        match = re.search(r"/participants/(\d+)/", response.headers["Location"])
        assert match, response.headers["Location"]
        detail = self.get(response.headers["Location"])
        assert "Smoke Uji Coba" in detail.text
        self.step(f"registered participant {match.group(1)}")
        return int(match.group(1)), nik, phone

    def pay(self, participant: int) -> int:
        path = f"/billing/participants/{participant}/pay/"
        form = form_with(self.get(path).text, "amount")
        if not form.values.get("amount") or form.values["amount"] == "0":
            # No open bill yet (just registered): pay one month ahead, priced by the app.
            form.values["prepaid_months"] = next(
                m for m in form.options.get("prepaid_months", []) if m not in ("", "0")
            )
            refreshed = self.post(path, {**form.values, "_refresh": "1"}, referer=path)
            form = form_with(refreshed.text, "amount")
        methods = [m for m in form.options.get("method", []) if m]
        assert methods, "no payment method offered"
        form.values["method"] = form.values.get("method") or methods[0]
        form.values["reference"] = f"SMOKE-{uuid.uuid4().hex[:10]}"  # some methods require one
        response = self.post(path, {**form.values, "_save": "1"}, referer=path, allow_redirects=False)
        assert response.status_code == 302, f"payment refused: {_errors(response.text)}"
        match = re.search(r"paid=(\d+)", response.headers["Location"])
        assert match, response.headers["Location"]
        self.step(f"recorded payment {match.group(1)} of Rp {form.values['amount']}")
        return int(match.group(1))

    def receipt(self, payment: int) -> None:
        response = self.get(f"/billing/payments/{payment}/receipt/")
        assert response.status_code == 200, response.status_code
        assert response.headers["Content-Type"] == "application/pdf", response.headers["Content-Type"]
        assert response.content.startswith(b"%PDF"), response.content[:20]
        self.step(f"receipt PDF downloaded ({len(response.content)} bytes)")

    def export(self) -> str:
        request_id = f"smoke-{uuid.uuid4().hex}"
        response = self.get(
            "/reports/participants/export.csv", headers={"X-Request-ID": request_id}, allow_redirects=False
        )
        assert response.status_code == 302, f"expected a background export, got {response.status_code}"
        assert response.headers["X-Request-ID"] == request_id, "the client's request id was not kept"
        match = re.search(r"/jobs/(\d+)/", response.headers["Location"])
        assert match, response.headers["Location"]
        job = match.group(1)
        deadline = time.monotonic() + self.args.job_timeout
        while time.monotonic() < deadline:
            download = self.get(f"/jobs/{job}/download/")
            if download.status_code == 200:
                break
            time.sleep(0.5)
        else:
            raise AssertionError(f"export job {job} not finished by the Celery worker in {self.args.job_timeout}s")
        text = download.content.decode("utf-8-sig")
        assert "Smoke Uji Coba" in text, "the export misses the participant just registered"
        self.step(f"export job {job} finished by the Celery worker; {text.count(chr(10))} lines downloaded")
        return request_id

    def worker_logged(self, request_id: str) -> None:
        # The worker's lines for the export carry the id of the request that queued it.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            for line in Path(self.args.worker_log).read_text().splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if entry.get("request_id") == request_id:
                    self.step(f"the worker's log lines carry the request id ({entry['message'][:60]})")
                    return
            time.sleep(0.5)
        raise AssertionError(f"no worker log line with request id {request_id}")

    def errors_with_personal_data(self, nik: str) -> None:
        # Lines that would carry personal data if logs were not scrubbed: a NIK in a URL
        # that is not found, a failed sign-in with a password.
        assert self.get(f"/participants/{nik}/").status_code == 404
        stranger = requests.Session()
        login = self.url("/accounts/login/")
        form = form_with(stranger.get(login, verify=self.args.ca, timeout=TIMEOUT).text, "username")
        form.values.update(username=nik, password="hunter2-secret")  # noqa: S106 - a wrong password on purpose
        refused = stranger.post(
            login, data=form.values, headers={"Referer": login}, verify=self.args.ca, timeout=TIMEOUT
        )
        assert refused.status_code == 200 and "sessionid" not in stranger.cookies, refused.status_code
        self.step("requests with a NIK in the URL and in a failed sign-in sent")


def _errors(html: str) -> str:
    """The form's error messages, to say why the app refused a post."""
    found = re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)</(?:ul|div|p|small|span)>', html, re.S)
    text = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip() for item in found]
    return "; ".join(t for t in text if t)[:1000] or html[:500]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--http", required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--worker-log", required=True)
    parser.add_argument("--secrets-out", required=True)
    parser.add_argument("--job-timeout", type=float, default=90)
    args = parser.parse_args()
    journey = Journey(args)
    journey.check_plain_http_redirects()
    journey.check_health()
    journey.sign_in()
    participant, nik, phone = journey.register()
    Path(args.secrets_out).write_text(f"{nik}\n{phone}\n{args.password}\nhunter2-secret\n")
    payment = journey.pay(participant)
    journey.receipt(payment)
    request_id = journey.export()
    journey.worker_logged(request_id)
    journey.check_body_limit()
    journey.errors_with_personal_data(nik)
    print("smoke: journey passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
