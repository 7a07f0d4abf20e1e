"""Safe YAML loading that keeps every value's position.

PyYAML composes a node tree (with marks) and then constructs Python objects from it; we keep the
tree so a logical path can be turned into a line and column on demand, at no cost per value. The
C parser (libyaml) is used when present. Guards run before the parser: libyaml's composer recurses
in C and crashes the interpreter on very deep nesting, and aliases can expand exponentially.
"""

from __future__ import annotations

import bisect
import re
import threading

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from sesguard.linter import limits
from sesguard.linter.errors import LoadError
from sesguard.linter.located_json import (
    has_surrogate_escape,
    nesting_and_members,
    reject_lone_surrogates,
    reject_non_finite,
    too_long_a_number,
)

_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
try:
    from yaml.cyaml import CParser as _C_PARSER
except ImportError:  # PyYAML built without libyaml
    _C_PARSER = ()


def loader_class(base):
    """A located, duplicate-rejecting loader built on `base` (the CloudFormation source adds tags).

    Timestamps stay strings: dates are validated and compared as text (`Expires: 2027-03-31`).
    """

    class LocatedLoader(base):
        def construct_mapping(self, node, deep=False):
            if isinstance(node, MappingNode):
                seen = {}
                for key_node, _ in node.value:
                    if isinstance(key_node, ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                        if key_node.value in seen:
                            mark = key_node.start_mark
                            raise _DuplicateKey(key_node.value, seen[key_node.value], mark.line + 1, mark.column + 1)
                        seen[key_node.value] = key_node.start_mark.line + 1
            return super().construct_mapping(node, deep=deep)

    LocatedLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    return LocatedLoader


SafeLocatedLoader = loader_class(_BASE_LOADER)


class YamlDocument:
    """A parsed YAML file: `data` plus `locate(path)` through the kept node tree."""

    def __init__(self, data, root, text: str = "") -> None:
        self.data = data
        self._root = root
        self._positions = _EditorPositions(text) if _YAML_ONLY_BREAK.search(text) else None

    def locate(self, path) -> tuple[int, int, int]:
        """(line, column, matched) for the deepest element of `path` present; 1-based."""
        node, mark, matched = self._root, self._root.start_mark if self._root else None, 0
        for element in path:
            child = None
            if isinstance(node, MappingNode):
                for key_node, value_node in node.value:
                    if _is_key(key_node, element):
                        child, mark = value_node, key_node.start_mark
                        break
            elif isinstance(node, SequenceNode) and isinstance(element, int) and element < len(node.value):
                child = node.value[element]
                mark = child.start_mark
            if child is None:
                break
            node, matched = child, matched + 1
        if mark is None:
            return 1, 1, 0
        if self._positions:
            return (*self._positions(mark.line + 1, mark.column + 1), matched)
        return mark.line + 1, mark.column + 1, matched


# YAML counts NEL, LS and PS as line breaks, even inside quoted strings; editors, git and GitHub do
# not. Positions in a text that holds one are translated, so a finding lands on the line users see.
_YAML_ONLY_BREAK = re.compile("[\x85\u2028\u2029]")
_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_EDITOR_BREAK = re.compile("\r\n|[\r\n]")


class _EditorPositions:
    """(line, column) as YAML counts them -> as an editor counts them; 1-based."""

    def __init__(self, text: str) -> None:
        self._yaml_starts = [0] + [match.end() for match in _YAML_BREAK.finditer(text)]
        self._editor_starts = [0] + [match.end() for match in _EDITOR_BREAK.finditer(text)]

    def __call__(self, line: int, column: int) -> tuple[int, int]:
        index = self._yaml_starts[min(line, len(self._yaml_starts)) - 1] + column - 1
        editor_line = bisect.bisect_right(self._editor_starts, index)
        return editor_line, index - self._editor_starts[editor_line - 1] + 1


def _is_key(key_node, element) -> bool:
    if isinstance(element, str) or not isinstance(key_node, ScalarNode):
        return key_node.value == element
    # `1:`, `null:`, `true:` reach the path as the value YAML makes of them, not as their text.
    value = yaml.constructor.SafeConstructor().construct_object(key_node)
    return type(value) is type(element) and value == element


def load_yaml(text: str, loader=SafeLocatedLoader) -> YamlDocument:
    """Parse one YAML document; raise LoadError with a position for anything unusable."""
    try:
        return _load(text, loader)
    except yaml.reader.ReaderError as error:  # a character YAML forbids; libyaml counts its offset in UTF-8 bytes
        before = text[: error.position]
        if issubclass(loader, _C_PARSER):
            before = text.encode("utf-8")[: error.position].decode("utf-8", "replace")
        raise LoadError(
            f"invalid YAML: unacceptable character #x{error.character:04x}: {error.reason}",
            before.count("\n") + 1,
            len(before) - before.rfind("\n"),
        )
    except LoadError as error:  # positioned by YAML's marks
        if _YAML_ONLY_BREAK.search(text):
            positions = _EditorPositions(text)
            error.line, error.column = positions(error.line, error.column)
            if isinstance(error, _DuplicateKey):
                error.message = _DuplicateKey(error.key, positions(error.first_line, 1)[0]).message
        raise


class _DuplicateKey(LoadError):
    def __init__(self, key: str, first_line: int, line: int = 1, column: int = 1) -> None:
        super().__init__(f"duplicate key '{key}' (first defined at line {first_line})", line, column)
        self.key, self.first_line = key, first_line


def _load(text: str, loader) -> YamlDocument:
    loader_instance = None
    in_force = limits.current()
    try:
        loader_instance = loader(text)  # the pure-Python reader checks every character here already
        root = _compose_safely(loader_instance, text, in_force.max_depth)
        if root is None:
            return YamlDocument(None, None, text)
        if "&" in text and "*" in text:  # only documents with anchors and aliases can expand
            _check_expansion(root, in_force.max_alias_nodes)
        try:
            data = loader_instance.construct_document(root)
        except RecursionError:  # a document that fooled the depth estimate: say where it is too deep
            _check_node_depth(root, in_force.max_depth)
            raise
        except ValueError:  # an integer too long for Python to turn into an int
            raise too_long_a_number(text, "YAML")
        depth, _, non_finite = nesting_and_members(data)
        if depth > in_force.max_depth:  # cheaper than walking the nodes every time
            _check_node_depth(root, in_force.max_depth)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        if problem.startswith("but ") and error.context:  # "but found another document" needs its context
            problem = f"{error.context}, {problem}"
        raise LoadError(f"invalid YAML: {problem}", mark.line + 1 if mark else 1, mark.column + 1 if mark else 1)
    except yaml.reader.ReaderError:
        raise  # positioned by its offset, in load_yaml
    except yaml.YAMLError as error:
        raise LoadError(f"invalid YAML: {error}", 1, 1)
    finally:
        if loader_instance is not None:
            loader_instance.dispose()
    document = YamlDocument(data, root, text)
    if not issubclass(loader, _C_PARSER) and has_surrogate_escape(text):  # libyaml refuses these itself
        reject_lone_surrogates(document, "YAML")
    if non_finite:
        reject_non_finite(document, "YAML")
    return document


# Deep nesting hurts twice. libyaml's composer recurses in C, about 450 bytes of stack a level, so the
# main thread's 8 MiB crash the interpreter near 20,000 levels; and libyaml's parser slows down
# quadratically with flow depth (100,000 levels: a minute). So: an estimate of the flow depth with
# quoted scalars and comments taken out sends deep-looking documents to an exact check on parser
# events that stops at the first level too deep, and composition always runs on a thread whose
# stack fits the deepest nesting the text could hold, so a document that fools the estimate can
# cost time but never crash.
_STACK_PER_LEVEL = 1024
_MAX_THREAD_STACK = 512 * 1024 * 1024
_QUOTED_OR_COMMENT = re.compile(r""""[^"\\]*(?:\\.[^"\\]*)*"|'[^']*(?:''[^']*)*'|(?:^|(?<=\s))#[^\n]*""", re.M)


def _compose_safely(loader_instance, text: str, max_depth: int):
    """The document's node tree, never crashing on deep nesting, and never deeper than `max_depth`."""
    bound = _depth_bound(text)
    if bound <= max_depth:
        return loader_instance.get_single_node()
    if bound * _STACK_PER_LEVEL > _MAX_THREAD_STACK or _looks_deep(text, max_depth):
        _check_depth(text, max_depth)  # raises at the first node deeper than max_depth
    return _on_big_stack(loader_instance.get_single_node, max(bound * _STACK_PER_LEVEL, 16 * 1024 * 1024))


def _depth_bound(text: str) -> int:
    """An upper bound on nesting: every flow level needs a bracket, every block level a deeper column."""
    longest_line = max(map(len, text.split("\n")), default=0)
    return text.count("[") + text.count("{") + 2 * longest_line + 2


def _looks_deep(text: str, max_depth: int) -> bool:
    if re.search(rf"^[ \t?:-]{{{max_depth}}}", text, re.M):
        return True
    depth = deepest = 0
    for char in re.sub(r"[^\[\]{}]+", "", _QUOTED_OR_COMMENT.sub("", text)):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:  # never below zero: a stray closer in a plain scalar cannot hide depth
            depth -= 1
    return deepest > max_depth


def _on_big_stack(function, stack_size: int):
    outcome = {}

    def run():
        try:
            outcome["value"] = function()
        except BaseException as error:  # re-raised in the caller's thread
            outcome["error"] = error

    previous = threading.stack_size(min(stack_size, _MAX_THREAD_STACK))
    try:
        worker = threading.Thread(target=run, name="sesguard-yaml-compose")
        worker.start()
    finally:
        threading.stack_size(previous)
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def _check_node_depth(root, max_depth: int) -> None:
    """Refuse node trees deeper than `max_depth` (one pass over distinct nodes, no recursion)."""
    level, depth, seen = [root], 0, set()
    while level:
        containers = [n for n in level if isinstance(n, (MappingNode, SequenceNode)) and id(n) not in seen]
        if not containers:
            return
        seen.update(map(id, containers))
        depth += 1
        if depth > max_depth:
            mark = min((node.start_mark for node in containers), key=lambda m: m.index)
            raise LoadError(limits.too_deep(max_depth), mark.line + 1, mark.column + 1)
        level = [child for node in containers for child in _children(node)]


def _check_depth(text: str, max_depth: int, loader=_BASE_LOADER) -> None:
    """Exact nesting check on the parser's events, which libyaml produces without recursion."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > max_depth:
                    mark = event.start_mark
                    raise LoadError(limits.too_deep(max_depth), mark.line + 1, mark.column + 1)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as error:
        # Newer libyaml stops at its own limit (1,000 levels) while scanning ahead, before our count
        # reaches max_depth; PyYAML's own parser has no such limit and finds the first level too deep.
        if "nesting depth" in str(error.problem) and loader is not yaml.SafeLoader:
            _check_depth(text, max_depth, yaml.SafeLoader)
        raise


def _check_expansion(root, max_alias_nodes: int) -> None:
    """Refuse documents whose aliases add more than `max_alias_nodes` values (the 'billion laughs')."""
    sizes, open_nodes = {}, set()  # open: its children are still being sized
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        mark = node.start_mark
        if children_done:
            size = 1 + sum(sizes[id(child)] for child in _children(node))
            if size > max_alias_nodes + len(sizes):  # only what aliases add counts, not a large document
                raise LoadError(limits.too_many_aliases(max_alias_nodes), mark.line + 1, mark.column + 1)
            sizes[key] = size
            open_nodes.discard(key)
            continue
        if key in sizes:
            continue
        if key in open_nodes:  # reached again below itself: `&x [*x]` would expand forever
            raise LoadError("invalid YAML: an alias inside the value it refers to", mark.line + 1, mark.column + 1)
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


def _children(node) -> list:
    if isinstance(node, SequenceNode):
        return node.value
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []
