"""How much a run is willing to read: file size, nesting depth, alias expansion, time per AWS call.

The defaults fit every real configuration (the regional quota of 10,000 sets is about 17 MB of
YAML and 20 levels deep) and stop hostile inputs before they cost minutes or gigabytes. The
`[limits]` table of the config raises or lowers them. The limits in force are a context variable,
set by the engine around one run, so loaders (plugins' too) read them without new parameters.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple


class Limits(NamedTuple):
    max_file_size: int = 64 * 1024 * 1024  # bytes; checked before a file is read
    max_depth: int = 100  # nesting levels of mappings and lists (PyYAML's C loader crashes near 20,000)
    max_alias_nodes: int = 1_000_000  # values YAML aliases may add by expansion (the "billion laughs")
    timeout: float = 30.0  # seconds one AWS call may wait for its answer

    @classmethod
    def from_table(cls, table: dict) -> Limits:
        """Limits from the config's validated `[limits]` table (keys spelt like `max-file-size`)."""
        return cls(**{key.replace("-", "_"): value for key, value in table.items()})


_IN_FORCE: ContextVar[Limits] = ContextVar("sesguard_limits", default=Limits())  # noqa: B039 - a NamedTuple, immutable


def current() -> Limits:
    return _IN_FORCE.get()


@contextmanager
def applied(limits: Limits) -> Iterator[None]:
    token = _IN_FORCE.set(limits)
    try:
        yield
    finally:
        _IN_FORCE.reset(token)


# The messages name the key that changes the limit: the user's next step.
def too_large(size: int, limit: int) -> str:
    return f"file is {size:,} bytes, more than {limit:,} (raise [limits] max-file-size to read it)"


def too_deep(limit: int) -> str:
    return f"nesting deeper than {limit} levels (raise [limits] max-depth to allow more)"


def too_many_aliases(limit: int) -> str:
    return f"aliases expand to more than {limit:,} values, an alias bomb? (raise [limits] max-alias-nodes to allow it)"
