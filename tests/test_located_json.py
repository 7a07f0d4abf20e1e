"""Located JSON: C-speed parsing, positions found afterwards by walking the raw text down one path."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import pytest

from sesguard.linter import limits, located_json
from sesguard.linter.errors import LoadError
from sesguard.linter.limits import Limits
from sesguard.linter.located_json import load_json

# Brackets, braces and escaped quotes inside strings must not confuse the walk.
MAX_DEPTH = 100  # the default limit
TOO_DEEP = "nesting deeper than 100 levels (raise [limits] max-depth to allow more)"
SPEC = r"""{
  "Account": "123456789012",
  "ConfigurationSets": [
    {
      "Name": "transactional",
      "DeliveryOptions": {"TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 600},
      "EventDestinations": [
        {"Name": "b]o{u\"nces", "MatchingEventTypes": ["BOUNCE", "COMPLAINT"],
         "SnsDestination": {"TopicArn": "arn:aws:sns:eu-west-1:123456789012:ses-bounces"}},
        {
          "Name" : "archive",
          "Note": "[[[ {{{ \\\" ]]",
          "Enabled":true,
          "MatchingEventTypes": [ "SEND" ,"REJECT" ]
        }
      ]
    }
  ]
}
"""
SET = ("ConfigurationSets", 0)
BOUNCES = (*SET, "EventDestinations", 0)
ARCHIVE = (*SET, "EventDestinations", 1)

PRESENT = [
    ((), (1, 1, 0)),
    (("Account",), (2, 3, 1)),  # mapping members: the key's opening quote
    (("ConfigurationSets",), (3, 3, 1)),
    (SET, (4, 5, 2)),  # array elements: where the element starts
    ((*SET, "Name"), (5, 7, 3)),
    ((*SET, "DeliveryOptions", "TlsPolicy"), (6, 27, 4)),
    ((*SET, "DeliveryOptions", "MaxDeliverySeconds"), (6, 51, 4)),
    (BOUNCES, (8, 9, 4)),
    ((*BOUNCES, "MatchingEventTypes", 1), (8, 66, 6)),  # after a name full of brackets and a \"
    ((*BOUNCES, "SnsDestination", "TopicArn"), (9, 29, 6)),
    (ARCHIVE, (10, 9, 4)),
    ((*ARCHIVE, "Name"), (11, 11, 5)),
    ((*ARCHIVE, "Enabled"), (13, 11, 5)),  # after a value of brackets and an escaped backslash
    ((*ARCHIVE, "MatchingEventTypes", 0), (14, 35, 6)),
    ((*ARCHIVE, "MatchingEventTypes", 1), (14, 43, 6)),
]
MISSING = [
    (("Region",), (1, 1, 0)),
    (("ConfigurationSets", 7), (3, 3, 1)),
    (("ConfigurationSets", "Name"), (3, 3, 1)),  # a key into an array
    ((*SET, "DeliveryOptions", 0), (6, 7, 3)),  # an index into an object
    ((*SET, "DeliveryOptions", "TlsPolicy", "x"), (6, 27, 4)),  # below a scalar
    ((*BOUNCES, "MatchingEventTypes", 2), (8, 33, 5)),
    ((*ARCHIVE, "MatchingEventTypes", 5), (14, 11, 5)),
    ((*SET, "EventDestinations", 2, "Name"), (7, 7, 3)),
]


def load_error(text: str) -> LoadError:
    with pytest.raises(LoadError) as caught:
        load_json(text)
    return caught.value


def run_isolated(text_expression: str, timeout: float = 60) -> tuple[int, str]:
    """Load the JSON that `text_expression` builds in a child interpreter; (return code, what it printed)."""
    code = textwrap.dedent(
        f"""
        from sesguard.linter.errors import LoadError
        from sesguard.linter.located_json import load_json
        try:
            load_json({text_expression})
        except LoadError as error:
            print(f"LoadError {{error.line}}:{{error.column}} {{error.message}}")
        else:
            print("loaded")
        """
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout)
    return completed.returncode, completed.stdout.strip() + completed.stderr.strip()


def test_data_is_the_plain_python_value():
    data = load_json(SPEC).data
    assert data["ConfigurationSets"][0]["EventDestinations"][0]["Name"] == 'b]o{u"nces'
    assert data["ConfigurationSets"][0]["EventDestinations"][1] == {
        "Name": "archive",
        "Note": '[[[ {{{ \\" ]]',
        "Enabled": True,
        "MatchingEventTypes": ["SEND", "REJECT"],
    }


@pytest.mark.parametrize(("path", "expected"), PRESENT)
def test_locate_present_paths(path, expected):
    assert load_json(SPEC).locate(path) == expected


@pytest.mark.parametrize(("path", "expected"), MISSING)
def test_locate_falls_back_to_the_deepest_present_element(path, expected):
    assert load_json(SPEC).locate(path) == expected


def test_cached_lookups_give_the_same_answers_in_any_order():
    expected = dict(PRESENT + MISSING)
    forwards, backwards = load_json(SPEC), load_json(SPEC)
    assert {path: forwards.locate(path) for path in expected} == expected
    assert {path: backwards.locate(path) for path in reversed(list(expected))} == expected
    assert {path: forwards.locate(list(path)) for path in expected} == expected  # second time: from the cache


def test_a_located_path_is_not_walked_again(monkeypatch):
    document = load_json(SPEC)
    path = (*ARCHIVE, "MatchingEventTypes", 1)
    assert document.locate(path) == (14, 43, 6)
    steps = []
    original = located_json.JsonDocument._step
    monkeypatch.setattr(located_json.JsonDocument, "_step", lambda *args: steps.append(args) or original(*args))
    assert document.locate(path) == (14, 43, 6)
    assert document.locate(ARCHIVE) == (10, 9, 4)  # passed on the way: cached too
    assert steps == []
    assert document.locate((*ARCHIVE, "Enabled")) == (13, 11, 5)  # only the last step is new
    assert len(steps) == 1


@pytest.mark.parametrize(
    ("text", "lone"),
    [
        (r'"\ud83d\ude00"', False),  # a pair written together is one character
        (r'"\ud83d\ude00 and \ud83d\ude01"', False),
        (r'"\\ud800"', False),  # an escaped backslash, then the plain text "ud800"
        (r'"\udefd"', True),
        (r'"\ud83d"', True),
        (r'"\ud83dx\ude00"', True),
        (r'"\ude00\ud83d"', True),  # in the wrong order
        (r'"\ud83d\ud83d\ude00"', True),
        (r'"\\\ud800"', True),  # an escaped backslash, then an escape
        (r'"\ud83d\\\ude00"', True),  # an escaped backslash between the halves
    ],
)
def test_only_an_unpaired_surrogate_escape_sends_the_document_to_the_slow_search(text, lone):
    assert located_json.has_surrogate_escape(text, pairs_join=True) is lone
    if lone:
        with pytest.raises(LoadError, match="is half of a UTF-16 surrogate pair"):
            load_json(f'{{"a": [1, {text}]}}')
    else:
        assert load_json(text).data == json.loads(text)


def test_the_first_lone_surrogate_in_document_order_is_reported():
    error = pytest.raises(LoadError, load_json, '{"a": {"deep": "\\udc01"},\n "\\udc02": 1}').value
    assert (error.line, error.column, error.message) == (
        1,
        8,  # the key `deep`: reported before the later key
        "invalid JSON: \\udc01 is half of a UTF-16 surrogate pair",
    )


LONG_ARRAY = 300


@pytest.mark.parametrize(
    "order",
    [range(LONG_ARRAY), [(i * 7919) % LONG_ARRAY for i in range(LONG_ARRAY)]],
    ids=["in-file-order", "scattered"],
)
def test_every_element_of_a_long_array_is_found_in_one_pass(monkeypatch, order):
    """A finding in each of 10,000 sets must not re-read the sets before it each time (that was quadratic)."""
    text = "[\n" + ",\n".join(f'  {{"Name": "s{i}", "Tags": [1, 2]}}' for i in range(LONG_ARRAY)) + "\n]"
    fresh = {i: load_json(text).locate((i, "Tags", 1)) for i in (0, 150, LONG_ARRAY - 1)}
    skipped = []
    original = located_json._after_value
    monkeypatch.setattr(located_json, "_after_value", lambda *args: skipped.append(args) or original(*args))
    document = load_json(text)
    found = {i: document.locate((i, "Tags", 1)) for i in order}
    assert {i: found[i] for i in fresh} == fresh and found[150] == (152, 32, 3)
    assert len(skipped) <= 3 * LONG_ARRAY  # each set passed once, plus its Name and its first tag


def test_positions_in_a_one_line_document():
    document = load_json('{"ConfigurationSets":[{"Name":"a","EventDestinations":[{"Name":"d"},{"Name":"e"}]}]}')
    assert document.locate(("ConfigurationSets", 0, "EventDestinations", 1, "Name")) == (1, 70, 5)
    assert document.locate(("ConfigurationSets", 0, "EventDestinations", 1)) == (1, 69, 4)


# -- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "line", "column"),
    [
        ('{"a": 1,\n "a": 2}', "a", 2, 2),
        ('{"ConfigurationSets": [\n  {"Name": "one",\n   "Name": "two"}\n]}', "Name", 3, 4),
        ('[{"Name": "a"}, {"Name": "b", "Name": "c"}]', "Name", 1, 31),  # not confused by the sibling's key
        ('{"a": 1, "\\u0061": 2}', "a", 1, 10),  # the same key spelt with an escape
        ('{"x": "\\"a\\": 1", "a": 1, "a": 2}', "a", 1, 27),  # not confused by a key-like string value
        ('{"k": {"k": 1, "j": {"k": 2}}, "k": 3}', "k", 1, 32),  # nested objects with the same key are fine
        ('{"k": 1, "k": 2, "i": {"k": 1, "k": 2}}', "k", 1, 10),  # the first duplicate in the text
    ],
)
def test_duplicate_keys_are_errors_at_the_second_occurrence(text, key, line, column):
    error = load_error(text)
    assert (error.message, error.line, error.column) == (f"duplicate key '{key}'", line, column)


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ('{"a": 1,,}', "invalid JSON: Expecting property name enclosed in double quotes", 1, 9),
        ('{\n  "a": [1,\n  2,\n  }\n}', "invalid JSON: Expecting value", 4, 3),
        ('{"a": "unterminated}', "invalid JSON: Unterminated string starting at", 1, 7),
        ("", "invalid JSON: Expecting value", 1, 1),
        ("\ufeff{}", "invalid JSON: Unexpected UTF-8 BOM (decode using utf-8-sig)", 1, 1),
        ('{"a": 1} {"b": 2}', "invalid JSON: Extra data", 1, 10),
    ],
)
def test_invalid_json_has_the_decoder_message_and_position(text, message, line, column):
    error = load_error(text)
    assert (error.message, error.line, error.column) == (message, line, column)


def test_an_unterminated_string_full_of_escaped_quotes_fails_fast():
    """The string-skipping regex must not retry from every later quote (quadratic: hours for this input)."""
    started = time.monotonic()
    try:
        code, output = run_isolated("'[\"' + '\\\\\"' * 200_000", timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("load_json took more than 20 s on a 400 kB unterminated string")
    assert (code, output) == (0, "LoadError 1:2 invalid JSON: Unterminated string starting at")
    assert time.monotonic() - started < 20


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("'[\"' + '\\\\' * 200_000 + '\"]'", "loaded"),
        (
            "'[\"' + '\\\\' * 200_000 + '\\\\ud800\"]'",
            "LoadError 1:2 invalid JSON: \\ud800 is half of a UTF-16 surrogate pair",
        ),
    ],
)
def test_a_long_run_of_backslashes_is_read_fast(expression, expected):
    """The surrogate-escape scan must not restart at every backslash of a run (quadratic: minutes for 200 kB)."""
    try:
        assert run_isolated(expression, timeout=20) == (0, expected)
    except subprocess.TimeoutExpired:
        pytest.fail("load_json took more than 20 s on a string of 200,000 backslashes")


# -- nesting ------------------------------------------------------------------------------------

DEEP = 100_000


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (f"'[' * {DEEP}", "1:101"),
        (f"'[' * {DEEP} + ']' * {DEEP}", "1:101"),
        (f"'{{\"a\": ' * {DEEP}", "1:601"),
        (f"'[\"]]]]\", ' * {DEEP} + '1' + ']' * {DEEP}", "1:901"),  # closers in strings hide nothing
        (f"'[\\n' * {DEEP} + ']\\n' * {DEEP}", "101:1"),
    ],
    ids=["open", "balanced", "objects", "closers-in-strings", "one-per-line"],
)
def test_deep_nesting_is_a_load_error_not_a_crash(expression, expected):
    code, output = run_isolated(expression)
    assert code == 0, f"the interpreter died (return code {code}): {output}"
    assert output == f"LoadError {expected} {TOO_DEEP}"


def test_nesting_at_the_limit_is_accepted_and_one_more_is_not():
    data = load_json("[" * MAX_DEPTH + "]" * MAX_DEPTH).data
    for _ in range(MAX_DEPTH - 1):
        (data,) = data
    assert data == []
    error = load_error("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert (error.message, error.line, error.column) == (TOO_DEEP, 1, MAX_DEPTH + 1)


def test_brackets_inside_strings_do_not_count_as_nesting():
    text = '{"Name": "' + "[{" * 500 + '", "Note": "' + "}]" * 3 + '", "Deep": ' + "[" * 99 + "]" * 99 + "}"
    document = load_json(text)
    assert document.data["Name"] == "[{" * 500
    assert document.locate(("Deep",)) == (1, text.index('"Deep"') + 1, 1)


def test_a_configured_depth_limit_applies():
    text = '{"a": [[{"b": [1]}]]}'  # five levels
    with limits.applied(Limits(max_depth=4)):
        error = load_error(text)
    assert (error.message, error.line, error.column) == (
        "nesting deeper than 4 levels (raise [limits] max-depth to allow more)",
        1,
        15,
    )
    with limits.applied(Limits(max_depth=5)):
        assert load_json(text).data == {"a": [[{"b": [1]}]]}
