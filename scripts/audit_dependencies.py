"""Look up known vulnerabilities in every package installed in this environment, in
PyPI's advisory data (the same data pip-audit's PyPI service reads).

Each installed version is looked up on its own release page. Where that page cannot be
had (some PyPI mirrors serve only a project's main page) and the installed version is
the newest, the main page's advisories, which are the newest release's, answer instead.
Anything still unanswered is listed as not checked.

Exit status 1 if any installed version has a known vulnerability. When PyPI's advisory
data cannot be reached, for some packages or all, the script says so and which were not
checked; with CI=true that fails the audit (exit status 2), elsewhere it is a warning
(exit status 0), so that make test passes on a machine that is offline.
SOTERIA_AUDIT_PYPI_URL replaces PyPI's JSON API (https://pypi.org/pypi), for tests.
"""

import json
import os
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata

PYPI = os.environ.get("SOTERIA_AUDIT_PYPI_URL", "https://pypi.org/pypi").rstrip("/")
PROJECT = "soteria-survey"


def _page(path):
    try:
        with urllib.request.urlopen(f"{PYPI}/{path}/json", timeout=30) as page:  # noqa: S310
            return json.load(page)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


class Unreachable(Exception):
    """PyPI's advisory data could not be had for one package."""


def audit(name, version):
    """(name, version, advisories or None when PyPI has no data for this version).

    Raises Unreachable when PyPI cannot be reached or does not answer as it should."""
    try:
        release = _page(f"{name}/{version}")
        if release is None:
            project = _page(name)
            if project is None or project["info"]["version"] != version:
                return name, version, None
            release = project
    except (OSError, ValueError) as error:  # URLError, HTTPError, timeouts; not JSON
        raise Unreachable(error) from error
    advisories = [a for a in release.get("vulnerabilities", []) if not a.get("withdrawn")]
    return name, version, advisories


def _audit_or_unreachable(package):
    try:
        return audit(*package)
    except Unreachable as error:
        return (*package, error)


def main():
    in_ci = os.environ.get("CI", "").strip().lower() == "true"
    installed = sorted(
        {
            (dist.metadata["Name"].lower(), dist.version)
            for dist in metadata.distributions()
            if dist.metadata["Name"].lower() != PROJECT
        }
    )
    # One look-up first: where PyPI cannot be reached at all, the rest need not each wait
    # for their own timeout.
    first = _audit_or_unreachable(installed[0])
    if isinstance(first[2], Unreachable):
        results = [first] + [(*package, first[2]) for package in installed[1:]]
    else:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = [first, *pool.map(_audit_or_unreachable, installed[1:])]

    unreachable = [(n, v, e) for n, v, e in results if isinstance(e, Unreachable)]
    vulnerable = [(n, v, a) for n, v, a in results if a and not isinstance(a, Unreachable)]
    unchecked = [f"{n} {v}" for n, v, a in results if a is None]
    for name, version, advisories in vulnerable:
        for advisory in advisories:
            fixed = ", ".join(advisory.get("fixed_in") or []) or "no fixed release"
            print(f"VULNERABLE {name} {version}: {advisory['id']} (fixed in {fixed})")
    checked = len(results) - len(unchecked) - len(unreachable)
    print(f"{checked} of {len(results)} installed packages checked: {len(vulnerable)} vulnerable.")
    if unchecked:
        print(f"Not checked (no advisory data for this version here): {', '.join(unchecked)}")
    if unreachable:
        if len(unreachable) == len(results):
            which = f"none of the {len(results)} installed packages was checked"
        else:
            names = ", ".join(f"{n} {v}" for n, v, _e in unreachable)
            which = f"{len(unreachable)} of {len(results)} were NOT checked: {names}"
        print(
            f"Cannot reach PyPI's advisory data ({PYPI}: {unreachable[0][2]}), so {which}.",
            file=sys.stderr,
        )
        if in_ci:
            print("FAILED: with CI=true, every package must be checked.", file=sys.stderr)
        else:
            print(
                "WARNING only, as CI is not 'true' (an offline machine): run make audit "
                "again when PyPI can be reached.",
                file=sys.stderr,
            )
    if vulnerable:
        return 1
    return 2 if unreachable and in_ci else 0


if __name__ == "__main__":
    sys.exit(main())
