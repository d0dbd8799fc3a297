"""What is stored: anonymous responses, their answers, and the reference list of forces.

The anonymity rules (docs/anonymity.md) shape every model here. A response holds its
answers, the questionnaire version, the force the respondent chose, whether they
reported, the month of submission and a secret record key for disclosure control;
nothing else. Primary keys are random or composite, never sequences, and nothing
records an exact time.
"""

import json
import secrets
import uuid
from collections.abc import Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple, Self

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.db.models import Func, Sum
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys import months, sql
from surveys.forces import FORCE_SLUGS
from surveys.questionnaire import (
    FORCE_QUESTIONS,
    FREE_TEXT_QUESTION,
    QUESTIONNAIRE,
    REPORTED_ANSWERS,
    Kind,
    Question,
)

if TYPE_CHECKING:
    from surveys.filters import Filters

# What a respondent gave, by question key: a choice key, a checkbox question's list of
# choice keys, or free text (SurveyResponse.stored).
Answers = Mapping[str, str | list[str]]


class Force(models.Model):
    """A police force; loaded from surveys.forces by a data migration."""

    slug = models.SlugField(primary_key=True, max_length=64)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ResponseManager(models.Manager["SurveyResponse"]):
    def record(
        self, *, nonce: str, version: str, answers: Answers, day: date | None = None
    ) -> uuid.UUID | None:
        """Store one submission and its answers, once per form token, in the month of
        ``day`` (today by default).

        ``answers`` maps question keys to a choice key, a list of choice keys, or text.
        Returns the new response's id, or None when this token was already used: a
        double click or a re-post, which has been stored once already.
        """
        force = self.model.force_of(answers)
        choices, free_text = self.model.stored(answers)
        return sql.record(
            {
                "nonce": nonce,
                "month": (day or timezone.localdate()).replace(day=1),
                "id": uuid.uuid4(),
                "version": version,
                "force": force,
                "reported": answers.get("reported") in REPORTED_ANSWERS,
                "choices": json.dumps(choices, separators=(",", ":")),
                "free_text": free_text,
                "record_key": new_record_key(),
            }
        )


# Record keys run from 0 to RECORD_KEYS - 1 (docs/disclosure.md).
RECORD_KEYS = 256


def new_record_key() -> int:
    """A response's secret record key: random, and unrelated to anything else stored."""
    return secrets.randbelow(RECORD_KEYS)


class MonthlyQuerySet[M: models.Model](models.QuerySet[M]):
    """Rows that each belong to one month and, but for national rows, one force:
    responses by the month they were sent in, tallies by the month they count. What an
    analyst's filters select (surveys.filters.Filters) is selected here, and only here,
    for the results page, breakdowns, exports and purging alike."""

    month_field = "month"
    force_field: str | None = "force"  # None: rows that count every force together

    def published(self) -> Self:
        """Rows of the months published (PublishedMonth): all that analysts see."""
        return self.filter(**{f"{self.month_field}__in": PublishedMonth.objects.values("month")})

    def matching(self, filters: "Filters") -> Self:
        """Rows of published months that ``filters`` select."""
        rows = self.published()
        period = filters.period
        if period.start:
            rows = rows.filter(
                **{f"{self.month_field}__gte": period.start, f"{self.month_field}__lt": period.end}
            )
        if filters.force:
            if self.force_field is None:
                raise ValueError(f"{self.model.__name__} counts every force together")
            rows = rows.filter(**{self.force_field: filters.force})
        if filters.reported is not None:
            rows = rows.filter(reported=filters.reported)
        return rows

    def before(self, month: date) -> Self:
        """Rows of months before ``month``: what purging it and earlier deletes."""
        return self.filter(**{f"{self.month_field}__lt": month})


class ResponseQuerySet(MonthlyQuerySet["SurveyResponse"]):
    month_field = "submitted_month"

    def in_quarter(self, start: date) -> Self:
        """Responses sent in the quarter starting ``start``."""
        return self.filter(submitted_month__gte=start, submitted_month__lt=months.shift(start, 3))


