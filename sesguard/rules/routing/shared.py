"""What the routing rules share: parameter schemas and the wording of "events reach no destination"."""

from sesguard.linter.vocabulary import EVENT_TYPES, TARGET_KINDS, sort_event_types

EVENTS = {"type": "array", "items": {"enum": list(EVENT_TYPES)}, "minItems": 1, "uniqueItems": True}
TARGET = {"enum": [kind.key for kind in TARGET_KINDS]}


def schema(**properties) -> dict:
    return {"type": "object", "properties": properties, "additionalProperties": False}


def missing_events(missing, where: str) -> str:
    """`OPEN, CLICK reach no enabled Firehose destination` / `BOUNCE reaches ...`."""
    verb = "reaches" if len(missing) == 1 else "reach"
    return f"{', '.join(sort_event_types(missing))} {verb} no enabled {where}"
