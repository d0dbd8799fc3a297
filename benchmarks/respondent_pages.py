"""Measure what a respondent's browser experiences: page weight and the quick exit.

    python benchmarks/respondent_pages.py [--runs 20]

Serves the app with gunicorn and production settings (DEBUG off, hashed and compressed
static files) on 127.0.0.1, then drives Debian's Chromium:

- every respondent page: bytes transferred (compressed, headers included), number of
  requests, and any request that leaves 127.0.0.1 (there must be none);
- the quick exit: time from the Escape key press to the start of the navigation away,
  read from the browser's own clocks (the key event's timestamp, and the destination
  document's time origin), over several runs.

Needs DATABASE_URL (`make bench` provides it). Prints a table in Markdown.
"""

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, ExitStub  # noqa: E402

WEIGHT_TARGET = 60 * 1024


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(exit_url):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "QUICK_EXIT_URL": exit_url,
    }
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run([*manage, *command, "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "soteria_survey.wsgi", "-b", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server, base
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def _pages(page, base):
    """(name, action) pairs: each action brings the browser to one respondent page."""

    def goto(path):
        return lambda: page.goto(base + path)

    def survey(reported):
        def go():
            page.goto(base + "/survey/")
            page.get_by_label("Yes", exact=True).check()
            page.get_by_label(reported).check()
            page.get_by_role("button", name="Continue").click()
            page.wait_for_load_state("load")

        return go

    def thank_you():
        survey("No, it was not reported")()
        page.get_by_role("button", name="Continue").first.click()
        while page.get_by_role("button", name="Send my answers").is_hidden():
            page.locator("[data-survey-section]:visible").get_by_role(
                "button", name="Continue"
            ).click()
        page.get_by_role("button", name="Send my answers").click()
        page.wait_for_url("**/thank-you/")

    return [
        ("Start /", goto("/")),
        ("Before you start", goto("/before-you-start/")),
        ("Safety", goto("/safety/")),
        ("Eligibility /survey/", goto("/survey/")),
        ("Survey, reporter (all sections)", survey("Yes, I reported it")),
        ("Survey, non-reporter", survey("No, it was not reported")),
        ("Thank you", thank_you),
        ("Not found", goto("/nowhere/")),
    ]


def measure_weight(browser, base):
    rows = []
    names = [name for name, _go in _pages(None, base)]
    for name in names:
        # A fresh context per page: an empty cache, as on a first visit.
        context = browser.new_context()
        page = context.new_page()
        own = []

        def started(request, own=own, frame=page.main_frame):
            # Several steps lead to some pages: count from the last navigation onwards.
            if request.is_navigation_request() and request.frame == frame:
                own.clear()
            own.append(request)

        page.on("request", started)
        dict(_pages(page, base))[name]()
        page.wait_for_load_state("networkidle")
        size = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in own)
        outside = [r.url for r in own if urlsplit(r.url).hostname != "127.0.0.1"]
        rows.append((name, size, len(own), outside))
        context.close()
    return rows


def measure_exit(browser, base, exit_url, runs):
    delays = []
    for _ in range(runs):
        context = browser.new_context()
        page = context.new_page()
        pressed = []

        def record(when, pressed=pressed):
            pressed.append(when)

        page.expose_function("reportKeyPress", record)
        # Registered before the page's own script, so it sees the key first.
        page.add_init_script(
            "window.addEventListener('keydown', e => {"
            " if (e.key === 'Escape') window.reportKeyPress(performance.timeOrigin + e.timeStamp);"
            "}, true);"
        )
        page.goto(base + "/survey/")
        page.locator("#id_age_18_or_over_1").focus()
        page.keyboard.press("Escape")
        page.wait_for_url(exit_url)
        navigation_start = page.evaluate("performance.timeOrigin")
        delays.append(navigation_start - pressed[0])
        context.close()
    return delays


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    weather = ExitStub()
    exit_url = weather.url
    server, base = _serve(exit_url)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            weights = measure_weight(browser, base)
            delays = measure_exit(browser, base, exit_url, args.runs)
            browser.close()
    finally:
        server.terminate()
        server.wait()
        weather.close()

    print(
        "| Respondent page | Transferred, compressed (cache as in the journey) | Requests |",
        end="",
    )
    print(" Third-party |")
    print("|---|---:|---:|---:|")
    for name, size, count, outside in weights:
        flag = "" if size <= WEIGHT_TARGET else " (over 60 KB)"
        print(f"| {name} | {size / 1024:.1f} KB{flag} | {count} | {len(outside)} |")
    delays.sort()
    p95 = delays[max(0, round(0.95 * len(delays)) - 1)]
    print()
    print(
        f"Quick exit, Escape to start of navigation, {len(delays)} runs: median "
        f"{statistics.median(delays):.1f} ms, p95 {p95:.1f} ms, max {delays[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
