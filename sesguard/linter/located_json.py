"""JSON loading at C speed, with positions found only for the paths that need one.

`json.loads` keeps no positions, and a pure-Python parser that records them costs 30x more. So the
document is parsed once by the C decoder, and `locate(path)` later walks the raw text down that one
path, skipping sibling values with the C decoder's `raw_decode`. Offsets of array elements passed on
the way are cached, so many findings in one large file stay cheap.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from json.decoder import scanstring

from sesguard.linter import limits
from sesguard.linter.errors import LoadError

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
# The closing quote is optional so an unterminated string ends the scan instead of being retried
# from every later quote (quadratic on `"\"\"\"...`); json.loads then reports the real error.
_KEY_END = re.compile(r'"[ \t\n\r]*:')
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"?')


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _reject_duplicates(pairs):
    result = dict(pairs)
    if len(result) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


class JsonDocument:
    """A parsed JSON file: `data` plus `locate(path)` over the raw text."""

    def __init__(self, text: str, data) -> None:
        self.data = data
        self._text = text
        start = _skip_ws(text, 0)
        self._offsets = {(): (start, start)}  # path prefix -> (position to report, offset of its value)
        self._array_ends = {}  # array path -> (index of the first element not passed yet, its offset)
        self._known_offsets, self._known_lines = [0], [1]  # offsets answered so far, and their lines

    def locate(self, path) -> tuple[int, int, int]:
        """(line, column, matched) for the deepest element of `path` present; 1-based."""
        path = tuple(path)
        matched = len(path)
        while path[:matched] not in self._offsets:
            matched -= 1
        reported, offset = self._offsets[path[:matched]]
        for element in path[matched:]:
            found = self._step(path[:matched], offset, element)
            if found is None:
                break
            reported, offset = found
            matched += 1
        return (*self._line_column(reported), matched)

    def _step(self, prefix, offset, element):
        """(position to report, offset of the value) of `element` inside the value at `offset`."""
        text = self._text
        if text.startswith("{", offset) and isinstance(element, str):
            position = _skip_ws(text, offset + 1)
            while text.startswith('"', position):
                key, after_key = scanstring(text, position + 1)
                value_at = _skip_ws(text, _skip_ws(text, after_key) + 1)
                if key == element:
                    self._offsets[prefix + (element,)] = (position, value_at)
                    return position, value_at
                position = _after_value(text, value_at)
        elif text.startswith("[", offset) and isinstance(element, int):
            # Go on from the last element passed in this array, so finding every element costs one pass.
            first, position = self._array_ends.get(prefix, (0, _skip_ws(text, offset + 1)))
            for index in range(first, element + 1):
                if text.startswith("]", position):
                    return None
                self._offsets[prefix + (index,)] = (position, position)
                if index == element:
                    return position, position
                position = _after_value(text, position)
                self._array_ends[prefix] = (index + 1, position)
        return None

    def _line_column(self, offset: int) -> tuple[int, int]:
        # Lines are counted from the nearest offset already answered, not listed for the whole text up front:
        # a million-line file with a few findings would pay for every line.
        index = bisect.bisect_right(self._known_offsets, offset) - 1
        known = self._known_offsets[index]
        line = self._known_lines[index] + self._text.count("\n", known, offset)
        self._known_offsets.insert(index + 1, offset)
        self._known_lines.insert(index + 1, line)
        return line, offset - self._text.rfind("\n", 0, offset)


def _skip_ws(text: str, position: int) -> int:
    return _WHITESPACE.match(text, position).end()


def _after_value(text: str, position: int) -> int:
    """Offset after the value at `position` and its trailing comma."""
    _, end = _DECODER.raw_decode(text, position)
    end = _skip_ws(text, end)
    if text.startswith(",", end):
        end = _skip_ws(text, end + 1)
    return end


def load_json(text: str) -> JsonDocument:
    """Parse JSON; raise LoadError with a position for invalid JSON, duplicate keys or deep nesting.

    The C decoder parses without a per-object hook; one walk over the result then measures depth
    and counts keys. Duplicates are looked for (slowly, exactly) only when the key count in the
    text does not match the parsed one, and deep nesting is located only when there is some.
    """
    max_depth = limits.current().max_depth
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise LoadError(f"invalid JSON: {error.msg}", error.lineno, error.colno)
    except ValueError:  # an integer too long for Python to turn into an int
        raise too_long_a_number(text, "JSON")
    except RecursionError:  # the C decoder refuses ~1000 levels cleanly; find where
        _check_depth(text, max_depth)
        raise LoadError(limits.too_deep(max_depth))
    depth, keys, non_finite = nesting_and_members(data)
    if depth > max_depth:
        _check_depth(text, max_depth)
    if keys != _keys_in_text(text):
        try:
            json.loads(text, object_pairs_hook=_reject_duplicates)
        except _DuplicateKey as duplicate:
            line, column = _find_duplicate(text, duplicate.key)
            raise LoadError(f"duplicate key '{duplicate.key}'", line, column)
    document = JsonDocument(text, data)
    if has_surrogate_escape(text, pairs_join=True):
        reject_lone_surrogates(document, "JSON")
    if non_finite:
        reject_non_finite(document, "JSON")
    return document


# Only an escape (`\udc00`, YAML's `\U0000dc00`) can put half of a UTF-16 surrogate pair into a string: it is
# no character, and no UTF-8 report can hold it. Python's decoders accept one (libyaml does not). JSON
# joins a high and a low escape written together into one character; those are fine.
SURROGATE = re.compile("[\ud800-\udfff]")
_ANY_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")
# A match starts only at the first backslash of a run: from every one, `\\+` would backtrack through the rest
# of a long run each time (quadratic: seconds for a string of 40,000 backslashes).
_SURROGATE_ESCAPE = re.compile(r"(?<!\\)(\\+)(?:u|U0000)([dD][89a-fA-F])[0-9a-fA-F]{2}")


def has_surrogate_escape(text: str, pairs_join: bool = False) -> bool:
    """Whether `text` escapes half of a surrogate pair (a cheap test before `reject_lone_surrogates`).

    `pairs_join`: a high half escaped right before a low half is one character (JSON), not two halves.
    """
    if not _ANY_SURROGATE_ESCAPE.search(text):  # nearly every document: one fast scan
        return False
    waiting_for_low = None  # where the low half must start, after a high one
    for match in _SURROGATE_ESCAPE.finditer(text):
        if len(match.group(1)) % 2 == 0:  # `\\udc00`: an escaped backslash, then plain text
            continue
        if not pairs_join:
            return True
        if match.group(2)[1] in "89abAB":  # a high half
            if waiting_for_low is not None:  # the previous high half got no low one
                return True
            waiting_for_low = match.end()
        else:  # a low half: it must follow a high one directly
            if match.end(1) - 1 != waiting_for_low:
                return True
            waiting_for_low = None
    return waiting_for_low is not None


def reject_lone_surrogates(document, language: str) -> None:
    """Raise LoadError at the first key or string value, in document order, holding half of a surrogate pair."""
    found = first_in_document_order(document.data, lambda value: isinstance(value, str) and SURROGATE.search(value))
    if found:
        path, string = found
        line, column, _ = document.locate(path)
        character = f"\\u{ord(SURROGATE.search(string).group()):04x}"
        raise LoadError(f"invalid {language}: {character} is half of a UTF-16 surrogate pair", line, column)


def first_in_document_order(data, wanted):
    """(path, value) of the first key or value, in document order, for which `wanted(value)` holds; else None.
    A key is found at its own path, as a finding about it is."""
    stack = [((), data)]
    while stack:
        path, value = stack.pop()
        if wanted(value):
            return path, value
        if isinstance(value, dict):
            for key, item in reversed(value.items()):  # pushed backwards, so taken in document order
                stack.append((path + (key,), item))
                stack.append((path + (key,), key))  # the key before its value
        elif isinstance(value, list):
            stack.extend((path + (index,), item) for index, item in reversed(list(enumerate(value))))
    return None


def nesting_and_members(data) -> tuple:
    """(nesting depth, number of mapping members, whether a value is an infinite or NaN float) of parsed
    data, level by level, without recursion."""
    deepest = keys = 0
    non_finite = False
    level = [data]
    while level:
        children = []
        for value in level:
            kind = type(value)
            if kind is dict:
                keys += len(value)
                children.extend(value.values())
            elif kind is list:
                children.extend(value)
            elif kind is float and not non_finite:
                non_finite = not math.isfinite(value)
        if len(children) or any(type(value) in (dict, list) for value in level):
            deepest += 1
        level = children
    return deepest, keys, non_finite


def reject_non_finite(document, language: str) -> None:
    """Raise LoadError at the first NaN or infinite number (`NaN`, `1e400`, YAML's `.inf`): no SES field takes
    one, and no JSON report could carry it."""
    path, value = first_in_document_order(document.data, lambda v: isinstance(v, float) and not math.isfinite(v))
    line, column, _ = document.locate(path)
    raise LoadError(f"invalid {language}: {value} is not a finite number", line, column)


def too_long_a_number(text: str, language: str) -> LoadError:
    """The error for an integer longer than Python turns into an int (4,300 digits), at its place."""
    found = _LONG_DIGITS.search(text)
    before = text[: found.start()] if found else ""
    return LoadError(
        f"invalid {language}: a number with more than {MAX_INT_DIGITS:,} digits",
        before.count("\n") + 1,
        len(before) - before.rfind("\n"),
    )


MAX_INT_DIGITS = 4300  # Python's own limit for turning text into an int
_LONG_DIGITS = re.compile(f"[0-9]{{{MAX_INT_DIGITS + 1},}}")


def _keys_in_text(text: str) -> int:
    """Object members as written: exact when no string holds an escaped quote, else -1 (unknown).

    Without escaped quotes every `"` delimits a string, so each key is a closing quote followed by
    optional whitespace and a colon; a string value starting with a colon can only over-count, and
    any mismatch sends the caller to the exact (slow) duplicate check.
    """
    if '\\"' in text:
        return -1
    return len(_KEY_END.findall(text))


def _check_depth(text: str, max_depth: int) -> None:
    """Refuse nesting our own traversals (schema validation, model building) could not handle."""
    depth = 0
    for char in re.sub(r"[^\[\]{}]+", "", _STRING.sub("", text)):
        depth = depth + 1 if char in "[{" else depth - 1
        if depth > max_depth:
            break
    else:
        return
    depth = 0  # again, slowly, for the position (error path only)
    for match in re.finditer(_STRING.pattern + r"|[\[\]{}]", text):
        char = match.group()
        if char in "[{":
            depth += 1
            if depth > max_depth:
                line, column = JsonDocument(text, None)._line_column(match.start())
                raise LoadError(limits.too_deep(max_depth), line, column)
        elif char in "]}":
            depth -= 1


def _find_duplicate(text: str, key: str) -> tuple[int, int]:
    """Position of the second occurrence of `key` within one object (error path only, so plain Python)."""
    stack = []  # per open container: set of keys seen, or None for arrays
    expect_key = False
    for match in re.finditer(_STRING.pattern + r"|[\[\]{},:]", text):
        token = match.group()
        if token == "{":
            stack.append(set())
            expect_key = True
        elif token == "[":
            stack.append(None)
        elif token in "]}":
            stack.pop()
        elif token == ",":
            expect_key = bool(stack) and stack[-1] is not None
        elif token == ":":
            expect_key = False
        elif expect_key:
            name = json.loads(token)
            if name == key and name in stack[-1]:
                return JsonDocument(text, None)._line_column(match.start())
            stack[-1].add(name)
            expect_key = False
    return 1, 1
