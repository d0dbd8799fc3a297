"""The checks of make lint are pinned once, in pyproject.toml; .pre-commit-config.yaml
runs the same versions, and django-upgrade targets the same Django in both."""

import re
import tomllib
from pathlib import Path

import yaml
from django_upgrade.main import SUPPORTED_TARGET_VERSIONS

ROOT = Path(__file__).resolve().parent.parent

# Hooks from a tool's own repository pin it by `rev` (a tag, perhaps with a "v").
UPSTREAM_HOOKS = {
    "https://github.com/astral-sh/ruff-pre-commit": "ruff",
    "https://github.com/adamchainz/django-upgrade": "django-upgrade",
    "https://github.com/djlint/djLint": "djlint",
    "https://github.com/pre-commit/mirrors-mypy": "mypy",
}


def _name(requirement_name):
    """A distribution's name as pip compares them, without extras."""
    return re.sub(r"[-_.]+", "-", requirement_name.split("[")[0].strip()).lower()


def _pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = {}
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["dev"]]:
        name, _, version = requirement.partition("==")
        pins[_name(name)] = version.strip()
    return pins


def _hooks():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    return [(repo, hook) for repo in config["repos"] for hook in repo["hooks"]]


def _hook_versions():
    """{distribution: {versions the pre-commit hooks install}}."""
    versions = {}
    for repo, hook in _hooks():
        if repo["repo"] in UPSTREAM_HOOKS:
            versions.setdefault(UPSTREAM_HOOKS[repo["repo"]], set()).add(repo["rev"].lstrip("v"))
        for requirement in hook.get("additional_dependencies", []):
            name, pinned, version = requirement.partition("==")
            assert pinned, f"{hook['id']}: {requirement} is not pinned with =="
            versions.setdefault(_name(name), set()).add(version.strip())
    return versions


def test_pre_commit_runs_the_versions_pyproject_pins():
    pins = _pins()
    hooks = _hook_versions()
    for tool in ["ruff", "django-upgrade", "djlint"]:
        assert hooks.get(tool) == {pins[tool]}, (tool, hooks.get(tool), pins[tool])
    # Whatever else a hook installs that pyproject.toml pins (mypy, django-stubs, Django).
    for name, versions in hooks.items():
        if name in pins:
            assert versions == {pins[name]}, (name, versions, pins[name])


def test_django_upgrade_targets_the_newest_django_it_knows_up_to_the_pinned_one():
    pinned = tuple(int(part) for part in _pins()["django"].split(".")[:2])
    newest = max(version for version in SUPPORTED_TARGET_VERSIONS if version <= pinned)
    target = "{}.{}".format(*newest)

    makefile = (ROOT / "Makefile").read_text()
    assert re.findall(r"^DJANGO_UPGRADE_TARGET := (\S+)$", makefile, re.MULTILINE) == [target]

    commands = [
        " ".join([hook.get("entry", ""), *hook.get("args", [])])
        for _repo, hook in _hooks()
        if hook["id"] == "django-upgrade"
    ]
    assert commands, "no django-upgrade hook in .pre-commit-config.yaml"
    for command in commands:
        assert re.findall(r"--target-version[ =](\S+)", command) == [target], command
