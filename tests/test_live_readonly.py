"""Read-only by proof: every operation the scanner calls is a read and is inside docs/iam-policy.json.

The scanner runs in this process with a recorder on the `before-call` event of every boto3
session it creates (the caller's and each assumed role's), over the widest scan there is:
--organization, --role-arn, --deep, two regions, plus a plain single-account scan.
"""

from __future__ import annotations

import json

import boto3
import pytest
from conftest import REPO
from live_support import ACCOUNT, client, live_env, moto, moto_module, seed_problems, seed_targets  # noqa: F401

from sesguard.linter import aws
from sesguard.linter.sources.live import read_live

IAM_PREFIX = {"sesv2": "ses"}  # botocore service name -> IAM action prefix, where they differ
READ_ONLY = ("Get", "List", "Describe")


def policy_actions() -> set:
    policy = json.loads((REPO / "docs" / "iam-policy.json").read_text())
    return {action for statement in policy["Statement"] for action in statement["Action"]}


@pytest.fixture
def recorded(monkeypatch):
    calls = []

    def record(model, **kwargs):
        service = model.service_model.service_name
        calls.append(f"{IAM_PREFIX.get(service, service)}:{model.name}")

    real_session = boto3.Session

    def recording_session(*args, **kwargs):
        session = real_session(*args, **kwargs)
        session.events.register("before-call", record)
        return session

    monkeypatch.setattr(aws.boto3, "Session", recording_session)
    return calls


def test_every_call_is_read_only_and_in_the_documented_policy(moto, live_env, recorded):  # noqa: F811
    seed_problems(moto)
    seed_targets(moto)
    iam = client(moto, "iam")
    managed = iam.create_policy(
        PolicyName="extra",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
        ),
    )["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="ses-firehose", PolicyArn=managed)
    client(moto, "organizations").create_organization(FeatureSet="ALL")
    recorded.clear()  # the seeding above wrote; from here on only the scanner calls AWS

    everything = aws.Scope(
        regions=("us-east-1", "eu-west-1"),
        endpoint_url=moto.url,
        role_arn="arn:aws:iam::{account}:role/sesguard-audit",
        organization=True,
        deep=True,
    )
    state = read_live(everything)
    assert not state.gaps and len(state.sets) == 3
    state = read_live(aws.Scope(regions=("us-east-1",), endpoint_url=moto.url))
    assert not state.gaps

    called = set(recorded)
    assert called == {
        "organizations:ListAccounts",
        "sts:AssumeRole",
        "sts:GetCallerIdentity",
        "ses:ListConfigurationSets",
        "ses:GetConfigurationSet",
        "ses:GetConfigurationSetEventDestinations",
        "sns:GetTopicAttributes",
        "firehose:DescribeDeliveryStream",
        "iam:GetRole",
        "iam:ListRolePolicies",
        "iam:GetRolePolicy",
        "iam:ListAttachedRolePolicies",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
    }
    assert called <= policy_actions(), called - policy_actions()
    writes = {c for c in called if not c.split(":")[1].startswith(READ_ONLY) and c != "sts:AssumeRole"}
    assert writes == set()  # AssumeRole only issues temporary credentials; it changes nothing


def test_documented_policy_grants_reads_only():
    for action in policy_actions():
        name = action.split(":")[1]
        assert name.startswith(READ_ONLY) or action == "sts:AssumeRole", action
        assert "*" not in action
