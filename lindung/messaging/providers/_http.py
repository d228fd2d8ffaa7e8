"""What a failed HTTP call means for a message: a connection that never opened (or a
pool wait) did not reach the provider and may be retried; a timeout or a broken
connection after the request went out may have reached it, and is "unknown"."""

import httpx

from ..models import Outcome
from . import SendResult


def transport_failure(exc: httpx.HTTPError) -> SendResult:
    detail = f"{type(exc).__name__}: {exc}"[:500]
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return SendResult(Outcome.RETRY, detail=detail)
    return SendResult(Outcome.UNKNOWN, detail=detail)


def client(timeout: float, headers: dict[str, str]) -> httpx.Client:
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
        headers=headers,
        limits=httpx.Limits(max_connections=32, max_keepalive_connections=32),
    )
