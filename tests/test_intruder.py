"""The intruder: everything the results page and its CSV publish, across every filter
combination they offer, put together to recover planted people (docs/disclosure.md).

A small synthetic survey (three forces over two quarters) holds planted targets: one
respondent with a rare answer combination in a small force, a group of 11 who all gave
the same answer, a month in which a force had 3 responses, a month with 5 people who
did not report, and a comment from a group of 2. The intruder is a national analyst
who may also read comments. They collect every figure published and turn each into
bounds on the true counts of "atoms" (respondents alike in force, month, reporter
status and answers); then, for each planted count, a linear program finds the least
and most it could be. The intruder is given more than a real one has: that nobody
answered any other question, and which tables are small.

What each published figure tells the intruder:
- a count shown as p: the true count is within MAX_ERROR of p, and at least the
  threshold (a 0 shown is exactly 0);
- "fewer than 10": from 0 to 9 (from 1 in a table of SMALL_TABLE answers or more);
- "fewer than 10" respondents, or a period not offered: a base from 0 to 9;
- a table not shown, a breakdown offered or not: a disjunction ("fewer than 10 answered
  or nearly all gave one answer"), which a linear program cannot hold; left out.
"""

import csv
import io
import random
import re
from collections import Counter
from datetime import date

import numpy as np
import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from scipy.optimize import linprog

from surveys import months
from surveys.disclosure import MAX_ERROR, SMALL_TABLE
from surveys.filters import ALL_TIME, BY_FORCE
from surveys.models import PublishedMonth, SurveyResponse, UntalliedResponse
from surveys.publication import last_due, publish_due
from surveys.questionnaire import ELIGIBILITY, QUESTIONNAIRE
from tests.publishing import store
from tests.staff import sign_in

pytestmark = pytest.mark.django_db

T = 10
RESULTS = reverse("admin:results")
CSV = reverse("admin:results_csv")
BIG, MIDDLE, SMALL = "kent", "essex", "dorset"
FORCE_NAMES = {"Kent Police": BIG, "Essex Police": MIDDLE, "Dorset Police": SMALL}
PLANTED_COMMENT = "Only two of us wrote this quarter, and I am one"


def _months():
    """The six months of the two newest quarters that are published by today."""
    last = last_due(date.today())
    quarter = months.shift(last, -((last.month - 1) % 3))
    first = months.shift(quarter, -3 if last.month % 3 == 0 else -6)
    return [months.shift(first, i) for i in range(6)]


def _respondent(rng, force, **fixed):
    """One respondent's stored choices: reporters answer how far they were believed;
    everyone their ethnic group."""
    choices = {"reported": ["yes_myself" if force else "no"]}
    if force:
        choices["force"] = [force]
        choices["believed"] = [rng.choice(["always", "always", "sometimes", "never"])]
    choices["ethnicity"] = [rng.choice(["white"] * 6 + ["asian"])]
    for question, choice in fixed.items():
        choices[question] = [choice]
    return choices


def _plant(seed):
    """Store the synthetic survey, with its planted targets, and publish it."""
    rng = random.Random(seed)
    period = _months()
    rows = []

    def add(month, force, text="", **fixed):
        rows.append((month, force, _respondent(rng, force, **fixed), text))

    for index, month in enumerate(period):
        for _ in range(40):
            add(month, BIG, "Comment" if rng.random() < 0.2 else "")
        for _ in range(3 if index == 4 else 15):  # a month with 3 responses
            add(month, MIDDLE)
        for _ in range(4):
            add(month, SMALL)
        for _ in range(5 if index == 2 else 8):  # a month with 5 non-reporters
            add(month, None)
    # One respondent with a rare combination in the small force.
    add(period[1], SMALL, ethnicity="black", believed="never")
    # A group of 11 in the big force's first quarter who all gave the same answer.
    for month in period[:3]:
        for _ in range(11 if month == period[0] else 0):
            add(month, BIG, ethnicity="mixed", believed="never")
    # A comment from a group of 2: the small force's reporters, second quarter.
    add(period[4], SMALL, PLANTED_COMMENT)
    add(period[5], SMALL, PLANTED_COMMENT)
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(
            questionnaire_version=QUESTIONNAIRE.version,
            force_id=force,
            reported=force is not None,
            submitted_month=month,
            choices=choices,
            free_text=text,
            record_key=rng.randrange(256),
        )
        for month, force, choices, text in rows
    )
    UntalliedResponse.objects.bulk_create(UntalliedResponse(response=r) for r in responses)
    publish_due()
    assert set(period) <= set(PublishedMonth.objects.values_list("month", flat=True))


