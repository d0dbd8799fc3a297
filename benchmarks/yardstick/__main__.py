"""Measure the yardstick on its own and print its figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        python -m benchmarks.yardstick [--window N]

DATABASE_URL names the PostgreSQL server (its database part is replaced by
soteria_bench_yardstick, the only database used).
"""

import argparse
import os

from benchmarks.yardstick.bench import STORED_STATUS, run


def _row(name, measured):
    statuses = ", ".join(
        f"{count:,} × {status}" for status, count in sorted(measured.statuses.items())
    )
    return (
        f"| {name} | {measured.requests_per_second:,.1f} | {measured.p50_ms:.1f} ms "
        f"| {measured.p95_ms:.1f} ms | {measured.p99_ms:.1f} ms | {statuses} |"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=int, default=30, help="seconds of load per run")
    window = parser.parse_args().window
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set DATABASE_URL to the PostgreSQL server to use.")
    result = run(os.environ["DATABASE_URL"], window)
    print(
        f"django-survey-and-report, {result.questions} questions on one page "
        f"({'survey reused' if result.reused else 'survey made'}); wrk, 16 connections, "
        f"{window} s per row; gunicorn, 2 workers, DEBUG off.\n"
    )
    print("| Request | Requests/s | p50 | p95 | p99 | Responses |")
    print("|---|---:|---:|---:|---:|---|")
    print(_row(f"Survey page, GET {result.path}", result.page))
    print(_row(f"Complete submission, POST {result.path}", result.submissions))
    print(
        f"\nSubmissions: {result.acknowledged:,} acknowledged ({STORED_STATUS}), "
        f"{result.stored:,} responses stored: "
        f"{'equal' if result.acknowledged == result.stored else 'NOT EQUAL'}."
    )
    for name, measured in (("page", result.page), ("submissions", result.submissions)):
        if measured.unanswered or measured.socket_errors:
            print(
                f"{name}: {measured.unanswered} unanswered, "
                f"{measured.socket_errors} socket errors."
            )
    peaks = ", ".join(f"{kb / 1024:.0f} MB" for kb in result.peak_memory_kb.values())
    print(f"Peak resident memory (VmHWM) of each gunicorn worker: {peaks}.")


if __name__ == "__main__":
    main()
