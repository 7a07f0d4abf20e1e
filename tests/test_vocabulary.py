"""SES vocabulary (SPEC §11.2, §11.3) and ARN parsing: the shared facts every source and rule relies on."""

from __future__ import annotations

import json
import re
from pathlib import Path

import botocore
import pytest

from sesguard.linter.arns import Arn, parse_arn, partition_of_region
from sesguard.linter.vocabulary import (
    EVENT_TYPES,
    TARGET_BY_BLOCK,
    TARGET_BY_KEY,
    TARGET_KINDS,
    canonical_event_type,
    sort_event_types,
)

# SPEC §11.2: every spelling of every source, with the canonical API name it means.
SPELLINGS = {
    # SESv2 API, native spec, Terraform aws_sesv2_*
    "SEND": "SEND",
    "REJECT": "REJECT",
    "BOUNCE": "BOUNCE",
    "COMPLAINT": "COMPLAINT",
    "DELIVERY": "DELIVERY",
    "OPEN": "OPEN",
    "CLICK": "CLICK",
    "RENDERING_FAILURE": "RENDERING_FAILURE",
    "DELIVERY_DELAY": "DELIVERY_DELAY",
    "SUBSCRIPTION": "SUBSCRIPTION",
    # SES v1, aws_ses_event_destination, classic CloudFormation
    "send": "SEND",
    "reject": "REJECT",
    "bounce": "BOUNCE",
    "complaint": "COMPLAINT",
    "delivery": "DELIVERY",
    "open": "OPEN",
    "click": "CLICK",
    "renderingFailure": "RENDERING_FAILURE",
    # CloudFormation only
    "deliveryDelay": "DELIVERY_DELAY",
    "subscription": "SUBSCRIPTION",
}


@pytest.mark.parametrize(("spelling", "canonical"), sorted(SPELLINGS.items()))
def test_canonical_event_type_accepts_every_documented_spelling(spelling, canonical):
    assert canonical_event_type(spelling) == canonical


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("Bounce", "BOUNCE"),
        ("rendering_failure", "RENDERING_FAILURE"),
        ("RenderingFailure", "RENDERING_FAILURE"),
        ("Delivery_Delay", "DELIVERY_DELAY"),
    ],
)
def test_canonical_event_type_is_case_insensitive(spelling, canonical):
    assert canonical_event_type(spelling) == canonical


@pytest.mark.parametrize(
    "spelling",
    [
        "",
        "BOUNCES",
        "bounced",
        "renderingfailure",  # the hump is what separates the words
        "rendering-failure",
        "RENDERING FAILURE",
        "DELIVERYDELAY",
        "bOUNCE",
        " BOUNCE",  # no AWS API accepts surrounding whitespace
        "BOUNCE\n",
        "UNKNOWN",
        "HARD_BOUNCE",
    ],
)
def test_canonical_event_type_rejects_anything_else(spelling):
    assert canonical_event_type(spelling) is None


