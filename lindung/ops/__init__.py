"""Running the platform: health and readiness endpoints, structured logs, request ids.
Not a Django app (no models); imported by settings, config/urls.py and config/celery.py."""