def _universe():
    """Every kind of respondent the intruder must allow for: reporters to each force
    and non-reporters, in each published month, with each answer (or none) to the
    questions the survey's respondents answered. Nobody answered any other."""
    atoms = []
    published = PublishedMonth.objects.values_list("month", flat=True)
    believed = [None, *(c.key for c in QUESTIONNAIRE.questions["believed"].choices)]
    ethnicity = [None, *(c.key for c in QUESTIONNAIRE.questions["ethnicity"].choices)]
    for force in [BIG, MIDDLE, SMALL, None]:
        for month in published:
            for belief in believed if force else [None]:
                for group in ethnicity:
                    answers = {("reported", "yes_myself" if force else "no")}
                    answers |= {("force", force)} if force else set()
                    answers |= {("believed", belief)} if belief else set()
                    answers |= {("ethnicity", group)} if group else set()
                    atoms.append((force, month, force is not None, frozenset(answers)))
    return atoms


def _labels():
    """CSV labels back to keys: (section, question caption) to the question, and each
    question's answer labels to choice keys."""
    questions, answers = {}, {}
    for section in [ELIGIBILITY, *QUESTIONNAIRE.sections]:
        for question in section.questions:
            questions[(str(section.title), str(question.caption))] = question.key
            answers[question.key] = {str(c.label): c.key for c in question.choices}
    return questions, answers


