"""The analysts' home. Everything here is read-only: responses are evidence, not records
to edit. Individual responses are visible only with the view_surveyresponse permission, which
force and national analysts do not have, and every look at them is audited."""

import re
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ALL_VAR, ORDER_VAR, PAGE_VAR, ChangeList
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_stubs_ext import WithAnnotations

from surveys import months, second_factor
from surveys.export import (
    RESEARCH_MINIMUM_ROWS,
    covers_whole_quarters,
    research_months,
)
from surveys.filters import Period
from surveys.forces import FORCE_SLUGS
from surveys.models import Analyst, AuditEntry, SurveyResponse
from surveys.questionnaire import Kind
from surveys.redaction import redact
from surveys.results import comment_groups, in_comment_group

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class StaffRequest(HttpRequest):
    """A request that the admin site has let through to one of its pages: from a
    signed-in member of staff (SoteriaAdminSite.has_permission)."""

    user: User


class ReadOnlyAdmin[M: Model](admin.ModelAdmin[M]):
    def has_add_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False


class QuarterFilter(admin.SimpleListFilter):
    """The quarters researchers see, newest first: never months, which the list does
    not show either (docs/disclosure.md, "Research access"). No counts: a count beside
    each choice would tell how few responses a selection holds without opening it."""

    title = _("quarter submitted")
    parameter_name = "quarter"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        keys = sorted({months.quarter_key(month) for month in research_months()}, reverse=True)
        return [(key, Period.named(key).label) for key in keys]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[SurveyResponse]
    ) -> QuerySet[SurveyResponse]:
        value = self.value()
        if value is None:
            return queryset
        # ResponseAdmin.changelist_view has checked that the value names a quarter.
        period = Period.named(value)
        return queryset.filter(submitted_month__gte=period.start, submitted_month__lt=period.end)


class UnreadableQuery(ValueError):
    """A response list query string that no link of the list writes: a 400 page."""


class FlooredChangeList(ChangeList):
    """The response list, with no rows and no count for a selection smaller than
    RESEARCH_MINIMUM_ROWS (the template says why instead)."""

    minimum_rows = RESEARCH_MINIMUM_ROWS
    below_floor: bool

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        self.below_floor = self.result_count < self.minimum_rows
        if self.below_floor:
            self.result_list = self.queryset.none()
            self.can_show_all = self.multi_page = False


def _is_ordering(value: str, columns: int) -> bool:
    """Whether ``value`` is an ``o=`` the list writes: column numbers, each maybe
    negated, joined by dots; or nothing, once the last sort is removed."""
    return value == "" or all(
        re.fullmatch(r"-?[0-9]{1,3}", part) and int(part.lstrip("-")) < columns
        for part in value.split(".")
    )


def _is_quarter(value: str) -> bool:
    """Whether ``value`` names a quarter: a month would undo the list's coarsening."""
    period = Period.parse(value)
    return period is not None and period.start is not None and covers_whole_quarters(period)


