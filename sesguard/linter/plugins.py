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

BUILTIN_PLUGINS = (
    "sesguard.rules",
    "sesguard.linter.sources.native",
    "sesguard.linter.reporters",
)


@dataclass
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
        try:
            manager.load_setuptools_entrypoints("sesguard")
        except Exception as error:  # a broken third-party package must not look like our crash
            raise UsageError(f"cannot load a plugin from entry-point group 'sesguard': {error!r}") from error
    for name in extra_modules:
        try:
            manager.register(importlib.import_module(name), name)
        except ImportError as error:
            raise UsageError(f"cannot import plugin module '{name}': {error}") from error
    return _collect(manager)


def _collect(manager) -> Registry:
    registry = Registry()
    for plugin_rules in manager.hook.sesguard_rules():
        for rule in plugin_rules:
            problems = rule.problems() if hasattr(rule, "problems") else ["not a sesguard Rule subclass"]
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