class TallyQuerySet[M: models.Model](MonthlyQuerySet[M]):
    """Counts: each row counts responses (``response_count``) for its month, reporter
    status, question and choice (and force, for AnswerTally), with their cell key. The
    row with an empty question and choice counts every response: the month's total."""

    def totals(self) -> Self:
        """The rows counting every response, whatever it answered."""
        return self.filter(question="", choice="")

    def by_month(self) -> dict[date, int]:
        """Month -> how many responded: every month these rows count someone in."""
        return dict(self.totals().values_list("month").annotate(Sum("response_count")))

    def counted(self, *keys: str) -> "Counts":
        """Count by ``keys`` (fields): a Count of respondents and summed cell keys. Keys
        ending in question and choice also get each single-choice question's number of
        respondents who answered it (with_answered)."""
        rows = self.values(*keys).annotate(n=Sum("response_count"), key=Sum("cell_key"))
        counts = {tuple(row[k] for k in keys): Count.of(row) for row in rows}
        return with_answered(counts) if keys[-2:] == ("question", "choice") else counts


class NationalQuerySet[M: models.Model](TallyQuerySet[M]):
    force_field = None


class SurveyResponse(models.Model):
    """One anonymous submission of the questionnaire, answers and all.

    A response is one row: what it chose, by question (``choices``), and its free text.
    Stored as one row per answer instead, every submission wrote some 37 rows and as
    many index entries and foreign-key checks; and nothing ever reads one answer
    without the rest of its response. In SQL, ``surveys_choices(choices)`` (migration
    0015) turns a response's choices into (question, choice) rows, for the tally and
    breakdowns to count.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    questionnaire_version = models.CharField(_("questionnaire version"), max_length=20)
    # response_force_month starts with the force, so the key needs no index of its own.
    force = models.ForeignKey(
        Force,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="responses",
        help_text=_(
            "The force it was reported to, or for someone who did not report, the force "
            "area they named; empty when they did not know or preferred not to say."
        ),
    )
    reported = models.BooleanField(
        _("reported to the police"),
        help_text=_("Whether the respondent (or someone else) reported to the police."),
    )
    # The first day of the month of submission: the finest time a response carries.
    submitted_month = models.DateField(_("month submitted"))
    # Question key -> the keys of the choices given: one for a single-choice question,
    # one or more for a checkbox question. Questions left blank are left out.
    choices = models.JSONField(_("choices"), default=dict, blank=True)
    free_text = models.TextField(_("free text"), blank=True, default="")
    # Disclosure control's secret random key (surveys.disclosure): a published figure's
    # noise is chosen by the sum of its respondents' keys, so the same respondents
    # always get the same noise. Never shown, exported or derived from anything else.
    record_key = models.PositiveSmallIntegerField(default=new_record_key, editable=False)

    objects = ResponseManager.from_queryset(ResponseQuerySet)()

    class Meta:
        # The table and the admin's words from before the model was called
        # SurveyResponse, which keeps it apart from HTTP responses (migration 0022).
        db_table = "surveys_response"
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-submitted_month"]
        permissions = [
            ("view_results", _("Can view disclosure-controlled results")),
            ("view_all_forces", _("Can view results for every force")),
            ("view_free_text", _("Can read free-text answers (redacted)")),
            ("export_responses", _("Can export individual responses (research)")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(submitted_month__day=1),
                name="response_month_is_first_day",
            ),
            models.CheckConstraint(
                condition=Exact(
                    Func("choices", function="jsonb_typeof", output_field=models.TextField()),
                    "object",
                ),
                name="response_choices_by_question",
            ),
            models.CheckConstraint(
                condition=models.Q(record_key__lt=RECORD_KEYS),
                name="response_record_key_in_range",
            ),
        ]
        indexes = [
            # The response list in the admin, filtered by force and month; breakdowns
            # of the responses of one force and period.
            models.Index(fields=["force", "submitted_month"], name="response_force_month"),
            # Every force at once, by month: the admin's month filter and ordering, and
            # deleting whole months when responses reach the end of their retention.
            models.Index(fields=["submitted_month"], name="response_month"),
            # The comments the results page shows: with response_force_month, a
            # publication group's responses with a comment, without reading the rest.
            models.Index(
                fields=["id"], condition=~models.Q(free_text=""), name="response_free_text"
            ),
        ]

    def __str__(self) -> str:
        # Never answer text: this shows in admin breadcrumbs and history.
        return _("Response %(id)s") % {"id": str(self.id)[:8]}

    @staticmethod
    def force_of(answers: Answers) -> str | None:
        """The force a response counts for (``force``): the force a reporter named, or
        the force area someone who did not report named (FORCE_QUESTIONS)."""
        for key in FORCE_QUESTIONS:
            force = answers.get(key)
            if isinstance(force, str) and force in FORCE_SLUGS:
                return force
        return None

    @staticmethod
    def stored(answers: Answers) -> tuple[dict[str, list[str]], str]:
        """(choices, free text) that store ``answers`` (question keys to a choice key, a
        list of choice keys, or text); blank answers are left out."""
        choices: dict[str, list[str]] = {}
        free_text = ""
        for key, value in answers.items():
            if key == FREE_TEXT_QUESTION:
                free_text = value if isinstance(value, str) else ""
            elif value:
                multiple = QUESTIONNAIRE.questions[key].kind is Kind.MULTIPLE
                choices[key] = [value] if isinstance(value, str) and not multiple else list(value)
        return choices, free_text

    def answers(self) -> Iterator[tuple[Question, str | list[str]]]:
        """(question, [choice keys] or free text) of each question answered, in
        questionnaire order."""
        for question in QUESTIONNAIRE.stored_questions:
            if question.key == FREE_TEXT_QUESTION and self.free_text:
                yield question, self.free_text
            elif question.key in self.choices:
                yield question, self.choices[question.key]


class SubmissionReceipt(models.Model):
    """The random nonce of each form token that has been used to submit.

    It makes a double click or a re-post store the response once. It is deliberately
    not linked to the response it produced. Tokens expire (surveys.tokens), so receipts
    older than that can go: purge_responses deletes them.
    """

    nonce = models.CharField(primary_key=True, max_length=64)
    month = models.DateField()

    def __str__(self) -> str:
        return self.nonce


class UntalliedResponse(models.Model):
    """A stored response whose answers are not yet in AnswerTally.

    Adding each submission to the tally as it arrives meant some 40 upserts per
    submission, all on the few rows of its force and month, which every other
    submission for that force waits on. Instead a submission joins this queue, and the
    tally takes in everything queued at once, counting with one GROUP BY
    (AnswerTally.objects.catch_up): every few minutes (``manage.py tally_responses``),
    so the queue stays short, and before a month is published or purged.
    """

    response = models.OneToOneField(
        SurveyResponse, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )

    def __str__(self) -> str:
        return str(self.response)


class AnswerTallyManager(models.Manager["AnswerTally"]):
    def catch_up(self) -> int:
        """Add every queued response (UntalliedResponse) to the tally, in one statement
        (surveys.sql.catch_up); return how many."""
        return sql.catch_up(
            answered_apart=ANSWERED_APART, free_text=FREE_TEXT_QUESTION, keys=RECORD_KEYS
        )


# The questions whose responses answering them the tally counts in a row of their own:
# checkboxes (one response may choose several) and free text (no choice to count). For
# a single-choice question that count is the sum over its choices (with_answered).
ANSWERED_APART = frozenset(
    key for key, question in QUESTIONNAIRE.questions.items() if question.kind is not Kind.SINGLE
)


class Count(NamedTuple):
    """How many respondents a cell counts, and its cell key: the sum of their record
    keys, modulo RECORD_KEYS. Both add up across disjoint cells."""

    n: int
    key: int = 0

    # Counts add up as counts, not as tuples (which tuple.__add__ would concatenate).
    def __add__(self, other: "Count") -> "Count":  # type: ignore[override]
        return Count(self.n + other.n, (self.key + other.key) % RECORD_KEYS)

    def __radd__(self, other: int) -> "Count":
        return self if other == 0 else NotImplemented

    @classmethod
    def of(cls, row: Mapping[str, int]) -> Self:
        """From a row annotated with ``n`` (responses) and ``key`` (summed cell keys)."""
        return cls(row["n"], row["key"] % RECORD_KEYS)


NONE = Count(0, 0)

# Counts keyed by the values of fields that the caller names (TallyQuerySet.counted), so
# the keys' types are known only at run time; the last two are question and choice.
Counts = dict[tuple[Any, ...], Count]


def with_answered(counts: Counts) -> Counts:
    """``counts`` (Count values) keyed (..., question, choice), with each single-choice
    question's (..., question, "") set to the responses that answered it: the sum over
    its choices. Other questions' come from counts of their own."""
    answered: Counts = {}
    for (*group, question, choice), count in counts.items():
        if choice and question not in ANSWERED_APART:
            key = (*group, question, "")
            answered[key] = answered.get(key, NONE) + count
    counts.update(answered)  # set, not added: a row kept by older code is replaced
    return counts