@admin.register(SurveyResponse)
class ResponseAdmin(ReadOnlyAdmin[SurveyResponse]):
    """Individual responses, for the national research role only, with the same floor
    as its export (docs/disclosure.md, "Research access"): wholly published quarters,
    never a month; no selection smaller than RESEARCH_MINIMUM_ROWS; free text only with
    its own permission, and redacted."""

    list_display = ["short_id", "quarter", "force", "reporter", "version"]
    list_filter = [QuarterFilter, "reported", "force"]
    list_select_related = ["force"]
    # The random id, not the month: within a quarter, the order of submission or the
    # month would show through the order of the rows.
    ordering = ["id"]
    show_facets = admin.ShowFacets.NEVER
    show_full_result_count = False
    change_list_template = "admin/surveys/surveyresponse/change_list.html"
    _FIELDS = ["id", "questionnaire_version", "force", "reported", "quarter"]
    readonly_fields = [*_FIELDS, "answer_table", "answer_table_with_free_text"]
    # What each query string parameter of the list may be; anything else is refused
    # before it reaches a filter or the database (which refuses a NUL byte with a 500).
    _PARAMETERS: dict[str, Callable[[str], bool]] = {
        QuarterFilter.parameter_name: _is_quarter,
        "reported__exact": {"0", "1"}.__contains__,
        "force__slug__exact": FORCE_SLUGS.__contains__,
        "force__isnull": "True".__eq__,
        ALL_VAR: "".__eq__,
        PAGE_VAR: lambda value: value.isascii() and value.isdigit() and len(value) < 10,
    }

    def has_view_permission(self, request: HttpRequest, obj: SurveyResponse | None = None) -> bool:
        """Researchers are national: a force's account given view_surveyresponse by mistake
        still sees no response, whatever create_analyst would have made of it."""
        national = request.user.has_perm("surveys.view_all_forces")
        return national and super().has_view_permission(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet[SurveyResponse]:
        return super().get_queryset(request).filter(submitted_month__in=research_months())

    def get_fields(
        self, request: HttpRequest, obj: SurveyResponse | None = None
    ) -> tuple[str, ...]:
        may_read = request.user.has_perm("surveys.view_free_text")
        return (*self._FIELDS, "answer_table_with_free_text" if may_read else "answer_table")

    def get_changelist(self, request: HttpRequest, **kwargs: object) -> type[ChangeList]:
        return FlooredChangeList

    def get_changelist_instance(self, request: HttpRequest) -> ChangeList:
        """Django redirects a query string it cannot use to the bare list with ?e=1 (a
        "database error" page the second time); say what is wrong instead."""
        try:
            return super().get_changelist_instance(request)
        except IncorrectLookupParameters as error:
            raise UnreadableQuery(_("The page of responses asked for does not exist.")) from error

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, object] | None = None
    ) -> HttpResponse:
        try:
            self._check_query(request)
            response = super().changelist_view(request, extra_context)
        except UnreadableQuery as error:
            context = {
                **self.admin_site.each_context(request),
                "title": _("This list of responses could not be read"),
                "message": str(error),
                "opts": self.opts,
            }
            return render(
                request, "admin/surveys/surveyresponse/bad_query.html", context, status=400
            )
        if response.status_code == 200:
            # Django's change list page: a TemplateResponse, with its FlooredChangeList.
            context_data = cast(TemplateResponse, response).context_data or {}
            refused = context_data["cl"].below_floor
            filters = {key: request.GET.getlist(key) for key in request.GET}
            Action = AuditEntry.Action
            AuditEntry.record(
                Action.BROWSE_RESPONSES_REFUSED if refused else Action.BROWSE_RESPONSES,
                request.user,
                filters,
            )
        return response

    def _check_query(self, request: HttpRequest) -> None:
        """Refuse (UnreadableQuery) a query string that none of the list's links write:
        unknown or repeated parameters, and values no filter offers."""
        if not self.has_view_permission(request):
            return  # Django answers 403 without reading the query string.
        columns = len(self.get_list_display(request))
        for key, values in request.GET.lists():
            readable: Callable[[str], bool] | None
            if key == ORDER_VAR:
                readable = partial(_is_ordering, columns=columns)
            else:
                readable = self._PARAMETERS.get(key)
            if readable is None:
                raise UnreadableQuery(
                    _("“%(name)s” is not a filter of this list.") % {"name": key}
                )
            if len(values) > 1:
                raise UnreadableQuery(
                    _("The filter “%(name)s” was given more than once.") % {"name": key}
                )
            if not readable(values[0]):
                raise UnreadableQuery(
                    _("The value given for “%(name)s” is not one this list offers.")
                    % {"name": key}
                )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, object] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            AuditEntry.record(
                AuditEntry.Action.VIEW_RESPONSE, request.user, {"response": object_id}
            )
        return response

    @admin.display(description=_("response"))
    def short_id(self, obj: SurveyResponse) -> str:
        return str(obj.id)[:8]

    @admin.display(description=_("quarter submitted"))
    def quarter(self, obj: SurveyResponse) -> str:
        return Period.named(months.quarter_key(obj.submitted_month)).label

    # Short headings for the list: with the filters beside it, the fields' own names
    # pushed the last column out of sight at 1280 pixels.
    @admin.display(description=_("reported"), boolean=True, ordering="reported")
    def reporter(self, obj: SurveyResponse) -> bool:
        return obj.reported

    @admin.display(description=_("version"), ordering="questionnaire_version")
    def version(self, obj: SurveyResponse) -> str:
        return obj.questionnaire_version

    @admin.display(description=_("answers"))
    def answer_table(self, obj: SurveyResponse) -> "StrOrPromise":
        return self._answers(obj, with_text=False)

    @admin.display(description=_("answers"))
    def answer_table_with_free_text(self, obj: SurveyResponse) -> "StrOrPromise":
        return self._answers(obj, with_text=True)

    def _answers(self, obj: SurveyResponse, with_text: bool) -> "StrOrPromise":
        """Answers in questionnaire order, every value escaped. Free text only when
        asked for, from a comment group that may be published, and redacted as
        everywhere else: it is whatever a respondent typed."""
        groups = comment_groups(settings.DISCLOSURE_THRESHOLD) if with_text else {}
        withheld = _(
            "Not shown: its group (force, quarter and whether they reported) holds fewer "
            "than %(threshold)d comments."
        ) % {"threshold": settings.DISCLOSURE_THRESHOLD}
        rows = [
            (
                question.caption,
                (redact(answer) if in_comment_group(obj, groups) else withheld)
                if isinstance(answer, str)  # free text; otherwise the keys of choices
                else "; ".join(str(question.label_for(choice)) for choice in answer),
            )
            for question, answer in obj.answers()
            if with_text or question.kind is not Kind.TEXT
        ]
        if not rows:
            return _("No answers")
        return format_html(
            "<table><tbody>{}</tbody></table>",
            format_html_join("", "<tr><th scope='row'>{}</th><td>{}</td></tr>", rows),
        )


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin[AuditEntry]):
    """Append-only: never edited or deleted (the database refuses too). Superusers read
    all of it; national administrators read what happened to second factors (set-ups,
    the first sign-in after each, resets), so that a set-up its owner did not make shows."""

    list_display = ["at", "user", "action", "filters", "base"]
    # The actions among the entries this user may read, not every action there is.
    list_filter = [("action", admin.AllValuesFieldListFilter)]
    list_select_related = ["user"]

    def has_view_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return request.user.is_superuser or request.user.has_perm("surveys.reset_second_factor")

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEntry]:
        entries = super().get_queryset(request)
        if request.user.is_superuser:
            return entries
        return entries.filter(action__in=second_factor.AUDITED_ACTIONS)


