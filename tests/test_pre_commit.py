"""The `sesguard` pre-commit hook (SPEC §1), run by real pre-commit exactly as a user runs it.

A snapshot of this repository's working tree (uncommitted changes included, ignored files left out)
is committed into a temporary git repository, and a temporary project uses it from its
`.pre-commit-config.yaml` (`repo: <snapshot>`, `rev: <commit>`): pre-commit clones it and builds the
hook's virtualenv with pip (`pip install .`, dependencies from pyproject.toml), as it would from
GitHub. Every test shares one PRE_COMMIT_HOME, so that virtualenv is built once per session.

`pre-commit try-repo` is not used: it installs into a throwaway store on every call (a new virtualenv
each time, whatever PRE_COMMIT_HOME says), and it leaves out untracked files, so it cannot see a
`.pre-commit-hooks.yaml` that is not committed yet.

Slow (the virtualenv build needs PyPI and takes tens of seconds); `-m "not slow"` deselects it.
Skipped when git or pre-commit is missing, except in CI, where that is a failure.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
HOOK_ID = "sesguard"
# One finding in sesguard's text report: `path:line:col: RULE level message [subject]`.
FINDING = re.compile(r"^(?P<path>[^\s:]+):\d+:\d+: (?P<rule>(?:SES|SG)\d{3}) ", re.MULTILINE)
INSTALL_TIMEOUT = 1200  # the first run: clone, virtualenv, pip install from PyPI
RUN_TIMEOUT = 180

NOT_SES_YAML = "name: ci\non:\n  push:\n    branches: [main]\n"  # a GitHub workflow: no SES marker
NOT_SES_JSON = '{"name": "web", "version": "1.0.0", "private": true}\n'
NOT_SES_TF = 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n'


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing(what: str, hint: str = ""):
    if in_ci():
        pytest.fail(f"{what} is not installed, but CI must run the pre-commit hook tests")
    pytest.skip(f"{what} is not installed: the pre-commit hook tests need it{hint}")


def run(cmd, cwd, env, timeout=RUN_TIMEOUT) -> subprocess.CompletedProcess:
    """Run a command, stdout and stderr merged (pre-commit prints hook output on stdout)."""
    return subprocess.run(
        [str(part) for part in cmd],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
    )


def git(*args, cwd, env) -> str:
    completed = run(["git", *args], cwd, env)
    assert completed.returncode == 0, f"git {' '.join(args)} failed:\n{completed.stdout}"
    return completed.stdout


def findings(output: str) -> list:
    return FINDING.findall(output)


def hook_status(output: str):
    """`Passed`, `Failed` or `Skipped`: the status pre-commit printed for the hook."""
    match = re.search(rf"^{HOOK_ID}\.*(?:\(no files to check\))?(Passed|Failed|Skipped)$", output, re.MULTILINE)
    return match and match.group(1)


@pytest.fixture(scope="module")
def pre_commit():
    """The command that runs pre-commit: the `pre-commit` script on PATH, else `python -m pre_commit`."""
    if shutil.which("git") is None:
        missing("git")
    script = shutil.which("pre-commit")
    if script:
        return [script]
    if importlib.util.find_spec("pre_commit") is not None:
        return [sys.executable, "-m", "pre_commit"]
    missing("pre-commit", " (pip install -e '.[test]')")


@pytest.fixture(scope="module")
def env(tmp_path_factory, pre_commit):
    """An environment isolated from the caller's git and pre-commit settings, with one PRE_COMMIT_HOME."""
    home = tmp_path_factory.mktemp("pre-commit-home")
    gitconfig = home.parent / "gitconfig"  # empty: no core.hooksPath, commit signing, templates, ...
    gitconfig.write_text("")
    environment = {
        key: value
        for key, value in os.environ.items()
        # GIT_DIR & co. are set when pytest itself runs inside a git hook; SKIP would skip the hook.
        if not key.startswith(("GIT_", "PRE_COMMIT")) and key not in ("SKIP", "NO_COLOR")
    }
    environment.update(
        PRE_COMMIT_HOME=str(home),
        GIT_CONFIG_GLOBAL=str(gitconfig),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="sesguard tests",
        GIT_AUTHOR_EMAIL="tests@sesguard.invalid",
        GIT_COMMITTER_NAME="sesguard tests",
        GIT_COMMITTER_EMAIL="tests@sesguard.invalid",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    return environment


def working_tree_files(root: Path, env) -> list:
    """Files a clone of the working tree would hold: tracked and untracked, not ignored, not deleted."""
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], root, env)
    if listed.returncode == 0:
        names = sorted(set(filter(None, listed.stdout.split("\0"))))
        return [name for name in names if (root / name).is_file()]
    # Not a git checkout (an unpacked sdist, say): everything but caches and build output.
    skip = {".git", ".venv", "build", "dist", "__pycache__", ".pytest_cache", ".ruff_cache", ".tox"}
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file()
        and not any(part in skip or part.endswith(".egg-info") for part in path.relative_to(root).parts)
    )


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory, env):
    """This repository's working tree, committed into a temporary repository: (path, commit)."""
    snapshot = tmp_path_factory.mktemp("hook-repo")
    files = working_tree_files(REPO, env)
    assert ".pre-commit-hooks.yaml" in files, f"{REPO} has no .pre-commit-hooks.yaml"
    for name in files:
        target = snapshot / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    git("init", "--quiet", cwd=snapshot, env=env)
    git("add", "--all", cwd=snapshot, env=env)
    git("commit", "--quiet", "--no-verify", "-m", "sesguard working tree", cwd=snapshot, env=env)
    return snapshot, git("rev-parse", "HEAD", cwd=snapshot, env=env).strip()


