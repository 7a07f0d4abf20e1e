"""Located YAML: values plus `locate(path)`, safe loading, and guards that run before libyaml can crash.

The dangerous inputs (deep nesting, alias bombs) run in a child interpreter: if a guard regresses,
libyaml's recursive composer segfaults the child, which shows here as a failing return code instead
of taking pytest down with it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest
import yaml

from sesguard.linter import limits, located_yaml
from sesguard.linter.errors import LoadError
from sesguard.linter.limits import Limits
from sesguard.linter.located_yaml import SafeLocatedLoader, load_yaml, loader_class

PYTHON_LOADER = loader_class(yaml.SafeLoader)
LOADERS = pytest.mark.parametrize("loader", [SafeLocatedLoader, PYTHON_LOADER], ids=["default", "pure-python"])

MAX_DEPTH = 100  # the default limit
TOO_DEEP = "nesting deeper than 100 levels (raise [limits] max-depth to allow more)"
SPEC = """\
# leading comment
Account: "123456789012"
ConfigurationSets:
  - Name: transactional
    DeliveryOptions: {TlsPolicy: REQUIRE, MaxDeliverySeconds: 600}
    EventDestinations:
      - Name: bounces
        MatchingEventTypes: [BOUNCE, COMPLAINT]
        SnsDestination:
          TopicArn: "arn:aws:sns:eu-west-1:123456789012:ses-bounces"
      -   Name: archive
          Enabled: true
          MatchingEventTypes:
            - SEND
            -   REJECT
