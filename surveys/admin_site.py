"""The admin site, with the analysts' results pages and the second factor added to it.

Nobody gets in without a password and a code from their authenticator app
(surveys/second_factor.py). admin_view() then only checks is_staff: every page here
checks its own permission, and a force analyst's force is fixed whatever the query
string says.
"""

import csv
from functools import partial

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from surveys import second_factor
from surveys.breakdowns import BY_QUESTION
from surveys.export import response_rows, spreadsheet_safe
from surveys.forces import FORCE_SLUGS
from surveys.models import AnswerTally, AuditEntry, Force
from surveys.questionnaire import QUESTIONNAIRE
from surveys.results import (
    ALL_TIME,
    BY_FORCE,
    Filters,
    Period,
    free_texts,
    periods,
    results,
    trends,
)

REPORTED_CHOICES = {"yes": True, "no": False}


class SoteriaAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Soteria Survey administration")
    site_title = gettext_lazy("Soteria Survey")
    index_title = gettext_lazy("Survey administration")

    def get_urls(self):
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

    def has_permission(self, request):
        return super().has_permission(request) and second_factor.is_verified(request.user)

    def login(self, request, extra_context=None):
        """The password, as Django's admin asks for it; then the second factor."""
        response = super().login(request, extra_context)
        if second_factor.awaiting_second_factor(request.user):
            return second_factor.redirect_to_second_factor(request)
        return response

    def each_context(self, request):
        context = super().each_context(request)
        context["can_view_results"] = request.user.has_perm("surveys.view_results")
        return context

    def results_view(self, request):
        filters = _filters(request)
        outcome = results(filters, settings.DISCLOSURE_THRESHOLD)
        national = request.user.has_perm("surveys.view_all_forces")
        texts = None
        may_read = request.user.has_perm("surveys.view_free_text")
        if may_read and not outcome.suppressed and not filters.breakdown:
            texts = free_texts(filters, settings.DISCLOSURE_THRESHOLD)
        action = "view results and free text" if texts is not None else "view results"
        _audit(request, action, filters, outcome)
        context = {
            "trends": [] if outcome.suppressed else trends(filters, settings.DISCLOSURE_THRESHOLD),
            "free_texts": texts,
            "may_read_free_text": may_read,
            **self.each_context(request),
            "title": _("Results"),
            "filters": filters,
            "results": outcome,
            "threshold": settings.DISCLOSURE_THRESHOLD,
            "periods": periods(_months(filters.force)),
            "forces": Force.objects.all() if national else None,
            "breakdowns": _breakdowns(national),
            "force_name": _force_name(filters.force),
            "may_export_responses": request.user.has_perm("surveys.export_responses"),
        }
        return render(request, "admin/surveys/results.html", context)

    def results_csv(self, request):
        filters = _filters(request)
        outcome = results(filters, settings.DISCLOSURE_THRESHOLD)
        _audit(request, "export results (CSV)", filters, outcome)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="results.csv"'
        writer = csv.writer(response)
        writer.writerow([_("Force"), _force_name(filters.force)])
        writer.writerow([_("Period"), filters.period.label])
        hidden = _("fewer than %(threshold)d") % {"threshold": settings.DISCLOSURE_THRESHOLD}
        if outcome.suppressed:
            writer.writerow([_("Respondents"), hidden])
            return response
        writer.writerow([_("Respondents"), outcome.shown_base])
        writer.writerow(
            [_("Section"), _("Question"), _("Group"), _("Answer"), _("Count"), _("Percent")]
        )
        for section, rows in outcome.sections:
            for row in rows:
                for _group, label, table in row.groups or [("", _("Everyone"), row.table)]:
                    start = [section.title, row.question.text, label]
                    if table.suppressed:
                        writer.writerow(spreadsheet_safe([*start, "", hidden, ""]))
                    for cell in table.cells:
                        shown = (cell.count, cell.percent) if not cell.hidden else (hidden, "")
                        writer.writerow(spreadsheet_safe([*start, row.labels[cell.key], *shown]))
        return response

    def responses_csv(self, request):
        """Individual responses matching the filters, for the national research role."""
        if not request.user.has_perm("surveys.export_responses"):
            raise PermissionDenied
        filters = _filters(request)
        responses = filters.responses()
        AuditEntry.objects.create(
            user=request.user,
            action="export responses (CSV)",
            filters=filters.as_dict(),
            base=responses.count(),
        )
        rows = response_rows(responses, request.user.has_perm("surveys.view_free_text"))
        writer = csv.writer(_Echo())
        return StreamingHttpResponse(
            (writer.writerow(row) for row in rows),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="responses.csv"'},
        )


class _Echo:
    """A file that hands back what is written, so csv.writer can feed a stream."""

    def write(self, value):
        return value


def _filters(request):
    if not request.user.has_perm("surveys.view_results"):
        raise PermissionDenied
    if request.user.has_perm("surveys.view_all_forces"):
        chosen = request.GET.get("force", "")
        force = chosen if chosen in FORCE_SLUGS else None
    else:
        analyst = getattr(request.user, "analyst", None)
        if analyst is None or analyst.force_id is None:
            raise PermissionDenied
        force = analyst.force_id
    period = Period.parse(request.GET.get("period", ALL_TIME)) or Period.parse(ALL_TIME)
    breakdown = request.GET.get("breakdown", "")
    if breakdown not in dict(_breakdowns(force is None)):
        breakdown = ""
    reported = REPORTED_CHOICES.get(request.GET.get("reported", ""))
    return Filters(force, period, reported, breakdown)


def _breakdowns(every_force):
    """What results may be broken down by: an "about you" question, or (across every
    force) the force."""
    choices = [(key, QUESTIONNAIRE.questions[key].text) for key in BY_QUESTION]
    return [(BY_FORCE, _("Force")), *choices] if every_force else choices


def _months(force):
    tallies = AnswerTally.objects.filter(question="", choice="")
    if force:
        tallies = tallies.filter(force=force)
    return set(tallies.values_list("month", flat=True).distinct())


def _force_name(slug):
    return str(Force.objects.get(slug=slug)) if slug else _("All forces")


def _audit(request, action, filters, outcome):
    AuditEntry.objects.create(
        user=request.user, action=action, filters=filters.as_dict(), base=outcome.base
    )
