import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
# Django alone (every URL through the middleware); bench/messaging.py compares the two.
django_application = get_wsgi_application()

from lindung.messaging.webhook_wsgi import with_webhook_path  # noqa: E402 (needs Django set up)

# WhatsApp's status callbacks answered on a lean path in front of Django (webhook_wsgi.py).
application = with_webhook_path(django_application)