"""
SET = ("ConfigurationSets", 0)
BOUNCES = (*SET, "EventDestinations", 0)
ARCHIVE = (*SET, "EventDestinations", 1)


def load_error(text: str, loader=SafeLocatedLoader) -> LoadError:
    with pytest.raises(LoadError) as caught:
        load_yaml(text, loader)
    return caught.value


def run_isolated(text_expression: str, timeout: float = 60, pure_python: bool = False) -> tuple[int, str]:
    """Load the YAML that `text_expression` builds in a child interpreter; (return code, what it printed)."""
    code = textwrap.dedent(
        f"""
        import yaml
        from sesguard.linter.errors import LoadError
        from sesguard.linter.located_yaml import SafeLocatedLoader, load_yaml, loader_class
        text = {text_expression}
        try:
            document = load_yaml(text, loader_class(yaml.SafeLoader) if {pure_python} else SafeLocatedLoader)
        except LoadError as error:
            print(f"LoadError {{error.line}}:{{error.column}} {{error.message}}")
        else:
            print("loaded")
        """
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout)
    return completed.returncode, completed.stdout.strip() + completed.stderr.strip()


# -- values -------------------------------------------------------------------------------------


def test_data_is_the_plain_python_value():
    data = load_yaml(SPEC).data
    assert data == {
        "Account": "123456789012",
        "ConfigurationSets": [
            {
                "Name": "transactional",
                "DeliveryOptions": {"TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 600},
                "EventDestinations": [
                    {
                        "Name": "bounces",
                        "MatchingEventTypes": ["BOUNCE", "COMPLAINT"],
                        "SnsDestination": {"TopicArn": "arn:aws:sns:eu-west-1:123456789012:ses-bounces"},
                    },
                    {"Name": "archive", "Enabled": True, "MatchingEventTypes": ["SEND", "REJECT"]},
                ],
            }
        ],
    }


def test_timestamps_stay_strings_other_implicit_types_do_not():
    data = load_yaml(
        "Expires: 2027-03-31\n"
        "At: 2001-12-14t21:59:43.10-05:00\n"
        "Spaced: 2001-12-14 21:59:43.10 -5\n"
        "Quoted: '2027-03-31'\n"
        "Enabled: true\n"
        "Seconds: 600\n"
        "Ratio: 1.5\n"
        "Nothing: null\n"
    ).data
    assert data == {
        "Expires": "2027-03-31",
        "At": "2001-12-14t21:59:43.10-05:00",
        "Spaced": "2001-12-14 21:59:43.10 -5",
        "Quoted": "2027-03-31",
        "Enabled": True,
        "Seconds": 600,
        "Ratio": 1.5,
        "Nothing": None,
    }


def test_merge_keys_are_not_duplicates_and_explicit_keys_win():
    data = load_yaml(
        "base: &base {TlsPolicy: OPTIONAL, SendingPoolName: pool}\nset:\n  <<: *base\n  TlsPolicy: REQUIRE\n"
    )
    assert data.data["set"] == {"TlsPolicy": "REQUIRE", "SendingPoolName": "pool"}


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n"])
def test_empty_document_has_no_data_and_locates_at_the_start(text):
    document = load_yaml(text)
    assert document.data is None
    assert document.locate(("ConfigurationSets", 0)) == (1, 1, 0)


# -- positions ----------------------------------------------------------------------------------


@LOADERS
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ((), (2, 1, 0)),  # the root mapping starts after the comment
        (("Account",), (2, 1, 1)),  # mapping members: the key's position
        (("ConfigurationSets",), (3, 1, 1)),
        (SET, (4, 5, 2)),  # block sequence item: where the item (a mapping) starts, after "- "
        ((*SET, "Name"), (4, 5, 3)),
        ((*SET, "DeliveryOptions"), (5, 5, 3)),
        ((*SET, "DeliveryOptions", "TlsPolicy"), (5, 23, 4)),  # flow mapping keys
        ((*SET, "DeliveryOptions", "MaxDeliverySeconds"), (5, 43, 4)),
        ((*BOUNCES, "MatchingEventTypes"), (8, 9, 5)),
        ((*BOUNCES, "MatchingEventTypes", 0), (8, 30, 6)),  # flow sequence items
        ((*BOUNCES, "MatchingEventTypes", 1), (8, 38, 6)),
        ((*BOUNCES, "SnsDestination", "TopicArn"), (10, 11, 6)),
        (ARCHIVE, (11, 11, 4)),  # "-   Name": the item starts where its first key does
        ((*ARCHIVE, "Enabled"), (12, 11, 5)),
        ((*ARCHIVE, "MatchingEventTypes", 0), (14, 15, 6)),
        ((*ARCHIVE, "MatchingEventTypes", 1), (15, 17, 6)),
    ],
)
def test_locate_present_paths(loader, path, expected):
    assert load_yaml(SPEC, loader).locate(path) == expected


@LOADERS
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("Region",), (2, 1, 0)),  # nothing matched: the document's start
        (("ConfigurationSets", 7), (3, 1, 1)),  # index past the end: the sequence's key
        (("ConfigurationSets", "Name"), (3, 1, 1)),  # a key into a sequence
        ((*SET, "DeliveryOptions", 0), (5, 5, 3)),  # an index into a mapping
        ((*SET, "DeliveryOptions", "TlsPolicy", "Deeper"), (5, 23, 4)),  # below a scalar
        (("Account", "x"), (2, 1, 1)),
        ((*BOUNCES, "SnsDestination", "Missing", "More"), (9, 9, 5)),
        ((*BOUNCES, "MatchingEventTypes", 2), (8, 9, 5)),  # flow sequence index past the end
        ((*ARCHIVE, "MatchingEventTypes", 5), (13, 11, 5)),
    ],
)
def test_locate_falls_back_to_the_deepest_present_element(loader, path, expected):
    assert load_yaml(SPEC, loader).locate(path) == expected


def test_locate_accepts_any_iterable_and_repeats_itself():
    document = load_yaml(SPEC)
    path = [*BOUNCES, "MatchingEventTypes", 1]
    assert document.locate(path) == document.locate(tuple(path)) == document.locate(iter(path)) == (8, 38, 6)


def test_positions_in_a_flow_style_document():
    text = '{ConfigurationSets: [{Name: a, EventDestinations: [{Name: d, MatchingEventTypes: [SEND, "OPEN"]}]}]}'
    document = load_yaml(text)
    assert document.locate(("ConfigurationSets",)) == (1, 2, 1)
    assert document.locate(("ConfigurationSets", 0)) == (1, 22, 2)
    assert document.locate(("ConfigurationSets", 0, "Name")) == (1, 23, 3)
    assert document.locate(("ConfigurationSets", 0, "EventDestinations", 0, "MatchingEventTypes")) == (1, 62, 5)
    assert document.locate(("ConfigurationSets", 0, "EventDestinations", 0, "MatchingEventTypes", 1)) == (1, 89, 6)


# -- duplicate keys -----------------------------------------------------------------------------


@LOADERS
@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        (
            "ConfigurationSets:\n  - Name: a\n    Region: eu-west-1\n    Name: b\n",
            "duplicate key 'Name' (first defined at line 2)",
            4,
            5,
        ),
        (
            "Account: '1'\nConfigurationSets: []\nAccount: '2'\n",
            "duplicate key 'Account' (first defined at line 1)",
            3,
            1,
        ),
        (
            "Set: {TlsPolicy: REQUIRE, TlsPolicy: OPTIONAL}\n",
            "duplicate key 'TlsPolicy' (first defined at line 1)",
            1,
            27,
        ),
        ('"Name": a\nName: b\n', "duplicate key 'Name' (first defined at line 1)", 2, 1),  # quoting does not hide it
        (
            "ConfigurationSets:\n  - {Name: a}\n  - Name: b\n    EventDestinations:\n"
            "      - Name: d\n        Enabled: true\n        Enabled: false\n",
            "duplicate key 'Enabled' (first defined at line 6)",
            7,
            9,
        ),
    ],
)
def test_duplicate_keys_are_errors_at_the_duplicate(loader, text, message, line, column):
    error = load_error(text, loader)
    assert (error.message, error.line, error.column) == (message, line, column)


def test_same_key_in_sibling_mappings_is_not_a_duplicate():
    assert load_yaml("- {Name: a}\n- {Name: b}\n").data == [{"Name": "a"}, {"Name": "b"}]


# -- safety -------------------------------------------------------------------------------------


@LOADERS
@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("Name: !!python/object:os.system x\n", "tag:yaml.org,2002:python/object:os.system"),
        ("Name: !!python/object/apply:os.system [echo hi]\n", "tag:yaml.org,2002:python/object/apply:os.system"),
        ("Name: !!python/name:os.system\n", "tag:yaml.org,2002:python/name:os.system"),
        ("Name: !Ref Other\n", "!Ref"),  # CloudFormation tags belong to the CloudFormation loader only
    ],
)
def test_unsafe_and_unknown_tags_are_rejected(loader, text, tag):
    error = load_error(text, loader)
    assert error.message == f"invalid YAML: could not determine a constructor for the tag '{tag}'"
    assert (error.line, error.column) == (1, 7)


def test_the_libyaml_c_loader_is_used_when_available():
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML was built without libyaml")
    assert located_yaml._BASE_LOADER is yaml.CSafeLoader
    assert issubclass(SafeLocatedLoader, yaml.CSafeLoader)
    assert issubclass(SafeLocatedLoader, yaml.cyaml.CParser)


@LOADERS
@pytest.mark.parametrize(
    ("text", "libyaml_message", "python_message", "line", "column"),
    [
        (
            "a: 1\n---\nb: 2\n",
            "expected a single document in the stream, but found another document",
            "expected a single document in the stream, but found another document",
            2,
            1,
        ),
        ("a: [1, 2\nb: 3\n", "did not find expected ',' or ']'", "expected ',' or ']', but got ':'", 2, 2),
        ("a: b: c\n", "mapping values are not allowed in this context", "mapping values are not allowed here", 1, 5),
        ("a: *nope\n", "found undefined alias", "found undefined alias 'nope'", 1, 4),
        ("{[a]: b}\n", "found unhashable key", "found unhashable key", 1, 2),
        (  # the offending character's position is counted in characters, not UTF-8 bytes
            "é: b\nc: \x07\n",
            "unacceptable character #x0007: control characters are not allowed",
            "unacceptable character #x0007: special characters are not allowed",
            2,
            4,
        ),
    ],
)
def test_invalid_yaml_is_a_one_line_message_with_a_position(
    loader, text, libyaml_message, python_message, line, column
):
    uses_libyaml = issubclass(loader, getattr(yaml, "CSafeLoader", ()))
    error = load_error(text, loader)
    assert error.message == f"invalid YAML: {libyaml_message if uses_libyaml else python_message}"
    assert (error.line, error.column) == (line, column)


def test_a_lone_surrogate_escape_is_a_load_error_with_the_python_loader_too():
    """libyaml refuses `\\udc00`; PyYAML's own loader makes half a character of it, which no report could print."""
    error = load_error('a:\n  b: "x\\udc00"\n', PYTHON_LOADER)
    assert (error.message, error.line, error.column) == (
        "invalid YAML: \\udc00 is half of a UTF-16 surrogate pair",
        2,
        3,
    )
    assert load_yaml('a: "\\U0001F600"\n', PYTHON_LOADER).data == {"a": "\U0001f600"}  # a whole character is fine


