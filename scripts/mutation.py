"""`make mutation`: mutation testing of the modules that protect respondents and their data.

    python scripts/mutation.py [MODULE ...]   e.g. surveys/redaction.py; default: all
    python scripts/mutation.py --survivors [MODULE ...]
        run only the mutants that survived last time, against the tests as they are now
        (after adding tests to kill them); the module itself must not have changed

Cosmic Ray (pinned in pyproject.toml) changes one thing at a time in a module (an
operator, a comparison, a number, a condition) and runs that module's tests against each
change; a change that no test notices "survives". It works on a scratch copy of the
work tree in ``.mutation/tree/``, so an interrupted run never leaves a mutant in your
files; each module's session (``.mutation/NAME.sqlite``) and its survivors' diffs
(``.mutation/NAME.survivors.diff``) stay beside it.
The respondent script's exit logic has hand-written mutants instead, run by the browser
tests (tests/browser/test_exit_script_mutants.py); and the redaction patterns, which
Cosmic Ray does not change (it leaves string literals alone), by tests/test_redaction.py.

Needs ``DATABASE_URL`` and the test settings, as `make test` provides them; the tests run
in a database of their own (the URL's name plus ``_mutation``), so that `make test` can
run at the same time. docs/testing.md records the scores and explains the survivors.
"""

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / ".mutation"
TREE = SCRATCH / "tree"

# Each module and the tests that speak for it: run against every mutant, stopping at the
# first failure (-x), so a killed mutant costs a fraction of a survivor.
MODULES = {
    "surveys/disclosure.py": ["tests/test_disclosure.py"],
    "surveys/redaction.py": ["tests/test_redaction.py"],
    "surveys/tokens.py": ["tests/test_submission.py"],
    "surveys/second_factor.py": ["tests/test_second_factor.py"],
    "surveys/export.py": ["tests/test_research_export.py", "tests/test_research_floor.py"],
    "surveys/middleware.py": [
        "tests/test_security_headers.py",
        "tests/test_hostile_input.py::test_an_oversize_body_is_refused_with_a_clear_page",
        "tests/test_hostile_input.py::test_a_large_file_is_refused_rather_than_written_to_disk",
        "tests/test_hostile_input.py::test_the_size_limit_lets_exactly_the_limit_through",
        "tests/test_hostile_input.py::test_a_malformed_content_length_is_read_as_no_body",
    ],
}
JS_MUTANTS = (
    "tests/browser/test_exit_script_mutants.py::test_every_mutant_of_the_exit_script_is_caught"
)
# Longer than any module's tests take unmutated, several times over: a mutant that makes
# them run past this (a loop that never ends) counts as caught.
MUTANT_TIMEOUT = 600


def _pytest(*args):
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]


def _copy_work_tree():
    """Every file git tracks or would track, as it is in the work tree now."""
    shutil.rmtree(TREE, ignore_errors=True)
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (TREE / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, TREE / name)


def _own_database(url):
    """The same server, a database of the mutation run's own."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "soteria"
    return urlunsplit(parts._replace(path=f"/{name}_mutation"))


def _config(module, tests):
    command = " ".join(_pytest("-x", "--reuse-db", *tests))
    return (
        "[cosmic-ray]\n"
        f"module-path = {json.dumps(module)}\n"
        f"timeout = {MUTANT_TIMEOUT}.0\n"
        "excluded-modules = []\n"
        f"test-command = {json.dumps(command)}\n"
        '[cosmic-ray.distributor]\nname = "local"\n'
    )


def _outcomes(session):
    """(killed, survived, [survivors' diffs]) from a finished Cosmic Ray session."""
    dumped = subprocess.run(
        [_cosmic_ray(), "dump", session], check=True, capture_output=True, text=True
    ).stdout
    killed, survivors = 0, []
    for line in dumped.splitlines():
        _job, result = json.loads(line)
        if result is None:
            raise SystemExit(f"{session}: a mutant was not run; run `make mutation` again")
        if result["test_outcome"] == "survived":
            survivors.append(result["diff"])
        else:
            killed += 1  # a test failed, or the mutant could not even be imported
    return killed, len(survivors), survivors


def _cosmic_ray():
    return str(Path(sys.executable).with_name("cosmic-ray"))


def _run_module(module, tests, env, survivors_only):
    name = Path(module).stem
    config, session = SCRATCH / f"{name}.toml", SCRATCH / f"{name}.sqlite"
    mutated = SCRATCH / f"{name}.source"
    started = time.monotonic()
    config.write_text(_config(module, tests))  # the tests may have changed since
    if survivors_only:
        if not session.exists() or mutated.read_text() != (ROOT / module).read_text():
            raise SystemExit(f"{module} changed since its last full run: run it in full.")
        with sqlite3.connect(session) as db:
            db.execute("DELETE FROM work_results WHERE test_outcome = 'SURVIVED'")
    else:
        session.unlink(missing_ok=True)
        shutil.copy2(ROOT / module, mutated)
        subprocess.run([_cosmic_ray(), "init", str(config), str(session)], cwd=TREE, check=True)
    subprocess.run(
        [_cosmic_ray(), "exec", str(config), str(session)], cwd=TREE, env=env, check=True
    )
    killed, survived, survivors = _outcomes(str(session))
    (SCRATCH / f"{name}.survivors.diff").write_text("\n".join(survivors))
    return killed, survived, time.monotonic() - started


def _run_js_mutants(env):
    """(killed, survived, seconds): each of the test's cases is one mutant, and passes
    when some behaviour check fails against it."""
    started = time.monotonic()
    finished = subprocess.run(
        _pytest(JS_MUTANTS), cwd=TREE, env=env, capture_output=True, text=True
    )
    print(finished.stdout[-2000:], flush=True)
    closing = finished.stdout.strip().splitlines()[-1]
    killed, survived = (
        int(match.group(1)) if (match := re.search(rf"(\d+) {word}", closing)) else 0
        for word in ("passed", "failed")
    )
    return killed, survived, time.monotonic() - started


def main(argv):
    survivors_only = "--survivors" in argv
    named = [arg for arg in argv[1:] if arg != "--survivors"]
    chosen = named or list(MODULES)
    unknown = [m for m in chosen if m not in MODULES]
    if unknown:
        raise SystemExit(f"Not a module this runs over: {', '.join(unknown)} (see MODULES)")
    if "DATABASE_URL" not in os.environ:
        raise SystemExit("DATABASE_URL is not set: run this through `make mutation`.")
    env = {**os.environ, "DATABASE_URL": _own_database(os.environ["DATABASE_URL"])}
    _copy_work_tree()
    tests = sorted({t for m in chosen for t in MODULES[m]})
    print("Baseline: the tests must pass before anything is mutated.", flush=True)
    subprocess.run(_pytest("--create-db", *tests), cwd=TREE, env=env, check=True)
    rows = []
    for module in chosen:
        print(f"Mutating {module} ...", flush=True)
        rows.append((module, *_run_module(module, MODULES[module], env, survivors_only)))
    if not named:
        print("Respondent script: hand-written mutants in the browser ...", flush=True)
        killed, survived, seconds = _run_js_mutants(env)
        rows.append(("static/js (hand-written)", killed, survived, seconds))
    print(f"\n{'module':<32} {'killed':>6} {'survived':>8} {'time':>8}")
    for module, killed, survived, seconds in rows:
        print(f"{module:<32} {killed:>6} {survived:>8} {seconds / 60:>6.1f} m")
    print(f"\nSurvivors' diffs: {SCRATCH.relative_to(ROOT)}/*.survivors.diff")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
