"""Loading plugins: built-ins first, then entry points in the group `sesguard`, then `--plugin` modules.

Built-ins go through exactly the hooks a third-party plugin uses; this is the only place that
registers anything, and it happens when the CLI asks, never at import time.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

import pluggy

from sesguard.linter import hookspecs
from sesguard.linter.errors import UsageError
from sesguard.linter.rule import Rule

BUILTIN_PLUGINS = (
    "sesguard.rules",
    "sesguard.linter.sources.native",
    "sesguard.linter.sources.deferred",  # CloudFormation and Terraform, imported when a file needs them
    "sesguard.linter.reporters",
)


@dataclass(eq=False)  # compared by identity: no generated __eq__ (a cold start pays for each)
class Registry:
    """Everything the plugins contributed, validated."""

    rules: dict = field(default_factory=dict)  # id -> rule class
    sources: list = field(default_factory=list)
    reporters: dict = field(default_factory=dict)  # format name -> reporter callable


def load_plugins(extra_modules=(), entry_points: bool = True) -> Registry:
    manager = pluggy.PluginManager("sesguard")
    manager.add_hookspecs(hookspecs)
    for name in BUILTIN_PLUGINS:
        manager.register(importlib.import_module(name), name)
    if entry_points:
        _load_entry_points(manager)
    for name in extra_modules:
        try:
            module = importlib.import_module(name)
        except ImportError as error:
            raise UsageError(f"cannot import plugin module '{name}': {error}") from error
        except Exception as error:  # a syntax error, or anything the module raises while being imported
            raise UsageError(f"cannot import plugin module '{name}': {type(error).__name__}: {error}") from error
        if manager.is_registered(module):  # named twice, or already loaded as a built-in or entry point
            continue
        try:
            manager.register(module, name)
        except (ValueError, pluggy.PluginValidationError) as error:
            message = str(error).replace("\n", "; ")  # pluggy explains over several lines; errors are one line
            raise UsageError(f"plugin module '{name}' cannot be registered: {message}") from error
    try:
        manager.check_pending()  # a misspelt hook name would otherwise be ignored in silence
    except pluggy.PluginValidationError as error:
        raise UsageError(f"plugin '{manager.get_name(error.plugin)}' is invalid: {error}") from error
    return _collect(manager)


def _load_entry_points(manager) -> None:
    """Like pluggy's load_setuptools_entrypoints, without its importlib.metadata import cost."""
    from sesguard.linter.entry_points import entry_points

    for entry_point in entry_points("sesguard"):
        if manager.get_plugin(entry_point.name) or manager.is_blocked(entry_point.name):
            continue
        try:
            manager.register(entry_point.load(), name=entry_point.name)
        except Exception as error:  # a broken third-party package must not look like our crash
            raise UsageError(
                f"cannot load plugin '{entry_point.name}' ({entry_point.value}) from {entry_point.distribution}: "
                f"{type(error).__name__}: {error}"
            ) from error


def _collect(manager) -> Registry:
    registry = Registry()
    for plugin_rules in manager.hook.sesguard_rules():
        for rule in plugin_rules:
            is_rule = isinstance(rule, type) and issubclass(rule, Rule)
            problems = rule.problems() if is_rule else ["not a sesguard Rule subclass"]
            if problems:
                raise UsageError(f"plugin rule {getattr(rule, 'id', rule)!r} is invalid: {'; '.join(problems)}")
            if rule.id in registry.rules:
                raise UsageError(
                    f"rule id {rule.id} is declared twice ({registry.rules[rule.id].__module__} and {rule.__module__})"
                )
            registry.rules[rule.id] = rule
    for plugin_sources in manager.hook.sesguard_sources():
        registry.sources.extend(plugin_sources)
    for plugin_reporters in reversed(manager.hook.sesguard_reporters()):
        registry.reporters.update(plugin_reporters)
    return registry
