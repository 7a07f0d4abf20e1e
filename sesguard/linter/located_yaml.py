"""Safe YAML loading that keeps every value's position.

PyYAML composes a node tree (with marks) and then constructs Python objects from it; we keep the
tree so a logical path can be turned into a line and column on demand, at no cost per value. The
C parser (libyaml) is used when present. Guards run before the parser: libyaml's composer recurses
in C and crashes the interpreter on very deep nesting, and aliases can expand exponentially.
"""

from __future__ import annotations

import re

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from sesguard.linter.errors import LoadError

_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
try:
    from yaml.cyaml import CParser as _C_PARSER
except ImportError:  # PyYAML built without libyaml
    _C_PARSER = ()

MAX_DEPTH = 100
MAX_EXPANDED_NODES = 1_000_000


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
                            raise LoadError(
                                f"duplicate key '{key_node.value}' (first defined at line {seen[key_node.value]})",
                                key_node.start_mark.line + 1,
                                key_node.start_mark.column + 1,
                            )
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

    def __init__(self, data, root) -> None:
        self.data = data
        self._root = root

    def locate(self, path) -> tuple[int, int, int]:
        """(line, column, matched) for the deepest element of `path` present; 1-based."""
        node, mark, matched = self._root, self._root.start_mark if self._root else None, 0
        for element in path:
            child = None
            if isinstance(node, MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == element:
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
        return mark.line + 1, mark.column + 1, matched


def load_yaml(text: str, loader=SafeLocatedLoader) -> YamlDocument:
    """Parse one YAML document; raise LoadError with a position for anything unusable."""
    loader_instance = None
    try:
        loader_instance = loader(text)  # the pure-Python reader checks every character here already
        _check_depth(text)
        root = loader_instance.get_single_node()
        if root is None:
            return YamlDocument(None, None)
        if "&" in text and "*" in text:  # only documents with anchors and aliases can expand
            _check_expansion(root)
        data = loader_instance.construct_document(root)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        if problem.startswith("but ") and error.context:  # "but found another document" needs its context
            problem = f"{error.context}, {problem}"
        raise LoadError(f"invalid YAML: {problem}", mark.line + 1 if mark else 1, mark.column + 1 if mark else 1)
    except yaml.reader.ReaderError as error:  # a character YAML forbids; libyaml counts its offset in UTF-8 bytes
        before = text[: error.position]
        if issubclass(loader, _C_PARSER):
            before = text.encode("utf-8")[: error.position].decode("utf-8", "replace")
        raise LoadError(
            f"invalid YAML: unacceptable character #x{error.character:04x}: {error.reason}",
            before.count("\n") + 1,
            len(before) - before.rfind("\n"),
        )
    except yaml.YAMLError as error:
        raise LoadError(f"invalid YAML: {error}", 1, 1)
    finally:
        if loader_instance is not None:
            loader_instance.dispose()
    return YamlDocument(data, root)


# Block nesting needs indentation or a chain of `- `, `? `, `: ` indicators at the start of a line.
_INDENT = re.compile(rf"^[ \t?:-]{{{MAX_DEPTH}}}", re.M)
# Where a bracket may be text rather than structure: quoted scalars, comments, block scalars, tags.
_MAY_HIDE_BRACKETS = re.compile(r"""['"#|>!]""")


def _check_depth(text: str) -> None:
    """Reject nesting deeper than MAX_DEPTH before libyaml's recursive composer sees it.

    The bracket balance is a safe over-estimate only when no bracket can be hidden in a scalar or a
    comment (`["]", ["]", ...` balances to zero at any depth), so it settles plain documents alone.
    Anything else is checked on the parser's events, which libyaml produces without recursion.
    """
    if not _INDENT.search(text) and not _MAY_HIDE_BRACKETS.search(text) and _bracket_depth(text) <= MAX_DEPTH:
        return
    depth = 0
    for event in yaml.parse(text, Loader=_BASE_LOADER):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise LoadError(f"nesting deeper than {MAX_DEPTH} levels", mark.line + 1, mark.column + 1)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _bracket_depth(text: str) -> int:
    """Flow nesting estimate; never below zero, so stray closing brackets in scalars cannot hide depth."""
    depth = deepest = 0
    for char in re.sub(r"[^\[\]{}]+", "", text):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest


def _check_expansion(root) -> None:
    """Refuse documents whose aliases expand beyond MAX_EXPANDED_NODES (the 'billion laughs')."""
    sizes = {}
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes and not children_done:
            continue
        children = _children(node)
        if not children_done:
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        size = 1 + sum(sizes.get(id(child), 0) for child in children)
        if size > MAX_EXPANDED_NODES + len(sizes):  # only what aliases add counts, not a large document
            mark = node.start_mark
            raise LoadError(
                f"aliases expand to more than {MAX_EXPANDED_NODES:,} values (an alias bomb?)",
                mark.line + 1,
                mark.column + 1,
            )
        sizes[key] = size


def _children(node) -> list:
    if isinstance(node, SequenceNode):
        return node.value
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []
