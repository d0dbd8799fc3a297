"""Headers that keep a respondent's visit private, added to every response."""

from django.conf import settings
from django.urls import reverse


class RespondentPrivacyMiddleware:
    """Respondent pages: no referrer leaves the site and nothing is kept in any cache, so
    neither the quick-exit destination nor the Back button learns what was on screen.

    The admin keeps Django's same-origin referrer policy: browsers send ``Origin: null``
    on POSTs from no-referrer pages, and Django's CSRF check rightly rejects that.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = reverse("admin:index")

    def __call__(self, request):
        response = self.get_response(request)
        response.headers["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        if not request.path.startswith(self.admin_prefix):
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["Cache-Control"] = "no-store"
        return response
