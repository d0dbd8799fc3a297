"""Synthetic responses for demonstrations and benchmarks.

Answers are varied and realistic in shape: each force has its own underlying quality,
each respondent their own experience around it, scales lean with that experience, people
skip questions and sometimes prefer not to say. Rows go in with PostgreSQL's COPY, so
100,000 responses take well under a minute.
"""

import json
import math
import random
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from surveys import sql
from surveys.database_roles import RunsAsOwner
from surveys.forces import FORCE_SLUGS, FORCES
from surveys.models import (
    RECORD_KEYS,
    AnswerTally,
    PublishedMonth,
    SurveyResponse,
    UntalliedResponse,
)
from surveys.months import shift
from surveys.questionnaire import (
    FORCE_QUESTIONS,
    NOT_REPORTED_ANSWER,
    REPORTED_BY_SOMEONE_ELSE,
    REPORTED_MYSELF,
    Audience,
    Kind,
    Question,
    Questionnaire,
    live,
)

# The stress profile spreads its responses over two years; the realistic one over the
# months the survey keeps (RETENTION_MONTHS), as analysts see it once it has run that
# long: long enough for years (April to March) to compare.
MONTHS_BACK = 24
SKIP_RATE = 0.08
# Ordered scales, best answer first; for these the answer leans with the experience.
BEST_FIRST = {
    "dignity_respect", "believed", "taken_seriously", "kept_informed", "understood",
    "felt_safe", "not_my_fault", "expectations", "good_job", "mental_health",
    "report_again", "support_helpful", "reassured", "comfortable", "valued",
    "physical_health", "safety_day_to_day", "trust_in_police", "encourage_friend",
    "devices_explained", "records_explained",
}  # fmt: skip
WORST_FIRST = {"pressure_to_withdraw"}
# Bigger forces get more responses (the stress profile).
FORCE_WEIGHTS = {
    "metropolitan": 8,
    "west-midlands": 3,
    "greater-manchester": 3,
    "west-yorkshire": 3,
}
# The realistic profile: responses in proportion to the people each force serves, in
# thousands, roughly (British Transport Police, which serves the railways, by a
# guess); about 3,000 responses a year nationally, as the national survey drew; and a
# small share of people who did not report.
POPULATION = {
    "avon-and-somerset": 1750, "bedfordshire": 700, "british-transport-police": 600,
    "cambridgeshire": 900, "cheshire": 1100, "city-of-london": 10, "cleveland": 570,
    "cumbria": 500, "derbyshire": 1060, "devon-and-cornwall": 1800, "dorset": 780,
    "durham": 640, "dyfed-powys": 520, "essex": 1880, "gloucestershire": 650,
    "greater-manchester": 2900, "gwent": 600, "hampshire-and-isle-of-wight": 2000,
    "hertfordshire": 1200, "humberside": 940, "kent": 1900, "lancashire": 1550,
    "leicestershire": 1130, "lincolnshire": 770, "merseyside": 1430, "metropolitan": 8900,
    "norfolk": 920, "north-wales": 690, "north-yorkshire": 830, "northamptonshire": 790,
    "northumbria": 1480, "nottinghamshire": 1180, "south-wales": 1340,
    "south-yorkshire": 1420, "staffordshire": 1140, "suffolk": 770, "surrey": 1220,
    "sussex": 1720, "thames-valley": 2460, "warwickshire": 610, "west-mercia": 1310,
    "west-midlands": 2950, "west-yorkshire": 2380, "wiltshire": 740,
}  # fmt: skip
REALISTIC_A_YEAR = 3000
PROFILES: dict[str, tuple[Callable[[str], int], float]] = {
    # (weights by force, share of non-reporters)
    "stress": (lambda slug: FORCE_WEIGHTS.get(slug, 1), 0.20),
    "realistic": (POPULATION.__getitem__, 0.10),
}
FREE_TEXT = [
    "The officer who took my statement was kind and patient.",
    "Nobody told me what was happening for months.",
    "I felt judged when I was asked what I was wearing.",
    "My ISVA was the only person who kept me going.",
    "I wish I had been told the case was closed before I read the letter.",
    "They believed me, and that meant everything.",
]


