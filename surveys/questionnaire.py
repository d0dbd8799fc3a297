"""The questionnaire: every section, question and answer option, in one place.

Keys are stable. Stored answers refer to question and choice keys, never to wording, so
results stay comparable when wording changes. Change the wording freely; change what a
question *means* (its choices included) only with a new key, and add a version whenever
anything a respondent sees changes. A question names the first version that asks it
(``since``) and, once it is replaced or dropped, the last (``until``): it stays here for
good, so that the answers given to it are still read, counted and exported.

A version goes live on the first day of a quarter (LIVE_FROM), never within one: a
response stores the version live when it was sent, which then says nothing about when
in the quarter that was, the most research rows show (docs/questionnaire.md).

Every question is optional except the two eligibility questions, which decide whether
the survey is for this person and which sections apply to them.
"""

import dataclasses
import enum
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from surveys.forces import FORCES

FIRST_VERSION = "2026.1"
VERSION = "2027.1"  # the newest
# The first day of the first month each version is asked in, oldest first.
LIVE_FROM = {
    FIRST_VERSION: date(2026, 1, 1),
    VERSION: date(2027, 1, 1),
}
FREE_TEXT_MAX_LENGTH = 4000
# The questions whose answer is the force a response counts for (SurveyResponse.force): the
# force a reporter reported to, or, from 2027.1, the area someone who did not report
# named. A respondent is asked one of them at most (docs/questionnaire.md).
FORCE_QUESTIONS = ("force", "force_area")


class Kind(enum.StrEnum):
    SINGLE = "single"  # radios (or a select for long lists)
    MULTIPLE = "multiple"  # checkboxes
    TEXT = "text"  # free text


class Audience(enum.StrEnum):
    EVERYONE = "everyone"
    REPORTED = "reported"
    NOT_REPORTED = "not_reported"


@dataclass(frozen=True)
class Choice:
    key: str
    label: StrOrPromise
    # On checkboxes, an exclusive choice ("None of these", "Prefer not to say") cannot
    # be combined with any other; on both kinds it is set apart by an "or" divider.
    exclusive: bool = False
    hint: StrOrPromise = ""


@dataclass(frozen=True)
class Question:
    key: str
    text: StrOrPromise
    kind: Kind
    choices: tuple[Choice, ...] = ()
    hint: StrOrPromise = ""
    select: bool = False  # a long single-choice list shown as a drop-down
    personal: bool = False  # equality data: always offers "Prefer not to say"
    since: str = FIRST_VERSION  # the first version that asks it
    until: str = ""  # the last version that asks it; "" while it is still asked

    @property
    def caption(self) -> StrOrPromise:
        """The question as analysts see it: with the versions that ask it, unless every
        version does (a question replaced has the same words as its replacement)."""
        if self.until:
            return _("%(text)s (asked up to version %(version)s)") % {
                "text": self.text,
                "version": self.until,
            }
        if self.since != FIRST_VERSION:
            return _("%(text)s (asked from version %(version)s)") % {
                "text": self.text,
                "version": self.since,
            }
        return self.text

    def asked_in(self, version: str) -> bool:
        order = list(LIVE_FROM)
        asked = order[order.index(self.since) :]
        if self.until:
            asked = asked[: asked.index(self.until) + 1]
        return version in asked

    @cached_property
    def choice_keys(self) -> frozenset[str]:
        return frozenset(choice.key for choice in self.choices)

    def label_for(self, choice_key: str) -> StrOrPromise:
        for choice in self.choices:
            if choice.key == choice_key:
                return choice.label
        return choice_key


@dataclass(frozen=True)
class Section:
    key: str
    title: StrOrPromise
    questions: tuple[Question, ...]
    audience: Audience = Audience.EVERYONE
    intro: StrOrPromise = ""


