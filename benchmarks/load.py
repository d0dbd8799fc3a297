"""HTTP load with wrk (Debian's package), driven by benchmarks/wrk.lua.

Every run keeps CONNECTIONS connections busy for a window of seconds, then waits for the
responses to the requests in flight and stops wrk: nothing is cut off, so the
acknowledged submissions can be compared with the rows stored.
"""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from surveys import tokens
from surveys.forces import FORCE_SLUGS
from tests.survey_data import submission

SCRIPT = Path(__file__).with_name("wrk.lua")
THREADS = 2
CONNECTIONS = 16
# After the window, the longest wait for the requests in flight: gunicorn's timeout.
DRAIN_SECONDS = 30


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    statuses: dict  # status code (a string) -> responses
    unanswered: int  # sent, but no response before wrk stopped
    socket_errors: int
    bodies_ran_out: bool

    def count(self, status):
        return self.statuses.get(str(status), 0)


def _wrk():
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("The benchmark needs wrk: sudo apt-get install wrk")
    return wrk


def run(url, window, method="GET", body=None, bodies=None, headers=()):
    """Load url for window seconds: one fixed request, or each line of the file
    ``bodies`` POSTed once; ``headers`` ("Name: value") added to every request."""
    with tempfile.TemporaryDirectory() as done:
        env = {
            **os.environ,
            "BENCH_WINDOW": str(window),
            "BENCH_DONE": f"{done}/thread-",
            "BENCH_METHOD": method,
        }
        if body is not None:
            env["BENCH_BODY"] = body
        if bodies is not None:
            env.update(BENCH_BODIES=str(bodies), BENCH_THREADS=str(THREADS))
        output = _wrk_until_answered(_command(url, window, headers), env, Path(done))
    line = next(line for line in output.splitlines() if line.startswith("BENCH_RESULT "))
    result = json.loads(line.removeprefix("BENCH_RESULT "))
    return Load(
        requests_per_second=result["responses"] / result["seconds"],
        p50_ms=result["p50_ms"],
        p95_ms=result["p95_ms"],
        p99_ms=result["p99_ms"],
        statuses=result["statuses"],
        unanswered=result["sent"] - result["responses"],
        socket_errors=result["socket_errors"],
        bodies_ran_out=result["bodies_ran_out"],
    )


def _command(url, window, headers):
    return [
        _wrk(),
        f"--threads={THREADS}",
        f"--connections={CONNECTIONS}",
        f"--duration={window + DRAIN_SECONDS}s",
        "--timeout=30s",  # gunicorn's own timeout
        "--header=Accept-Encoding: gzip, deflate, br",  # as browsers send it
        *(f"--header={header}" for header in headers),
        f"--script={SCRIPT}",
        url,
    ]


def _wrk_until_answered(command, env, done):
    """Run wrk until every thread has said it is finished (or --duration is up); its
    standard output."""
    wrk = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    while wrk.poll() is None:
        if len(list(done.iterdir())) == THREADS:
            wrk.send_signal(signal.SIGINT)  # wrk stops and reports, as on Ctrl-C
            break
        time.sleep(0.05)
    output, errors = wrk.communicate()
    if wrk.returncode:
        raise SystemExit(f"wrk failed:\n{errors.decode()}")
    return output.decode()


def write_submissions(path, count):
    """``count`` complete reporters' submissions, one urlencoded body a line, each with
    its own fresh token (signed with this process's DJANGO_SECRET_KEY, which must be
    the server's) and spread over the forces."""
    forces = sorted(FORCE_SLUGS)
    with open(path, "w") as lines:
        for index in range(count):
            data = submission(tokens.issue(), force=forces[index % len(forces)])
            lines.write(urlencode(data, doseq=True) + "\n")
