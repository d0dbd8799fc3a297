"""CPU time spent while a load ran, by whom: the app's gunicorn workers, PostgreSQL and
wrk; and how busy the machine was. It shows where a request's cost goes, beside what
the floor's requests cost.

Read from /proc, so PostgreSQL counts only when its server runs on this machine (as
`make bench` provides it): every process of it, the app's backends and its background
work (WAL writing, checkpoints) alike. A process that starts and ends within a run (an
autovacuum worker) is missed.
"""

import os
import resource
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Spent:
    """CPU seconds over a run."""

    app: float  # the gunicorn workers
    database: float  # PostgreSQL's processes
    load: float  # wrk
    busy: float  # the share of all the machine's CPU time that was not idle

    def per_request(self, requests):
        """(app, database, load) milliseconds per request."""
        return tuple(1000 * seconds / requests for seconds in (self.app, self.database, self.load))


@dataclass(frozen=True)
class _Reading:
    app: float
    database: dict  # pid -> seconds
    load: float
    machine: tuple  # (all, idle) ticks


def _seconds(pid):
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # ended
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime + stime


def _postgres():
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return {pid: _seconds(pid) for pid in pids}


def _machine():
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(ticks), ticks[3] + ticks[4]  # idle + iowait


def _read(workers):
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return _Reading(
        app=sum(_seconds(pid) for pid in workers),
        database=_postgres(),
        load=children.ru_utime + children.ru_stime,
        machine=_machine(),
    )


def spent(workers, function, *args, **kwargs):
    """What ``function(*args, **kwargs)`` returns, and the CPU time spent while it ran
    (``workers``: the gunicorn workers' process ids; wrk must be a child process that
    the function waits for)."""
    before = _read(workers)
    result = function(*args, **kwargs)
    after = _read(workers)
    database = sum(
        seconds - before.database.get(pid, 0.0) for pid, seconds in after.database.items()
    )
    total = after.machine[0] - before.machine[0]
    idle = after.machine[1] - before.machine[1]
    return result, Spent(
        app=after.app - before.app,
        database=database,
        load=after.load - before.load,
        busy=1 - idle / total if total else 0.0,
    )
