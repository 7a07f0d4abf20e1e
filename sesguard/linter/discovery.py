"""Which files to check, and reading them: directory walking, include/exclude globs, SES markers."""

from __future__ import annotations

import codecs
import fnmatch
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from sesguard.linter import limits
from sesguard.linter.errors import LoadError

DEFAULT_INCLUDE = ("*.yaml", "*.yml", "*.json", "*.tf", "*.template")
DEFAULT_EXCLUDE = (".git", "node_modules", ".terraform", ".venv")
# A file without one of these cannot describe SES resources: skipped unparsed (SPEC §3).
MARKERS = ("ConfigurationSets", "AWS::SES::", "aws_sesv2_", "aws_ses_")
_BYTE_MARKERS = tuple(m.encode() for m in MARKERS)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class Candidate(NamedTuple):
    path: str  # as displayed and reported: relative to the working directory when below it
    explicit: bool  # named on the command line (checked even if include/exclude would skip it)


def discover(paths, include=DEFAULT_INCLUDE, exclude=DEFAULT_EXCLUDE, force_exclude=False) -> Iterator[Candidate]:
    """Files to check, in a stable order, each once (`check . a.yaml` names a.yaml twice).

    Paths that do not exist are yielded too (reported as SG001). Files named explicitly are checked
    even when `exclude` matches them, unless `force_exclude` (as pre-commit, which names every
    file, needs for the config's `exclude` to mean anything).
    """
    seen = set()
    for candidate in _walk(paths, include, exclude):
        if force_exclude and candidate.explicit and _excluded_explicitly(candidate.path, exclude):
            continue
        if candidate.path not in seen:
            seen.add(candidate.path)
            yield candidate


def _walk(paths, include, exclude) -> Iterator[Candidate]:
    for given in paths:
        root = Path(given)
        if not root.is_dir():
            yield Candidate(display_path(root), True)
            continue
        for directory, subdirs, files in os.walk(root):  # does not follow directory symlinks: no loops
            subdirs[:] = sorted(d for d in subdirs if not _matches(Path(directory, d), root, exclude))
            for name in sorted(files):
                file = Path(directory, name)
                if _matches(file, root, include) and not _matches(file, root, exclude):
                    yield Candidate(display_path(file), False)


def _matches(path: Path, root: Path, globs) -> bool:
    relative = path.relative_to(root).as_posix()
    return any(fnmatch.fnmatch(path.name, glob) or fnmatch.fnmatch(relative, glob) for glob in globs)


def _excluded_explicitly(path: str, globs) -> bool:
    parts = Path(path).parts
    return any(fnmatch.fnmatch(path, glob) or any(fnmatch.fnmatch(part, glob) for part in parts) for glob in globs)


def display_path(path: Path) -> str:
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def read_candidate(path: str):
    """The file's text, or None when it has no SES marker. Raises LoadError when it cannot be read."""
    try:
        data = _read_regular_file(path, limits.current().max_file_size)
    except FileNotFoundError:
        raise LoadError("no such file")
    except IsADirectoryError:
        raise LoadError("is a directory")
    except OSError as error:
        raise LoadError(f"cannot read file: {error.strerror or error}")
    if data.startswith(_UTF16_BOMS):
        text = _decode(data, "utf-16")
        return text if any(m in text for m in MARKERS) else None
    if not any(m in data for m in _BYTE_MARKERS):
        return None
    if b"\0" in data:
        raise LoadError("binary file (contains NUL bytes)", *_line_column(data, data.index(b"\0")))
    return _decode(data, "utf-8-sig")


def _read_regular_file(path: str, max_size: int) -> bytes:
    """The bytes of `path`, refusing what is not a regular file, or too large, before reading it.

    Opened without blocking and checked on the open descriptor: a FIFO with no writer would block
    the run forever, and a device (`/dev/zero`) would never end.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as file:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(mode):
            raise LoadError(f"not a regular file ({_FILE_KINDS.get(stat.S_IFMT(mode), 'special file')})")
        size = os.fstat(fd).st_size
        data = file.read(min(size, max_size) + 1)  # a buffer of the file's size, not of the limit
        if len(data) > size:  # it grew, or has no size in advance (/proc): read on, still bounded
            data += file.read(max_size + 1 - len(data))
        if len(data) > max_size:
            if not _has_marker(file, data):  # a large unrelated file is skipped, as a small one is
                return b""
            raise LoadError(limits.too_large(max(os.fstat(fd).st_size, len(data)), max_size))
        return data


def _has_marker(file, head: bytes) -> bool:
    """Whether a file holds an SES marker, reading on after `head` in bounded chunks."""
    if head.startswith(_UTF16_BOMS):  # its markers are not visible in the bytes: assume one
        return True
    overlap = max(map(len, _BYTE_MARKERS)) - 1
    chunk = head
    while not any(marker in chunk for marker in _BYTE_MARKERS):
        more = file.read(1 << 20)
        if not more:
            return False
        chunk = chunk[-overlap:] + more
    return True


_FILE_KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line, column = _line_column(data, error.start, encoding)
        raise LoadError(
            f"not valid {encoding.replace('-sig', '').upper()}: byte 0x{data[error.start]:02x} cannot be decoded",
            line,
            column,
        )


def _line_column(data: bytes, offset: int, encoding: str = "utf-8"):
    """1-based line and column (in characters, as editors count them) of the byte at `offset`."""
    before = data[:offset].decode(encoding, "replace")
    return before.count("\n") + 1, len(before) - before.rfind("\n")