@dataclass(frozen=True)
class Questionnaire:
    version: str
    eligibility: Section
    sections: tuple[Section, ...] = field(default=())

    def asked_in(self, version: str) -> "Questionnaire":
        """The questionnaire as ``version`` asks it: its questions only, and only the
        sections that keep any."""
        sections: list[Section] = []
        for section in self.sections:
            questions = tuple(q for q in section.questions if q.asked_in(version))
            if questions:
                sections.append(dataclasses.replace(section, questions=questions))
        return Questionnaire(version, self.eligibility, tuple(sections))

    def sections_for(self, audience: Audience) -> list[Section]:
        return [s for s in self.sections if s.audience in (Audience.EVERYONE, audience)]

    @cached_property
    def questions(self) -> dict[str, Question]:
        """Every question by key, eligibility included."""
        every = [self.eligibility, *self.sections]
        return {q.key: q for section in every for q in section.questions}

    @cached_property
    def stored_questions(self) -> list[Question]:
        """The questions whose answers are stored, in questionnaire order."""
        return [q for key, q in self.questions.items() if key != AGE_GATE]


def _choices(
    *pairs: tuple[str, StrOrPromise], exclusive: Collection[str] = ()
) -> tuple[Choice, ...]:
    return tuple(Choice(key, label, exclusive=key in exclusive) for key, label in pairs)


PREFER_NOT = ("prefer_not", _("Prefer not to say"))
DONT_KNOW = ("dont_know", _("I do not know"))

FREQUENCY = _choices(
    ("always", _("Always")),
    ("often", _("Often")),
    ("sometimes", _("Sometimes")),
    ("rarely", _("Rarely")),
    ("never", _("Never")),
    ("not_applicable", _("Does not apply to me")),
    exclusive={"not_applicable"},
)

AGREEMENT = _choices(
    ("strongly_agree", _("Strongly agree")),
    ("agree", _("Agree")),
    ("neither", _("Neither agree nor disagree")),
    ("disagree", _("Disagree")),
    ("strongly_disagree", _("Strongly disagree")),
    DONT_KNOW,
    exclusive={"dont_know"},
)

IMPORTANCE = _choices(
    ("very", _("Very important")),
    ("fairly", _("Fairly important")),
    ("not_very", _("Not very important")),
    ("not_at_all", _("Not at all important")),
    DONT_KNOW,
    exclusive={"dont_know"},
)


EFFECT = _choices(
    ("very_positive", _("A very positive effect")),
    ("positive", _("A positive effect")),
    ("no_effect", _("No effect")),
    ("negative", _("A negative effect")),
    ("very_negative", _("A very negative effect")),
    PREFER_NOT,
    exclusive={"prefer_not"},
)

EXPLAINED = (
    ("very_well", _("Very well")),
    ("fairly_well", _("Fairly well")),
    ("not_very_well", _("Not very well")),
    ("not_at_all", _("Not at all")),
)

WOULD_YOU = _choices(
    ("definitely", _("Yes, definitely")),
    ("probably", _("Yes, probably")),
    ("probably_not", _("Probably not")),
    ("definitely_not", _("Definitely not")),
    ("not_sure", _("I am not sure")),
    exclusive={"not_sure"},
)

_NOT_REPORTING_REASONS = (
    ("not_believed", _("I thought I would not be believed")),
    ("process", _("I was worried about what the process would involve")),
    ("fear_of_perpetrator", _("I was afraid of the person who did it")),
    ("not_serious", _("I did not think the police would take it seriously")),
    ("others_knowing", _("I did not want other people to find out")),
    ("previous_experience", _("A bad experience with the police before")),
    ("distrust", _("I do not trust the police")),
    ("did_not_know_how", _("I did not know how to report it")),
    ("move_on", _("I wanted to put it behind me")),
    ("something_else", _("Something else")),
)


def _frequency(key: str, text: StrOrPromise, since: str = FIRST_VERSION) -> Question:
    return Question(key, text, Kind.SINGLE, FREQUENCY, since=since)


def _effect(key: str, text: StrOrPromise, since: str = FIRST_VERSION) -> Question:
    return Question(key, text, Kind.SINGLE, EFFECT, since=since)


