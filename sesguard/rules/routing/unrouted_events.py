from sesguard.linter.rule import Rule
from sesguard.linter.vocabulary import EVENT_TYPES
from sesguard.rules.routing.shared import EVENTS, missing_events, schema


class UnroutedEvents(Rule):
    """Some event types reach no enabled destination at all.

    What it checks: the event types of all enabled destinations of the set, taken together, cover
    `events` (default: all ten).

    Why: an event type no destination receives is invisible: nobody can alert on it, count it or
    look it up later. Often that is a choice (few teams want every OPEN), which is why this is only
    a note; narrow `events` in `[rules.SES204]` to the types you care about.

    Example: no destination matches RENDERING_FAILURE, so broken templates fail silently.

    Fix: add the missing types to a destination, or narrow the rule's `events` parameter.
    """

    id = "SES204"
    name = "unrouted-events"
    level = "note"
    tags = ("routing",)
    parameters = {"events": list(EVENT_TYPES)}
    parameters_schema = schema(events=EVENTS)

    def check(self, config_set, params):
        reached = config_set.events_reaching()
        if reached is None:
            return
        missing = set(params["events"]) - reached
        if missing:
            yield self.finding(config_set, missing_events(missing, "destination"))
