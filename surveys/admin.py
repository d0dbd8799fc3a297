"""The analysts' home. Everything here is read-only: responses are evidence, not records
to edit. Individual responses are visible only with the view_response permission, which
force and national analysts do not have, and every look at them is audited."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from surveys import second_factor
from surveys.models import Analyst, AuditEntry, Response
from surveys.questionnaire import Kind


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["short_id", "month", "force", "reported", "questionnaire_version"]
    # Only whole months exist, so "today" or "past 7 days" would mean nothing.
    list_filter = [("submitted_month", admin.AllValuesFieldListFilter), "reported", "force"]
    list_select_related = ["force"]
    fields = [
        "id",
        "questionnaire_version",
        "force",
        "reported",
        "submitted_month",
        "answer_table",
    ]
    readonly_fields = fields
    show_full_result_count = False

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            filters = {key: request.GET.getlist(key) for key in request.GET}
            AuditEntry.objects.create(
                user=request.user, action="browse responses", filters=filters
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            AuditEntry.objects.create(
                user=request.user, action="view a response", filters={"response": object_id}
            )
        return response

    @admin.display(description=_("response"))
    def short_id(self, obj):
        return str(obj.id)[:8]

    @admin.display(description=_("month submitted"), ordering="submitted_month")
    def month(self, obj):
        return date_format(obj.submitted_month, "F Y")

    @admin.display(description=_("answers"))
    def answer_table(self, obj):
        """Answers in questionnaire order, every value escaped: free text is whatever a
        respondent typed."""
        rows = [
            (
                question.text,
                answer
                if question.kind is Kind.TEXT
                else "; ".join(str(question.label_for(choice)) for choice in answer),
            )
            for question, answer in obj.answers()
        ]
        if not rows:
            return _("No answers")
        return format_html(
            "<table><tbody>{}</tbody></table>",
            format_html_join("", "<tr><th scope='row'>{}</th><td>{}</td></tr>", rows),
        )


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Append-only: readable by superusers, never edited or deleted (the database
    refuses too)."""

    list_display = ["at", "user", "action", "filters", "base"]
    list_filter = ["action"]
    list_select_related = ["user"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Analyst)
class AnalystAdmin(admin.ModelAdmin):
    list_display = ["user", "force"]
    list_select_related = ["user", "force"]


# Authenticators are managed through the staff accounts below, never shown: a device's
# page would reveal its secret key.
admin.site.unregister(TOTPDevice)
admin.site.unregister(User)


@admin.register(User)
class StaffAdmin(UserAdmin):
    """Django's user admin, plus the second factor: whether it is set up, and a reset
    for a national administrator when someone loses their phone."""

    list_display = [*UserAdmin.list_display, "second_factor"]
    actions = ["reset_second_factor"]

    def get_queryset(self, request):
        devices = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_second_factor=Exists(devices))

    @admin.display(description=_("second factor"), boolean=True, ordering="has_second_factor")
    def second_factor(self, obj):
        return obj.has_second_factor

    def has_reset_second_factor_permission(self, request):
        return request.user.has_perm("surveys.reset_second_factor")

    @admin.action(
        description=_("Reset second factor (they set it up again at next sign-in)"),
        permissions=["reset_second_factor"],
    )
    def reset_second_factor(self, request, queryset):
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