def _asked_for(key: str, text: StrOrPromise, hint: StrOrPromise) -> Question:
    return Question(
        key,
        text,
        Kind.SINGLE,
        _choices(*YES_NO_DID_THEY, DONT_KNOW, exclusive={"dont_know"}),
        hint=hint,
        since=VERSION,
    )


def _explained(key: str, text: StrOrPromise, not_asked: StrOrPromise) -> Question:
    return Question(
        key,
        text,
        Kind.SINGLE,
        _choices(*EXPLAINED, ("not_applicable", not_asked), exclusive={"not_applicable"}),
        since=VERSION,
    )


YES = "yes"
NO = "no"


# "Yes" and "No" for each kind of question: Welsh answers with the question's own verb
# ("Ydw", "Ydy", "Oes", "Do"), so each kind has a translation of its own.
YES_NO_ARE_YOU = (
    (YES, pgettext_lazy("answer to “Are you…?”", "Yes")),
    (NO, pgettext_lazy("answer to “Are you…?”", "No")),
)
YES_NO_IS_IT = (
    (YES, pgettext_lazy("answer to “Is it…?”", "Yes")),
    (NO, pgettext_lazy("answer to “Is it…?”", "No")),
)
YES_NO_DO_YOU_HAVE = (
    (YES, pgettext_lazy("answer to “Do you have…?”", "Yes")),
    (NO, pgettext_lazy("answer to “Do you have…?”", "No")),
)
YES_NO_DID_THEY = (
    (YES, pgettext_lazy("answer to “Did the police…?”", "Yes")),
    (NO, pgettext_lazy("answer to “Did the police…?”", "No")),
)


# The answers to "Was what happened reported to the police?" (the question "reported"),
# and those of them that mean it was: who is asked which sections (Audience).
REPORTED_MYSELF = "yes_myself"
REPORTED_BY_SOMEONE_ELSE = "yes_someone_else"
NOT_REPORTED_ANSWER = "no"
REPORTED_ANSWERS = frozenset({REPORTED_MYSELF, REPORTED_BY_SOMEONE_ELSE})

# Asked only to decide who may answer (under-18s are sent to help instead); never stored.
AGE_GATE = "age_18_or_over"
FREE_TEXT_QUESTION = "free_text"

ELIGIBILITY = Section(
    key="eligibility",
    title=_("Before you start"),
    questions=(
        Question(
            AGE_GATE,
            _("Are you aged 18 or over?"),
            Kind.SINGLE,
            _choices(*YES_NO_ARE_YOU),
        ),
        Question(
            "reported",
            _("Did you, or someone else, report what happened to the police?"),
            Kind.SINGLE,
            _choices(
                (REPORTED_MYSELF, _("Yes, I reported it")),
                (REPORTED_BY_SOMEONE_ELSE, _("Yes, someone else reported it")),
                (NOT_REPORTED_ANSWER, _("No, it was not reported to the police")),
            ),
            hint=_("We ask so that we only show you questions that apply to you."),
        ),
    ),
)

