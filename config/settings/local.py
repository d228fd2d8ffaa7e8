"""Developer and demo settings: `make run` uses these. Never for production."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A fixed key is fine here: local data is demo data and this module refuses nothing.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-only-not-secret")