def test_syntax_error_found_while_measuring_depth_is_a_load_error():
    """The exact depth check parses first; a syntax error there must not escape as a yaml exception."""
    error = load_error("a: b: c\n" + "[" * (MAX_DEPTH + 1))
    assert error.message.startswith("invalid YAML: mapping values are not allowed ")  # libyaml: "in this context"
    assert (error.line, error.column) == (1, 5)


BILLION_LAUGHS = "\n".join(
    [
        'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
        *(f"{name}: &{name} [{', '.join([f'*{previous}'] * 10)}]" for previous, name in zip("abcdefgh", "bcdefghi")),
    ]
)


def test_alias_bomb_is_rejected_quickly_and_safely():
    started = time.monotonic()
    code, output = run_isolated(repr(BILLION_LAUGHS))
    assert code == 0, output
    message = (
        "aliases expand to more than 1,000,000 values, an alias bomb? (raise [limits] max-alias-nodes to allow it)"  # noqa: E501
    )
    assert output == f"LoadError 6:4 {message}"
    assert time.monotonic() - started < 20


@LOADERS
@pytest.mark.parametrize(
    ("text", "line", "column"),
    [("Tags: &x [*x]\n", 1, 7), ("a:\n  b: &m {c: [1, *m]}\n", 2, 6), ("- &r\n  - a\n  - *r\n", 1, 3)],
)
def test_an_alias_inside_its_own_value_is_a_load_error_not_a_hang(loader, text, line, column):
    """`&x [*x]` is a list that holds itself: sizing its expansion (or building it) would never end."""
    code, output = run_isolated(repr(text), timeout=20, pure_python=loader is PYTHON_LOADER)
    assert (code, output) == (0, f"LoadError {line}:{column} invalid YAML: an alias inside the value it refers to")


