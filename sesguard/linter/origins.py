"""Origins for models read from files: a parsed document plus the path of the object inside it."""

from __future__ import annotations

from typing import Any, NamedTuple

from sesguard.linter.model import FieldPath, Location


def format_path(path) -> str:
    """`ConfigurationSets[2].EventDestinations[0].SnsDestination.TopicArn`."""
    text = ""
    for element in path:
        text += f"[{element}]" if isinstance(element, int) else (f".{element}" if text else str(element))
    return text


class DocumentOrigin(NamedTuple):
    """An object at `path` in `document` (anything with `locate(path) -> (line, column, matched)`).

    `field_map` translates API field names into the source's own (CloudFormation's `TopicARN`); the
    native spec uses the API names, so its map is empty.
    """

    kind: str
    file: str
    document: Any
    path: tuple = ()
    field_map: Any = None

    def locate(self, field: FieldPath = ()) -> Location:
        if self.field_map:
            field = tuple(self.field_map.get(part, part) if isinstance(part, str) else part for part in field)
        full = self.path + tuple(field)
        line, column, _ = self.document.locate(full)
        return Location(self.file, line, column, format_path(full))

    def child(self, *elements) -> DocumentOrigin:
        return DocumentOrigin(self.kind, self.file, self.document, self.path + elements, self.field_map)