class Intruder:
    """Collects what is published, as bounds on sums of atoms."""

    def __init__(self, client):
        self.client = client
        people = Counter(
            (r.force_id, r.submitted_month, r.reported, self._answers(r))
            for r in SurveyResponse.objects.filter(
                submitted_month__in=PublishedMonth.objects.values("month")
            )
        )
        self.atoms = _universe()
        assert set(people) <= set(self.atoms)
        self.people = [people[atom] for atom in self.atoms]
        self.bounds = {}  # frozenset of atom indices -> (low, high)
        self.comments = set()
        self.published = []  # everything read, in order: for refreshing
        self.questions, self.answers = _labels()

    @staticmethod
    def _answers(response):
        return frozenset((q, c) for q, chosen in response.choices.items() for c in chosen)

    def select(self, force=None, period=None, reported=None, where=None):
        """The atoms matching filters and answers (``where``: question to choice, or to
        "" for anyone who answered it)."""
        chosen = set()
        for index, (atom_force, month, atom_reported, answers) in enumerate(self.atoms):
            if force and atom_force != force:
                continue
            if period and month not in period:
                continue
            if reported is not None and atom_reported != reported:
                continue
            if all(
                any(q == question and (not c or ch == c) for q, ch in answers)
                for question, c in (where or {}).items()
            ):
                chosen.add(index)
        return frozenset(chosen)

    def bound(self, atoms, low, high):
        old_low, old_high = self.bounds.get(atoms, (0, np.inf))
        self.bounds[atoms] = (max(low, old_low), min(high, old_high))

    def read_everything(self):
        national = self.client.get(RESULTS)
        published = PublishedMonth.objects.values_list("month", flat=True)
        for force in [None, BIG, MIDDLE, SMALL]:
            page = self.client.get(RESULTS, {"force": force or ""})
            offered = {period.key: period for period in page.context["periods"]}
            self.published.append((("periods", force), sorted(offered)))
            self._unoffered(force, offered, list(published))
            for key in offered:
                for reported in [None, True, False]:
                    self._read(force, offered[key], reported)
        return national

    def _unoffered(self, force, offered, published):
        """Each published month and whole quarter not offered has fewer than T."""
        for month in published:
            if f"{month:%Y-%m}" not in offered:
                self.bound(self.select(force, [month]), 0, T - 1)
        for start in published:
            if start.month % 3 == 1:
                quarter = [months.shift(start, i) for i in range(3)]
                key = f"{start.year}-Q{start.month // 3 + 1}"
                if set(quarter) <= set(published) and key not in offered:
                    self.bound(self.select(force, quarter), 0, T - 1)

    def _read(self, force, period, reported, breakdown=""):
        query = {
            "force": force or "",
            "period": period.key,
            "reported": {True: "yes", False: "no"}.get(reported, ""),
            "breakdown": breakdown,
        }
        text = self.client.get(CSV, query).content.decode()
        self.published.append((query, text))
        in_period = None if period.key == ALL_TIME else _in(period)
        where = {"force": force, "period": in_period, "reported": reported}
        rows = list(csv.reader(io.StringIO(text)))
        base = self.select(**where)
        if rows[2] == ["Respondents", "fewer than 10"]:
            self.bound(base, 0, T - 1)
            return
        self._figure(base, rows[2][1], large=True)
        for section, question_text, group, answer, count, _percent in rows[4:]:
            question = self.questions[(section, question_text)]
            group_filters, group_answers = dict(where), {}
            if breakdown == BY_FORCE:
                group_filters["force"] = FORCE_NAMES.get(group, "elsewhere")
            elif breakdown:
                group_answers[breakdown] = self.answers[breakdown][group]
            if count == "not shown":
                continue
            answered = self.select(**group_filters, where={**group_answers, question: ""})
            if answer == "Answered":
                self._figure(answered, count, large=True)
                table_size = sum(self.people[index] for index in answered)
            else:
                choice = self.answers[question][answer]
                cell = self.select(**group_filters, where={**group_answers, question: choice})
                self._figure(cell, count, large=table_size >= SMALL_TABLE)
        if not breakdown:
            offered = self.client.get(RESULTS, query).context["results"].breakdowns
            for key, _label in offered:
                self._read(force, period, reported, key)
            number, last = 1, 1
            while number <= last:  # every page of comments
                page = self.client.get(RESULTS, {**query, "comments_page": number})
                comments = page.context["comments"]
                for group in comments.groups if comments else ():
                    self.comments.update(group.texts)
                last = comments.page.paginator.num_pages if comments else 1
                # Every figure and comment on the page, less the sign-out form's token,
                # which is new for every page.
                html = re.sub(
                    r'name="csrfmiddlewaretoken" value="[^"]*"', "", page.content.decode()
                )
                self.published.append(((query, number), html))
                number += 1

    def _figure(self, atoms, shown, large):
        if shown == "fewer than 10":
            self.bound(atoms, 1 if large else 0, T - 1)
        elif int(shown) == 0:
            self.bound(atoms, 0, 0)
        else:
            self.bound(atoms, max(T, int(shown) - MAX_ERROR), int(shown) + MAX_ERROR)

    def feasible_range(self, atoms):
        """The least and most a sum of atoms can be, given everything published."""
        rows, limits = [], []
        for members, (low, high) in self.bounds.items():
            row = np.zeros(len(self.atoms))
            row[list(members)] = 1
            if np.isfinite(high):
                rows.append(row)
                limits.append(high)
            if low > 0:
                rows.append(-row)
                limits.append(-low)
        target = np.zeros(len(self.atoms))
        target[list(atoms)] = 1
        ends = []
        for sign in (1, -1):
            solved = linprog(sign * target, A_ub=np.array(rows), b_ub=np.array(limits))
            assert solved.status == 0, solved.message  # the truth always fits
            ends.append(sign * solved.fun)
        return tuple(ends)


def _in(period):
    """The months of a period other than all time."""
    month, inside = period.start, []
    while month < period.end:
        inside.append(month)
        month = months.shift(month, 1)
    return inside


def _intruder(client, django_user_model, monkeypatch):
    """A national analyst who may read comments, signed in, once the survey is stored."""
    monkeypatch.setenv("ANALYST_PASSWORD", "a-long-enough-password-9")
    call_command("create_analyst", "national-analyst", national=True)
    user = django_user_model.objects.get(username="national-analyst")
    user.user_permissions.add(Permission.objects.get(codename="view_free_text"))
    sign_in(client, user)
    return Intruder(client)


