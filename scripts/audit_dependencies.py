"""Look up known vulnerabilities in every package installed in this environment, in
PyPI's advisory data (the same data pip-audit's PyPI service reads).

Each installed version is looked up on its own release page. Where that page cannot be
had (some PyPI mirrors serve only a project's main page) and the installed version is
the newest, the main page's advisories, which are the newest release's, answer instead.
Anything still unanswered is listed as not checked. Exit status 1 if any installed
version has a known vulnerability, 2 if PyPI cannot be reached at all.
"""

import json
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata

PYPI = "https://pypi.org/pypi"
PROJECT = "soteria-survey"


def _page(path):
    try:
        with urllib.request.urlopen(f"{PYPI}/{path}/json", timeout=30) as page:  # noqa: S310
            return json.load(page)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


def audit(name, version):
    """(name, version, advisories or None when it could not be checked)."""
    release = _page(f"{name}/{version}")
    if release is None:
        project = _page(name)
        if project is None or project["info"]["version"] != version:
            return name, version, None
        release = project
    advisories = [a for a in release.get("vulnerabilities", []) if not a.get("withdrawn")]
    return name, version, advisories


def main():
    installed = sorted(
        {
            (dist.metadata["Name"].lower(), dist.version)
            for dist in metadata.distributions()
            if dist.metadata["Name"].lower() != PROJECT
        }
    )
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda package: audit(*package), installed))
    except (urllib.error.URLError, TimeoutError) as error:
        print(f"Cannot reach PyPI to look up advisories: {error}", file=sys.stderr)
        return 2
    vulnerable = [(n, v, a) for n, v, a in results if a]
    unchecked = [f"{n} {v}" for n, v, a in results if a is None]
    for name, version, advisories in vulnerable:
        for advisory in advisories:
            fixed = ", ".join(advisory.get("fixed_in") or []) or "no fixed release"
            print(f"VULNERABLE {name} {version}: {advisory['id']} (fixed in {fixed})")
    checked = len(results) - len(unchecked)
    print(f"{checked} of {len(results)} installed packages checked: {len(vulnerable)} vulnerable.")
    if unchecked:
        print(f"Not checked (no advisory data for this version here): {', '.join(unchecked)}")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
