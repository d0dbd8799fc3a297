"""The floor for page weight: a plain GOV.UK Frontend page, weighed in Chromium as
respondent_pages.py weighs ours (with its requests_loaded).

    python -m benchmarks.plain_govuk

GOV.UK Frontend's published package, at the version assets/package.json pins, is taken
from assets/node_modules when `make assets` has installed that version, otherwise
fetched with `npm pack` into a temporary directory. Its precompiled CSS and JS and the
assets they reference are served as shipped, from memory, by a local server in this
process, with the page in benchmarks/plain_govuk/page.html: the GOV.UK page template
with the package's own default header and footer, one h1 and one paragraph.

The GDS Transport fonts and the crown are reserved for GOV.UK services and the project
must not ship them: they are fetched here only to weigh the page, and nothing is copied
into the project.
"""

import gzip
import json
import shutil
import subprocess
import tarfile
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

from benchmarks.respondent_pages import outside, requests_loaded
from benchmarks.server import ROOT
from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS

PAGE = Path(__file__).resolve().parent / "plain_govuk" / "page.html"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css",
    ".js": "text/javascript",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
    ".png": "image/png",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}
# As whitenoise: formats that are compressed already are sent as they are.
PRECOMPRESSED = {".png", ".woff", ".woff2"}


def pinned_version():
    """The govuk-frontend version assets/package.json pins."""
    package = json.loads((ROOT / "assets" / "package.json").read_text())
    return package["devDependencies"]["govuk-frontend"]


def _package(version, workdir):
    """The govuk-frontend package directory at version: assets/node_modules' copy if it
    is that version, otherwise `npm pack` unpacked into workdir."""
    installed = ROOT / "assets" / "node_modules" / "govuk-frontend" / "package.json"
    if installed.exists() and json.loads(installed.read_text())["version"] == version:
        return installed.parent
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is needed to fetch govuk-frontend")
    tarball = subprocess.run(
        [npm, "pack", f"govuk-frontend@{version}", "--silent", "--pack-destination", workdir],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]
    with tarfile.open(Path(workdir) / tarball) as archive:
        archive.extractall(workdir, filter="data")
    return Path(workdir) / "package"


def _fixture(dist, component):
    """The package's own rendering of a component with its default options."""
    fixtures = json.loads((dist / "components" / component / "fixtures.json").read_text())
    return next(f["html"] for f in fixtures["fixtures"] if f["name"] == "default")


def _files(package):
    """URL path -> (body, file suffix): the page, the CSS, the JS and every asset."""
    dist = package / "dist" / "govuk"
    page = Template(PAGE.read_text()).substitute(
        header=_fixture(dist, "header"), footer=_fixture(dist, "footer")
    )
    assets = dist / "assets"
    files = {
        "/stylesheets/govuk-frontend.min.css": dist / "govuk-frontend.min.css",
        "/javascripts/govuk-frontend.min.js": dist / "govuk-frontend.min.js",
        **{f"/assets/{p.relative_to(assets)}": p for p in assets.rglob("*") if p.is_file()},
    }
    page_file = {"/": (page.encode(), ".html")}
    return page_file | {url: (path.read_bytes(), path.suffix) for url, path in files.items()}


def _gzipped(body, suffix):
    """The gzip encoding our app would send, or None: Django's GZipMiddleware for the page
    (level 6, 200 bytes or more), whitenoise for static files (level 9, only if it saves
    more than 5%)."""
    if suffix in PRECOMPRESSED:
        return None
    if suffix == ".html":
        return gzip.compress(body, 6, mtime=0) if len(body) >= 200 else None
    compressed = gzip.compress(body, 9, mtime=0)
    return compressed if len(compressed) < 0.95 * len(body) else None


class PlainPage:
    """The plain page and its files on 127.0.0.1, gzipped when the browser accepts it."""

    def __init__(self, files):
        encoded = {
            path: (body, _gzipped(body, suffix), TYPES[suffix])
            for path, (body, suffix) in files.items()
        }

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if urlsplit(self.path).path not in encoded:
                    self.send_error(404)
                    return
                body, compressed, content_type = encoded[urlsplit(self.path).path]
                accepted = self.headers.get("Accept-Encoding", "")
                use_gzip = compressed is not None and "gzip" in accepted
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                if compressed is not None:
                    self.send_header("Vary", "Accept-Encoding")
                if use_gzip:
                    self.send_header("Content-Encoding", "gzip")
                    body = compressed
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def measure_requests():
    """Each request of the plain page, as respondent_pages.requests_loaded() gives them;
    none may leave 127.0.0.1."""
    with tempfile.TemporaryDirectory() as workdir:
        files = _files(_package(pinned_version(), workdir))
    with PlainPage(files) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        rows = requests_loaded(browser, lambda page: page.goto(server.url))
        browser.close()
    if outside(rows):
        raise RuntimeError(f"the plain page left 127.0.0.1: {outside(rows)}")
    return rows


def measure():
    """The plain GOV.UK Frontend page's weight: (bytes transferred, requests)."""
    rows = measure_requests()
    return sum(size for _url, _type, size in rows), len(rows)


def main():
    rows = measure_requests()
    total = sum(size for _url, _type, size in rows)
    print(
        f"Plain GOV.UK Frontend {pinned_version()} page: {total / 1024:.1f} KB transferred "
        f"({total:,} bytes), {len(rows)} requests, 0 third-party"
    )
    for url, resource_type, size in rows:
        print(f"  {resource_type:<10} {urlsplit(url).path:<45} {size / 1024:7.1f} KB")


if __name__ == "__main__":
    main()
