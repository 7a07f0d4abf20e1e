"""A 500-set scan against moto: exactly 1 ListConfigurationSets per page + 2 calls per set, and its wall time.

The sets are seeded straight into moto's backend (same process) so that only the scan is timed.
The wall time is printed (`pytest -s`) and recorded as a property for the JUnit report; the bound
asserted here is loose on purpose (a shared 2-core CI machine), the number itself goes in reviews.
"""

from __future__ import annotations

import time

from conftest import run_sesguard
from live_support import ACCOUNT, ALL_EVENTS, live_env, moto, moto_module, role_arn, sns_arn, stream_arn  # noqa: F401

SETS = 500


def seed_directly(count: int, region: str = "us-east-1") -> None:
    from moto.sesv2.models import sesv2_backends

    backend = sesv2_backends[ACCOUNT][region]
    for index in range(count):
        name = f"set-{index:03d}"
        backend.create_configuration_set(name, None, {"TlsPolicy": "REQUIRE"}, None, None, None, None, None)
        backend.create_configuration_set_event_destination(
            name,
            "bounces",
            {"Enabled": True, "MatchingEventTypes": ["BOUNCE", "COMPLAINT"],
             "SnsDestination": {"TopicArn": sns_arn(region, "bounces")}},
        )  # fmt: skip
        backend.create_configuration_set_event_destination(
            name,
            "archive",
            {"Enabled": True, "MatchingEventTypes": ALL_EVENTS,
             "KinesisFirehoseDestination": {"IamRoleArn": role_arn("ses"),
                                            "DeliveryStreamArn": stream_arn(region, "archive")}},
        )  # fmt: skip


def test_500_sets_calls_and_wall_time(moto, live_env, record_property):  # noqa: F811
    seed_directly(SETS)
    moto.injector.requests.clear()
    started = time.perf_counter()
    run = run_sesguard("scan", "--endpoint-url", moto.url, "--region", "us-east-1", "--format", "json", env=live_env)
    wall = time.perf_counter() - started
    assert run.code == 1, run.stderr
    assert run.json()["summary"]["findings"] == SETS  # SES303 (reputation metrics off) on each set
    count = moto.injector.count
    assert count("ListConfigurationSets") == 5  # moto pages by 100
    assert count("GetConfigurationSet") == SETS
    assert count("GetConfigurationSetEventDestinations") == SETS
    assert len(moto.injector.requests) == 1 + 5 + 2 * SETS  # + GetCallerIdentity
    record_property("wall_time_500_sets_s", round(wall, 2))
    print(f"\n500-set live scan against moto: {wall:.2f} s wall")
    assert wall < 120
