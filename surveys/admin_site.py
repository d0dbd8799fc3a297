"""The admin site, with the analysts' results pages and the second factor added to it.

Nobody gets in without a password and a code from their authenticator app
(surveys/second_factor.py). admin_view() then only checks is_staff: every page here
checks its own permission, and a force analyst's force is fixed whatever the query
string says.
"""

from collections.abc import Callable, Collection
from functools import partial, wraps
from typing import Any, cast

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from surveys import second_factor
from surveys.export import (
    RESEARCH_MINIMUM_ROWS,
    covers_whole_quarters,
    csv_lines,
    research_months,
    response_rows,
    results_rows,
)
from surveys.filters import COMMENTS_PAGE, BadFilter, Filters, Period, comments_page
from surveys.models import Analyst, AuditEntry, Force, PublishedMonth, SurveyResponse
from surveys.results import (
    Comments,
    Results,
    breakdown_label,
    comment_groups,
    free_texts,
    key_measures,
    periods,
    results,
)
from surveys.trends import trends


class SoteriaAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Soteria Survey administration")
    site_title = gettext_lazy("Soteria Survey")
    index_title = gettext_lazy("Survey administration")

    def get_urls(self) -> list[URLResolver | URLPattern]:
        return [
            path(
                "second-factor/",
                never_cache(partial(second_factor.verify_view, self)),
                name="second_factor",
            ),
            path("results/", self.admin_view(self.results_view), name="results"),
            path("results.csv", self.admin_view(self.results_csv), name="results_csv"),
            path("responses.csv", self.admin_view(self.responses_csv), name="responses_csv"),
            *super().get_urls(),
        ]

    def admin_view[V: Callable[..., HttpResponseBase]](
        self, view: V, cacheable: bool = False
    ) -> V:
        """Every admin page, as Django wraps it, behind one check of its own: a NUL
        character in the query string, which no link writes and PostgreSQL refuses in
        text, gets a 400 page on every admin URL rather than a 500."""
        wrapped = super().admin_view(view, cacheable)

        @wraps(wrapped)
        def checked(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
            if any("\x00" in part for pair in request.GET.lists() for part in _flat(pair)):
                error = BadFilter(_("The web address holds a character no filter can."))
                return self._bad_filter(request, error)
            return wrapped(request, *args, **kwargs)

        # It takes what the view takes, and answers as the view does or with a 400 page.
        return cast(V, checked)

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and second_factor.is_verified(request.user)

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The password, as Django's admin asks for it; then the second factor."""
        response = super().login(request, extra_context)
        if second_factor.awaiting_second_factor(request.user):
            return second_factor.redirect_to_second_factor(request)
        return response

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        context["can_view_results"] = request.user.has_perm("surveys.view_results")
        return context

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        """Django's index, saying how far the published results reach."""
        may_read = request.user.has_perm("surveys.view_results")
        latest = PublishedMonth.objects.last() if may_read else None
        return super().index(request, {"latest_published": latest, **(extra_context or {})})

    def get_app_list(
        self, request: HttpRequest, app_label: str | None = None
    ) -> list[dict[str, Any]]:
        """Django's list of what the user may open, led by the results for those who may
        read them: for an analyst, who may open nothing else, it is the whole list, on
        the index and in the sidebar, rather than "You don't have permission"."""
        apps = super().get_app_list(request, app_label)
        if app_label is None and request.user.has_perm("surveys.view_results"):
            url = reverse("admin:results", current_app=self.name)
            results = {
                "name": _("Results"),
                "object_name": "Results",
                "admin_url": url,
                "add_url": None,
                "view_only": True,
                "perms": {"view": True},
            }
            survey = {
                "name": _("Survey results"),
                "app_label": "results",
                "app_url": url,
                "has_module_perms": True,
                "models": [results],
            }
            apps.insert(0, survey)
        return apps

    def results_view(self, request: HttpRequest) -> HttpResponse:
        try:
            filters = _filters(request, also={COMMENTS_PAGE})
            page = comments_page(request.GET)
        except BadFilter as error:
            return self._bad_filter(request, error)
        threshold = settings.DISCLOSURE_THRESHOLD
        offered = periods(filters.force, threshold)
        outcome = _published(filters, offered, threshold)
        may_read = request.user.has_perm("surveys.view_free_text")
        comments: Comments | None = None
        if may_read and outcome and not outcome.suppressed and not filters.breakdown:
            comments = free_texts(filters, threshold, page)
        Action = AuditEntry.Action
        read_comments = bool(comments and comments.groups)
        action = Action.VIEW_RESULTS_AND_FREE_TEXT if read_comments else Action.VIEW_RESULTS
        shown = outcome and not outcome.suppressed and not outcome.breakdown_unavailable
        previous = filters.period.previous()
        if previous is not None and previous.key not in {period.key for period in offered}:
            previous = None
        # Which comments were read: the page shown, past-the-end numbers made the last.
        shown_page = comments.page.number if comments and read_comments else None
        _audit(request, action, filters, outcome, comments_page=shown_page)
        context = {
            **self.each_context(request),
            "title": _("Results"),
            "filters": filters,
            "results": outcome,
            "trends": trends(filters, threshold) if shown else None,
            "measures": key_measures(filters, threshold, previous)
            if shown and not filters.breakdown
            else [],
            "previous": previous,
            # A breakdown asked for (say, in a bookmark) that these filters do not allow.
            "breakdown_refused": breakdown_label(filters.breakdown)
            if filters.breakdown
            and filters.breakdown not in dict(outcome.breakdowns if outcome else ())
            else "",
            "comments": comments,
            "may_read_free_text": may_read,
            "threshold": threshold,
            "periods": offered,
            "forces": Force.objects.all() if _national(request) else None,
            "force_name": _force_name(filters.force),
            "may_export_responses": request.user.has_perm("surveys.export_responses")
            and _national(request),
        }
        return render(request, "admin/surveys/results.html", context)

    def results_csv(self, request: HttpRequest) -> HttpResponse:
        try:
            filters = _filters(request)
        except BadFilter as error:
            return self._bad_filter(request, error)
        threshold = settings.DISCLOSURE_THRESHOLD
        outcome = _published(filters, periods(filters.force, threshold), threshold)
        _audit(request, AuditEntry.Action.EXPORT_RESULTS, filters, outcome)
        rows = results_rows(outcome, _force_name(filters.force), filters.period, threshold)
        return HttpResponse(
            "".join(csv_lines(rows)),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="results.csv"'},
        )

    def _bad_filter(self, request: HttpRequest, error: BadFilter) -> HttpResponse:
        context = {
            **self.each_context(request),
            "title": _("These filters could not be read"),
            "message": str(error),
        }
        return render(request, "admin/surveys/bad_filter.html", context, status=400)

    def responses_csv(self, request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
        """Individual responses matching the filters, for the national research role:
        whole quarters, wholly published, and never fewer rows than
        RESEARCH_MINIMUM_ROWS (docs/disclosure.md, "Research access"). A national
        role: a force's account given the permission by mistake still gets nothing."""
        if not (request.user.has_perm("surveys.export_responses") and _national(request)):
            raise PermissionDenied
        try:
            filters = _filters(request)
        except BadFilter as error:
            return self._bad_filter(request, error)
        responses = SurveyResponse.objects.matching(filters).filter(
            submitted_month__in=research_months()
        )
        count: int | None = None
        refusal: str | None = None
        if not covers_whole_quarters(filters.period):
            refusal = _(
                "The research export covers whole quarters, never a single month: "
                "choose a quarter, a year or all time."
            )
        elif (count := responses.count()) < RESEARCH_MINIMUM_ROWS:
            refusal = _(
                "These filters select fewer than %(minimum)d responses, the fewest the "
                "research export gives."
            ) % {"minimum": RESEARCH_MINIMUM_ROWS}
        Action = AuditEntry.Action
        AuditEntry.record(
            Action.EXPORT_RESPONSES_REFUSED if refusal else Action.EXPORT_RESPONSES,
            request.user,
            filters.as_dict(),
            base=None if refusal else count,
        )
        if refusal:
            context = {
                **self.each_context(request),
                "title": _("These responses cannot be exported"),
                "message": refusal,
                "minimum": RESEARCH_MINIMUM_ROWS,
                "filters": filters,
            }
            return render(request, "admin/surveys/export_refused.html", context, status=400)
        may_read = request.user.has_perm("surveys.view_free_text")
        groups = comment_groups(settings.DISCLOSURE_THRESHOLD) if may_read else None
        return StreamingHttpResponse(
            csv_lines(response_rows(responses, groups)),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="responses.csv"'},
        )


def _flat(pair: tuple[str, list[str]]) -> list[str]:
    key, values = pair
    return [key, *values]


def _national(request: HttpRequest) -> bool:
    return request.user.has_perm("surveys.view_all_forces")


def _filters(request: HttpRequest, also: Collection[str] = ()) -> Filters:
    """The filters the request asks for, within what its reader may see (``also``: the
    view's other parameters)."""
    if not request.user.has_perm("surveys.view_results"):
        raise PermissionDenied
    if _national(request):
        return Filters.read(request.GET, also=also)
    # A force analyst's force is fixed, whatever the query string says.
    analyst: Analyst | None = getattr(request.user, "analyst", None)
    if analyst is None or analyst.force_id is None:
        raise PermissionDenied
    return Filters.read(request.GET, own_force=analyst.force_id, also=also)


def _published(filters: Filters, offered: list[Period], threshold: int) -> Results | None:
    """The results under the filters, or None when their period is not published for
    this force (not closed yet, or too few responses in it)."""
    if filters.period.key not in {period.key for period in offered}:
        return None
    return results(filters, threshold)


def _force_name(slug: str | None) -> str:
    return str(Force.objects.get(slug=slug)) if slug else _("All forces")


def _audit(
    request: HttpRequest,
    action: AuditEntry.Action,
    filters: Filters,
    outcome: Results | None,
    comments_page: int | None = None,
) -> None:
    """What was published, never a true count: the published number of respondents, or
    none when nothing was; with the page of comments read, if any."""
    shown = outcome.shown_base if outcome else None
    read: dict[str, object] = dict(filters.as_dict())
    if comments_page is not None:
        read[COMMENTS_PAGE] = comments_page
    AuditEntry.record(action, request.user, read, base=shown)
