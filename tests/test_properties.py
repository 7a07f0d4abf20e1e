"""Property-based tests (issue 7 item 2): specs generated from the JSON Schema, then mutated.

Generated: native specs drawn from `sesguard/schemas/spec.schema.json` itself (a small schema-to-strategy
builder below: types, enum, properties/required, items, pattern, minimum/maximum, $ref, oneOf/anyOf),
with realistic values mixed into the strings the schema leaves free (event types, names, ARNs), so
the rules see real routing as well as noise. A self-check asserts that every generated spec is valid.

Mutated, on the document: a key deleted, a value replaced by one of another JSON type, an unknown key
inserted (in YAML also non-string keys), a list element duplicated, an event type replaced by random
text, an enum value lowercased. On the serialized YAML or JSON text: truncated, a random byte inserted,
a character replaced (possibly by a byte that is not UTF-8), a line duplicated.

Asserted, running `sesguard.cli.main` in this process on the spec written as `.yaml` and `.json`:
- it never raises, prints no traceback and no internal error, and its JSON output parses;
- the exit code is exactly the contract of SPEC §3: 2 when an active SG001/SG002 says an input was not
  read, else 1 when an active finding is a warning or an error (default `--fail-on warning`), else 0;
- a schema-valid spec gets no SG001/SG002 and the same findings as YAML and as JSON; a parseable
  mutated spec gets SG002 exactly when jsonschema finds it invalid (and is skipped only when it has no
  top-level `ConfigurationSets`);
- every finding is in the input file, at line >= 1 and column >= 1 inside the text; an SG002 about a
  field points at that field's key;
- the same input gives byte-identical output twice; the SARIF of a few examples is valid
  (`validate_sarif`: the OASIS schema and GitHub's ingestion rules).

`derandomize=True` and `database=None`: no examples are carried over between runs. Hypothesis also mixes the
literals of the loaded local modules into its examples, so a full run may draw other examples than this module
alone: a failure prints its input, and an `@example` pins it. Hypothesis's cache goes to the temp directory, not
`.hypothesis/` in the repository. About 40 s on a slow 2-core machine.
"""

from __future__ import annotations

import copy
import json
import re
import tempfile
from pathlib import Path
from random import Random

import jsonschema
import yaml
from conftest import write
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.control import currently_in_test_context

SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent / "sesguard" / "schemas" / "spec.schema.json").read_text(encoding="utf-8")
)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
NOT_READ = ("SG001", "SG002")  # an input (or part of one) was not read: exit 2 whatever --fail-on says

# Hypothesis caches constants under ./.hypothesis even with database=None: keep the repository clean.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "sesguard-hypothesis")

MAX_ITEMS = 3  # arrays the schema leaves unbounded get at most this many elements: small, fast examples
MAX_TEXT = 8


def _settings(max_examples: int):
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        # No shrinking: Hypothesis 6.155's shrinker crashed on these strategies (ValueError in intervalsets while
        # minimizing duplicated from_regex choices) and hid the failure; a failure is reported as generated.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- JSON Schema -> strategy -------------------------------------------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8"), max_size=MAX_TEXT)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), TEXT)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=2), st.dictionaries(TEXT, inner, max_size=2)),
    max_leaves=3,
)


