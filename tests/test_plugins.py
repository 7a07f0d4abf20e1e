"""Plugins: built-ins go through the same pluggy hooks as third-party code, and bad plugins fail clearly.

`tests/plugins/` holds plugin modules as a user would write them; broken ones are written per test.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pluggy
import pytest

from sesguard.linter import hookspecs
from sesguard.linter.config import Settings
from sesguard.linter.engine import Report, check_files
from sesguard.linter.errors import UsageError
from sesguard.linter.plugins import BUILTIN_PLUGINS, load_plugins
from sesguard.linter.reporters import ReportOptions, sarif
from sesguard.linter.rule import Rule
from sesguard.linter.sources.native import NativeSpecSource

PLUGINS = Path(__file__).resolve().parent / "plugins"

# SPEC §5: every built-in rule, with its name and default level (SG900 and SES4xx run on live state only,
# DR0xx in `sesguard drift` only).
BUILTIN_RULES = {
    "SG001": ("parse-error", "error"),
    "SG002": ("schema-violation", "error"),
    "SG100": ("unused-suppression", "warning"),
    "SG101": ("expired-suppression", "warning"),
    "SES101": ("invalid-event-types", "error"),
    "SES102": ("single-destination-target", "error"),
    "SES103": ("unique-destination-names", "error"),
    "SES104": ("destination-quota", "error"),
    "SES105": ("valid-names", "error"),
    "SES106": ("target-arn", "error"),
    "SES107": ("eventbridge-default-bus", "error"),
    "SES201": ("bounce-complaint-to-sns", "error"),
    "SES202": ("destination-enabled", "error"),
    "SES203": ("firehose-archive", "error"),
    "SES204": ("unrouted-events", "note"),
    "SES205": ("pinpoint-end-of-support", "warning"),
    "SES206": ("target-locality", "warning"),
    "SES301": ("tls-required", "warning"),
    "SES302": ("https-tracking", "warning"),
    "SES303": ("reputation-metrics", "warning"),
    "SES304": ("suppression-reasons", "note"),
    "SES305": ("sending-paused", "note"),
    "SG900": ("incomplete-scan", "error"),
    "SES401": ("sns-topic-reachable", "error"),
    "SES402": ("firehose-stream-reachable", "error"),
    "SES403": ("firehose-role-valid", "error"),
    "DR001": ("drift-missing", "error"),
    "DR002": ("drift-unmanaged", "warning"),
    "DR003": ("drift-changed", "error"),
}

SPEC = """\
Account: "123456789012"
Region: eu-west-1
ConfigurationSets:
  - Name: fresh
    DeliveryOptions: {TlsPolicy: REQUIRE}
  - Name: legacy-newsletter
    DeliveryOptions: {TlsPolicy: OPTIONAL}
