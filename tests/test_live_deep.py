"""`scan --deep`: SES401–SES403 over the targets' real state, each target looked up once per run."""

from __future__ import annotations

from conftest import run_sesguard
from live_support import (  # noqa: F401
    ALL_EVENTS,
    create_set,
    live_env,
    moto,
    moto_module,
    role_arn,
    seed_problems,
    seed_targets,
    set_stream_status,
    sns_arn,
    stream_arn,
)
from moto_server import Fault

BROKEN = [
    {"Name": "gone-topic", "Enabled": True, "MatchingEventTypes": ["BOUNCE", "COMPLAINT"],
     "SnsDestination": {"TopicArn": sns_arn("us-east-1", "deleted-topic")}},
    {"Name": "creating", "Enabled": True, "MatchingEventTypes": ALL_EVENTS,
     "KinesisFirehoseDestination": {"IamRoleArn": role_arn("wrong-trust"),
                                    "DeliveryStreamArn": stream_arn("us-east-1", "ses-creating")}},
]  # fmt: skip


def deep_scan(server, env, *args):
    return run_sesguard(
        "scan", "--endpoint-url", server.url, "--region", "us-east-1", "--region", "eu-west-1",
        "--format", "json", "--select", "SES4", *args, env=env,
    )  # fmt: skip


def test_deep_finds_missing_topic_inactive_stream_and_role_ses_cannot_assume(moto, live_env):  # noqa: F811
    seed_problems(moto)
    seed_targets(moto)
    set_stream_status("ses-creating", "CREATING")
    create_set(moto, "us-east-1", "deep-checks", BROKEN)
    run = deep_scan(moto, live_env, "--deep")
    assert run.code == 1, run.stderr
    found = sorted((f["rule_id"], f["set"], f["destination"], f["message"]) for f in run.json()["findings"])
    assert found == [
        ("SES401", "deep-checks", "gone-topic", f"SNS topic {sns_arn('us-east-1', 'deleted-topic')} does not exist"),
        ("SES402", "deep-checks", "creating",
         f"Firehose delivery stream {stream_arn('us-east-1', 'ses-creating')} is CREATING, not ACTIVE"),
        ("SES403", "deep-checks", "creating",
         f"no policy of IAM role {role_arn('wrong-trust')} allows firehose:PutRecordBatch on "
         f"{stream_arn('us-east-1', 'ses-creating')}"),
        ("SES403", "deep-checks", "creating",
         f"the trust policy of IAM role {role_arn('wrong-trust')} does not let ses.amazonaws.com assume it "
         "for this set"),
    ]  # fmt: skip
    # transactional's targets exist and trust SES; eu-mail shares its topic: looked up once for both
    assert moto.injector.count("GetTopicAttributes") == 2
    assert moto.injector.count("DescribeDeliveryStream") == 2
    assert moto.injector.count("GetRole") == 2


def test_without_deep_no_target_is_looked_up(moto, live_env):  # noqa: F811
    seed_problems(moto)
    create_set(moto, "us-east-1", "deep-checks", BROKEN)
    run = deep_scan(moto, live_env)
    assert run.code == 0 and run.json()["findings"] == []
    assert not any(r["service"] in ("sns", "firehose", "iam") for r in moto.injector.requests)


def test_topic_policy_for_another_set_and_fifo_topic(moto, live_env):  # noqa: F811
    import json

    from live_support import client

    sns = client(moto, "sns")
    other = sns.create_topic(Name="other-set-topic")["TopicArn"]
    policy = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": "sns:Publish",
              "Resource": other, "Condition": {"ArnLike": {"aws:SourceArn":
              "arn:aws:ses:us-east-1:123456789012:configuration-set/someone-else"}}}]}  # fmt: skip
    sns.set_topic_attributes(TopicArn=other, AttributeName="Policy", AttributeValue=json.dumps(policy))
    fifo = sns.create_topic(Name="events.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    create_set(moto, "us-east-1", "mine", [
        {"Name": "wrong-policy", "Enabled": True, "MatchingEventTypes": ["BOUNCE"],
         "SnsDestination": {"TopicArn": other}},
        {"Name": "fifo", "Enabled": True, "MatchingEventTypes": ["COMPLAINT"], "SnsDestination": {"TopicArn": fifo}},
    ])  # fmt: skip
    run = deep_scan(moto, live_env, "--deep")
    messages = sorted((f["destination"], f["message"]) for f in run.json()["findings"])
    assert messages == [
        ("fifo", f"SNS topic {fifo} is FIFO; SES supports standard topics only"),
        ("wrong-policy", f"the policy of SNS topic {other} does not let ses.amazonaws.com publish for this set"),
    ]


def test_a_target_that_cannot_be_read_is_sg900_not_a_finding(moto, live_env):  # noqa: F811
    seed_problems(moto)
    seed_targets(moto)
    moto.injector.faults.append(Fault("AuthorizationError", 403, operation="GetTopicAttributes"))
    run = deep_scan(moto, live_env, "--deep")
    assert run.code == 2
    findings = run.json()["findings"]
    [gap] = [f for f in findings if f["rule_id"] == "SG900"]
    assert sns_arn("us-east-1", "ses-bounces") in gap["message"] and "AuthorizationError" in gap["message"]
    assert not [f for f in findings if f["rule_id"] == "SES401"]