def _resolve(ref: str) -> dict:
    assert ref.startswith("#/"), f"only local references are supported: {ref}"
    node = SCHEMA
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def from_schema(schema: dict, hints: dict) -> st.SearchStrategy:
    """A strategy for instances of `schema`. `hints` maps a property name to extra (still valid) values."""
    if "$ref" in schema:
        target = _resolve(schema["$ref"])
        rest = {key: value for key, value in schema.items() if key != "$ref"}
        return st.deferred(lambda: from_schema({**target, **rest}, hints))  # deferred: recursive refs terminate
    for keyword in ("oneOf", "anyOf"):
        if keyword in schema:
            return _branches(schema, keyword, hints)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "object":
        return _object(schema, hints)
    if kind == "array":
        low = schema.get("minItems", 0)
        high = max(low, min(schema.get("maxItems", MAX_ITEMS), MAX_ITEMS))
        return st.lists(from_schema(schema.get("items", {}), hints), min_size=low, max_size=high)
    if kind == "string":
        return _string(schema)
    if kind == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum"))
    if kind == "number":
        return st.floats(schema.get("minimum"), schema.get("maximum"), allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    assert kind is None, f"unsupported type {kind!r}"
    return JSON_VALUES  # `{}`: anything


def _branches(schema: dict, keyword: str, hints: dict) -> st.SearchStrategy:
    """oneOf/anyOf: each branch merged into the rest of the schema. For oneOf, a property that another
    branch requires is left out, so exactly one branch holds (this schema's oneOf: Name or ConfigurationSetName).
    """
    base = {key: value for key, value in schema.items() if key != keyword}
    options = []
    for index, branch in enumerate(schema[keyword]):
        merged = {**base, **branch, "required": [*base.get("required", ()), *branch.get("required", ())]}
        if keyword == "oneOf":
            others = {
                name for i, other in enumerate(schema[keyword]) if i != index for name in other.get("required", ())
            }
            excluded = others - set(merged["required"])
            merged["properties"] = {k: v for k, v in base.get("properties", {}).items() if k not in excluded}
        options.append(from_schema(merged, hints))
    return st.one_of(options)


def _object(schema: dict, hints: dict) -> st.SearchStrategy:
    properties = schema.get("properties", {})
    required = schema.get("required", [])
    if not properties and schema.get("additionalProperties") is not False:  # a free-form object
        return st.dictionaries(TEXT, JSON_VALUES, max_size=2)

    def value(name):
        generated = from_schema(properties.get(name, {}), hints)
        return st.one_of(hints[name], generated) if name in hints else generated

    return st.fixed_dictionaries(
        {name: value(name) for name in required},
        optional={name: value(name) for name in properties if name not in required},
    )


def _string(schema: dict) -> st.SearchStrategy:
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True).filter(
            lambda s: len(s) >= low and (high is None or len(s) <= high)
        )
    return st.text(st.characters(codec="utf-8"), min_size=low, max_size=high if high is not None else MAX_TEXT)


# Realistic values for strings the schema leaves free (rules, not the schema, check them).
EVENT_TYPES = _resolve("#/$defs/EventType")["enum"]
ACCOUNTS = st.sampled_from(["123456789012", "210987654321"])
REGIONS = st.sampled_from(["us-east-1", "eu-west-1", "ap-southeast-2"])
NAMES = st.from_regex(r"[A-Za-z0-9_-]{1,12}(\.fifo)?", fullmatch=True)


def _arn(service: str, resource: st.SearchStrategy, region=REGIONS) -> st.SearchStrategy:
    return st.builds(lambda r, a, res: f"arn:aws:{service}:{r}:{a}:{res}", region, ACCOUNTS, resource)


HINTS = {
    "Name": NAMES,
    "ConfigurationSetName": NAMES,
    "MatchingEventTypes": st.lists(st.sampled_from(EVENT_TYPES), max_size=4),
    "TopicArn": _arn("sns", NAMES),
    "IamRoleArn": _arn("iam", NAMES.map("role/{}".format), region=st.just("")),
    "DeliveryStreamArn": _arn("firehose", NAMES.map("deliverystream/{}".format)),
    "EventBusArn": _arn("events", st.sampled_from(["event-bus/default", "event-bus/mail"])),
    "ApplicationArn": _arn("mobiletargeting", NAMES.map("apps/{}".format)),
    "ArchiveArn": _arn("ses", NAMES.map("mailmanager-archive/{}".format)),
    "Rule": st.sampled_from(["SES101", "SES201", "SES301", "SG002"]),
    "Expires": st.sampled_from(["2020-01-01", "2099-12-31"]),
    # Non-empty lists of sets and destinations, so that most examples have routing for the rules to check.
    "ConfigurationSets": st.deferred(
        lambda: st.lists(from_schema({"$ref": "#/$defs/ConfigurationSet"}, HINTS), min_size=1, max_size=2)
    ),
    "EventDestinations": st.deferred(
        lambda: st.lists(from_schema({"$ref": "#/$defs/EventDestination"}, HINTS), min_size=1, max_size=3)
    ),
}

