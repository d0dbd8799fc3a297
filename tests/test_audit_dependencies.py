"""scripts/audit_dependencies.py (make audit): run as make runs it, over every package
installed here, against an advisory source that cannot be reached (a closed port on this
machine) or a stand-in for PyPI served on this machine."""

import json
import os
import re
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "audit_dependencies.py"


def _audit(pypi_url, ci=None):
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["SOTERIA_AUDIT_PYPI_URL"] = pypi_url
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, str(SCRIPT)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture
def closed_port():
    """A port on this machine that refuses connections: bound, never listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/pypi"


@pytest.fixture
def pypi():
    """A stand-in for PyPI's JSON API: every release has no advisories, except what
    ``answers`` says for a package: a status code, or the advisories to list."""
    answers = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            name = self.path.split("/")[2]
            answer = answers.get(name, [])
            if isinstance(answer, int):
                self.send_error(answer)
                return
            body = json.dumps({"info": {}, "vulnerabilities": answer}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/pypi", answers
    finally:
        server.shutdown()
        server.server_close()


def _checked(result):
    return re.search(r"(\d+) of (\d+) installed packages checked", result.stdout).groups()


def test_unreachable_advisory_data_fails_the_audit_under_ci(closed_port):
    result = _audit(closed_port, ci="true")
    assert result.returncode == 2, result
    checked, installed = _checked(result)
    assert checked == "0"
    assert int(installed) > 50  # every installed package, not a few
    assert f"Cannot reach PyPI's advisory data ({closed_port}" in result.stderr
    assert f"none of the {installed} installed packages was checked" in result.stderr
    assert "FAILED" in result.stderr


@pytest.mark.parametrize("ci", [None, "false", ""])
def test_unreachable_advisory_data_is_a_warning_on_a_developers_machine(closed_port, ci):
    result = _audit(closed_port, ci=ci)
    assert result.returncode == 0, result
    assert f"Cannot reach PyPI's advisory data ({closed_port}" in result.stderr
    assert "WARNING" in result.stderr
    assert "FAILED" not in result.stderr


def test_every_installed_package_is_looked_up_and_each_one_unanswered_is_named(pypi):
    url, answers = pypi
    answers["pytest"] = 503
    in_ci = _audit(url, ci="true")
    assert in_ci.returncode == 2, in_ci
    checked, installed = _checked(in_ci)
    assert int(checked) == int(installed) - 1
    assert re.search(rf"1 of {installed} were NOT checked: pytest \S+\.$", in_ci.stderr, re.M)

    offline = _audit(url)
    assert offline.returncode == 0, offline
    assert "NOT checked: pytest" in offline.stderr
    assert "WARNING" in offline.stderr


def test_a_known_vulnerability_fails_the_audit_on_any_machine(pypi):
    url, answers = pypi
    answers["pytest"] = [{"id": "PYSEC-0000-1", "fixed_in": ["99.0"]}]
    answers["django"] = 503
    for ci in [None, "true"]:
        result = _audit(url, ci=ci)
        assert result.returncode == 1, result
        assert re.search(r"VULNERABLE pytest \S+: PYSEC-0000-1 \(fixed in 99.0\)", result.stdout)
