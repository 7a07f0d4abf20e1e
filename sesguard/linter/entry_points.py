"""Entry points of one group, read straight from the installed distributions' metadata.

`importlib.metadata` (what pluggy's `load_setuptools_entrypoints` uses) costs about 50 ms to import,
a fifth of a pre-commit run; reading each distribution's `entry_points.txt` on `sys.path` costs a
few. Same rules as importlib.metadata: `sys.path` order, the first distribution of a name wins
(a test compares both on the test environment).
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from typing import NamedTuple

_SECTION = re.compile(r"^\s*\[(?P<section>[^\]]+)\]\s*$")
_ENTRY = re.compile(r"^\s*(?P<name>[^=\s][^=]*?)\s*=\s*(?P<value>\S.*?)\s*$")


class EntryPoint(NamedTuple):
    name: str
    value: str  # "package.module" or "package.module:attribute"
    distribution: str

    def load(self):
        module_name, _, attribute = self.value.partition(":")
        target = importlib.import_module(module_name.strip())
        for part in filter(None, attribute.strip().split(".")):
            target = getattr(target, part)
        return target


def entry_points(group: str, path=None) -> list:
    found, seen = [], set()
    for directory in sys.path if path is None else path:
        try:
            names = sorted(os.listdir(directory or "."))
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            distribution = _normalized(name.rsplit(".", 1)[0].split("-")[0])
            if distribution in seen:
                continue
            seen.add(distribution)
            try:
                with open(os.path.join(directory or ".", name, "entry_points.txt"), encoding="utf-8") as handle:
                    text = handle.read()
            except OSError:
                continue
            if f"[{group}]" in text:
                found += [EntryPoint(n, v, distribution) for n, v in _section(text, group)]
    return found


def _section(text: str, group: str):
    current = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith(("#", ";")):
            continue
        header = _SECTION.match(line)
        if header:
            current = header.group("section").strip()
        elif current == group:
            entry = _ENTRY.match(line)
            if entry:
                yield entry.group("name"), entry.group("value")


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