class AnswerTally(models.Model):
    """How many responses chose each answer: the counts behind the results.

    Counting tens of millions of answers for every results page would be slow at a
    million responses; these few thousand rows give the same counts at once. Each row
    counts responses for one month, force ("" when none was given), reporter status,
    question and choice. A row with an empty choice counts the responses that answered
    the question, for checkbox and free-text questions only (ANSWERED_APART: for the
    others it is the sum of their choices' rows, so with_answered adds it up); the row
    with an empty question and choice counts all responses.

    Each row also keeps its cell key: the sum of its responses' record keys, modulo
    RECORD_KEYS, for disclosure control (surveys.disclosure). A submission queues its
    response (UntalliedResponse), which ``AnswerTally.objects.catch_up()`` counts in.
    Analysts see the rows of published months only (``AnswerTally.objects.published()``),
    which nothing changes once published.
    """

    pk = models.CompositePrimaryKey("month", "force", "reported", "question", "choice")
    month = models.DateField()
    force = models.CharField(max_length=64, blank=True, default="")
    reported = models.BooleanField()
    question = models.CharField(max_length=64, blank=True, default="")
    choice = models.CharField(max_length=64, blank=True, default="")
    response_count = models.PositiveIntegerField()
    # The sum of the counted responses' record keys, modulo RECORD_KEYS.
    cell_key = models.PositiveSmallIntegerField(default=0)

    objects = AnswerTallyManager.from_queryset(TallyQuerySet)()

    class Meta:
        indexes = [
            # One force's views (surveys.results.tallies): its periods, counts,
            # trends and key measures read its rows alone, not every force's.
            models.Index(fields=["force", "month"], name="tally_force_month"),
            # The comment groups that may be published (surveys.results.comment_groups).
            models.Index(
                fields=["month", "force", "reported"],
                condition=models.Q(question="free_text", choice=""),
                name="tally_comment_groups",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}={self.choice}: {self.response_count}"


class NationalTally(models.Model):
    """AnswerTally's rows for a published month added up over every force, cell keys
    too: what a view of every force together reads, a fortieth of the rows. Made when
    the month is published (surveys.publication) and never changed afterwards."""

    pk = models.CompositePrimaryKey("month", "reported", "question", "choice")
    month = models.DateField()
    reported = models.BooleanField()
    question = models.CharField(max_length=64, blank=True, default="")
    choice = models.CharField(max_length=64, blank=True, default="")
    response_count = models.PositiveIntegerField()
    cell_key = models.PositiveSmallIntegerField(default=0)

    objects = NationalQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.question}={self.choice}: {self.response_count}"


