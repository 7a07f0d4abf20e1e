"""Configuration: `--config`, else `[tool.sesguard]` in pyproject.toml or `.sesguard.toml`, nearest first."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from sesguard.linter.discovery import DEFAULT_EXCLUDE, DEFAULT_INCLUDE, display_path
from sesguard.linter.findings import pipeline_finding
from sesguard.linter.limits import Limits
from sesguard.linter.model import Location
from sesguard.linter.origins import format_path
from sesguard.linter.validation import schema_problems, validate_value


@dataclass
class Settings:
    """The effective options: config file values, overridden by the command line."""

    select: tuple[str, ...] = ()  # empty: every rule
    ignore: tuple[str, ...] = ()
    fail_on: str = "warning"
    format: str = "text"
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    force_exclude: bool = False  # apply `exclude` to files named on the command line too
    mandatory: tuple[str, ...] = ()  # rule ids or prefixes no suppression can silence (SG001 never can)
    baseline: str | None = None  # baseline file, relative to the working directory
    rules: dict = field(default_factory=dict)  # rule id -> {"level": ..., parameter: value}
    limits: Limits = Limits()
    path: str | None = None  # the config file in use
    table: dict = field(default_factory=dict)  # the raw validated table, for later stages
    text: str = ""  # the config file's text and the table's key prefix: to locate problems found later
    prefix: tuple[str, ...] = ()

    def selects(self, rule_id: str) -> bool:
        chosen = not self.select or any(rule_id.startswith(prefix) for prefix in self.select)
        return chosen and not any(rule_id.startswith(prefix) for prefix in self.ignore)

    def rule_level(self, rule) -> str:
        return self.rules.get(rule.id, {}).get("level", rule.level)

    def rule_params(self, rule) -> dict:
        overrides = {k: v for k, v in self.rules.get(rule.id, {}).items() if k != "level"}
        return {**rule.parameters, **overrides}


def find_config(start: Path) -> Path | None:
    """The nearest directory's pyproject.toml with [tool.sesguard], else its .sesguard.toml."""
    for directory in (start, *start.parents):
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and re.search(
            r"^\[\[?tool\.sesguard[.\]]", pyproject.read_text("utf-8", "replace"), re.M
        ):
            return pyproject
        dotfile = directory / ".sesguard.toml"
        if dotfile.is_file():
            return dotfile
    return None


def load_settings(config: str | None, cwd: Path):
    """(Settings, findings): findings are SG001/SG002 about the config file itself."""
    path = Path(config) if config else find_config(cwd)
    if path is None:
        return Settings(), []
    shown = display_path(path)
    if sys.version_info >= (3, 11):  # imported only when there is a config file: most runs have none
        import tomllib
    else:  # pragma: no cover - exercised on Python < 3.11 only
        import tomli as tomllib
    try:
        text = path.read_text(encoding="utf-8")
        table = tomllib.loads(text)
    except OSError as error:
        return Settings(), [_config_finding("SG001", f"cannot read config: {error.strerror or error}", shown, 1, 1)]
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        line, column = _toml_error_position(str(error), text if isinstance(error, tomllib.TOMLDecodeError) else "")
        return Settings(), [
            _config_finding("SG001", f"invalid TOML: {_toml_error_message(error)}", shown, line, column)
        ]
    prefix: tuple[str, ...] = ()
    if path.name == "pyproject.toml":
        prefix = ("tool", "sesguard")
        table = table.get("tool", {}).get("sesguard", {})
    findings = [
        _config_finding("SG002", problem.message, shown, _toml_line(text, key_path), 1, key_path)
        for problem in schema_problems("config", table)
        for key_path in [prefix + problem.path]
    ]
    if findings:
        return Settings(path=shown), findings
    settings = Settings(
        select=tuple(table.get("select", ())),
        ignore=tuple(table.get("ignore", ())),
        fail_on=table.get("fail-on", "warning"),
        format=table.get("format", "text"),
        include=tuple(table.get("include", DEFAULT_INCLUDE)),
        exclude=(*table.get("exclude", DEFAULT_EXCLUDE), *table.get("extend-exclude", ())),
        force_exclude=table.get("force-exclude", False),
        mandatory=tuple(table.get("mandatory", ())),
        baseline=_relative_to(path, table.get("baseline")),
        rules=table.get("rules", {}),
        limits=Limits.from_table(table.get("limits", {})),
        path=shown,
        table=table,
        text=text,
        prefix=prefix,
    )
    return settings, []