class Command(RunsAsOwner, BaseCommand):  # bulk loads and analyses: surveys/database_roles.py
    help = (
        "Insert synthetic responses (for demos, tests and benchmarks): --profile stress "
        "(the default) for N responses weighted to a few big forces, or --profile "
        "realistic for the national survey's volume, about 3,000 a year, split across "
        "forces by the people they serve."
    )
    not_reported: float  # the profile's share of people who did not report

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--count",
            type=int,
            help=f"How many; the realistic profile's default is {REALISTIC_A_YEAR:,} a year "
            "over the months the survey keeps (RETENTION_MONTHS).",
        )
        parser.add_argument("--force", help="Only this force (slug); default: all forces.")
        parser.add_argument(
            "--seed", type=int, default=None, help="Make the answers (not the ids) repeatable."
        )
        parser.add_argument("--profile", choices=sorted(PROFILES), default="stress")

    def handle(
        self,
        *args: Any,
        count: int | None,
        force: str | None,
        seed: int | None,
        profile: str,
        **options: Any,
    ) -> None:
        span = settings.RETENTION_MONTHS if profile == "realistic" else MONTHS_BACK
        if count is None:
            if profile != "realistic":
                raise CommandError("--count is needed, except with --profile realistic.")
            count = REALISTIC_A_YEAR * span // 12
        if count < 1:
            raise CommandError("--count must be at least 1.")
        if force and force not in FORCE_SLUGS:
            raise CommandError(f"Unknown force {force!r}. Known: {', '.join(sorted(FORCE_SLUGS))}")
        rng = random.Random(seed)
        forces = [force] if force else [slug for slug, _name in FORCES]
        weight, self.not_reported = PROFILES[profile]
        weights = [weight(slug) for slug in forces]
        quality = {slug: rng.gauss(0, 0.6) for slug in forces}
        this_month = date.today().replace(day=1)
        # A published month's figures never change (surveys.publication): seed the rest.
        published = set(PublishedMonth.objects.values_list("month", flat=True))
        months = [shift(this_month, -back) for back in range(span)]
        months = [month for month in months if month not in published]
        if not months:
            raise CommandError("Every month it would seed is published already.")
        with transaction.atomic(), connection.cursor() as cursor:
            # A bulk load legitimately outlasts the web's 30-second statement timeout.
            sql.unlimited_time(cursor)
            fields = ["id", "questionnaire_version", "force", "reported", "submitted_month"]
            fields += ["choices", "free_text", "record_key"]
            with sql.copy_into(SurveyResponse, fields) as responses:
                ids: list[uuid.UUID] = []
                for _ in range(count):
                    # Ids are random whatever the seed: two runs with one seed (for two
                    # forces, say) must not collide.
                    response_id = uuid.uuid4()
                    chosen_force = rng.choices(forces, weights)[0]
                    month = rng.choice(months)
                    # Each month's responses answer the version live in that month.
                    questionnaire = live(month)
                    given = self._answers(
                        rng, questionnaire, chosen_force, quality[chosen_force], force
                    )
                    reported = given.get("reported") != NOT_REPORTED_ANSWER
                    stored_force = SurveyResponse.force_of(given)
                    choices, free_text = SurveyResponse.stored(given)
                    responses.write_row(
                        (
                            response_id,
                            questionnaire.version,
                            stored_force,
                            reported,
                            month,
                            json.dumps(choices),
                            free_text,
                            rng.randrange(RECORD_KEYS),
                        )
                    )
                    ids.append(response_id)
            # Queued like any submission, and counted into the tally in one go.
            with sql.copy_into(UntalliedResponse, ["response"]) as copy:
                for response_id in ids:
                    copy.write_row((response_id,))
            AnswerTally.objects.catch_up()
        # Fresh statistics after a bulk load, or the planner guesses badly (a national
        # breakdown count took three times as long before this).
        sql.analyze(SurveyResponse, AnswerTally)
        self.stdout.write(
            self.style.SUCCESS(
                f"Inserted {count} synthetic responses. Analysts see the months that have "
                "closed once `manage.py publish_results` has run."
            )
        )

    def _answers(
        self,
        rng: random.Random,
        questionnaire: Questionnaire,
        force: str,
        quality: float,
        fixed_force: str | None,
    ) -> dict[str, str | list[str]]:
        """One respondent's answers, by question key."""
        if fixed_force:
            reported = rng.choice([REPORTED_MYSELF, REPORTED_BY_SOMEONE_ELSE])
        else:
            share = self.not_reported
            reported = rng.choices(
                [REPORTED_MYSELF, REPORTED_BY_SOMEONE_ELSE, NOT_REPORTED_ANSWER],
                [0.875 * (1 - share), 0.125 * (1 - share), share],
            )[0]
        audience = Audience.NOT_REPORTED if reported == NOT_REPORTED_ANSWER else Audience.REPORTED
        experience = quality + rng.gauss(0, 1)
        answers: dict[str, str | list[str]] = {"reported": reported}
        for section in questionnaire.sections_for(audience):
            for question in section.questions:
                if question.key in FORCE_QUESTIONS:
                    answers[question.key] = force if rng.random() > 0.03 else "dont_know"
                elif rng.random() < SKIP_RATE:
                    continue
                elif question.kind is Kind.TEXT:
                    if rng.random() < 0.05:
                        answers[question.key] = rng.choice(FREE_TEXT)
                elif question.kind is Kind.MULTIPLE:
                    if picked := self._several(rng, question):
                        answers[question.key] = picked
                else:
                    answers[question.key] = self._one(rng, question, experience)
        return answers

    @staticmethod
    def _several(rng: random.Random, question: Question) -> list[str]:
        ordinary = [c.key for c in question.choices if not c.exclusive]
        picked = [key for i, key in enumerate(ordinary) if rng.random() < 0.45 / (1 + i * 0.3)]
        exclusive = [c.key for c in question.choices if c.exclusive]
        if not picked and exclusive and rng.random() < 0.5:
            picked = [rng.choice(exclusive)]
        return picked

    @staticmethod
    def _one(rng: random.Random, question: Question, experience: float) -> str:
        ordinary = [c.key for c in question.choices if not c.exclusive]
        exclusive = [c.key for c in question.choices if c.exclusive]
        if exclusive and rng.random() < 0.05:
            return rng.choice(exclusive)
        if question.key in BEST_FIRST or question.key in WORST_FIRST:
            lean = experience if question.key in BEST_FIRST else -experience
            position = (1 - 1 / (1 + math.exp(-lean))) * (len(ordinary) - 1) + rng.gauss(0, 0.7)
            return ordinary[min(max(round(position), 0), len(ordinary) - 1)]
        return rng.choices(ordinary, [1 / (i + 1) ** 0.7 for i in range(len(ordinary))])[0]
