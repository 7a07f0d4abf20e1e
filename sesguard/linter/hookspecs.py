"""The plugin contract. Every hook sesguard calls is declared here; these docstrings are its reference.

A plugin is a module (or object) with functions named after these hooks and marked with
`sesguard.linter.hookspecs.hookimpl`. Install it with an entry point in the group `sesguard`::

    [project.entry-points.sesguard]
    my-rules = "my_package.sesguard_plugin"

or load an unpackaged module with `--plugin module.path`. Built-in rules, sources and reporters
are plugins registered through these same hooks; importing a plugin module registers nothing.

Hooks are grouped by pipeline stage: sources, rules, reporters.
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("sesguard")
hookimpl = pluggy.HookimplMarker("sesguard")


# -- sources -----------------------------------------------------------------------------------


@hookspec
def sesguard_sources():
    """Return a list of local sources: objects turning a file's text into the model.

    A source has:

    - ``name`` (str): shown in ``--verbose`` output, e.g. ``"native spec"``;
    - ``claims(path, text) -> bool``: whether this file is in the source's format. Only files that
      contain an SES marker reach this call; the first source that claims a file reads it;
    - ``load(path, text) -> (config_sets, findings)``: the model's ``ConfigurationSet`` objects
      and any SG002 findings. Suppressions the file declares in its own structure (like the native
      spec's ``Suppress``) go on ``ConfigurationSet.suppressions`` / ``EventDestination.suppressions``
      (``sesguard.linter.suppressions.parse_declarations`` reads a ``Suppress`` list); comment
      suppressions are read by the engine from the text. A file that cannot be parsed raises
      ``sesguard.linter.errors.LoadError`` with the line and column of the problem (reported as
      SG001; the other files are still checked).
    """


# -- rules -------------------------------------------------------------------------------------


@hookspec
def sesguard_rules():
    """Return a list of rule classes (subclasses of ``sesguard.linter.rule.Rule``).

    Each rule declares ``id`` (stable, never reused: capital letters, then three digits, such as
    ``ORG001``), ``name`` (kebab-case), ``level`` (error, warning or note), ``tags``,
    ``parameters`` (defaults) with ``parameters_schema`` (a JSON Schema for them), ``help_url``
    (where the plugin documents it: SARIF's ``helpUri`` and ``sesguard rule ID``), and a
    docstring whose first line is the summary and whose body is the documentation.
    ``check(config_set, params)`` yields findings made with ``self.finding(...)``; it must not
    depend on which source the set came from.
    An id that two plugins declare is an error.
    """


# -- reporters ---------------------------------------------------------------------------------


@hookspec
def sesguard_reporters():
    """Return a dict mapping a ``--format`` name to a reporter.

    A reporter is a callable ``reporter(report, options) -> str`` returning the whole output:
    ``report`` is a ``sesguard.linter.engine.Report`` (findings sorted and filtered, the rules
    that ran, counts), ``options`` a ``sesguard.linter.reporters.ReportOptions`` (colour,
    verbosity, whether suppressed findings are shown). Built-in formats: text, json, github,
    sarif.
    """