def _relative_to(config: Path, value: str | None) -> str | None:
    """A path written in the config file is relative to the file's directory."""
    if value is None:
        return None
    return display_path(config.parent / value) if not Path(value).is_absolute() else value


def rule_table_findings(settings: Settings, rules: dict) -> list:
    """SG002 for `[rules.ID]` tables naming unknown rules or breaking a rule's parameter schema, and for
    `select`, `ignore` and `mandatory` entries that match no rule (a typo would check nothing, or everything)."""
    findings = []
    for key in ("select", "ignore", "mandatory"):
        for index, prefix in enumerate(settings.table.get(key, ())):
            if not matches_a_rule(prefix, rules):
                where = settings.prefix + (key, index)
                line = _toml_line(settings.text, where)
                message = f"{key}: {prefix} matches no rule (`sesguard rules` lists them)"
                findings.append(_config_finding("SG002", message, settings.path, line, 1, where))
    for rule_id, table in sorted(settings.rules.items()):
        where = ("rules", rule_id)
        line = _toml_line(settings.text, settings.prefix + where)
        if rule_id not in rules:
            message = f"[rules.{rule_id}] names no known rule"
            findings.append(_config_finding("SG002", message, settings.path, line, 1, settings.prefix + where))
            continue
        params = {k: v for k, v in table.items() if k != "level"}
        for problem in validate_value(rules[rule_id].parameters_schema, params):
            path = settings.prefix + where + problem.path
            message = f"rules.{rule_id}: {problem.message}"
            findings.append(_config_finding("SG002", message, settings.path, _toml_line(settings.text, path), 1, path))
    return findings


def matches_a_rule(prefix: str, rules) -> bool:
    """Whether a rule id or prefix (`select`, `ignore`, `mandatory`) names at least one of `rules`."""
    return any(rule_id.startswith(prefix) for rule_id in rules)


def policy_findings(settings: Settings) -> list:
    """SG002 for `[[policies]]` entries the config schema cannot judge (event names, option fields)."""
    from sesguard.linter.policies import policy_problems

    findings = []
    for index, policy in enumerate(settings.table.get("policies", ())):
        for message, below in policy_problems(policy):
            path = settings.prefix + ("policies", index) + below
            line = _policy_line(settings.text, policy["id"])  # tomllib keeps no positions: the id line
            text = f"policies[{index}] ({policy['id']}): {message}"
            findings.append(_config_finding("SG002", text, settings.path, line, 1, path))
    return findings


def _policy_line(text: str, policy_id: str) -> int:
    match = re.search(r"^[ \t]*id[ \t]*=[ \t]*[\"']" + re.escape(policy_id) + r"[\"']", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _config_finding(rule_id: str, message: str, file: str, line: int, column: int, key_path=()):
    """A finding about the config file; its logical path is the key's, so fingerprints tell problems apart."""
    return pipeline_finding(rule_id, message, Location(file, line, column, format_path(key_path) or "config"), "config")


def _toml_error_position(message: str, text: str):
    match = re.search(r"line (\d+), column (\d+)", message)
    if match:
        return int(match.group(1)), int(match.group(2))
    if "(at end of document)" in message:  # an unclosed array or string: point at the end, where it is missed
        last_line = text.split("\n")[-1]
        return text.count("\n") + 1, len(last_line) + 1
    return 1, 1


def _toml_error_message(error) -> str:
    return re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(error))


def _toml_line(text: str, path) -> int:
    """Best-effort line of `path` in TOML text (tomllib keeps no positions): the last key's line.

    The key is looked for after the header of its nearest enclosing table, so that a key of the same
    name in another table (`name` in `[project]`) is not taken for it. Only blanks and tabs before a
    key or header: a match must not start on an earlier, empty line.
    """
    keys = [str(p) for p in path if not isinstance(p, int)]
    if not keys:
        return 1
    match = _toml_header(keys).search(text)
    if match is None:
        enclosing = next(filter(None, (_toml_header(keys[:n]).search(text) for n in range(len(keys) - 1, 0, -1))), None)
        key = re.compile(r"^[ \t]*[\"']?" + re.escape(keys[-1]) + r"[\"']?[ \t]*=", re.M)
        match = key.search(text, enclosing.end() if enclosing else 0)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _toml_header(keys):
    return re.compile(r"^[ \t]*\[+[ \t]*" + r"\.".join(map(re.escape, keys)) + r"[ \t]*\]+", re.M)