"""


@pytest.fixture
def example_plugin(monkeypatch):
    monkeypatch.syspath_prepend(str(PLUGINS))
    return "sesguard_example_plugin"


@pytest.fixture
def spec(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # reported paths are relative to the working directory
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    return "spec.yaml"


@pytest.fixture
def write_plugin(tmp_path, monkeypatch):
    """Write a plugin module under a name unique to the test and make it importable."""
    directory = tmp_path / "plugin_modules"
    directory.mkdir()
    monkeypatch.syspath_prepend(str(directory))
    counter = iter(range(100))

    def write(body: str) -> str:
        name = f"sesguard_plugin_{os.getpid()}_{id(directory)}_{next(counter)}"
        (directory / f"{name}.py").write_text(textwrap.dedent(body), encoding="utf-8")
        monkeypatch.delitem(sys.modules, name, raising=False)
        return name

    return write


def rule_module(*declarations: str) -> str:
    """A plugin module declaring the given rule classes (their bodies, each named Rule0, Rule1, ...)."""
    classes = "".join(
        f"\nclass Rule{i}(Rule):\n{textwrap.indent(textwrap.dedent(body), '    ')}"
        for i, body in enumerate(declarations)
    )
    names = ", ".join(f"Rule{i}" for i in range(len(declarations)))
    return (
        "from sesguard.linter.hookspecs import hookimpl\nfrom sesguard.linter.rule import Rule\n"
        f"{classes}\n\n@hookimpl\ndef sesguard_rules():\n    return [{names}]\n"
    )


def usage_error(*modules: str) -> str:
    with pytest.raises(UsageError) as caught:
        load_plugins(modules, entry_points=False)
    return str(caught.value)


def findings(report) -> list:
    return [(f.rule_id, f.location.line, f.level, f.message, f.subject) for f in report.findings]


# -- built-ins ----------------------------------------------------------------------------------


def test_builtins_are_all_registered():
    registry = load_plugins(entry_points=False)
    assert {rule_id: (rule.name, rule.level) for rule_id, rule in registry.rules.items()} == BUILTIN_RULES
    assert len(registry.rules) == len(BUILTIN_RULES) == 29  # the whole catalogue of SPEC §5
    assert [source.kind for source in registry.sources] == [
        "cloudformation",
        "terraform",
        "terraform",
        "terraform",
        "spec",
    ]
    assert type(registry.sources[-1]) is NativeSpecSource
    assert sorted(registry.reporters) == ["github", "json", "sarif", "text"]
    empty = Report(rules=registry.rules)
    assert registry.reporters["sarif"](empty, ReportOptions()) == sarif.render(empty, ReportOptions())


def test_builtins_come_through_the_public_hooks():
    """A bare plugin manager given only the built-in modules sees exactly what load_plugins collects."""
    assert BUILTIN_PLUGINS == (
        "sesguard.rules",
        "sesguard.linter.sources.native",
        "sesguard.linter.sources.deferred",
        "sesguard.linter.reporters",
    )
    manager = pluggy.PluginManager("sesguard")
    manager.add_hookspecs(hookspecs)
    for name in BUILTIN_PLUGINS:
        manager.register(importlib.import_module(name))
    manager.check_pending()
    rules = [rule for plugin_rules in manager.hook.sesguard_rules() for rule in plugin_rules]
    assert sorted(rule.id for rule in rules) == sorted(BUILTIN_RULES)
    assert set(rules) == set(load_plugins(entry_points=False).rules.values())
    sources = [type(s) for plugin_sources in manager.hook.sesguard_sources() for s in plugin_sources]
    assert sources == [type(s) for s in load_plugins(entry_points=False).sources] and sources[-1] is NativeSpecSource
    assert [sorted(reporters) for reporters in manager.hook.sesguard_reporters()] == [
        ["github", "json", "sarif", "text"]
    ]


@pytest.mark.parametrize("rule_id", sorted(BUILTIN_RULES))
def test_builtin_rule_declarations_are_valid(rule_id):
    rule = load_plugins(entry_points=False).rules[rule_id]
    assert issubclass(rule, Rule)
    assert rule.problems() == []
    assert rule.summary() and rule.summary() == rule.summary().strip()


def test_importing_builtin_plugins_registers_nothing():
    """Registration happens in load_plugins only: importing a plugin module creates no manager, no rule."""
    code = textwrap.dedent(
        """
        import gc
        import pluggy
        import sesguard.rules, sesguard.linter.sources.native, sesguard.linter.reporters
        from sesguard.linter.rule import Rule
        from sesguard.linter.sources.native import NativeSpecSource
        objects = gc.get_objects()
        print(
            sum(isinstance(o, pluggy.PluginManager) for o in objects),
            sum(isinstance(o, (Rule, NativeSpecSource)) for o in objects),
        )
        """
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (completed.returncode, completed.stdout, completed.stderr) == (0, "0 0\n", "")


def test_each_load_builds_a_fresh_registry(example_plugin):
    with_plugin = load_plugins([example_plugin], entry_points=False)
    without = load_plugins(entry_points=False)
    assert "ORG900" in with_plugin.rules and "ORG900" not in without.rules
    assert "count" in with_plugin.reporters and "count" not in without.reporters
    without.rules.clear()
    assert len(load_plugins(entry_points=False).rules) == len(BUILTIN_RULES)


# -- a third-party plugin -----------------------------------------------------------------------


def test_plugin_rule_runs_in_check_files(example_plugin, spec):
    registry = load_plugins(extra_modules=[example_plugin], entry_points=False)
    assert sorted(registry.rules) == sorted([*BUILTIN_RULES, "ORG900"])
    report = check_files([spec], registry, Settings(select=("ORG900", "SES301")))
    assert report.errors == []
    assert findings(report) == [
        ("ORG900", 6, "warning", "set name starts with 'legacy-'", "legacy-newsletter"),
        ("SES301", 7, "warning", "DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE", "legacy-newsletter"),
    ]
    assert report.findings[0].location.column == 5
    assert registry.reporters["count"](report, ReportOptions()) == "2 findings\n"


def test_plugin_rule_takes_parameters_and_level_from_config(example_plugin, spec):
    registry = load_plugins([example_plugin], entry_points=False)
    settings = Settings(select=("ORG900",), rules={"ORG900": {"prefix": "fre", "level": "error"}})
    assert findings(check_files([spec], registry, settings)) == [
        ("ORG900", 4, "error", "set name starts with 'fre'", "fresh")
    ]


def test_plugin_rule_appears_in_sarif(example_plugin, spec, validate_sarif, tmp_path):
    registry = load_plugins([example_plugin], entry_points=False)
    report = check_files([spec], registry, Settings(select=("ORG900", "SES301")))
    output = sarif.render(report, ReportOptions())
    log = json.loads(output)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    index = [rule["id"] for rule in rules].index("ORG900")
    entry = rules[index]
    assert {key: entry[key] for key in ("id", "name", "shortDescription", "defaultConfiguration")} == {
        "id": "ORG900",
        "name": "legacy-set-name",
        "shortDescription": {"text": "Configuration sets must not keep a `legacy-` name."},
        "defaultConfiguration": {"level": "warning"},
    }
    assert entry["fullDescription"]["text"].startswith("Configuration sets must not keep a `legacy-` name.\n\nWhy:")
    assert entry["properties"] == {
        "tags": ["naming", "organisation"],
        "precision": "very-high",
        "security-severity": "4.0",
    }
    (result,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "ORG900"]
    assert result["ruleIndex"] == index
    assert result["message"]["text"] == "set name starts with 'legacy-' [legacy-newsletter]"
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "spec.yaml"},
        "region": {"startLine": 6, "startColumn": 5},
    }
    (tmp_path / "out.sarif").write_text(output, encoding="utf-8")
    validate_sarif(tmp_path / "out.sarif")


def test_the_same_plugin_named_twice_is_loaded_once(example_plugin):
    registry = load_plugins([example_plugin, example_plugin], entry_points=False)
    assert sorted(registry.rules) == sorted([*BUILTIN_RULES, "ORG900"])


def test_naming_a_builtin_module_as_a_plugin_is_harmless():
    assert sorted(load_plugins(["sesguard.rules"], entry_points=False).rules) == sorted(BUILTIN_RULES)


# -- a rule that crashes ------------------------------------------------------------------------


def test_a_crashing_plugin_rule_is_recorded_and_hides_nothing(monkeypatch, spec):
    monkeypatch.syspath_prepend(str(PLUGINS))
    registry = load_plugins(["sesguard_crashing_plugin"], entry_points=False)
    report = check_files([spec], registry, Settings(select=("ORG901", "SES301")))
    assert report.errors == [
        "rule ORG901 failed on set 'fresh': RuntimeError('boom on fresh')",
        "rule ORG901 failed on set 'legacy-newsletter': RuntimeError('boom on legacy-newsletter')",
    ]
    assert findings(report) == [
        ("SES301", 7, "warning", "DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE", "legacy-newsletter")
    ]
    assert report.incomplete is True


def test_a_plugin_rule_that_cannot_start_is_recorded_and_hides_nothing(write_plugin, spec):
    declaration = (
        '"""Doc."""\nid = "ORG960"\nname = "boom"\nlevel = "error"\n\n'
        'def __init__(self):\n    raise RuntimeError("cannot start")\n'
    )
    registry = load_plugins([write_plugin(rule_module(declaration))], entry_points=False)
    report = check_files([spec], registry, Settings(select=("ORG960", "SES301")))
    assert len(report.errors) >= 1 and all("ORG960" in e and "cannot start" in e for e in report.errors)
    assert [f.rule_id for f in report.findings] == ["SES301"]


def test_a_plugin_rule_yielding_garbage_is_recorded_and_hides_nothing(write_plugin, spec):
    declaration = (
        '"""Doc."""\nid = "ORG961"\nname = "garbage"\nlevel = "error"\n\n'
        "def check(self, config_set, params):\n    yield 'not a finding'\n"
    )
    registry = load_plugins([write_plugin(rule_module(declaration))], entry_points=False)
    report = check_files([spec], registry, Settings(select=("ORG961", "SES301")))
    assert len(report.errors) >= 1 and all("ORG961" in e for e in report.errors)
    assert [f.rule_id for f in report.findings] == ["SES301"]


# -- plugins that cannot be loaded --------------------------------------------------------------


def test_a_plugin_reusing_a_builtin_id_is_refused(write_plugin):
    name = write_plugin(rule_module('"""Mine."""\nid = "SES201"\nname = "mine"\nlevel = "error"\n'))
    assert usage_error(name) == (
        f"rule id SES201 is declared twice ({name} and sesguard.rules.routing.bounce_complaint_to_sns)"
    )


def test_two_plugins_declaring_one_id_are_refused(write_plugin):
    first = write_plugin(rule_module('"""One."""\nid = "ORG950"\nname = "one"\nlevel = "note"\n'))
    second = write_plugin(rule_module('"""Two."""\nid = "ORG950"\nname = "two"\nlevel = "note"\n'))
    assert usage_error(first, second) == f"rule id ORG950 is declared twice ({second} and {first})"


@pytest.mark.parametrize(
    ("declaration", "shown", "problem"),
    [
        ('"""Doc."""\nid = "ORG951"\nname = "Bad_Name"\nlevel = "error"\n', "'ORG951'", "name must be kebab-case"),
        (
            '"""Doc."""\nid = "ORG951"\nname = "bad-level"\nlevel = "fatal"\n',
            "'ORG951'",
            "level must be error, warning or note",
        ),
        (
            'id = "ORG951"\nname = "no-docstring"\nlevel = "error"\n',
            "'ORG951'",
            "a docstring (summary line and documentation) is required",
        ),
        (
            '"""   """\nid = "ORG951"\nname = "blank-docstring"\nlevel = "error"\n',
            "'ORG951'",
            "a docstring (summary line and documentation) is required",
        ),
        ('"""Doc."""\nid = "org951"\nname = "lower-id"\nlevel = "error"\n', "'org951'", "id must look like ABC123"),
        ('"""Doc."""\nname = "no-id"\nlevel = "error"\n', "<class '{module}.Rule0'>", "id must look like ABC123"),
        ('"""Doc."""\nid = "ORG951"\nlevel = "error"\n', "'ORG951'", "name must be kebab-case"),
    ],
)
def test_a_badly_declared_rule_is_refused(write_plugin, declaration, shown, problem):
    module = write_plugin(rule_module(declaration))
    assert usage_error(module) == f"plugin rule {shown.format(module=module)} is invalid: {problem}"


def test_every_problem_of_a_declaration_is_listed(write_plugin):
    name = write_plugin(rule_module('id = "ORG952"\nname = "Bad Name"\nlevel = "critical"\n'))
    assert usage_error(name) == (
        "plugin rule 'ORG952' is invalid: name must be kebab-case; level must be error, warning or note; "
        "a docstring (summary line and documentation) is required"
    )


@pytest.mark.parametrize(
    ("returned", "shown"),
    [("[object]", "<class 'object'>"), ("[Rule0()]", "'ORG953'"), ("['SES999']", "'SES999'")],
    ids=["not-a-rule-class", "an-instance", "a-string"],
)
def test_a_hook_returning_something_else_than_rule_classes_is_refused(write_plugin, returned, shown):
    module = rule_module('"""Doc."""\nid = "ORG953"\nname = "fine"\nlevel = "note"\n').replace("[Rule0]", returned)
    assert usage_error(write_plugin(module)) == f"plugin rule {shown} is invalid: not a sesguard Rule subclass"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("def broken(:\n    pass\n", "SyntaxError: invalid syntax ({name}.py, line 1)"),
        ("raise RuntimeError('cannot configure')\n", "RuntimeError: cannot configure"),
        ("import sesguard_missing_dependency_xyz\n", "No module named 'sesguard_missing_dependency_xyz'"),
    ],
    ids=["syntax-error", "raises-on-import", "missing-dependency"],
)
def test_an_unimportable_plugin_module_is_a_usage_error(write_plugin, body, message):
    name = write_plugin(body)
    assert usage_error(name) == f"cannot import plugin module '{name}': {message.format(name=name)}"


def test_a_missing_plugin_module_is_a_usage_error():
    assert usage_error("sesguard_no_such_plugin") == (
        "cannot import plugin module 'sesguard_no_such_plugin': No module named 'sesguard_no_such_plugin'"
    )


def test_a_misspelt_hook_is_a_usage_error_not_ignored(write_plugin):
    name = write_plugin(
        "from sesguard.linter.hookspecs import hookimpl\n\n@hookimpl\ndef sesguard_rule():\n    return []\n"
    )
    assert usage_error(name).startswith(f"plugin '{name}' is invalid: unknown hook 'sesguard_rule' in plugin ")


def test_a_hook_with_wrong_arguments_is_a_usage_error(write_plugin):
    name = write_plugin(
        "from sesguard.linter.hookspecs import hookimpl\n\n@hookimpl\ndef sesguard_rules(config):\n    return []\n"
    )
    message = usage_error(name)
    assert message.startswith(f"plugin module '{name}' cannot be registered: Plugin '{name}' for hook 'sesguard_rules'")
    assert "\n" not in message


def test_a_broken_entry_point_is_a_usage_error(tmp_path, monkeypatch):
    dist = tmp_path / "broken_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "entry_points.txt").write_text("[sesguard]\nbroken = sesguard_no_such_module:plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(UsageError) as caught:
        load_plugins()
    assert str(caught.value) == (
        "cannot load plugin 'broken' (sesguard_no_such_module:plugin) from broken-plugin: "
        "ModuleNotFoundError: No module named 'sesguard_no_such_module'"
    )


# -- end to end ---------------------------------------------------------------------------------


def plugin_env() -> dict:
    existing = os.environ.get("PYTHONPATH")
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(PLUGINS), existing]))}


def test_cli_loads_a_plugin_module(sesguard, tmp_path):
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    run = sesguard(
        "check",
        "--plugin",
        "sesguard_example_plugin",
        "--select",
        "ORG900",
        "spec.yaml",
        cwd=tmp_path,
        env=plugin_env(),
    )
    assert (run.code, run.stderr) == (1, "")
    assert (
        run.stdout.splitlines()[0] == "spec.yaml:6:5: ORG900 warning set name starts with 'legacy-' [legacy-newsletter]"
    )

    run = sesguard(
        "check", "--plugin", "sesguard_example_plugin", "--format", "sarif", "spec.yaml", cwd=tmp_path, env=plugin_env()
    )
    assert run.code == 1
    rules = run.json()["runs"][0]["tool"]["driver"]["rules"]
    assert "ORG900" in [rule["id"] for rule in rules] and len(rules) == len(BUILTIN_RULES) + 1

    run = sesguard(
        "check",
        "--plugin",
        "sesguard_example_plugin",
        "--format",
        "count",
        "--select",
        "ORG900,SES301",
        "spec.yaml",
        cwd=tmp_path,
        env=plugin_env(),
    )
    assert (run.code, run.stdout) == (1, "2 findings\n")  # the plugin's own reporter


def test_cli_lists_and_documents_plugin_rules(sesguard, tmp_path):
    run = sesguard("rules", "--plugin", "sesguard_example_plugin", "--format", "json", cwd=tmp_path, env=plugin_env())
    assert run.code == 0
    (entry,) = [rule for rule in run.json() if rule["id"] == "ORG900"]
    assert (entry["name"], entry["level"], entry["parameters"]) == ("legacy-set-name", "warning", {"prefix": "legacy-"})
    run = sesguard("rule", "org900", "--plugin", "sesguard_example_plugin", cwd=tmp_path, env=plugin_env())
    assert run.code == 0 and "legacy-set-name" in run.stdout and "Fix: rename the set" in run.stdout


def test_cli_reports_a_crashing_plugin_rule_and_still_reports_the_rest(sesguard, tmp_path):
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    run = sesguard(
        "check",
        "--plugin",
        "sesguard_crashing_plugin",
        "--select",
        "ORG901,SES301",
        "spec.yaml",
        cwd=tmp_path,
        env=plugin_env(),
    )
    assert run.code == 2
    assert run.stdout.splitlines()[0] == (
        "spec.yaml:7:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [legacy-newsletter]"
    )
    assert run.stderr.splitlines() == [
        "sesguard: error: rule ORG901 failed on set 'fresh': RuntimeError('boom on fresh')",
        "sesguard: error: rule ORG901 failed on set 'legacy-newsletter': RuntimeError('boom on legacy-newsletter')",
    ]


def test_cli_plugin_import_error_is_one_line_and_exit_2(sesguard, tmp_path):
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    run = sesguard("check", "--plugin", "sesguard_no_such_plugin", "spec.yaml", cwd=tmp_path, env=plugin_env())
    assert (run.code, run.stdout) == (2, "")
    assert run.stderr == (
        "sesguard: error: cannot import plugin module 'sesguard_no_such_plugin': "
        "No module named 'sesguard_no_such_plugin'\n"
    )


def test_cli_plugin_declaring_nothing_changes_nothing(sesguard, tmp_path):
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    plain = sesguard("check", "--select", "SES301", "spec.yaml", cwd=tmp_path)
    with_module = sesguard("check", "--plugin", "sesguard.linter", "--select", "SES301", "spec.yaml", cwd=tmp_path)
    assert with_module == plain
    assert (plain.code, plain.stderr) == (1, "")
