"""ARN parsing: the one place that knows the `arn:partition:service:region:account:resource` shape."""

from __future__ import annotations

import re
from typing import NamedTuple

_ARN = re.compile(r"^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|aws|):(.+)$")
_TYPED_RESOURCE = re.compile(r"([^/:]*)[/:]")


class Arn(NamedTuple):
    partition: str
    service: str
    region: str
    account: str
    resource: str

    @property
    def resource_type(self) -> str:
        """`role` for `role/path/name`, `log-group` for `log-group:/a/b`; "" if untyped."""
        match = _TYPED_RESOURCE.match(self.resource)  # the type ends at the first `/` or `:`, whichever comes first
        return match.group(1) if match else ""

    @property
    def resource_name(self) -> str:
        """The last path segment: the topic, stream, role, bus or app name."""
        return re.split(r"[/:]", self.resource)[-1]


def parse_arn(text: str) -> Arn | None:
    match = _ARN.fullmatch(text)  # not match: `$` would also accept a trailing newline
    return Arn(*match.groups()) if match else None


def partition_of_region(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-iso-"):
        return "aws-iso"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    if region.startswith("eu-isoe-"):
        return "aws-iso-e"
    if region.startswith("us-isof-"):
        return "aws-iso-f"
    if region.startswith("eusc-"):
        return "aws-eusc"
    return "aws"
