from sesguard.linter.rule import Rule
from sesguard.linter.vocabulary import TARGET_BY_KEY
from sesguard.rules.routing.shared import EVENTS, TARGET, missing_events, schema


class BounceComplaintToSns(Rule):
    """BOUNCE and COMPLAINT events must reach an enabled SNS destination.

    What it checks: the event types of the set's enabled SNS destinations, taken together, include
    BOUNCE and COMPLAINT. Parameters: `events` (default `[BOUNCE, COMPLAINT]`) and `target`
    (default `sns`) choose other events or another kind of target.

    Why: SES puts an account under review at a 5% bounce or 0.1% complaint rate and may pause
    sending at 10% or 0.5%. Someone (or some automation removing bad addresses) has to hear about
    each bounce and complaint as it happens; an archive or a dashboard is not a person.

    Example: a set whose only SNS destination is disabled, or receives COMPLAINT alone.

    Fix: add BOUNCE and COMPLAINT to an enabled SnsDestination's MatchingEventTypes.
    """

    id = "SES201"
    name = "bounce-complaint-to-sns"
    level = "error"
    tags = ("routing", "deliverability")
    parameters = {"events": ["BOUNCE", "COMPLAINT"], "target": "sns"}
    parameters_schema = schema(events=EVENTS, target=TARGET)

    def check(self, config_set, params):
        reached = config_set.events_reaching(params["target"])
        if reached is None:
            return
        missing = set(params["events"]) - reached
        if missing:
            label = TARGET_BY_KEY[params["target"]].label
            yield self.finding(config_set, missing_events(missing, f"{label} destination"))
