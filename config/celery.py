"""Celery for production (LINDUNG_JOBS_MODE=celery, Redis broker). The embedded default
runs jobs in a thread of the web process and needs no broker at all."""

import os

from celery import Celery

from lindung.core import task_context

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
app = Celery("lindung")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Tasks log with the request id of the request that queued them.
task_context.connect()
