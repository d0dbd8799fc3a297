"""Browser tests: Debian's Chromium driven by Playwright against the live server, with a
local stand-in for the quick-exit destination so that no test leaves the machine."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, ExitStub

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url():
    """None: tests visit the live server by its full address (``site``). Defined here, it
    also stands in for pytest-playwright's own, which pytest deprecates."""
    return None


@pytest.fixture
def exit_stub(settings):
    stub = ExitStub()
    settings.QUICK_EXIT_URL = stub.url
    yield stub
    stub.close()


@pytest.fixture
def site(live_server, exit_stub, reference_data):
    """The live server's base URL, with the exit stub in place."""
    return live_server.url


@pytest.fixture
def axe():
    checker = Axe()

    def check(page):
        results = checker.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
        assert results.violations_count == 0, results.generate_report()

    return check