def test_aliases_that_expand_modestly_are_fine():
    data = load_yaml(
        "base: &tls {TlsPolicy: REQUIRE}\nsets:\n"
        "  - {Name: a, DeliveryOptions: *tls}\n  - {Name: b, DeliveryOptions: *tls}\n"
    ).data
    assert data["sets"][1] == {"Name": "b", "DeliveryOptions": {"TlsPolicy": "REQUIRE"}}


def test_expansion_limit_counts_what_aliases_add_not_the_document_size():
    """A large document that merely contains '&' and '*' characters is not an alias bomb."""
    large = "# owned by R&D, see *runbook*\nitems:\n" + "".join(f"  - {{Name: set-{i}}}\n" for i in range(100))
    bomb = "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
    with limits.applied(Limits(max_alias_nodes=50)):
        assert len(load_yaml(large).data["items"]) == 100
        error = load_error(bomb)
    message = "aliases expand to more than 50 values, an alias bomb? (raise [limits] max-alias-nodes to allow it)"
    assert (error.message, error.line, error.column) == (message, 2, 4)


# -- nesting ------------------------------------------------------------------------------------

DEEP = 100_000


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (f"'[' * {DEEP}", "1:101"),
        (f"'[' * {DEEP} + ']' * {DEEP}", "1:101"),
        (f"'{{a: ' * {DEEP}", "1:401"),
        # brackets hidden in scalars or comments must not make the nesting look shallow
        (f"'[\"]\", ' * {DEEP} + ']' * {DEEP}", "1:601"),
        (f"\"[']', \" * {DEEP} + ']' * {DEEP}", "1:601"),
        (f"'[ # ]\\n' * {DEEP} + ']' * {DEEP}", "101:1"),
        (f"'[ \"\\n]\\n\",\\n' * {DEEP} + ']' * {DEEP}", "301:1"),
        # block nesting needs no brackets at all
        (f"'- ' * {DEEP} + 'a'", "1:201"),
        (f"'? ' * {DEEP} + 'a'", "1:201"),
        (f"'? a\\n: ' + '- ' * {DEEP} + 'a'", "2:201"),
        ("''.join(' ' * i + 'k:\\n' for i in range(150))", "101:101"),
    ],
    ids=[
        "flow-open",
        "flow-balanced",
        "flow-mappings",
        "double-quoted-closers",
        "single-quoted-closers",
        "commented-closers",
        "multiline-string-closers",
        "block-sequences",
        "explicit-keys",
        "explicit-value-sequences",
        "indented-mappings",
    ],
)
def test_deep_nesting_is_a_load_error_not_a_crash(expression, expected):
    code, output = run_isolated(expression)
    assert code == 0, f"the interpreter died (return code {code}): {output}"
    assert output == f"LoadError {expected} {TOO_DEEP}"