VALID_SPECS = from_schema(SCHEMA, HINTS)


# --- mutations ---------------------------------------------------------------------------------------------------

ENUM_VALUES = {value for node in SCHEMA["$defs"].values() for value in node.get("enum", ())}
KNOWN_FIELDS = {name for node in SCHEMA["$defs"].values() for name in node.get("properties", {})} | set(
    SCHEMA["properties"]
)
UNKNOWN_KEYS = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,10}", fullmatch=True).filter(lambda k: k not in KNOWN_FIELDS)
OTHER_KEYS = st.one_of(st.integers(-5, 5), st.booleans(), st.none())  # YAML keys need not be strings
WRONG_VALUES = {  # a replacement of each JSON type, by the Python type that it must differ from
    int: st.integers(),
    float: st.floats(allow_nan=False, allow_infinity=False),
    str: TEXT,
    list: st.lists(SCALARS, max_size=2),
    dict: st.dictionaries(TEXT, SCALARS, max_size=2),
    type(None): st.none(),
    bool: st.booleans(),
}
MUTATIONS = ("delete key", "wrong type", "unknown key", "duplicate element", "event type", "lowercase enum")
RAW_MUTATIONS = ("truncate", "insert byte", "replace character", "duplicate line")


def uniform(draw, document) -> Random:
    """A Random for where and how to mutate `document`. Hypothesis's own choices (sampled_from, integers, even
    the seed of randoms()) favour the first option and 0 in about half the examples: the document's root, an
    empty file. Seeded by a draw and the document itself, so the choices are spread and still reproducible.
    """
    return Random(f"{draw(st.integers(0, 2**32))} {document!r}")


def _nodes(node, path=()):
    """(path, value) of every node, the root first."""
    yield path, node
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield from _nodes(child, (*path, key))


def _parent(document, path):
    for element in path[:-1]:
        document = document[element]
    return document


@st.composite
def mutated_specs(draw, yaml_keys: bool = False):
    """(mutation, document): a valid spec with one structural mutation applied."""
    document = copy.deepcopy(draw(VALID_SPECS))
    nodes = list(_nodes(document))
    candidates = {
        "delete key": [path for path, _ in nodes if path and isinstance(_parent(document, path), dict)],
        "wrong type": [path for path, _ in nodes],
        "unknown key": [path for path, value in nodes if isinstance(value, dict)],
        "duplicate element": [path for path, value in nodes if isinstance(value, list) and value],
        "event type": [path for path, _ in nodes if len(path) > 1 and path[-2] == "MatchingEventTypes"],
        "lowercase enum": [path for path, value in nodes if isinstance(value, str) and value in ENUM_VALUES],
    }
    random = uniform(draw, document)
    mutation = random.choice([m for m in MUTATIONS if candidates[m]])
    path = random.choice(candidates[mutation])
    value = _parent(document, path)[path[-1]] if path else document
    if mutation == "delete key":
        del _parent(document, path)[path[-1]]
    elif mutation == "wrong type":
        replacement = draw(st.one_of([values for kind, values in WRONG_VALUES.items() if kind is not type(value)]))
        if not path:
            return mutation, replacement
        _parent(document, path)[path[-1]] = replacement
    elif mutation == "unknown key":
        key = draw(st.one_of(UNKNOWN_KEYS, OTHER_KEYS) if yaml_keys else UNKNOWN_KEYS)
        value[key] = draw(JSON_VALUES)
        if not isinstance(key, str):
            mutation = "unknown non-string key"
    elif mutation == "duplicate element":
        value.insert(random.randint(0, len(value)), copy.deepcopy(random.choice(value)))
    elif mutation == "event type":
        _parent(document, path)[path[-1]] = draw(TEXT)
    else:
        _parent(document, path)[path[-1]] = value.lower()
    return mutation, document


