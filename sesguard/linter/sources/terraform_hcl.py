"""Terraform `.tf` files, read through python-hcl2's parser (SPEC §4.3).

Only literal values are known: strings without interpolation, numbers, booleans, lists and
objects of those. A reference from a destination to a set resource of the same module
(`configuration_set_name = aws_sesv2_configuration_set.main.configuration_set_name`, or `.id`), or
the same literal name, or the same lone reference on both (`var.set_name`), joins the two; every
other reference, variable, local, function call or `dynamic` block is UNKNOWN, so no rule reports
on it. The files of a directory are one module
(`terraform_module`).

Positions come from the parse tree python-hcl2 builds with Lark (every attribute, block and list
element keeps its line), so findings point at the attribute's own line, or the nearest enclosing
block's. python-hcl2 is imported here, when the first `.tf` file is read, and nowhere else.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePath

from sesguard.linter import limits
from sesguard.linter.errors import LoadError
from sesguard.linter.located_json import SURROGATE
from sesguard.linter.model import UNKNOWN
from sesguard.linter.sources.terraform_module import configuration_resource, load_module_file
from sesguard.linter.sources.terraform_resources import RESOURCE_TYPES

_SES_RESOURCE = re.compile(r'^\s*resource\s+"?aws_ses(v2)?_', re.M)


class HclDocument:
    """Positions of attributes, blocks and list elements by path: ("resource", TYPE, NAME, attr, ...)."""

    def __init__(self) -> None:
        self.positions: dict = {}

    def locate(self, path) -> tuple[int, int, int]:
        path = tuple(path)
        for matched in range(len(path), 0, -1):
            if path[:matched] in self.positions:
                return (*self.positions[path[:matched]], matched)
        return 1, 1, 0


class TerraformHclSource:
    name = "Terraform configuration"
    kind = "terraform"

    def claims(self, path: str, text: str) -> bool:
        return PurePath(path).suffix.lower() == ".tf" and bool(_SES_RESOURCE.search(text))

    def load(self, path: str, text: str):
        return load_module_file(path, read_resources(path, text))


def read_resources(path: str, text: str) -> list:
    """The SES resources of one `.tf` file; raises LoadError when it cannot be parsed."""
    tree = _parse(text)
    document = HclDocument()
    resources = []
    for block in _children(_body(tree), "block"):
        block_type, labels = _block_header(block)
        if block_type != "resource" or len(labels) != 2 or labels[0] not in RESOURCE_TYPES:
            continue
        type_, name = labels
        base = ("resource", type_, name)
        document.positions[base] = _position(block)
        values, references = _read_body(_block_body(block), base, document, 1)
        resources.append(
            configuration_resource(TerraformHclSource, path, document, type_, name, base, values, references)
        )
    return resources


# Quoted strings (with escapes) and comments: brackets inside them are not structure.
_NOT_STRUCTURE = re.compile(r'"(?:[^"\\\n]|\\.)*"?|#[^\n]*|//[^\n]*|/\*.*?\*/', re.S)


def _check_depth(text: str, max_depth: int) -> None:
    """Refuse deep nesting before Lark spends seconds on it (its parser is iterative: no crash)."""
    depth = 0
    for match in re.finditer(_NOT_STRUCTURE.pattern + r"|[\[\]{}()]", text, re.S):
        char = match.group()
        if char in "[{(":
            depth += 1
            if depth > max_depth:
                before = text[: match.start()]
                line = before.count("\n") + 1
                raise LoadError(f"invalid HCL: {limits.too_deep(max_depth)}", line, len(before) - before.rfind("\n"))
        elif char in "]})":
            depth = max(depth - 1, 0)


def _parse(text: str):
    _check_depth(text, limits.current().max_depth)
    try:
        import hcl2  # python-hcl2: heavy (Lark), needed only for .tf files
        from lark.exceptions import UnexpectedInput
    except ImportError:
        raise LoadError("reading .tf files needs python-hcl2 (pip install 'python-hcl2>=8')")
    if not hasattr(hcl2, "parses_to_tree"):  # the API (and grammar) this source reads came with 8.0
        installed = getattr(hcl2, "__version__", "unknown")
        raise LoadError(f"reading .tf files needs python-hcl2 8 or later (installed: {installed})")

    try:
        return hcl2.parses_to_tree(text)
    except UnexpectedInput as error:
        line, column = getattr(error, "line", 1), getattr(error, "column", 1)
        token = getattr(error, "token", None)
        found = f" near {str(token)!r}" if token is not None and str(token).strip() else ""
        raise LoadError(f"invalid HCL: unexpected input{found}", max(line, 1), max(column, 1))
    except RecursionError:
        raise LoadError(f"invalid HCL: {limits.too_deep(limits.current().max_depth)}")
    except Exception as error:  # the parser's own failures are still this file's parse error
        raise LoadError(f"invalid HCL: {error}")


# -- the Lark tree -----------------------------------------------------------------------------


def _is_tree(node, data=None) -> bool:
    return hasattr(node, "data") and (data is None or node.data == data)


def _children(node, data):
    return [child for child in node.children if _is_tree(child, data)]


def _body(tree):
    return tree if tree.data == "body" else _children(tree, "body")[0]


def _block_body(block):
    return _children(block, "body")[0]


def _position(node) -> tuple[int, int]:
    meta = getattr(node, "meta", None)
    if meta is not None and not getattr(meta, "empty", True):
        return meta.line, meta.column
    return getattr(node, "line", 1) or 1, getattr(node, "column", 1) or 1


def _name_of(node) -> str:
    """The text of an identifier, keyword, literal_value or string used as a name or label."""
    if _is_tree(node, "expr_term") or _is_tree(node, "object_elem_key"):
        inner = [child for child in node.children if _is_tree(child)]
        if len(inner) == 1:
            return _name_of(inner[0])
    if _is_tree(node, "string"):
        literal = _string_literal(node)
        return literal if isinstance(literal, str) else ""
    tokens = [str(token) for token in node.scan_values(lambda value: not hasattr(value, "data"))]
    return "".join(tokens)


def _block_header(block):
    names = [child for child in block.children if _is_tree(child) and child.data not in ("body", "new_line_or_comment")]
    return _name_of(names[0]), [_name_of(label) for label in names[1:]]


def _read_body(body, path, document, depth):
    """(values, references) of a block body: attributes and nested blocks (lists of objects)."""
    if depth > limits.current().max_depth:
        raise LoadError(f"invalid HCL: {limits.too_deep(limits.current().max_depth)}", *_position(body))
    values, references = {}, {}
    for child in body.children:
        if _is_tree(child, "attribute"):
            name = _name_of(child.children[0])
            if name in references:  # Terraform refuses it too ("Attribute redefined"); never the last one wins
                raise LoadError(f"invalid HCL: attribute '{name}' is set twice", *_position(child))
            expression = child.children[-1]
            document.positions[path + (name,)] = _position(child)
            traversals = []
            values[name] = _evaluate(expression, path + (name,), document, traversals, depth + 1)
            references[name] = traversals
        elif _is_tree(child, "block"):
            block_type, labels = _block_header(child)
            if block_type == "dynamic" and labels:  # generated blocks: unknown in number and content
                document.positions.setdefault(path + (labels[0],), _position(child))
                values[labels[0]] = UNKNOWN
                continue
            existing = values.setdefault(block_type, [])
            if existing is UNKNOWN:
                continue
            index = len(existing)
            document.positions.setdefault(path + (block_type,), _position(child))
            document.positions[path + (block_type, index)] = _position(child)
            block_values, _ = _read_body(_block_body(child), path + (block_type, index), document, depth + 1)
            existing.append(block_values)
    return values, references


def _evaluate(node, path, document, traversals, depth):
    """A literal value, or UNKNOWN; references seen on the way are appended to `traversals`."""
    if depth > limits.current().max_depth:
        raise LoadError(f"invalid HCL: {limits.too_deep(limits.current().max_depth)}", *_position(node))
    if not _is_tree(node):
        return UNKNOWN
    if node.data == "expr_term":  # a term, or `( expression )`
        inner = [child for child in node.children if _is_tree(child) and child.data != "new_line_or_comment"]
        # Not a level of nesting: only blocks, objects and tuples count, as brackets do in the text.
        return _evaluate(inner[0], path, document, traversals, depth) if len(inner) == 1 else UNKNOWN
    kind = node.data
    if kind == "string":
        return _string_literal(node, traversals)
    if kind == "int_lit":
        return int(str(node.children[0]))
    if kind == "float_lit":
        return float(str(node.children[0]))
    if kind == "literal_value":
        return {"true": True, "false": False, "null": None}.get(str(node.children[0]))
    if kind == "tuple":
        items = []
        for element in node.children:
            if _is_tree(element) and element.data != "new_line_or_comment":
                document.positions[path + (len(items),)] = _position(element)
                items.append(_evaluate(element, path + (len(items),), document, traversals, depth + 1))
        return items
    if kind == "object":
        result = {}
        for element in _children(node, "object_elem"):
            key = _name_of(element.children[0])
            document.positions[path + (key,)] = _position(element)
            result[key] = _evaluate(element.children[-1], path + (key,), document, traversals, depth + 1)
        return result
    parts = _traversal(node)
    if parts:
        traversals.append(parts)
    return UNKNOWN


def _traversal(node):
    """`a.b[0].c` -> ["a", "b", "c"] (indexes dropped); None for anything that is not a reference."""
    if _is_tree(node, "expr_term"):
        inner = [child for child in node.children if _is_tree(child)]
        return _traversal(inner[0]) if len(inner) == 1 else None
    if _is_tree(node, "identifier"):
        return [_name_of(node)]
    if _is_tree(node, "get_attr_expr_term"):
        head = _traversal(node.children[0])
        attribute = _children(node.children[1], "identifier") if _is_tree(node.children[1], "get_attr") else []
        return head + [_name_of(attribute[0])] if head and attribute else None
    if _is_tree(node, "index_expr_term"):
        return _traversal(node.children[0])
    return None


def _string_literal(node, traversals=None):
    """A quoted string's value; UNKNOWN when it interpolates (a lone `"${ref}"` is recorded as a reference)."""
    text = []
    parts = _children(node, "string_part")
    for part in parts:
        child = part.children[0]
        if _is_tree(child, "interpolation"):
            if traversals is not None and len(parts) == 1:
                expressions = [c for c in child.children if _is_tree(c)]
                found = _traversal(expressions[0]) if expressions else None
                if found:
                    traversals.append(found)
            return UNKNOWN
        if _is_tree(child):  # template directives: %{ if }, %{ for }
            return UNKNOWN
        chunk = str(child)
        if chunk.startswith(("$${", "%%{")):
            text.append(chunk[1:])
            continue
        try:
            text.append(json.loads(f'"{chunk}"'))
        except ValueError:
            text.append(chunk)
    value = "".join(text)
    half = SURROGATE.search(value)
    if half:  # `"\\ud800"`: no character, and no report could print it
        raise LoadError(f"invalid HCL: \\u{ord(half.group()):04x} is half of a UTF-16 surrogate pair", *_position(node))
    return value
