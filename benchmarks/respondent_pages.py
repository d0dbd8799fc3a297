"""What a respondent's browser experiences: page weight and the quick exit.

Drives Debian's Chromium against the app benchmarks/run.py serves:

- every respondent page: bytes transferred (compressed, headers included), number of
  requests, and any request that leaves 127.0.0.1 (there must be none);
- the quick exit: time from the Escape key press to the start of the navigation away,
  read from the browser's own clocks (the key event's timestamp, and the destination
  document's time origin), over several runs;
- when the quick exit is ready: on a slow connection, how long before (negative: after)
  the long page of questions is first painted the Escape key starts to work.
"""

from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS


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
        ("Privacy notice", goto("/privacy/")),
        ("Accessibility statement", goto("/accessibility/")),
    ]


def requests_loaded(browser, go):
    """What go(page) loads in a fresh browser context (an empty cache, as on a first
    visit), from its last navigation on, once the network is idle: (URL, resource type,
    bytes transferred with headers) for each request."""
    context = browser.new_context()
    page = context.new_page()
    own = []

    def started(request, frame=page.main_frame):
        # Several steps lead to some pages: count from the last navigation onwards.
        if request.is_navigation_request() and request.frame == frame:
            own.clear()
        own.append(request)

    page.on("request", started)
    go(page)
    page.wait_for_load_state("networkidle")
    rows = [
        (r.url, r.resource_type, r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"])
        for r in own
    ]
    context.close()
    return rows


def outside(rows):
    """The URLs of requests_loaded() rows that left 127.0.0.1."""
    return [url for url, _type, _size in rows if urlsplit(url).hostname != "127.0.0.1"]


def measure_weight(browser, base):
    weights = []
    for name, _go in _pages(None, base):
        rows = requests_loaded(browser, lambda page, name=name: dict(_pages(page, base))[name]())
        size = sum(size for _url, _type, size in rows)
        weights.append((name, size, len(rows), outside(rows)))
    return weights


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


# Records when the page first listens for keys on the window, as the quick exit does.
_ARMED = """(() => {
  const add = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, ...rest) {
    if (type === "keydown" && this === window && window.armedAt === undefined) {
      window.armedAt = performance.now();
    }
    return add.call(this, type, ...rest);
  };
})();"""
# A slow mobile connection: 300 ms round trips, 50 KB/s down.
SLOW = {"offline": False, "latency": 300, "downloadThroughput": 50_000, "uploadThroughput": 25_000}


def measure_ready(browser, base, runs):
    """For each run, how many ms before the long page of questions is first painted the
    Escape key works (negative: after), on a slow connection with the stylesheet and
    scripts already cached, as they are when the questions arrive."""
    margins = []
    for _ in range(runs):
        context = browser.new_context()
        page = context.new_page()
        page.add_init_script(_ARMED)
        page.goto(base + "/survey/")
        page.get_by_label("Yes", exact=True).check()
        page.get_by_label("Yes, I reported it").check()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW)
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Continue").click()
        painted = page.evaluate(
            "performance.getEntriesByName('first-contentful-paint')[0].startTime"
        )
        margins.append(painted - page.evaluate("window.armedAt"))
        context.close()
    return margins


def measure(base, exit_url, exit_runs):
    """Every respondent page's weight, the quick exit's delays (ms), and how long before
    the first paint it is ready (ms), in Chromium."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        weights = measure_weight(browser, base)
        delays = measure_exit(browser, base, exit_url, exit_runs)
        ready = measure_ready(browser, base, exit_runs)
        browser.close()
    return weights, delays, ready