@admin.register(Analyst)
class AnalystAdmin(admin.ModelAdmin[Analyst]):
    list_display = ["user", "force"]
    list_select_related = ["user", "force"]


# Authenticators are managed through the staff accounts below, never shown: a device's
# page would reveal its secret key.
admin.site.unregister(TOTPDevice)
admin.site.unregister(User)


class _SecondFactorAnnotation(TypedDict):
    has_second_factor: bool


# A staff account as StaffAdmin lists it: with whether its second factor is set up.
type StaffAccount = WithAnnotations[User, _SecondFactorAnnotation]


@admin.register(User)
class StaffAdmin(UserAdmin[User]):
    """Django's user admin, plus the second factor: whether it is set up, and a reset
    for a national administrator when someone loses their phone."""

    # A class attribute of UserAdmin, which the stubs declare per instance.
    list_display = [*UserAdmin.list_display, "second_factor"]  # type: ignore[misc]
    actions = ["reset_second_factor"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[StaffAccount]:
        devices = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_second_factor=Exists(devices))

    @admin.display(description=_("second factor"), boolean=True, ordering="has_second_factor")
    def second_factor(self, obj: StaffAccount) -> bool:
        return obj.has_second_factor

    def has_reset_second_factor_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("surveys.reset_second_factor")

    @admin.action(
        description=_("Reset second factor (they set it up again at next sign-in)"),
        permissions=["reset_second_factor"],
    )
    def reset_second_factor(self, request: StaffRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            second_factor.reset(user, by=request.user)
        self.message_user(
            request,
            ngettext(
                "Reset the second factor of %(count)d account.",
                "Reset the second factor of %(count)d accounts.",
                len(queryset),
            )
            % {"count": len(queryset)},
            messages.SUCCESS,
        )
