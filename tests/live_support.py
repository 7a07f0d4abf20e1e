"""Fixtures and seed data for the live tests: moto over loopback HTTP, fake credentials only.

`moto` is one server per test module, reset before each test; `live_env` is the environment the
CLI subprocess gets (fake keys, no config or credentials files, no instance metadata), so nothing
can ever reach real AWS. Import the fixtures into a test module with
`from live_support import moto, live_env  # noqa: F401`.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.request

import boto3
import moto_server
import pytest

ACCOUNT = "123456789012"  # moto's default account
ALL_EVENTS = [
    "SEND", "REJECT", "BOUNCE", "COMPLAINT", "DELIVERY", "OPEN", "CLICK",
    "RENDERING_FAILURE", "DELIVERY_DELAY", "SUBSCRIPTION",
]  # fmt: skip
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing-secret-never-printed",
    "AWS_CONFIG_FILE": "/nonexistent/sesguard-tests/config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/sesguard-tests/credentials",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_MAX_ATTEMPTS": "3",
}


@pytest.fixture(scope="module")
def moto_module():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = moto_server.start()
    yield server
    server.stop()


@pytest.fixture
def moto(moto_module):
    """A clean moto (state and faults reset) for each test."""
    request = urllib.request.Request(f"{moto_module.url}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=10).read()
    moto_module.injector.reset()
    return moto_module


@pytest.fixture
def live_env(monkeypatch):
    """Environment for the CLI subprocess (and this process's boto3): fake credentials only."""
    for key in list(os.environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key)
    for key, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    return {**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")}, **FAKE_CREDENTIALS}


def client(server, service: str, region: str = "us-east-1"):
    return boto3.client(
        service,
        endpoint_url=server.url,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def create_set(server, region: str, name: str, destinations=(), **options) -> None:
    sesv2 = client(server, "sesv2", region)
    sesv2.create_configuration_set(ConfigurationSetName=name, **options)
    for destination in destinations:
        body = dict(destination)
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName=name, EventDestinationName=body.pop("Name"), EventDestination=body
        )


def sns_arn(region: str, name: str) -> str:
    return f"arn:aws:sns:{region}:{ACCOUNT}:{name}"


def stream_arn(region: str, name: str) -> str:
    return f"arn:aws:firehose:{region}:{ACCOUNT}:deliverystream/{name}"


def role_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


def seed_problems(server) -> None:
    """Two regions: one clean set, and sets with known problems (the expected findings in the tests)."""
    create_set(
        server,
        "us-east-1",
        "transactional",
        [
            {"Name": "bounces", "Enabled": True, "MatchingEventTypes": ["BOUNCE", "COMPLAINT"],
             "SnsDestination": {"TopicArn": sns_arn("us-east-1", "ses-bounces")}},
            {"Name": "archive", "Enabled": True, "MatchingEventTypes": ALL_EVENTS,
             "KinesisFirehoseDestination": {"IamRoleArn": role_arn("ses-firehose"),
                                            "DeliveryStreamArn": stream_arn("us-east-1", "ses-archive")}},
        ],
        DeliveryOptions={"TlsPolicy": "REQUIRE"},
        ReputationOptions={"ReputationMetricsEnabled": True},
    )  # fmt: skip
    create_set(
        server,
        "us-east-1",
        "marketing",
        [{"Name": "opens", "Enabled": False, "MatchingEventTypes": ["OPEN", "CLICK"],
          "CloudWatchDestination": {"DimensionConfigurations": [
              {"DimensionName": "campaign", "DimensionValueSource": "MESSAGE_TAG", "DefaultDimensionValue": "none"}]}}],
    )  # fmt: skip
    create_set(
        server,
        "eu-west-1",
        "eu-mail",
        [
            {"Name": "bounces", "Enabled": True, "MatchingEventTypes": ["BOUNCE", "COMPLAINT"],
             "SnsDestination": {"TopicArn": sns_arn("us-east-1", "ses-bounces")}},
        ],
        DeliveryOptions={"TlsPolicy": "REQUIRE"},
        ReputationOptions={"ReputationMetricsEnabled": True},
        SendingOptions={"SendingEnabled": False},
    )  # fmt: skip


def seed_targets(server) -> None:
    """The targets of `transactional` exist and let SES in, so --deep reports nothing about them."""
    sns = client(server, "sns")
    topic = sns.create_topic(Name="ses-bounces")["TopicArn"]
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": "SNS:Publish",
        "Resource": topic, "Condition": {"StringEquals": {"AWS:SourceAccount": ACCOUNT}}}]}  # fmt: skip
    sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps(policy))
    iam = client(server, "iam")
    create_role(iam, "ses-firehose", "ses.amazonaws.com", stream_arn("us-east-1", "ses-archive"))
    create_role(iam, "wrong-trust", "firehose.amazonaws.com", stream_arn("us-east-1", "ses-archive"))
    firehose = client(server, "firehose")
    s3 = client(server, "s3")
    s3.create_bucket(Bucket="ses-archive-bucket")
    for name in ("ses-archive", "ses-creating"):
        firehose.create_delivery_stream(
            DeliveryStreamName=name,
            ExtendedS3DestinationConfiguration={
                "RoleARN": role_arn("ses-firehose"),
                "BucketARN": "arn:aws:s3:::ses-archive-bucket",
            },
        )


def create_role(iam, name: str, trusted_service: str, stream: str) -> None:
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": trusted_service}, "Action": "sts:AssumeRole"}]}  # fmt: skip
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    actions = ["firehose:PutRecord", "firehose:PutRecordBatch"]
    allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": stream}]}
    iam.put_role_policy(RoleName=name, PolicyName="write-stream", PolicyDocument=json.dumps(allow))


def set_stream_status(name: str, status: str, region: str = "us-east-1") -> None:
    """moto makes every stream ACTIVE at once; tests in this process set another status directly."""
    from moto.firehose.models import firehose_backends

    firehose_backends[ACCOUNT][region].delivery_streams[name].delivery_stream_status = status