def make_project(path: Path, hook_repo, env) -> Path:
    """A user's repository: specs good, bad and unrelated, and a config that uses the hook."""
    repo, rev = hook_repo
    path.mkdir()
    git("init", "--quiet", cwd=path, env=env)
    (path / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo.as_posix()}\n    rev: {rev}\n    hooks:\n      - id: {HOOK_ID}\n"
    )
    shutil.copy(EXAMPLES / "bad.yaml", path / "bad.yaml")
    shutil.copy(EXAMPLES / "clean.yaml", path / "clean.yaml")
    (path / "vendored").mkdir()
    shutil.copy(EXAMPLES / "bad.yaml", path / "vendored" / "bad.yaml")  # excluded by the project's config
    (path / ".sesguard.toml").write_text('exclude = ["vendored"]\n')
    (path / "broken.yaml").write_text("ConfigurationSets: [\n")  # has the SES marker, cannot be parsed
    (path / "workflow.yaml").write_text(NOT_SES_YAML)
    (path / "workflow.yml").write_text(NOT_SES_YAML)
    (path / "package.json").write_text(NOT_SES_JSON)
    (path / "main.tf").write_text(NOT_SES_TF)
    (path / "stack.template").write_text(NOT_SES_YAML)
    (path / "README.md").write_text("# ConfigurationSets live in clean.yaml\n")  # a marker, but not a spec file
    (path / "notes.txt").write_text("nothing to see\n")
    git("add", ".pre-commit-config.yaml", cwd=path, env=env)
    return path


@pytest.fixture(scope="module")
def project(tmp_path_factory, hook_repo, env, pre_commit):
    """The user's repository, with the hook's environment installed (the slow part, done once)."""
    path = make_project(tmp_path_factory.mktemp("user") / "project", hook_repo, env)
    installed = run([*pre_commit, "install-hooks", "--color=never"], path, env, timeout=INSTALL_TIMEOUT)
    if installed.returncode != 0:
        log = Path(env["PRE_COMMIT_HOME"], "pre-commit.log")
        details = log.read_text(errors="replace")[-6000:] if log.exists() else "(no pre-commit.log)"
        pytest.fail(f"pre-commit could not install the hook:\n{installed.stdout}\n{details}")
    return path


@pytest.fixture
def run_hook(project, env, pre_commit):
    """`pre-commit run sesguard --files FILES...` in the user's repository."""

    def run_hook(*files) -> subprocess.CompletedProcess:
        return run([*pre_commit, "run", HOOK_ID, "--color=never", "--files", *files], project, env)

    return run_hook


def test_manifest_is_valid(pre_commit, env):
    completed = run([*pre_commit, "validate-manifest", REPO / ".pre-commit-hooks.yaml"], REPO, env)
    assert completed.returncode == 0, completed.stdout


