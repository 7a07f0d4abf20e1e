"""A third-party plugin as a user would write it: one rule and one reporter, registered through the hooks.

Used by tests/test_plugins.py, both in-process (`load_plugins(extra_modules=[...])`) and through
`python -m sesguard check --plugin sesguard_example_plugin` with this directory on PYTHONPATH.
"""

from sesguard.linter.hookspecs import hookimpl
from sesguard.linter.rule import Rule


class LegacySetName(Rule):
    """Configuration sets must not keep a `legacy-` name.

    Why: the organisation retired its legacy sending path; a set still named for it is forgotten.

    Example: `Name: legacy-newsletter`.

    Fix: rename the set (and the senders that reference it).
    """

    id = "ORG900"
    name = "legacy-set-name"
    level = "warning"
    tags = ("naming", "organisation")
    parameters = {"prefix": "legacy-"}
    parameters_schema = {
        "type": "object",
        "properties": {"prefix": {"type": "string"}},
        "additionalProperties": False,
    }

    def check(self, config_set, params):
        if isinstance(config_set.name, str) and config_set.name.startswith(params["prefix"]):
            yield self.finding(config_set, f"set name starts with {params['prefix']!r}", field=("Name",))


def count_reporter(report, options):
    return f"{len(report.findings)} findings\n"


@hookimpl
def sesguard_rules():
    return [LegacySetName]


@hookimpl
def sesguard_reporters():
    return {"count": count_reporter}