@st.composite
def mutated_texts(draw):
    """(suffix, bytes): a valid spec serialized as YAML or JSON, then damaged as text."""
    suffix = draw(st.sampled_from([".yaml", ".json"]))
    data = serialize(draw(VALID_SPECS), suffix).encode("utf-8")
    random = uniform(draw, data)
    mutation = random.choice(RAW_MUTATIONS)
    offset = random.randint(0, len(data))
    if mutation == "truncate":
        data = data[:offset]
    elif mutation == "insert byte":
        data = data[:offset] + bytes([draw(st.integers(0, 255))]) + data[offset:]
    elif mutation == "replace character":
        replacement = draw(st.one_of(st.characters(codec="utf-8").map(str.encode), st.binary(min_size=1, max_size=1)))
        data = data[:offset] + replacement + data[offset + 1 :]
    else:
        lines = data.splitlines(keepends=True)
        index = random.randint(0, max(len(lines) - 1, 0))
        data = b"".join(lines[: index + 1] + lines[index:])
    return suffix, data


# --- running the linter ------------------------------------------------------------------------------------------


def serialize(document, suffix: str) -> str:
    if suffix == ".json":
        return json.dumps(document, indent=2)
    text = yaml.safe_dump(document, allow_unicode=True, default_flow_style=False, sort_keys=False)
    if "\x85" in text:  # PyYAML writes NEL raw into quoted scalars, where YAML folds it to a space: escape all
        text = yaml.safe_dump(document, allow_unicode=False, default_flow_style=False, sort_keys=False)
    return text


def check(cli, directory: Path, *args) -> dict:
    """`sesguard check ARGS --format json` in `directory`: the contract every run must keep, then the report."""
    code, out, err = cli("check", *args, "--format", "json", cwd=directory)
    assert "Traceback" not in out + err and "internal error" not in err, err
    report = json.loads(out)
    assert report["summary"]["errors_during_run"] == [], report["summary"]
    active = [f for f in report["findings"] if not f["suppressions"] and f["baseline_state"] in (None, "new")]
    if any(f["rule_id"] in NOT_READ for f in active):
        expected = 2
    elif any(f["level"] in ("error", "warning") for f in active):
        expected = 1
    else:
        expected = 0
    assert code == expected, (code, report["findings"])
    if currently_in_test_context():  # statistics for `pytest --hypothesis-show-statistics`
        event(f"exit {code}")
        for rule in sorted({f["rule_id"] for f in report["findings"]}):
            event(rule)
    assert report["summary"]["complete"] == (expected != 2)
    return report


def check_locations(report: dict, texts: dict) -> None:
    """Every finding is in one of the inputs (name -> text), at a line and column inside that text."""
    for finding in report["findings"]:
        assert finding["file"] in texts, finding
        text = texts[finding["file"]]
        lines = text.splitlines() or [""]  # splits on every line break YAML knows, and more: an upper bound
        assert 1 <= finding["line"] <= len(lines) + 1, finding
        assert 1 <= finding["column"] <= max(map(len, text.split("\n"))) + 1, finding