class BreakdownTally(models.Model):
    """National counts of answers among respondents who gave one "about you" answer
    (say, ethnicity = Asian), per month and reporter status: what a national breakdown
    would otherwise count across tens of millions of answers.

    Counted once for each month, when it is published (surveys.publication), not by
    each submission: that would add hundreds of rows to every one. A row with an empty
    choice counts the group's responses that answered a multiple-choice question (for
    single-choice questions that is the sum of choices).
    """

    pk = models.CompositePrimaryKey(
        "month", "reported", "by_question", "by_choice", "question", "choice"
    )
    month = models.DateField()
    reported = models.BooleanField()
    by_question = models.CharField(max_length=64)
    by_choice = models.CharField(max_length=64)
    question = models.CharField(max_length=64)
    choice = models.CharField(max_length=64, blank=True, default="")
    response_count = models.PositiveIntegerField()
    # The sum of the counted responses' record keys, modulo RECORD_KEYS.
    cell_key = models.PositiveSmallIntegerField(default=0)

    objects = NationalQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.by_question}={self.by_choice}: {self.question}={self.choice}"


class PublishedMonth(models.Model):
    """A closed month whose figures analysts may see (docs/disclosure.md).

    Analysts see published months only: a month is published once it has ended and a
    few days more have passed (surveys.publication), after its last queued responses
    are counted and its national breakdowns are counted. No response can join a month
    after it has ended, so its figures never change afterwards, except by purging it.
    """

    month = models.DateField(primary_key=True)
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class Analyst(models.Model):
    """Which force's results a staff user may see: one force, or every force (national)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="analyst"
    )
    force = models.ForeignKey(
        Force,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty for a national analyst, who sees every force."),
    )

    class Meta:
        permissions = [
            ("reset_second_factor", _("Can reset a staff member's second factor")),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.force or _('national')})"


class AuditEntry(models.Model):
    """Who looked at which results, with which filters and how many respondents in the
    base. Written for every results view and export; never changed or deleted."""

    class Action(models.TextChoices):
        """Everything the audit log records, as stored (so entries stay comparable)."""

        VIEW_RESULTS = "view results", _("view results")
        VIEW_RESULTS_AND_FREE_TEXT = "view results and free text", _("view results and free text")
        EXPORT_RESULTS = "export results (CSV)", _("export results (CSV)")
        BROWSE_RESPONSES = "browse responses", _("browse responses")
        BROWSE_RESPONSES_REFUSED = "browse responses refused", _("browse responses refused")
        VIEW_RESPONSE = "view a response", _("view a response")
        EXPORT_RESPONSES = "export responses (CSV)", _("export responses (CSV)")
        EXPORT_RESPONSES_REFUSED = (
            "export responses (CSV) refused",
            _("export responses (CSV) refused"),
        )
        SET_UP_SECOND_FACTOR = "set up second factor", _("set up second factor")
        FIRST_SIGN_IN = "first sign-in after set-up", _("first sign-in after set-up")
        RESET_SECOND_FACTOR = "reset second factor", _("reset second factor")
        PURGE_RESPONSES = "purge responses", _("purge responses")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Staff activity, not respondent data: an exact time is what an audit needs.
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Empty for what the system did on its own, such as purging old responses.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    action = models.CharField(max_length=40, choices=Action)
    filters = models.JSONField(default=dict)
    base = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action}"

    @classmethod
    def record(
        cls,
        action: str,
        user: User | AnonymousUser | None = None,
        filters: Mapping[str, object] | None = None,
        base: int | None = None,
    ) -> "AuditEntry":
        """Write one entry: ``action`` (an Action) by ``user`` (None for the system)."""
        return cls.objects.create(action=action, user=user, filters=filters or {}, base=base)