@pytest.mark.parametrize(
    "text",
    [
        "[" * MAX_DEPTH + "]" * MAX_DEPTH,
        '["]", ' * MAX_DEPTH + "]" * MAX_DEPTH,
        "- " * MAX_DEPTH + "a",
        "".join(" " * i + "k:\n" for i in range(MAX_DEPTH - 1)) + " " * (MAX_DEPTH - 1) + "k: v\n",
    ],
    ids=["flow", "hidden-closers", "block-sequences", "indented-mappings"],
)
def test_nesting_at_the_limit_is_accepted(text):
    data, depth = load_yaml(text).data, 0
    while isinstance(data, (list, dict)):
        depth += 1
        data = (data[-1] if isinstance(data, list) else next(iter(data.values()))) if data else None
    assert depth == MAX_DEPTH


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), (1, MAX_DEPTH + 1)),
        ('["]", ' * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), (1, 6 * MAX_DEPTH + 1)),
        ("- " * (MAX_DEPTH + 1) + "a", (1, 2 * MAX_DEPTH + 1)),
    ],
    ids=["flow", "hidden-closers", "block-sequences"],
)
def test_nesting_one_past_the_limit_is_rejected(text, position):
    error = load_error(text)
    assert (error.message, error.line, error.column) == (TOO_DEEP, *position)


@pytest.mark.parametrize("text", ["[[[[[[1]]]]]]", "- - - - - - a", "a:\n b:\n  c:\n   d:\n    e:\n     f: 1\n"])
def test_a_configured_depth_limit_applies(text):
    with limits.applied(Limits(max_depth=5)):
        error = load_error(text)
    assert error.message == "nesting deeper than 5 levels (raise [limits] max-depth to allow more)"
    with limits.applied(Limits(max_depth=6)):
        assert load_yaml(text).data


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_positions_are_as_editors_count_lines_not_as_yaml_does(separator):
    """YAML counts NEL, LS and PS as line breaks even in quoted strings; editors and GitHub do not."""
    text = f'a: "one{separator}two"\nb: 1\nb: 2\n'
    error = load_error(text)
    assert (error.message, error.line, error.column) == ("duplicate key 'b' (first defined at line 2)", 3, 1)
    document = load_yaml(text.replace("b: 2", "c: 2"))
    assert document.locate(("c",)) == (3, 1, 1)
