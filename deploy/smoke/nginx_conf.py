"""Writes an nginx configuration that runs deploy/nginx/lindung.conf unchanged but for the
lines marked "# lindung:<what>" (ports, host name, certificate, folders), so the smoke
stack tests the very site file that is deployed.

    python deploy/smoke/nginx_conf.py OUT_DIR HTTPS_PORT HTTP_PORT APP_PORT STATIC_DIR CERT KEY
"""

import os
import re
import sys
from pathlib import Path

SITE = Path(__file__).resolve().parents[1] / "nginx" / "lindung.conf"


def site(https: int, http: int, app: int, static: str, cert: str, key: str, logs: str) -> str:
    replacements = {
        "upstream": f"server 127.0.0.1:{app};",
        "http": f"listen 127.0.0.1:{http};",
        "https": f"listen 127.0.0.1:{https} ssl http2;",
        "server_name": "server_name localhost;",
        "cert": f"ssl_certificate {cert};",
        "key": f"ssl_certificate_key {key};",
        "access_log": f"access_log {logs}/nginx-access.log lindung_json;",
        "error_log": f"error_log {logs}/nginx-error.log warn;",
        "static": f"alias {static.rstrip('/')}/;",
        "unavailable": f"alias {static.rstrip('/')}/lindung/unavailable.html;",
    }
    seen: set[str] = set()
    lines = []
    for line in SITE.read_text().splitlines():
        marker = re.search(r"#\s*lindung:(\w+)\s*$", line)
        if marker:
            indent = line[: len(line) - len(line.lstrip())]
            lines.append(indent + replacements[marker.group(1)])
            seen.add(marker.group(1))
        elif re.match(r"\s*listen \[::\]", line):
            continue  # loopback over IPv4 only: the machine may have no IPv6
        else:
            lines.append(line)
    missing = set(replacements) - seen
    if missing:
        raise SystemExit(f"{SITE} lost its markers: {', '.join(sorted(missing))}")
    return "\n".join(lines) + "\n"


def main(out: str, https: str, http: str, app: str, static: str, cert: str, key: str) -> None:
    folder = Path(out)
    (folder / "lindung.conf").write_text(site(int(https), int(http), int(app), static, cert, key, out))
    # As root nginx drops its workers to an unprivileged user; otherwise it stays who it is.
    user = "user www-data;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / 'tmp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (folder / "nginx.conf").write_text(
        f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/nginx-error.log warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        f"    sendfile on;\n{temp}\n    include {folder}/lindung.conf;\n}}\n"
    )


if __name__ == "__main__":
    main(*sys.argv[1:8])
