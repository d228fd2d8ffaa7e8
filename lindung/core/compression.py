"""Compressed pages (NFR page weight): Django's GZipMiddleware, for text only.

BREACH needs a secret and attacker-chosen text in the same compressed body. Django's
GZipMiddleware pads each response with random bytes (length hiding, Django 4.2+) and CSRF
tokens are masked afresh on every response, so pages are safe to compress here. Files
people download (PDF, Excel, ZIP, CSV attachments) are left alone: they are compressed
already or streamed with their own length. Static files are WhiteNoise's (precompressed),
above this middleware. Behind nginx (deploy/nginx), its gzip passes these responses
through untouched, since they already carry Content-Encoding.
"""

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE = ("text/html", "application/json", "text/plain", "application/javascript", "text/javascript")


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(COMPRESSIBLE) or "attachment" in response.get("Content-Disposition", ""):
            return response
        return super().process_response(request, response)
