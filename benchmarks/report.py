"""The benchmark's report: Markdown tables, each figure next to its floor, and the
issue's targets with whether this run met them."""

import os
import statistics
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psycopg

from benchmarks.load import CONNECTIONS

PAGE_WEIGHT_TARGET = 60 * 1024
SHARE_OF_FLOOR_TARGET = 0.5
RESULTS_RATIO_TARGET = 2.0
RESULTS_TIME_TARGET_MS = 1000
# Disclosure control's targets at a million responses: the page reads published months'
# counts only, and publishing a closed month (its national breakdowns) stays short.
RESULTS_PUBLISHED_TARGET_MS = 100
PUBLICATION_TARGET_SECONDS = 60
# A floor's runs further apart than this share of their mean mean that the machine's
# speed changed during the run: the shares measured against it are not to be trusted.
FLOOR_DRIFT_LIMIT = 0.2


@dataclass(frozen=True)
class Measurements:
    mode: object  # run.Mode
    machine: str
    results: list  # Sized, for each number of responses seeded
    pages: list  # (name, load.Load, cpu.Spent), the floor first and last
    submissions: object  # Submissions
    weights: list  # (page, bytes, requests, third-party URLs)
    delays: list  # quick exit, ms
    memory: dict  # worker pid -> peak resident KB
    yardstick: object  # yardstick.bench.Yardstick: django-survey-and-report
    plain_page: tuple  # (bytes, requests) of a plain GOV.UK Frontend page: the weight floor
    seconds: float  # the whole run

    @property
    def page_floor_rate(self):
        """The bare view's requests per second: the mean of the runs either side."""
        return _mean_rate(self.pages[0][1], self.pages[-1][1])


@dataclass(frozen=True)
class Sized:
    """What was measured on one seeded database."""

    size: int  # responses seeded
    timings: dict  # benchmarks/results_query.py's JSON
    provided: object  # databases.Provided
    publication: dict  # benchmarks/publish.py --time-one's JSON
    utility: dict  # benchmarks/utility.py --json's JSON


def _mean_rate(*loads):
    return statistics.mean(load.requests_per_second for load in loads)


def _floor_drift(*loads):
    """How far apart a floor's runs are, fastest to slowest, as a share of their mean."""
    rates = [load.requests_per_second for load in loads]
    return (max(rates) - min(rates)) / statistics.mean(rates)


@dataclass(frozen=True)
class Submissions:
    """(load.Load, cpu.Spent, rows stored) of each run: the bare insert, then runs of
    complete submissions each followed by the bare insert again (floors has one run more
    than surveys); then how many queued responses the tally took in afterwards
    (AnswerTally.objects.catch_up), and in how many seconds."""

    floors: list
    surveys: list
    tallied: int
    tally_seconds: float

    @property
    def floor_rate(self):
        """The bare insert's requests per second: the mean of its runs."""
        return _mean_rate(*(floor[0] for floor in self.floors))

    def floor_rate_around(self, run):
        """The mean of the bare insert's runs either side of submission run ``run``."""
        return _mean_rate(self.floors[run][0], self.floors[run + 1][0])

    @property
    def shares(self):
        """Each submission run's requests per second over the floor's either side."""
        return [
            survey[0].requests_per_second / self.floor_rate_around(run)
            for run, survey in enumerate(self.surveys)
        ]

    @property
    def share(self):
        return statistics.mean(self.shares)

    @property
    def survey_rate(self):
        return _mean_rate(*(survey[0] for survey in self.surveys))

    @property
    def drift(self):
        return _floor_drift(*(floor[0] for floor in self.floors))

    @property
    def stored_as_acknowledged(self):
        return all(stored == survey.count(303) for survey, _spent, stored in self.surveys)


def machine(database_url):
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    model = next(
        line.split(":", 1)[1].strip()
        for line in Path("/proc/cpuinfo").read_text().splitlines()
        if line.startswith("model name")
    )
    with psycopg.connect(database_url) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0].split()[0]
    return f"{os.cpu_count()} cores ({model}), {memory_kb / 1024**2:.0f} GB, PostgreSQL {version}"


def _ms(value):
    return f"{value:,.0f} ms" if value >= 100 else f"{value:.1f} ms"


def _load_row(name, load, spent, floor_rate):
    share = load.requests_per_second / floor_rate
    app, database, wrk = spent.per_request(sum(load.statuses.values()))
    return (
        f"| {name} | {load.requests_per_second:,.1f} | {_ms(load.p50_ms)} | "
        f"{_ms(load.p95_ms)} | {_ms(load.p99_ms)} | {share:.0%} | {app:.2f} ms | "
        f"{database:.2f} ms | {wrk:.2f} ms | {spent.busy:.0%} | {_responses(load)} |"
    )


def _responses(load):
    """The responses by status, and anything that would make the figures suspect."""
    said = [f"{count:,} × {status}" for status, count in sorted(load.statuses.items())]
    if load.unanswered:
        said.append(f"{load.unanswered} UNANSWERED when wrk stopped")
    if load.socket_errors:
        said.append(f"{load.socket_errors} SOCKET ERRORS")
    if load.bodies_ran_out:
        said.append("RAN OUT of submissions before the window ended")
    return ", ".join(said)


LOAD_HEADER = [
    "| Request | Requests/s | p50 | p95 | p99 | Share of the floor "
    "| CPU per request: app | PostgreSQL | wrk | Machine busy | Responses |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
]
CPU_NOTE = (
    "CPU per request: the CPU time the gunicorn workers, PostgreSQL's processes and wrk "
    "spent during the row's run, divided by its responses (benchmarks/cpu.py); machine "
    "busy: the share of both cores' time that was not idle."
)


def _pages(m):
    return [
        "## Respondent pages under load",
        "",
        f"wrk, {CONNECTIONS} connections, {m.mode.window} s per row, in the order shown; "
        "gunicorn, 2 workers, DEBUG off; responses gzipped, as browsers ask. The floor "
        "runs first and last: shares are of the two runs' mean "
        f"({m.page_floor_rate:,.1f} requests/s), so that the machine's drift during the "
        "run cancels out. " + CPU_NOTE,
        "",
        *LOAD_HEADER,
        *(_load_row(name, load, spent, m.page_floor_rate) for name, load, spent in m.pages),
    ]


def _submissions(m):
    runs = m.submissions
    rows = [_load_row("Bare insert view (floor), 1", *runs.floors[0][:2], runs.floor_rate)]
    counts = [_stored_line("Bare insert, 1", runs.floors[0], "rows")]
    for run, survey in enumerate(runs.surveys):
        name = f"Complete survey submissions, {run + 1}"
        rows.append(_load_row(name, *survey[:2], runs.floor_rate_around(run)))
        floor = runs.floors[run + 1]
        rows.append(_load_row(f"Bare insert view (floor), {run + 2}", *floor[:2], runs.floor_rate))
        counts += [
            _stored_line(f"Submissions, {run + 1}", survey, "responses"),
            _stored_line(f"Bare insert, {run + 2}", floor, "rows"),
        ]
    per_response = 1000 * runs.tally_seconds / runs.tallied if runs.tallied else 0
    return [
        "## Survey submissions under load",
        "",
        f"wrk, {CONNECTIONS} connections, {m.mode.window} s per row, in the order shown. "
        "Each submission is a complete reporter's (every question answered), with its own "
        "fresh token, spread over the forces; the floor inserts one row with one SQL "
        "statement, and runs before and after each run of submissions. A run of "
        "submissions' share is of the mean of the floor's runs either side of it, so that "
        "the machine's drift cancels out; a floor's share is of the mean of all its runs "
        f"({runs.floor_rate:,.1f} requests/s). " + CPU_NOTE,
        "",
        *LOAD_HEADER,
        *rows,
        "",
        *counts,
        "",
        "A submission queues its response for the tally behind the results "
        "(surveys.models.UntalliedResponse); after the runs, counting the "
        f"{runs.tallied:,} queued responses in took {runs.tally_seconds * 1000:,.0f} ms "
        f"({per_response:.2f} ms each), in one statement.",
    ]


def _stored_line(name, run, stored_what):
    loaded, _spent, stored = run
    acknowledged = loaded.count(303)
    equal = "equal" if stored == acknowledged else "NOT EQUAL"
    return (
        f"{name}: {acknowledged:,} acknowledged (303), {stored:,} {stored_what} stored: {equal}."
    )


