"""Hand-written mutants of the respondent script's quick exit: each is a realistic slip,
served in place of the real script, and the quick-exit tests must notice every one.

Each mutant finds a piece of the script (in whichever file under static/js/ holds it)
and says what a careless edit would make of it. A mutant whose piece is no longer in
any script fails here, asking to be brought up to date with the script, so that the
set never silently stops testing anything. docs/testing.md says how this fits with
the mutation testing of the Python modules (`make mutation`).
"""

import re

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.test_quick_exit_browser import (
    a_field_that_swallows_escape_cannot_stop_the_exit,
    escape_removes_the_page_in_the_same_task_then_leaves,
    leave_link_skips_the_round_trip,
    leaving_takes_the_survey_out_of_history,
    repeated_escape_cannot_stop_the_exit,
)

pytestmark = pytest.mark.browser

# name: (a regular expression for a piece of the script, what a careless edit makes of it)
MUTANTS = {
    # The survey stays in the tab's history, for Back and for the next person.
    "href instead of replace": (r"location\.replace\((\w+)\)", r"location.href = \1"),
    # Every exit makes a round trip through /exit/: the click listener listens for nothing.
    "no click handler": (r"addEventListener\(\s*([\"'])click\1", r"addEventListener(\1none\1"),
    # The link's own navigation to /exit/ goes ahead as well.
    "no preventDefault": (r"\w+\.preventDefault\(\);", ""),
    # The answers stay in the page while it unloads.
    "content kept": (
        r"[^;\n]*replaceChildren\(\);(\s*\w+\.location\.replace\(exitUrl\))",
        r"\1",
    ),
    # The title, which history shows, is kept.
    "title kept": (r"document\.title = [\"']{2};", ""),
    # Only the old "Esc" key name works: Escape does nothing.
    "Escape ignored": (r"\w+\.key === [\"']Escape[\"'] \|\| ", ""),
    # Listening as the key bubbles up: a field that stops it keeps the respondent there.
    "bubbling, not capture": (r"(\}\s*,\s*)true(\s*\))", r"\1false\2"),
}

CHECKS = [
    lambda page, site, stub: escape_removes_the_page_in_the_same_task_then_leaves(
        page, site, stub, "#id_force"
    ),
    lambda page, site, stub: leaving_takes_the_survey_out_of_history(page, site, stub, "escape"),
    leave_link_skips_the_round_trip,
    a_field_that_swallows_escape_cannot_stop_the_exit,
    repeated_escape_cannot_stop_the_exit,
]


def _run_checks(browser, site, exit_stub, find, replace):
    """The checks in turn against the scripts with ``find`` replaced: (the scripts it
    was found in, the first check's failure or None)."""
    applied = []

    def serve_mutant(route):
        response = route.fetch()
        script, changes = re.subn(find, replace, response.text(), count=1)
        if changes:
            applied.append(route.request.url)
        route.fulfill(response=response, body=script)

    caught = None
    for check in CHECKS:
        context = browser.new_context()
        context.set_default_timeout(5000)
        context.route("**/static/js/*.js", serve_mutant)
        exit_stub.requests.clear()
        try:
            check(context.new_page(), site, exit_stub)
        except (AssertionError, PlaywrightError) as failure:
            caught = failure
        finally:
            # A check that leaves the page can close it while the handler is still
            # fetching the deferred respondent.js: Playwright would raise that handler's
            # error at the next call, failing whichever check came next.
            context.unroute_all(behavior="ignoreErrors")
            context.close()
        if caught:
            break
    return applied, caught


def test_the_real_script_served_the_same_way_passes_every_check(browser, site, exit_stub):
    """So that a mutant is caught by what it changes, not by how it is served."""
    find = MUTANTS["href instead of replace"][0]
    applied, caught = _run_checks(browser, site, exit_stub, find, r"\g<0>")
    assert applied
    assert caught is None


@pytest.mark.parametrize("name", MUTANTS)
def test_every_mutant_of_the_exit_script_is_caught(browser, site, exit_stub, name):
    applied, caught = _run_checks(browser, site, exit_stub, *MUTANTS[name])
    assert applied, f"the mutant {name!r} matches no script: bring it up to date"
    assert caught, f"no quick-exit test notices the mutant {name!r}"
