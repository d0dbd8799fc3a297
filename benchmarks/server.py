"""The app under gunicorn, as production runs it, for the benchmark to load."""

import http.client
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Reply:
    status: int
    location: str | None
    text: str


def fetch(url, method="GET", body=None, headers=None):
    """One request (body: urlencoded form data; headers: more request headers)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = dict(headers or {})
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, parts.path, body=body, headers=headers)
        response = connection.getresponse()
        return Reply(response.status, response.getheader("Location"), response.read().decode())
    finally:
        connection.close()


@dataclass(frozen=True)
class Server:
    base: str  # http://127.0.0.1:port
    pid: int  # gunicorn's master process

    def workers(self):
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def peak_memory_kb(self):
        """Each worker's peak resident memory so far (VmHWM), by process id."""
        peaks = {}
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks[pid] = int(line.split()[1])
        return peaks


@contextmanager
def gunicorn(env, error_log):
    """Serve the app with the project's gunicorn.conf.py (workers: WEB_CONCURRENCY in
    env) on 127.0.0.1. The access log is discarded; the error log goes to the file
    error_log, shown if gunicorn does not start."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
    command += ["--bind", f"127.0.0.1:{port}", "soteria_survey.wsgi"]
    with open(error_log, "wb") as errors:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors
        )
        try:
            _wait_until_serving(process, base, error_log)
            yield Server(base, process.pid)
        finally:
            process.terminate()
            process.wait()


def _wait_until_serving(process, base, error_log):
    for _ in range(300):
        if process.poll() is not None:
            break
        try:
            if fetch(base + "/bench/bare/").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"gunicorn did not start:\n{Path(error_log).read_text()}")