def test_hook_fails_on_bad_spec_with_sesguard_findings(run_hook, project, sesguard):
    completed = run_hook("bad.yaml")
    output = completed.stdout
    assert completed.returncode == 1, output
    assert hook_status(output) == "Failed", output
    assert f"- hook id: {HOOK_ID}" in output and "- exit code: 1" in output, output
    # The hook shows exactly what `sesguard check bad.yaml` reports, with paths relative to the repository.
    direct = sesguard("check", "bad.yaml", cwd=project)
    expected = [line for line in direct.stdout.splitlines() if FINDING.match(line)]
    assert direct.code == 1 and expected, direct
    shown = [line for line in output.splitlines() if FINDING.match(line)]
    assert shown == expected, output
    assert {path for path, _ in findings(output)} == {"bad.yaml"}
    assert {"SES101", "SES104", "SES301"} <= {rule for _, rule in findings(output)}


def test_hook_passes_on_clean_spec(run_hook):
    completed = run_hook("clean.yaml")
    assert completed.returncode == 0, completed.stdout
    assert hook_status(completed.stdout) == "Passed", completed.stdout
    assert not findings(completed.stdout), completed.stdout


@pytest.mark.parametrize("name", ["workflow.yaml", "workflow.yml", "package.json", "main.tf", "stack.template"])
def test_hook_runs_and_passes_on_files_without_ses_content(run_hook, name):
    """The filter hands these to sesguard (`Passed`, not `Skipped`); sesguard skips them: no SES marker."""
    completed = run_hook(name)
    assert completed.returncode == 0, completed.stdout
    assert hook_status(completed.stdout) == "Passed", completed.stdout


@pytest.mark.parametrize("name", ["README.md", "notes.txt"])
def test_hook_filter_leaves_out_other_files(run_hook, name):
    completed = run_hook(name)
    assert completed.returncode == 0, completed.stdout
    assert hook_status(completed.stdout) == "Skipped", completed.stdout
    assert "(no files to check)" in completed.stdout


def test_hook_fails_on_unparsable_spec(run_hook):
    completed = run_hook("broken.yaml")
    assert completed.returncode == 1, completed.stdout
    assert hook_status(completed.stdout) == "Failed", completed.stdout
    assert "- exit code: 2" in completed.stdout, completed.stdout
    assert findings(completed.stdout) == [("broken.yaml", "SG001")], completed.stdout


def test_hook_honours_the_config_exclude(run_hook):
    """pre-commit names every file; the hook passes --force-exclude so the config's exclude still applies."""
    completed = run_hook("vendored/bad.yaml", "clean.yaml")
    assert completed.returncode == 0, completed.stdout
    assert hook_status(completed.stdout) == "Passed", completed.stdout


def test_hook_on_many_files_reports_only_the_bad_one(run_hook):
    """Several files at once (pre-commit may split them over parallel processes: require_serial false)."""
    completed = run_hook("clean.yaml", "workflow.yaml", "package.json", "main.tf", "bad.yaml", "README.md")
    assert completed.returncode == 1, completed.stdout
    assert hook_status(completed.stdout) == "Failed", completed.stdout
    found = findings(completed.stdout)
    assert found and {path for path, _ in found} == {"bad.yaml"}, completed.stdout


def test_git_commit_is_blocked_by_a_bad_spec(project, env, pre_commit, tmp_path, hook_repo):
    """The real thing: `pre-commit install`, then `git commit` runs the hook on the staged files."""
    user = make_project(tmp_path / "committer", hook_repo, env)  # its own repository: commits change state
    installed = run([*pre_commit, "install"], user, env)
    assert installed.returncode == 0, installed.stdout

    git("add", "bad.yaml", "clean.yaml", cwd=user, env=env)
    blocked = run(["git", "commit", "-m", "add specs"], user, env)
    assert blocked.returncode != 0, blocked.stdout
    assert hook_status(blocked.stdout) == "Failed", blocked.stdout
    assert {path for path, _ in findings(blocked.stdout)} == {"bad.yaml"}, blocked.stdout
    assert run(["git", "rev-parse", "--verify", "--quiet", "HEAD"], user, env).returncode != 0  # no commit

    git("rm", "--cached", "--quiet", "bad.yaml", cwd=user, env=env)
    git("add", "workflow.yaml", "README.md", cwd=user, env=env)
    committed = run(["git", "commit", "-m", "add specs"], user, env)
    assert committed.returncode == 0, committed.stdout
    assert hook_status(committed.stdout) == "Passed", committed.stdout
    tracked = git("ls-files", cwd=user, env=env).split()
    assert "clean.yaml" in tracked and "bad.yaml" not in tracked
