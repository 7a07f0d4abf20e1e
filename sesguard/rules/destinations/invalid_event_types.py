from collections import Counter

from sesguard.linter.model import UNKNOWN
from sesguard.linter.rule import Rule
from sesguard.linter.vocabulary import canonical_event_type


class InvalidEventTypes(Rule):
    """MatchingEventTypes must list known event types, at least one, each once.

    What it checks: every destination's `MatchingEventTypes` is present and non-empty, holds only
    the ten SES event types (SEND, REJECT, BOUNCE, COMPLAINT, DELIVERY, OPEN, CLICK,
    RENDERING_FAILURE, DELIVERY_DELAY, SUBSCRIPTION, in any accepted spelling such as `bounce` or
    `renderingFailure`) and names none twice.

    Why: SES rejects an empty list or an unknown type when the destination is created, so the
    deployment fails late; a misspelt type (`BOUNCES`) in a template reviewed by eye looks fine.
    A repeated type is harmless to SES but usually hides a typo for the type that was meant.

    Example:

        MatchingEventTypes: [BOUNCE, BOUNCES, COMPLAINT, bounce]

    Fix: list each event type the destination should receive once, spelled as in the SES API.
    """

    id = "SES101"
    name = "invalid-event-types"
    level = "error"
    tags = ("destinations", "correctness")

    def check(self, config_set, params):
        for destination in config_set.destinations:
            types = destination.matching_event_types
            if types is UNKNOWN:
                continue
            if not types:
                state = "missing" if types is None else "empty"
                message = f"MatchingEventTypes is {state}; SES requires at least one event type"
                yield self.finding(config_set, message, destination, ("MatchingEventTypes",))
                continue
            if destination.events_known and len(destination.events) == len(types):
                continue  # every entry a distinct known type: the common case, decided without a walk
            seen = Counter()
            for index, value in enumerate(types):
                if value is UNKNOWN:
                    continue
                canonical = canonical_event_type(value) if isinstance(value, str) else None
                if canonical is None:
                    yield self.finding(
                        config_set, f"unknown event type {value!r}", destination, ("MatchingEventTypes", index)
                    )
                    continue
                seen[canonical] += 1
                if seen[canonical] == 2:
                    yield self.finding(
                        config_set,
                        f"event type {canonical} is listed more than once",
                        destination,
                        ("MatchingEventTypes", index),
                    )