def check_keys_located(report: dict, texts: dict) -> None:
    """An SG002 about a field (`...Field`) points at that field's key: `"Field"` in JSON; in YAML the key plain
    or, if YAML would read it as another type (`yes`, `null`), quoted."""
    for finding in report["findings"]:
        named = re.search(r"(?:^|\.)([A-Za-z_][A-Za-z0-9_]*)$", finding["logical_path"] or "")
        if finding["rule_id"] != "SG002" or not named:
            continue
        line = texts[finding["file"]].split("\n")[finding["line"] - 1]
        key = re.escape(named.group(1))
        spellings = f'"{key}"' if finding["file"].endswith(".json") else f"{key}|'{key}'|\"{key}\""
        if re.match(rf"(?:{spellings})\s*:", line[finding["column"] - 1 :]):
            continue
        # A YAML key that is not a string (`null:`, `1:`) is named by the value YAML makes of it.
        written = re.match(r"([^:]+):", line[finding["column"] - 1 :])
        assert written and str(yaml.safe_load(written.group(1))) == named.group(1), (finding, line)


def rule_view(report: dict, file: str) -> list:
    """The findings of `file` without their positions: what must not depend on YAML or JSON."""
    keys = ("rule_id", "level", "set", "destination", "field", "fingerprint", "suppressions")
    return sorted(
        # A message may point at another line ("already used at line 12"), which YAML and JSON place apart.
        json.dumps([re.sub(r"\bline \d+", "line N", f["message"]), *(f[k] for k in keys)])
        for f in report["findings"]
        if f["file"] == file
    )


# --- properties --------------------------------------------------------------------------------------------------


@_settings(max_examples=80)
@given(VALID_SPECS)
def test_valid_specs_read_cleanly_in_yaml_and_json(cli, document):
    assert list(VALIDATOR.iter_errors(document)) == []  # the generator's self-check
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        texts = {file: serialize(document, Path(file).suffix) for file in ("spec.yaml", "spec.json")}
        for file, text in texts.items():
            write(directory, file, text)
        report = check(cli, directory, *texts)
        assert report["summary"]["files_checked"] == 2 and report["summary"]["files_skipped"] == 0
        assert [f for f in report["findings"] if f["rule_id"] in NOT_READ] == []
        check_locations(report, texts)
        assert rule_view(report, "spec.yaml") == rule_view(report, "spec.json")
        assert same_output_again(cli, directory, report, *texts)


@_settings(max_examples=100)
@given(st.data())
def test_mutated_specs_never_crash_and_sg002_matches_the_schema(cli, data):
    suffix = data.draw(st.sampled_from([".yaml", ".json"]), label="suffix")
    mutation, document = data.draw(mutated_specs(yaml_keys=suffix == ".yaml"), label="mutated")
    event(mutation)
    file = f"spec{suffix}"
    text = serialize(document, suffix)
    with tempfile.TemporaryDirectory() as name:
        write(Path(name), file, text)
        report = check(cli, Path(name), file)
        check_locations(report, {file: text})
        check_keys_located(report, {file: text})
        assert same_output_again(cli, Path(name), report, file)
    claimed = isinstance(document, dict) and "ConfigurationSets" in document
    assert report["summary"]["files_skipped"] == (0 if claimed else 1), mutation
    if not claimed:
        return
    if suffix == ".json":  # JSON turns non-string keys into strings: validate what the linter reads
        document = json.loads(text)
    invalid = any(True for _ in VALIDATOR.iter_errors(document))
    rules = {f["rule_id"] for f in report["findings"]}
    assert "SG001" not in rules, (mutation, report["findings"])
    assert ("SG002" in rules) == invalid, (mutation, report["findings"])


@_settings(max_examples=100)
@given(mutated_texts())
@example((".yaml", b"ConfigurationSets:\n- Name: a\n  Tags:\n  - Key: k\n    Value: x\t:y\n"))  # found in CI
@example((".json", b'{"ConfigurationSets": [{"Name": "\\udefd"}]}'))  # found by a longer run: it crashed the output
def test_damaged_text_never_crashes(cli, damaged):
    suffix, data = damaged
    file = f"spec{suffix}"
    with tempfile.TemporaryDirectory() as name:
        write(Path(name), file, data)
        report = check(cli, Path(name), file)
        check_locations(report, {file: data.decode("utf-8", "replace")})
        assert same_output_again(cli, Path(name), report, file)
    if report["summary"]["files_checked"] and not reference_parses(data, suffix):
        assert "SG001" in {f["rule_id"] for f in report["findings"]}, report["findings"]


