"""SES v2 vocabulary shared by every source and rule (SPEC §11.2, §11.3).

Sources map their own spelling onto these canonical names; rules only ever see the canonical ones.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

# The SESv2 EventType enum, in the API's order (tests compare it with botocore's model).
EVENT_TYPES = (
    "SEND",
    "REJECT",
    "BOUNCE",
    "COMPLAINT",
    "DELIVERY",
    "OPEN",
    "CLICK",
    "RENDERING_FAILURE",
    "DELIVERY_DELAY",
    "SUBSCRIPTION",
)
_EVENT_TYPE_SET = frozenset(EVENT_TYPES)
_CAMEL_HUMP = re.compile(r"(?<=[a-z])(?=[A-Z])")


@functools.lru_cache(maxsize=4096)  # a handful of spellings, looked up for every destination
def canonical_event_type(value: str) -> str | None:
    """Map any accepted spelling (`BOUNCE`, `bounce`, `renderingFailure`) to the API name, else None.

    Surrounding whitespace is not stripped: no AWS API accepts `" BOUNCE"`, so neither does SES101.
    """
    name = _CAMEL_HUMP.sub("_", value).upper()
    return name if name in _EVENT_TYPE_SET else None


def sort_event_types(names) -> list:
    """Event types in the API's order, so messages read the same way every time."""
    return sorted(names, key=EVENT_TYPES.index)


class ArnField(NamedTuple):
    field: str  # API name of the field holding the ARN
    service: str  # expected ARN service
    resource_type: str  # expected resource type ("" for resources without a type prefix)
    shape: str  # what a valid one looks like, for messages


class TargetKind(NamedTuple):
    key: str  # short name used in rule parameters and policies ("sns")
    block: str  # API name of the destination block ("SnsDestination")
    label: str  # human name in messages
    arn_fields: tuple  # ArnField entries


TARGET_KINDS = (
    TargetKind("sns", "SnsDestination", "SNS", (ArnField("TopicArn", "sns", "", "arn:aws:sns:REGION:ACCOUNT:TOPIC"),)),
    TargetKind(
        "firehose",
        "KinesisFirehoseDestination",
        "Firehose",
        (
            ArnField("IamRoleArn", "iam", "role", "arn:aws:iam::ACCOUNT:role/NAME"),
            ArnField(
                "DeliveryStreamArn", "firehose", "deliverystream", "arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME"
            ),
        ),
    ),
    TargetKind("cloudwatch", "CloudWatchDestination", "CloudWatch", ()),
    TargetKind(
        "eventbridge",
        "EventBridgeDestination",
        "EventBridge",
        (ArnField("EventBusArn", "events", "event-bus", "arn:aws:events:REGION:ACCOUNT:event-bus/default"),),
    ),
    TargetKind(
        "pinpoint",
        "PinpointDestination",
        "Pinpoint",
        (ArnField("ApplicationArn", "mobiletargeting", "apps", "arn:aws:mobiletargeting:REGION:ACCOUNT:apps/APP_ID"),),
    ),
)
TARGET_BY_KEY = {kind.key: kind for kind in TARGET_KINDS}
TARGET_BY_BLOCK = {kind.block: kind for kind in TARGET_KINDS}

# A configuration set's option blocks, by their API names (GetConfigurationSet).
OPTION_BLOCKS = (
    "DeliveryOptions",
    "ReputationOptions",
    "SendingOptions",
    "SuppressionOptions",
    "TrackingOptions",
    "VdmOptions",
    "ArchivingOptions",
    "MessageSecurityOptions",
)

# AWS defaults for options a spec may leave out (SPEC §4.1).
DEFAULT_TLS_POLICY = "OPTIONAL"
DEFAULT_HTTPS_POLICY = "OPTIONAL"