SECTIONS = (
    Section(
        key="not_reporting",
        title=_("Why it was not reported"),
        audience=Audience.NOT_REPORTED,
        intro=_(
            "Many people decide not to go to the police. Your reasons help the police "
            "understand what stops people from coming forward."
        ),
        questions=(
            Question(
                "reasons_not_reported",
                _("Why did you decide not to report it to the police?"),
                Kind.MULTIPLE,
                _choices(*_NOT_REPORTING_REASONS, PREFER_NOT, exclusive={"prefer_not"}),
                hint=_("Select all that apply."),
                until=FIRST_VERSION,
            ),
            # A choice added changes what the others' shares mean: a new key.
            Question(
                "reasons_not_reported_2027",
                _("Why did you decide not to report it to the police?"),
                Kind.MULTIPLE,
                _choices(
                    *_NOT_REPORTING_REASONS[:1],
                    ("embarrassed", _("I felt embarrassed or ashamed")),
                    *_NOT_REPORTING_REASONS[1:],
                    PREFER_NOT,
                    exclusive={"prefer_not"},
                ),
                hint=_("Select all that apply."),
                since=VERSION,
            ),
            # Not the force the respondent chose (SurveyResponse.force): docs/questionnaire.md.
            Question(
                "force_area",
                _("In which police force area did it happen?"),
                Kind.SINGLE,
                (
                    *(Choice(slug, name) for slug, name in FORCES),
                    Choice("outside", _("Outside England and Wales")),
                    Choice(*DONT_KNOW),
                    Choice(*PREFER_NOT),
                ),
                hint=_(
                    "You do not have to answer. Police forces only ever see totals added "
                    "together from many people’s answers, never yours on its own."
                ),
                select=True,
                since=VERSION,
            ),
        ),
    ),
    Section(
        key="report",
        title=_("About your report"),
        audience=Audience.REPORTED,
        questions=(
            Question(
                "force",
                _("Which police force was it reported to?"),
                Kind.SINGLE,
                (
                    *(Choice(slug, name) for slug, name in FORCES),
                    Choice(*DONT_KNOW),
                    Choice(*PREFER_NOT),
                ),
                hint=_(
                    "If more than one force was involved, choose the one that dealt with "
                    "your case the most."
                ),
                select=True,
            ),
            Question(
                "when_reported",
                _("When was it reported?"),
                Kind.SINGLE,
                _choices(
                    ("last_6_months", _("In the last 6 months")),
                    ("6_to_12_months", _("6 to 12 months ago")),
                    ("1_to_2_years", _("1 to 2 years ago")),
                    ("2_to_5_years", _("2 to 5 years ago")),
                    ("more_than_5_years", _("More than 5 years ago")),
                    DONT_KNOW,
                    exclusive={"dont_know"},
                ),
            ),
            Question(
                "how_reported",
                _("How was it reported?"),
                Kind.MULTIPLE,
                _choices(
                    ("phone", _("By phone, on 999 or 101")),
                    ("in_person", _("In person, at a police station")),
                    ("online", _("Online")),
                    ("support_service", _("Through a support service or a sexual assault centre")),
                    ("officer", _("To an officer who was already involved")),
                    ("something_else", _("Some other way")),
                    DONT_KNOW,
                    exclusive={"dont_know"},
                ),
                hint=_("Select all that apply."),
            ),
            Question(
                "time_to_report",
                _("How long after it happened was it reported?"),
                Kind.SINGLE,
                _choices(
                    ("within_a_week", _("Within a week")),
                    ("within_a_month", _("Within a month")),
                    ("within_a_year", _("Within a year")),
                    ("more_than_a_year", _("More than a year later")),
                    PREFER_NOT,
                    exclusive={"prefer_not"},
                ),
            ),
            Question(
                "relationship",
                _("What was your relationship to the person who did it, at the time?"),
                Kind.SINGLE,
                _choices(
                    ("partner", _("A partner or ex-partner")),
                    ("family", _("A family member")),
                    ("friend", _("A friend or acquaintance")),
                    ("work_or_study", _("Someone from work, school or college")),
                    ("online", _("Someone I met online or through a dating app")),
                    ("stranger", _("A stranger")),
                    ("more_than_one", _("More than one person")),
                    ("something_else", _("Something else")),
                    PREFER_NOT,
                    exclusive={"prefer_not"},
                ),
            ),
            Question(
                "case_status",
                _("Where is your case now?"),
                Kind.SINGLE,
                _choices(
                    ("investigating", _("The police are still investigating")),
                    ("no_further_action", _("The police decided to take no further action")),
                    ("charged", _("Someone has been charged and the case is going to court")),
                    ("court_finished", _("The case went to court and has finished")),
                    ("withdrawn", _("I withdrew from the case")),
                    ("something_else", _("Something else")),
                    DONT_KNOW,
                    exclusive={"dont_know"},
                ),
            ),
        ),
    ),
    Section(
        key="reasons",
        title=_("Why it was reported"),
        audience=Audience.REPORTED,
        questions=(
            Question(
                "reasons_reported",
                _("Why was it reported to the police?"),
                Kind.MULTIPLE,
                _choices(
                    ("protect_others", _("To stop it happening to someone else")),
                    ("justice", _("To see the person who did it punished")),
                    ("protect_myself", _("To keep myself safe")),
                    ("be_heard", _("To have what happened recognised")),
                    ("support", _("To get support")),
                    ("encouraged", _("Someone encouraged me to")),
                    ("something_else", _("Something else")),
                    PREFER_NOT,
                    exclusive={"prefer_not"},
                ),
                hint=_("Select all that apply."),
            ),
            Question(
                "importance_charge",
                _("How important was it to you that the person was charged?"),
                Kind.SINGLE,
                IMPORTANCE,
            ),
            Question(
                "importance_conviction",
                _("How important was it to you that the person was convicted in court?"),
                Kind.SINGLE,
                IMPORTANCE,
            ),
        ),
    ),
    Section(
        key="treatment",
        title=_("How you were treated"),
        audience=Audience.REPORTED,
        intro=_(
            "Think about all the police officers and staff you dealt with. How often did they:"
        ),
        questions=(
            _frequency("dignity_respect", _("treat you with dignity and respect?")),
            _frequency("believed", _("believe you?")),
            _frequency("taken_seriously", _("take what you said seriously?")),
            _frequency("kept_informed", _("keep you informed about your case?")),
            _frequency("understood", _("understand what it was like for you?")),
            _frequency("felt_safe", _("make you feel safe?")),
            _frequency("reassured", _("make you feel reassured?"), since=VERSION),
            _frequency(
                "comfortable", _("make you feel comfortable talking to them?"), since=VERSION
            ),
            _frequency("valued", _("make you feel valued?"), since=VERSION),
            _frequency("not_my_fault", _("make it clear that what happened was not your fault?")),
            _frequency(
                "pressure_to_withdraw", _("put pressure on you to withdraw from the case?")
            ),
        ),
    ),
    Section(
        key="overall",
        title=_("Overall"),
        audience=Audience.REPORTED,
        questions=(
            Question(
                "expectations",
                _("Compared with what you expected, how was your experience with the police?"),
                Kind.SINGLE,
                _choices(
                    ("much_better", _("Much better than I expected")),
                    ("better", _("Better than I expected")),
                    ("as_expected", _("About what I expected")),
                    ("worse", _("Worse than I expected")),
                    ("much_worse", _("Much worse than I expected")),
                    ("no_expectations", _("I did not know what to expect")),
                    exclusive={"no_expectations"},
                ),
            ),
            Question(
                "good_job",
                _("How much do you agree: “The police in my case did a good job”?"),
                Kind.SINGLE,
                AGREEMENT,
            ),
            _effect(
                "mental_health",
                _("What effect did dealing with the police have on your mental health?"),
            ),
            _effect(
                "physical_health",
                _("What effect did dealing with the police have on your physical health?"),
                since=VERSION,
            ),
            _effect(
                "safety_day_to_day",
                _(
                    "What effect did dealing with the police have on how safe you feel "
                    "from day to day?"
                ),
                since=VERSION,
            ),
            _effect(
                "trust_in_police",
                _(
                    "What effect did dealing with the police have on how much you trust "
                    "the police?"
                ),
                since=VERSION,
            ),
            Question(
                "report_again",
                _("If something like this happened again, would you report it to the police?"),
                Kind.SINGLE,
                WOULD_YOU,
            ),
            Question(
                "encourage_friend",
                _(
                    "If a friend told you something like this had happened to them, would "
                    "you encourage them to report it to the police?"
                ),
                Kind.SINGLE,
                WOULD_YOU,
                since=VERSION,
            ),
        ),
    ),
    Section(
        key="phone_and_records",
        title=_("Your phone and personal records"),
        audience=Audience.REPORTED,
        intro=_(
            "During an investigation, the police sometimes ask for a victim’s phone, other "
            "devices or personal records."
        ),
        questions=(
            _asked_for(
                "asked_for_devices",
                _("Did the police ask for your phone or any of your other devices?"),
                _("For example, a laptop, a tablet or a smartwatch."),
            ),
            _explained(
                "devices_explained",
                _(
                    "How well did the police explain why they wanted your phone or devices, "
                    "and what would happen to them?"
                ),
                _("They did not ask for my phone or devices"),
            ),
            _asked_for(
                "asked_for_records",
                _("Did the police ask for your counselling, medical or other personal records?"),
                _(
                    "For example, notes from counselling or therapy, medical records, or "
                    "records from school, social services or work."
                ),
            ),
            _explained(
                "records_explained",
                _(
                    "How well did the police explain why they wanted your records, and who "
                    "would see them?"
                ),
                _("They did not ask for my records"),
            ),
        ),
    ),
    Section(
        key="support",
        title=_("Support"),
        audience=Audience.REPORTED,
        questions=(
            Question(
                "isva",
                _("Did you have an independent sexual violence adviser (ISVA)?"),
                Kind.SINGLE,
                _choices(
                    (YES, pgettext_lazy("answer to “Did you have…?”", "Yes")),
                    ("no_wanted", _("No, but I would have liked one")),
                    ("no_not_wanted", _("No, I did not want one")),
                    DONT_KNOW,
                    exclusive={"dont_know"},
                ),
                hint=_(
                    "An ISVA gives independent support and advice to people who have "
                    "experienced sexual violence, including through a police investigation."
                ),
            ),
            Question(
                "other_support",
                _("What other support did you have?"),
                Kind.MULTIPLE,
                _choices(
                    ("rape_crisis", _("A Rape Crisis centre or another specialist service")),
                    ("sarc", _("A sexual assault referral centre (SARC)")),
                    ("counselling", _("Counselling or therapy")),
                    ("gp", _("A GP or other health service")),
                    ("victim_support", _("Victim Support or another victims’ service")),
                    ("family_friends", _("Family or friends")),
                    ("something_else", _("Something else")),
                    ("none", _("No other support")),
                    exclusive={"none"},
                ),
                hint=_("Select all that apply."),
            ),
            Question(
                "support_wait",
                _("How long did you wait for support after asking for it?"),
                Kind.SINGLE,
                _choices(
                    ("no_wait", _("I did not have to wait")),
                    ("under_1_month", _("Less than a month")),
                    ("1_to_3_months", _("1 to 3 months")),
                    ("3_to_6_months", _("3 to 6 months")),
                    ("over_6_months", _("More than 6 months")),
                    ("still_waiting", _("I am still waiting")),
                    ("not_applicable", _("I did not ask for support")),
                    exclusive={"not_applicable"},
                ),
            ),
            Question(
                "support_helpful",
                _("How helpful was the support you had?"),
                Kind.SINGLE,
                _choices(
                    ("very", _("Very helpful")),
                    ("fairly", _("Fairly helpful")),
                    ("not_very", _("Not very helpful")),
                    ("not_at_all", _("Not at all helpful")),
                    ("not_applicable", _("I did not have any support")),
                    exclusive={"not_applicable"},
                ),
            ),
        ),
    ),
    Section(
        key="about_you",
        title=_("About you"),
        intro=_(
            "We ask these questions to check whether the police treat everyone fairly, "
            "whatever their age, sex, sexuality, ethnicity or disability. Your answers "
            "cannot be used to identify you. Answer only what you want to."
        ),
        questions=(
            Question(
                "age_band",
                _("How old are you?"),
                Kind.SINGLE,
                _choices(
                    ("18_24", _("18 to 24")),
                    ("25_34", _("25 to 34")),
                    ("35_44", _("35 to 44")),
                    ("45_54", _("45 to 54")),
                    ("55_64", _("55 to 64")),
                    ("65_plus", _("65 or over")),
                    PREFER_NOT,
                    exclusive={"prefer_not"},
                ),
                personal=True,
            ),
            Question(
                "sex",
                _("What is your sex?"),
                Kind.SINGLE,
                _choices(
                    ("female", _("Female")),
                    ("male", _("Male")),
                    PREFER_NOT,
                    exclusive={"prefer_not"},
                ),
                personal=True,
            ),
            Question(
                "gender_same_as_sex",
                _("Is the gender you identify with the same as your sex registered at birth?"),
                Kind.SINGLE,
                _choices(*YES_NO_IS_IT, PREFER_NOT, exclusive={"prefer_not"}),
                personal=True,
            ),
            Question(
                "sexual_orientation",
                _("Which of these best describes your sexual orientation?"),
                Kind.SINGLE,
                _choices(
                    ("straight", _("Straight or heterosexual")),
                    ("gay_lesbian", _("Gay or lesbian")),
                    ("bisexual", _("Bisexual")),
                    ("other", _("Another sexual orientation")),
                    PREFER_NOT,
                    exclusive={"prefer_not"},
                ),
                personal=True,
            ),
            Question(
                "ethnicity",
                _("What is your ethnic group?"),
                Kind.SINGLE,
                _choices(
                    ("asian", _("Asian, Asian British or Asian Welsh")),
                    ("black", _("Black, Black British, Black Welsh, Caribbean or African")),
                    ("mixed", _("Mixed or multiple ethnic groups")),
                    ("white", _("White")),
                    ("other", _("Another ethnic group")),
                    PREFER_NOT,
                    exclusive={"prefer_not"},
                ),
                personal=True,
            ),
            Question(
                "disability",
                _(
                    "Do you have any physical or mental health conditions or illnesses "
                    "lasting or expected to last 12 months or more?"
                ),
                Kind.SINGLE,
                _choices(*YES_NO_DO_YOU_HAVE, PREFER_NOT, exclusive={"prefer_not"}),
                personal=True,
            ),
            Question(
                "disability_impact",
                _(
                    "Do any of your conditions or illnesses reduce your ability to carry out "
                    "day-to-day activities?"
                ),
                Kind.SINGLE,
                _choices(
                    ("a_lot", _("Yes, a lot")),
                    ("a_little", _("Yes, a little")),
                    ("not_at_all", _("Not at all")),
                    ("no_conditions", _("I do not have any conditions or illnesses")),
                    PREFER_NOT,
                    exclusive={"prefer_not"},
                ),
                personal=True,
            ),
        ),
    ),
    Section(
        key="own_words",
        title=_("In your own words"),
        questions=(
            Question(
                FREE_TEXT_QUESTION,
                _("Is there anything else you would like to tell us about your experience?"),
                Kind.TEXT,
                hint=_(
                    "Please do not include names, places, dates or any other details that "
                    "could identify you or anyone else."
                ),
            ),
        ),
    ),
)

# Every question any version has asked: what stored answers are read, counted and
# exported against. A respondent is asked one version's questions (live).
QUESTIONNAIRE = Questionnaire(version=VERSION, eligibility=ELIGIBILITY, sections=SECTIONS)
QUESTIONNAIRES = {version: QUESTIONNAIRE.asked_in(version) for version in LIVE_FROM}


def live(day: date | None = None) -> Questionnaire:
    """The questionnaire respondents are asked on ``day`` (today, where the service
    runs, by default): the newest version live by then."""
    day = day or timezone.localdate()
    started = [version for version, start in LIVE_FROM.items() if start <= day]
    return QUESTIONNAIRES[started[-1] if started else FIRST_VERSION]


def first_asked(key: str) -> date | None:
    """The first day a version asking question ``key`` went live, or None if none does."""
    return min(
        (
            start
            for version, start in LIVE_FROM.items()
            if key in QUESTIONNAIRES[version].questions
        ),
        default=None,
    )


def audience_for(reported: str | None) -> Audience:
    """Which sections apply, from the answer to the `reported` question."""
    return Audience.REPORTED if reported in REPORTED_ANSWERS else Audience.NOT_REPORTED