def _results(m):
    lines = [
        "## Results page, all forces, all time, every question",
        "",
        f"In-process (no HTTP, no sign-in), median of {m.mode.result_runs} runs after one "
        "to warm the cache, every seeded month published (analysts see published months "
        "only). Page: the whole view as a superuser (so with the free text): "
        "queries, audit entry and rendered HTML. Then three of its parts alone: the counts "
        "(surveys.results.results()), the monthly trends and the free text. Floor: raw SQL "
        "GROUP BY question, choice over every choice of every response (surveys_choices).",
        "",
        "| Responses (choices) | Months published | Respondents shown | Results page "
        "| Counts | Trends | Free text | Raw GROUP BY (floor) | Page / floor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for sized in m.results:
        t = sized.timings
        lines.append(
            f"| {t['responses']:,} ({t['answers'] / 1e6:.1f} M) | {t['published_months']} | "
            f"{t['shown_base']:,} | {_ms(t['page_ms'])} | "
            f"{_ms(t['results_ms'])} | {_ms(t['trends_ms'])} | {_ms(t['free_texts_ms'])} | "
            f"{_ms(t['raw_ms'])} | {t['page_ms'] / t['raw_ms']:.2f} |"
        )
    lines += [
        "",
        "One force's view, as its analyst sees it (the force with most responses): all "
        "time, and its newest quarter, each beside England and Wales, the quarter also "
        "beside the quarter before it.",
        "",
        "| Responses | Force | All time | Newest quarter |",
        "|---|---|---:|---:|",
    ]
    for sized in m.results:
        t = sized.timings
        lines.append(
            f"| {t['responses']:,} | {t['force']} | {_ms(t['force_page_ms'])} | "
            f"{_ms(t['force_period_page_ms'])} |"
        )
    lines.append("")
    lines.extend(_seeding_note(sized) for sized in m.results)
    return lines


def _seeding_note(sized):
    provided = sized.provided
    if provided.seconds is None:
        said = f"- {sized.size:,} responses: seeded data reused from an earlier run"
    else:
        minutes, rest = divmod(round(provided.seconds), 60)
        said = (
            f"- {sized.size:,} responses: SEEDED IN THIS RUN, {minutes} min {rest} s "
            "(with publishing and VACUUM ANALYZE)"
        )
    if provided.migrated is not None:
        said += f"; MIGRATED in this run (made by an older version), {provided.migrated:.0f} s"
    if provided.published is not None:
        published = provided.published
        said += (
            f"; {len(published['published'])} months PUBLISHED in this run "
            f"(publish_due), {published['seconds']:.1f} s"
        )
    return said + "."


def _publication(m):
    lines = [
        "## Publishing a closed month",
        "",
        "surveys.publication.publish_due() for the newest seeded month alone (its "
        "publication undone first, all in a transaction rolled back; benchmarks/publish.py), "
        "once as the daily run meets it, the month's responses already counted into the "
        "tally (so the time is its national breakdowns, counted afresh), and once with "
        "every one of the month's responses still queued (the tally's catch-up for the "
        "whole month as well). One run each.",
        "",
        "| Responses | Month (its responses) | Publishing, tally caught up "
        "| Publishing, whole month queued |",
        "|---|---|---:|---:|",
    ]
    for sized in m.results:
        p = sized.publication
        lines.append(
            f"| {sized.size:,} | {p['month']} ({p['month_responses']:,}) | "
            f"{p['tallied_seconds']:.1f} s | {p['queued_seconds']:.1f} s |"
        )
    return lines


def _utility(m):
    lines = [
        "## Published figures against the truth",
        "",
        "benchmarks/utility.py: every count the results page shows (all respondents, no "
        "breakdown) against the true count from the published months' tally, after "
        "disclosure control (cell-key noise, rounding to 5, hidden cells, withheld tables). "
        "Bases: each table's number who answered, and the number of respondents. The "
        "seeded data are copies of 10,000 responses, so their counts are large: see "
        "benchmarks/README.md for a database of realistic volume.",
    ]
    for sized in m.results:
        lines += [
            "",
            f"At {sized.size:,} responses (threshold {sized.utility['threshold']}):",
            "",
            utility_markdown(sized.utility),
        ]
    return lines


def utility_markdown(measured):
    """benchmarks/utility.py's figures as a Markdown table."""
    lines = [
        "| Scope | Counts shown | Mean abs. error | Largest | Within 5 "
        "| Bases shown | Mean abs. error | Largest | Within 5 "
        "| Cells hidden | Tables withheld (their cells) | Pages showing nothing |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in measured["scopes"]:
        lines.append(
            f"| {s['scope']} | {_error_figures(s['cells'])} | {_error_figures(s['bases'])} | "
            f"{s['hidden_cells']:,} | {s['withheld_tables']:,} ({s['withheld_cells']:,}) | "
            f"{s['no_page']} of {s['pages']} |"
        )
    return "\n".join(lines)


def _error_figures(summary):
    if not summary["shown"]:
        return "none | | | "
    return (
        f"{summary['shown']:,} | {summary['mean_abs']:.2f} | {summary['max_abs']:,} | "
        f"{summary['within_5']:.1%}"
    )


def _weights(m):
    lines = [
        "## Respondent pages in Chromium",
        "",
        "| Respondent page | Transferred, compressed (cache as in the journey) | Requests | "
        "Third-party |",
        "|---|---:|---:|---:|",
    ]
    for name, size, count, outside in m.weights:
        over = "" if size < PAGE_WEIGHT_TARGET else " (60 KB or more)"
        lines.append(f"| {name} | {size / 1024:.1f} KB{over} | {count} | {len(outside)} |")
    plain_size, plain_count = m.plain_page
    lines.append(
        f"| Plain GOV.UK Frontend page (floor: template, one heading, GOV.UK Frontend's own "
        f"CSS, JS, fonts and images; empty cache) | {plain_size / 1024:.1f} KB | "
        f"{plain_count} | 0 |"
    )
    start = next(size for name, size, _count, _outside in m.weights if name.startswith("Start"))
    lines += [
        "",
        f"The start page (empty cache, as the floor) weighs {start / plain_size:.0%} of the "
        "plain GOV.UK Frontend page.",
    ]
    delays = sorted(m.delays)
    p95 = delays[max(0, round(0.95 * len(delays)) - 1)]
    lines += [
        "",
        f"Quick exit, Escape to start of navigation, {len(delays)} runs: median "
        f"{statistics.median(delays):.1f} ms, p95 {p95:.1f} ms, max {delays[-1]:.1f} ms",
    ]
    return lines


def _memory(m):
    peaks = ", ".join(f"{kb / 1024:.0f} MB" for kb in sorted(m.memory.values(), reverse=True))
    return [
        "## Memory",
        "",
        f"Peak resident memory (VmHWM) of each gunicorn worker at the end of the run: {peaks}.",
    ]


def _yardstick(m):
    y = m.yardstick
    questions = next(
        load for name, load, _spent in m.pages if name.startswith("Survey page: questions")
    )
    equal = "equal" if y.stored == y.acknowledged else "NOT EQUAL"
    made = "reused from an earlier run" if y.reused else "made in this run"
    rows = [
        (
            "Survey page, every question for a reporter on one page",
            questions.requests_per_second,
            y.page,
        ),
        (
            "Complete survey submission (ours: the mean of its runs)",
            m.submissions.survey_rate,
            y.submissions,
        ),
    ]
    return [
        "## Against django-survey-and-report",
        "",
        f"The same {y.questions} questions (a reporter's: every section on one page) in "
        "django-survey-and-report 1.5.0, the maintained Django survey package, served the "
        f"same way (gunicorn, 2 workers, DEBUG off, gzip) and loaded the same way (wrk, "
        f"{CONNECTIONS} connections, {m.mode.window} s per row): its survey page "
        f"(GET {y.path}) and complete submissions (POST, every question answered, with a "
        "CSRF cookie and token). Its survey was " + made + ".",
        "",
        "| Request | Ours, requests/s | Theirs, requests/s | Ours ÷ theirs "
        "| Theirs: p50 | p95 | p99 | Their responses |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
        *(
            f"| {name} | {ours:,.1f} | "
            f"{theirs.requests_per_second:,.1f} | "
            f"{ours / theirs.requests_per_second:,.0f}× | "
            f"{_ms(theirs.p50_ms)} | {_ms(theirs.p95_ms)} | {_ms(theirs.p99_ms)} | "
            f"{_responses(theirs)} |"
            for name, ours, theirs in rows
        ),
        "",
        f"django-survey-and-report: {y.acknowledged:,} submissions acknowledged (302), "
        f"{y.stored:,} responses stored: {equal}.",
    ]


def _target(name, measured, met, drift=0.0):
    verdict = "met" if met else "NOT MET"
    if drift > FLOOR_DRIFT_LIMIT:
        verdict += f" (the floor's runs differ by {drift:.0%}: run again)"
    return f"| {name} | {measured} | {verdict} |"


def _targets(m):
    lines = ["## Targets", "", "| Target | Measured | |", "|---|---:|---|"]
    page_drift = _floor_drift(m.pages[0][1], m.pages[-1][1])
    for name, load, _spent in m.pages[2:-1]:
        share = load.requests_per_second / m.page_floor_rate
        lines.append(
            _target(
                f"{name}: at least 50% of the bare view",
                f"{share:.0%}",
                share >= SHARE_OF_FLOOR_TARGET,
                page_drift,
            )
        )
    runs = m.submissions
    each = ", ".join(f"{share:.0%}" for share in runs.shares)
    lines.append(
        _target(
            "Submissions: at least 50% of the bare insert",
            f"{runs.share:.0%} (runs: {each})",
            runs.share >= SHARE_OF_FLOOR_TARGET,
            runs.drift,
        )
    )
    stored = sum(stored for _load, _spent, stored in runs.surveys)
    acknowledged = sum(survey.count(303) for survey, _spent, _stored in runs.surveys)
    lines.append(
        _target(
            "Responses stored = submissions acknowledged",
            f"{stored:,} / {acknowledged:,}",
            runs.stored_as_acknowledged,
        )
    )
    lines.extend(_results_targets(m))
    heaviest = max(size for _name, size, _count, _outside in m.weights)
    lines.append(
        _target(
            "Every respondent page under 60 KB compressed",
            f"heaviest {heaviest / 1024:.1f} KB",
            heaviest < PAGE_WEIGHT_TARGET,
        )
    )
    return lines


def _results_targets(m):
    at_million = [sized for sized in m.results if sized.size == 1_000_000]
    if not at_million:
        return ["| Results page at 1,000,000 responses | not measured (--quick) | |"]
    t, publication = at_million[0].timings, at_million[0].publication
    ratio = t["page_ms"] / t["raw_ms"]
    return [
        _target(
            "Results page at 1,000,000: within 2× of the raw GROUP BY",
            f"{ratio:.2f}×",
            ratio <= RESULTS_RATIO_TARGET,
        ),
        _target(
            "Results page at 1,000,000: under 1 second",
            _ms(t["page_ms"]),
            t["page_ms"] < RESULTS_TIME_TARGET_MS,
        ),
        _target(
            "Results page at 1,000,000 (published months): under 100 ms",
            _ms(t["page_ms"]),
            t["page_ms"] < RESULTS_PUBLISHED_TARGET_MS,
        ),
        _target(
            "One force's results page, beside England and Wales, at 1,000,000: under 100 ms",
            _ms(max(t["force_page_ms"], t["force_period_page_ms"])),
            max(t["force_page_ms"], t["force_period_page_ms"]) < RESULTS_PUBLISHED_TARGET_MS,
        ),
        _target(
            "Publishing one closed month at 1,000,000: under a minute",
            f"{publication['tallied_seconds']:.1f} s "
            f"(whole month queued: {publication['queued_seconds']:.1f} s)",
            publication["tallied_seconds"] < PUBLICATION_TARGET_SECONDS,
        ),
    ]


def markdown(m):
    minutes, seconds = divmod(round(m.seconds), 60)
    sections = [
        [
            f"# make bench ({m.mode.name}), {datetime.now():%Y-%m-%d %H:%M}",
            "",
            f"Machine: {m.machine}. Whole run: {minutes} min {seconds} s.",
        ],
        _pages(m),
        _submissions(m),
        _results(m),
        _publication(m),
        _utility(m),
        _weights(m),
        _memory(m),
        _yardstick(m),
        _targets(m),
    ]
    return "\n\n".join("\n".join(lines) for lines in sections)
