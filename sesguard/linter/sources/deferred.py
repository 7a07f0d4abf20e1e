"""The CloudFormation and Terraform sources, imported only when a file may be theirs.

Their readers cost about 30 ms to import: a tenth of a pre-commit run on native specs, which never
needs them. Each entry pairs a cheap necessary condition of the source's own `claims` (a suffix,
and a substring its patterns require) with where the source lives; the source itself decides.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import PurePath

from sesguard.linter.hookspecs import hookimpl


class DeferredSource:
    def __init__(self, name: str, kind: str, suffixes: tuple, needles: tuple, target: str) -> None:
        self.name, self.kind = name, kind
        self._suffixes, self._needles, self._target = suffixes, needles, target
        self._source = None

    def claims(self, path: str, text: str) -> bool:
        if PurePath(path).suffix.lower() not in self._suffixes or not any(n in text for n in self._needles):
            return False
        return self.source.claims(path, text)

    def load(self, path: str, text: str):
        return self.source.load(path, text)

    @property
    def source(self):
        if self._source is None:
            module, _, name = self._target.partition(":")
            self._source = getattr(import_module(module), name)()
        return self._source


@hookimpl
def sesguard_sources():
    return [
        DeferredSource(
            "CloudFormation template",
            "cloudformation",
            (".yaml", ".yml", ".json", ".template"),
            ("AWSTemplateFormatVersion", "AWS::SES::"),
            "sesguard.linter.sources.cloudformation:CloudFormationSource",
        ),
        DeferredSource(
            "Terraform plan/state JSON",
            "terraform",
            (".json",),
            ('"format_version"',),
            "sesguard.linter.sources.terraform_plan:TerraformPlanSource",
        ),
        DeferredSource(
            "Terraform JSON configuration",
            "terraform",
            (".json",),
            ("aws_ses",),
            "sesguard.linter.sources.terraform_json:TerraformJsonSource",
        ),
        DeferredSource(
            "Terraform configuration",
            "terraform",
            (".tf",),
            ("aws_ses",),
            "sesguard.linter.sources.terraform_hcl:TerraformHclSource",
        ),
    ]
