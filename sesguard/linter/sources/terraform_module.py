"""A Terraform module is a directory: its `.tf` and `.tf.json` files are read as one (SPEC §4.3).

A set gets its destinations from every configuration file beside it, in either syntax. Each file
reports the sets it defines (with all their destinations, each located in its own file) and the
destinations whose set is defined nowhere in the module, so checking a directory reports each
finding once. A destination whose set is in a sibling file is reported with that file.
"""

from __future__ import annotations

import os
from pathlib import Path

from sesguard.linter.errors import LoadError
from sesguard.linter.model import UNKNOWN
from sesguard.linter.sources.terraform_resources import (
    SET_NAME_ATTRIBUTE,
    TerraformResource,
    build_model,
    origin_factory,
)

# What may name a set: `aws_sesv2_configuration_set.main.configuration_set_name`, or its `.id`.
_SET_ATTRIBUTES = {type_: (attribute, "id") for type_, attribute in SET_NAME_ATTRIBUTE.items()}
_SIBLINGS: dict = {}  # (file, path shown, mtime, size) -> resources: one process checks one tree


def load_module_file(path: str, own: list) -> tuple[list, list]:
    """(sets, findings) of one configuration file whose own SES resources are `own`, joined with its siblings'."""
    siblings, incomplete = _sibling_resources(path)
    owned = {id(resource) for resource in own}
    return build_model(own + siblings, lambda resource: id(resource) in owned, incomplete)


def configuration_resource(source, path, document, type_, name, base, values, references) -> TerraformResource:
    """A resource of a root-module configuration file; `references`: attribute -> the references in its value."""
    address = f"{type_}.{name}"
    # A set's own name, or a destination's set name, written as nothing but one reference.
    name_attribute = SET_NAME_ATTRIBUTE.get(type_, "configuration_set_name")
    name_references = references.get(name_attribute, ())
    lone = len(name_references) == 1 and values.get(name_attribute) is UNKNOWN
    return TerraformResource(
        type=type_,
        name=name,
        address=address,
        module="",
        values=values,
        origin_factory=origin_factory(source.kind, path, document, address, base),
        set_name_refs=_set_references(references.get("configuration_set_name", ())),
        single_instance="count" not in values and "for_each" not in values,
        name_expression=".".join(name_references[0]) if lone else None,
    )


def _set_references(traversals) -> tuple:
    """`aws_sesv2_configuration_set.main.configuration_set_name` (or `.id`) -> `aws_sesv2_configuration_set.main`."""
    found = []
    for parts in traversals:
        if len(parts) == 3 and parts[0] in _SET_ATTRIBUTES and parts[2] in _SET_ATTRIBUTES[parts[0]]:
            found.append(f"{parts[0]}.{parts[1]}")
    return tuple(dict.fromkeys(found))


def _sibling_resources(path: str):
    """(SES resources of the module's other files, whether some could not be read).

    A sibling that cannot be read is reported when it is checked itself; here it only means the
    module's sets may have destinations we cannot see.
    """
    here = Path(path)
    resources, incomplete = [], False
    try:
        siblings = sorted(p for p in here.parent.iterdir() if _syntax(p.name) and p.name != here.name)
    except OSError:
        return [], False
    for sibling in siblings:
        display = (here.parent / sibling.name).as_posix()
        try:
            stat = sibling.stat()
            key = (os.path.abspath(sibling), display, stat.st_mtime_ns, stat.st_size)
            if key not in _SIBLINGS:  # each file of a directory being walked is parsed once as a sibling
                text = sibling.read_text(encoding="utf-8-sig")
                source, read_resources = _syntax(sibling.name)
                # Only a file its source claims: one that merely mentions SES is not this module's problem.
                _SIBLINGS[key] = read_resources(display, text) if source.claims(display, text) else []
        except (OSError, UnicodeDecodeError, LoadError):
            incomplete = True
            continue
        resources.extend(_SIBLINGS[key])
    return resources, incomplete


def _syntax(name: str):
    """(source, its read_resources) for a configuration file called `name`; None for other files."""
    # Imported here: each syntax's module imports this one, and a module may use only one syntax.
    if name.lower().endswith(".tf.json"):
        from sesguard.linter.sources import terraform_json as syntax

        return syntax.TerraformJsonSource(), syntax.read_resources
    if name.lower().endswith(".tf"):
        from sesguard.linter.sources import terraform_hcl as syntax

        return syntax.TerraformHclSource(), syntax.read_resources
    return None