def test_event_types_are_the_ten_in_api_order():
    assert EVENT_TYPES == (
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
    assert set(SPELLINGS.values()) == set(EVENT_TYPES)


def test_sort_event_types_uses_api_order():
    assert sort_event_types({"SUBSCRIPTION", "BOUNCE", "SEND", "CLICK"}) == ["SEND", "BOUNCE", "CLICK", "SUBSCRIPTION"]


def test_target_kinds_match_the_api_blocks():
    assert [(kind.key, kind.block) for kind in TARGET_KINDS] == [
        ("sns", "SnsDestination"),
        ("firehose", "KinesisFirehoseDestination"),
        ("cloudwatch", "CloudWatchDestination"),
        ("eventbridge", "EventBridgeDestination"),
        ("pinpoint", "PinpointDestination"),
    ]
    assert {kind.block: [f.field for f in kind.arn_fields] for kind in TARGET_KINDS} == {
        "SnsDestination": ["TopicArn"],
        "KinesisFirehoseDestination": ["IamRoleArn", "DeliveryStreamArn"],
        "CloudWatchDestination": [],
        "EventBridgeDestination": ["EventBusArn"],
        "PinpointDestination": ["ApplicationArn"],
    }
    assert all(TARGET_BY_KEY[kind.key] is kind and TARGET_BY_BLOCK[kind.block] is kind for kind in TARGET_KINDS)


# -- ARNs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parsed", "resource_type", "resource_name"),
    [
        (
            "arn:aws:sns:eu-west-1:123456789012:ses-bounces",
            Arn("aws", "sns", "eu-west-1", "123456789012", "ses-bounces"),
            "",
            "ses-bounces",
        ),
        (
            "arn:aws:sns:us-east-1:123456789012:alerts.fifo",
            Arn("aws", "sns", "us-east-1", "123456789012", "alerts.fifo"),
            "",
            "alerts.fifo",
        ),
        (
            "arn:aws:firehose:eu-west-1:123456789012:deliverystream/ses-archive",
            Arn("aws", "firehose", "eu-west-1", "123456789012", "deliverystream/ses-archive"),
            "deliverystream",
            "ses-archive",
        ),
        (
            "arn:aws:iam::123456789012:role/service-role/ses-firehose",
            Arn("aws", "iam", "", "123456789012", "role/service-role/ses-firehose"),
            "role",
            "ses-firehose",
        ),
        (
            "arn:aws:events:us-east-1:123456789012:event-bus/default",
            Arn("aws", "events", "us-east-1", "123456789012", "event-bus/default"),
            "event-bus",
            "default",
        ),
        (
            "arn:aws:mobiletargeting:us-east-1:123456789012:apps/0123456789abcdef",
            Arn("aws", "mobiletargeting", "us-east-1", "123456789012", "apps/0123456789abcdef"),
            "apps",
            "0123456789abcdef",
        ),
        (
            "arn:aws-cn:sns:cn-north-1:123456789012:t",
            Arn("aws-cn", "sns", "cn-north-1", "123456789012", "t"),
            "",
            "t",
        ),
        (
            "arn:aws-us-gov:firehose:us-gov-west-1:123456789012:deliverystream/s",
            Arn("aws-us-gov", "firehose", "us-gov-west-1", "123456789012", "deliverystream/s"),
            "deliverystream",
            "s",
        ),
        (
            "arn:aws:iam::aws:policy/AdministratorAccess",
            Arn("aws", "iam", "", "aws", "policy/AdministratorAccess"),
            "policy",
            "AdministratorAccess",
        ),
        (  # a type ends at the first ':' or '/', whichever comes first
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/ses/events",
            Arn("aws", "logs", "us-east-1", "123456789012", "log-group:/aws/ses/events"),
            "log-group",
            "events",
        ),
        (
            "arn:aws:sns:us-east-1:123456789012:topic:0f9a2b3c-subscription",
            Arn("aws", "sns", "us-east-1", "123456789012", "topic:0f9a2b3c-subscription"),
            "topic",
            "0f9a2b3c-subscription",
        ),
    ],
)
def test_parse_arn(text, parsed, resource_type, resource_name):
    arn = parse_arn(text)
    assert arn == parsed
    assert (arn.resource_type, arn.resource_name) == (resource_type, resource_name)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ses-bounces",
        "arn:aws:sns:eu-west-1:123456789012",  # no resource
        "arn:aws:sns:eu-west-1:123456789012:",
        "arn:aws:sns:eu-west-1:12345678901:t",  # 11-digit account
        "arn:aws:sns:eu-west-1:1234567890123:t",
        "arn:aws:sns:eu-west-1:account:t",
        "arn:azure:sns:eu-west-1:123456789012:t",
        "arn:AWS:sns:eu-west-1:123456789012:t",
        "arn:aws:SNS:eu-west-1:123456789012:t",
        "arn:aws:sns:EU-WEST-1:123456789012:t",
        "ARN:aws:sns:eu-west-1:123456789012:t",
        " arn:aws:sns:eu-west-1:123456789012:t",
        "arn:aws:sns:eu-west-1:123456789012:t\n",  # `$` alone would accept the newline
        "arn:aws:sns:eu-west-1:123456789012:t\nmore",
        "arn:aws:sns:eu_west_1:123456789012:t",
    ],
)
def test_parse_arn_rejects_malformed(text):
    assert parse_arn(text) is None


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-east-1", "aws"),
        ("eu-west-1", "aws"),
        ("ap-southeast-2", "aws"),
        ("il-central-1", "aws"),
        ("cn-north-1", "aws-cn"),
        ("cn-northwest-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("us-iso-east-1", "aws-iso"),
        ("us-isob-east-1", "aws-iso-b"),
        ("eu-isoe-west-1", "aws-iso-e"),
        ("us-isof-south-1", "aws-iso-f"),
        ("eusc-de-east-1", "aws-eusc"),
    ],
)
def test_partition_of_region(region, partition):
    assert partition_of_region(region) == partition


def botocore_regions():
    data = json.loads((Path(botocore.__file__).parent / "data" / "partitions.json").read_text(encoding="utf-8"))
    return [
        (region, partition["id"])
        for partition in data["partitions"]
        for region in partition["regions"]
        if re.match(partition["regionRegex"], region)  # skips pseudo-regions such as aws-global
    ]


@pytest.mark.parametrize(("region", "partition"), botocore_regions())
def test_partition_of_every_botocore_region(region, partition):
    assert partition_of_region(region) == partition
