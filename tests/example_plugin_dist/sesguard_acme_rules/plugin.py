"""The module the `sesguard` entry point names: its hook functions are the whole plugin.

Importing it registers nothing; sesguard's plugin manager finds `sesguard_rules` here.
"""

from sesguard.linter.hookspecs import hookimpl
from sesguard_acme_rules.team_tag import TeamTag


@hookimpl
def sesguard_rules():
    return [TeamTag]
