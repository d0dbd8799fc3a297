"""Staff sign-in behind load balancers: whose address a sign-in comes from, and the
lockouts django-axes keeps by it.

Only django-axes calls these, and only when someone signs in to the admin; the
respondent's pages never read a client address (README.md, "Security").
"""

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address of whoever is signing in.

    With TRUSTED_PROXY_COUNT proxies in front of the app, each appends to
    X-Forwarded-For the address it was reached from, so the client is the entry that
    many places from the right: the entries to its left were written by the client, who
    may write anything. Without proxies, or when the header is shorter than the chain of
    proxies or its entry is not an address, the socket's own address is used: a
    misconfiguration then locks more people out together, never fewer.
    """
    remote: str = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    header: str = request.headers.get("x-forwarded-for", "")
    forwarded = [entry.strip() for entry in header.split(",")] if header else []
    if count == 0 or len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote


class AxesRequest(HttpRequest):
    """A request as django-axes hands it to its handler, with the address it read
    (AXES_CLIENT_IP_CALLABLE: client_address)."""

    axes_ip_address: str


# django-axes ships no type information, so mypy sees its handler as Any.
class StaffSignInHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """django-axes' database handler, which locks a username at one address after
    AXES_FAILURE_LIMIT failures, plus a lock on the address itself after
    ADDRESS_FAILURE_LIMIT failures across every username: high enough for a police
    network where many staff share one address, low enough to stop one address trying
    passwords on every account."""

    def is_locked(
        self, request: AxesRequest, credentials: dict[str, object] | None = None
    ) -> bool:
        return super().is_locked(request, credentials) or (
            _failures_from(request.axes_ip_address, request) >= settings.ADDRESS_FAILURE_LIMIT
        )


def _failures_from(address: str, request: HttpRequest) -> int:
    """Failed sign-ins from ``address`` within the cool-off period, whatever the username."""
    recent = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return recent.aggregate(total=Sum("failures_since_start"))["total"] or 0