# The YAML parser sesguard is built on: libyaml when PyYAML has it. PyYAML's pure-Python scanner is stricter than
# libyaml and YAML itself in places (a tab inside a plain scalar), so it would be the wrong judge.
REFERENCE_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def reference_parses(data: bytes, suffix: str) -> bool:
    """Whether Python's own decoder and the parser underneath sesguard (json, PyYAML) accept `data`."""
    try:
        text = data.decode("utf-8-sig")
        json.loads(text) if suffix == ".json" else yaml.load(text, Loader=REFERENCE_YAML_LOADER)
    except (ValueError, yaml.YAMLError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return False
    return True


def same_output_again(cli, directory: Path, report: dict, *files) -> bool:
    """Determinism: a second run over the same files prints the same bytes."""
    return (
        cli("check", *files, "--format", "json", cwd=directory)[1]
        == json.dumps(report, indent=2, sort_keys=True) + "\n"
    )


@_settings(max_examples=10)
@given(
    st.lists(
        st.one_of(
            VALID_SPECS.map(lambda d: (".yaml", serialize(d, ".yaml"))),
            mutated_specs().map(lambda m: (".json", serialize(m[1], ".json"))),
            mutated_texts(),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_sarif_is_valid(cli, validate_sarif, inputs):
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        files = [write(directory, f"spec{i}{suffix}", content).name for i, (suffix, content) in enumerate(inputs)]
        check(cli, directory, *files)  # the exit-code contract, before the SARIF is written
        code, _, err = cli("check", *files, "--format", "sarif", "-o", "out.sarif", cwd=directory)
        assert code in (0, 1, 2) and err == "", err
        validate_sarif(directory / "out.sarif")
        first = (directory / "out.sarif").read_bytes()
        cli("check", *files, "--format", "sarif", "-o", "out.sarif", cwd=directory)
        assert (directory / "out.sarif").read_bytes() == first


# --- product bugs these properties found, pinned as regression tests ------------------------------------------------


def test_sg002_for_a_non_string_yaml_key_points_at_the_key(cli, tmp_path):
    """YAML keys need not be strings; an unknown `1:` key must be reported at its own line, like `Bogus:`.

    Found by the "unknown key" mutation: YamlDocument.locate compared the key node's text ("1") with the
    path element (the int 1), found nothing and fell back to the enclosing set (line 2).
    """
    write(tmp_path, "spec.yaml", "ConfigurationSets:\n  - Name: a\n    1: x\n")
    report = check(cli, tmp_path, "spec.yaml")
    [finding] = report["findings"]
    assert finding["rule_id"] == "SG002" and (finding["line"], finding["column"]) == (3, 5), finding


def test_equal_suppressions_of_one_finding_keep_the_sarif_valid(cli, validate_sarif, tmp_path):
    """Two `Suppress` entries with the same reason covering one finding (here: the same entry twice; also two
    sets of one name) gave that result two equal `suppressions`, which SARIF forbids (uniqueItems).

    Found by the "duplicate element" mutation. The schema allows the duplicate, so the SARIF must stay valid.
    """
    write(
        tmp_path,
        "spec.yaml",
        "ConfigurationSets:\n  - Name: a\n    Suppress:\n"
        "      - {Rule: SES201, Reason: x}\n      - {Rule: SES201, Reason: x}\n",
    )
    cli("check", "spec.yaml", "--format", "sarif", "-o", "out.sarif", cwd=tmp_path)
    validate_sarif(tmp_path / "out.sarif")