def _protected(intruder, atoms, true):
    """A planted count is protected if what is published allows it to be 0 or at least
    the threshold."""
    low, high = intruder.feasible_range(atoms)
    assert low - 1e-6 <= true <= high + 1e-6, "the truth is always feasible"
    return low < 1e-6 or high > T - 1e-6, (low, high)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_planted_people_cannot_be_recovered_from_everything_published(
    client, django_user_model, monkeypatch, seed
):
    _plant(seed)
    intruder = _intruder(client, django_user_model, monkeypatch)
    intruder.read_everything()
    views = [query for query, _text in intruder.published if isinstance(query, dict)]
    assert len(views) > 100  # every view was read: each CSV, and each page for comments
    period = _months()

    rare = intruder.select(SMALL, where={"ethnicity": "black", "believed": "never"})
    assert _protected(intruder, rare, 1)[0], _protected(intruder, rare, 1)

    quiet_month = intruder.select(MIDDLE, [period[4]])
    assert _protected(intruder, quiet_month, 3)[0], _protected(intruder, quiet_month, 3)

    # Everyone minus those who reported, in one month: its non-reporters.
    few = intruder.select(period=[period[2]], reported=False)
    assert _protected(intruder, few, 5)[0], _protected(intruder, few, 5)

    # The group of 11 who all said "never": nothing published may show that all but
    # fewer than the threshold of them gave that answer.
    group = intruder.select(BIG, period[:3], where={"ethnicity": "mixed", "believed": ""})
    never = intruder.select(BIG, period[:3], where={"ethnicity": "mixed", "believed": "never"})
    others = group - never
    low, high = intruder.feasible_range(others)
    assert high > T - 1e-6, (low, high)

    assert PLANTED_COMMENT not in intruder.comments
    assert intruder.comments  # comments were published, just not that one
    assert not any(PLANTED_COMMENT in text for _query, text in intruder.published)


def test_new_submissions_change_nothing_published(client, django_user_model, monkeypatch):
    _plant(4)
    intruder = _intruder(client, django_user_model, monkeypatch)
    intruder.read_everything()
    before = intruder.published
    for choice in ["never", "never", "always"]:
        SurveyResponse.objects.record(
            nonce=f"intruder-{choice}-{len(before)}-{random.random()}",
            version=QUESTIONNAIRE.version,
            answers={"reported": "yes_myself", "force": SMALL, "believed": choice},
        )
    call_command("tally_responses")
    publish_due()  # as the daily schedule would: the current month is not due
    again = Intruder(client)
    again.read_everything()
    assert again.published == before


def test_which_breakdowns_are_offered_says_nothing_the_page_does_not(admin_client):
    # Twelve respondents who all gave one ethnic group, and twelve of whom one did
    # not: the ethnicity table is withheld for both, and whether a breakdown by
    # ethnicity is offered must not tell them apart.
    first, second = _months()[:2]
    store(first, [{"ethnicity": ["white"]}] * 12, SMALL)
    store(second, [{"ethnicity": ["white"]}] * 11 + [{"ethnicity": ["black"]}], SMALL)
    publish_due()
    offered = [
        admin_client.get(RESULTS, {"force": SMALL, "period": f"{month:%Y-%m}"})
        .context["results"]
        .breakdowns
        for month in (first, second)
    ]
    assert offered[0] == offered[1]
    assert "ethnicity" not in dict(offered[0])


def test_a_trend_point_is_shown_whenever_its_month_shows_the_positive_answers(admin_client):
    # Both months show "always" and "often"; only the rest differs, 5 against 15. A
    # gap in one and not the other would say fewer than 10 did not feel believed.
    first, second = _months()[:2]
    few = [["always"]] * 30 + [["often"]] * 25 + [["never"]] * 5
    more = [["always"]] * 30 + [["often"]] * 25 + [["never"]] * 15
    store(first, [{"believed": b} for b in few], BIG)
    store(second, [{"believed": b} for b in more], BIG)
    publish_due()
    page = admin_client.get(RESULTS)  # every force together: month by month
    believed = next(t for t in page.context["trends"].series if t.question.key == "believed")
    points = {period.start: percent for period, percent in believed.points}
    assert points[first] is not None
    assert points[second] is not None
