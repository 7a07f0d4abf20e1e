from sesguard.linter.model import UNKNOWN
from sesguard.linter.rule import Rule


class TeamTag(Rule):
    """Every configuration set carries a `team` tag.

    Why: when a set's bounce rate climbs, someone must know whose mail it is.

    Example: a set with no `Tags`, or tags without the key `team`.

    Fix: add `Tags: [{Key: team, Value: <owner>}]`.
    """

    id = "ACME001"
    name = "team-tag"
    level = "warning"
    tags = ("ownership",)
    help_url = "https://rules.acme.example/sesguard/ACME001"
    parameters = {"key": "team"}
    parameters_schema = {
        "type": "object",
        "properties": {"key": {"type": "string", "minLength": 1}},
        "additionalProperties": False,
    }

    def check(self, config_set, params):
        if config_set.tags is UNKNOWN:
            return
        if not any(key == params["key"] for key, _ in config_set.tags):
            yield self.finding(config_set, f"no {params['key']!r} tag", field=("Tags",))
