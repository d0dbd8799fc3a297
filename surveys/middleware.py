"""Headers that keep a respondent's visit private, added to every response; and a limit
on the size of what anyone may send."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from surveys.questionnaire import FREE_TEXT_MAX_LENGTH

type GetResponse = Callable[[HttpRequest], HttpResponseBase]


class RespondentPrivacyMiddleware:
    """Respondent pages: no referrer leaves the site and nothing is kept in any cache, so
    neither the quick-exit destination nor the Back button learns what was on screen.

    The admin keeps Django's same-origin referrer policy: browsers send ``Origin: null``
    on POSTs from no-referrer pages, and Django's CSRF check rightly rejects that.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.admin_prefix = reverse("admin:index")

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        if not request.path.startswith(self.admin_prefix):
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["Cache-Control"] = "no-store"
        return response


class MethodNotAllowedPageMiddleware:
    """A respondent URL asked with a method it refuses shows a page, with the quick exit
    like every other, instead of the empty body Django's ``require_http_methods`` sends.
    The admin keeps Django's own response."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.admin_prefix = reverse("admin:index")

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code == 405 and not request.path.startswith(self.admin_prefix):
            page = render(request, "405.html", status=405)
            page["Allow"] = response["Allow"]
            return page
        return response


class RequestSizeLimitMiddleware:
    """Refuse a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE before anything reads it.

    Django enforces that limit itself only on form-encoded data: the files in a multipart
    body would be written to disk whatever their size. Nothing here takes files, and the
    longest complete survey is a small fraction of the limit.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if _content_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return render(request, "413.html", {"limit": FREE_TEXT_MAX_LENGTH}, status=413)
        return self.get_response(request)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.headers.get("content-length") or 0)
    except ValueError:
        return 0  # as Django reads it: a malformed length means no body
