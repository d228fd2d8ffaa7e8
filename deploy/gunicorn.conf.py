"""gunicorn settings for Lindung (production.txt pins gunicorn). Used by the systemd unit
(deploy/systemd/lindung-gunicorn.service) and by deploy/smoke/run_stack.sh, which only
overrides the address, the worker count and the pid file on the command line."""

import multiprocessing
import os

from lindung.core.logs import logging_config

wsgi_app = "config.wsgi:application"
# Behind nginx on the same machine (deploy/nginx/lindung.conf proxies here).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: the pages are short database-bound requests; long work runs in Celery.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Same as nginx's proxy_read_timeout: a request past a minute is stuck, not slow.
timeout = 60
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never grows into an outage. The workers share
# the requests evenly, so a small jitter makes them all reach their limit within seconds of
# one another: with 1,000 + up to 100, all five restarted within 8 s at 50 users and every
# request waited 4-7 s while they booted. A jitter as wide as half the limit spreads the
# restarts minutes apart (a test checks that rule). The limit counts WhatsApp's status
# callbacks too, thousands a second in a campaign: at 2,000 + 1,000 every worker restarted
# every few seconds, each restart a second of CPU, and callbacks through the whole stack
# fell from 1,271/s to 797/s (BENCHMARKS.md, "Webhooks one status per POST, session 10").
# At 20,000 + 10,000 a worker serving pages alone (~6 requests/s at 50 users) still restarts
# about hourly.
max_requests = 20000
max_requests_jitter = 10000
# nginx on this machine sets X-Forwarded-For/-Proto; trust them from loopback only.
forwarded_allow_ips = "127.0.0.1,::1"
# systemd manages the process (HUP to reload, TERM to stop): no control socket, which
# would otherwise be created in the service user's home.
control_socket_disable = True
# Request bodies are limited by nginx (client_max_body_size) and Django.
limit_request_line = 8190

# nginx keeps the access log (deploy/nginx/lindung.conf) and the app logs one JSON line per
# request with its id, so gunicorn's access lines are off (WARNING); its own messages use
# the same JSON lines on standard error.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LINDUNG_LOG_LEVEL", "info").lower()
logconfig_dict = logging_config(
    os.environ.get("LINDUNG_LOG_LEVEL", "INFO").upper(),
    loggers={
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "WARNING", "handlers": ["console"], "propagate": False},
    },
)


def worker_exit(server: object, worker: object) -> None:
    """In the exiting worker: write its summary of the webhook callbacks it accepted since
    the last one (lindung/messaging/callback_log.py), so none go uncounted."""
    from lindung.messaging.callback_log import accepted

    accepted.flush()
