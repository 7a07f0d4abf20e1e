"""Errors as values: a source raises LoadError with a position; the pipeline turns it into SG001."""

from __future__ import annotations


class LoadError(Exception):
    """A file that cannot be read, decoded or parsed, with the 1-based position of the problem."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class UsageError(Exception):
    """A mistake in how sesguard was called (exit code 2)."""
