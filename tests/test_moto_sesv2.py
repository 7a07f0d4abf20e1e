"""The moto sesv2 extension on its own, over HTTP, as an upstream moto test would check it."""

from __future__ import annotations

import botocore.exceptions
import pytest
from live_support import client, moto, moto_module  # noqa: F401

SNS = {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t"}


@pytest.fixture
def sesv2(moto):  # noqa: F811
    ses = client(moto, "sesv2")
    ses.create_configuration_set(ConfigurationSetName="cs")
    return ses


def test_event_destination_create_get_update_delete(sesv2):
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName="cs",
        EventDestinationName="d",
        EventDestination={"Enabled": True, "MatchingEventTypes": ["BOUNCE"], "SnsDestination": SNS},
    )
    got = sesv2.get_configuration_set_event_destinations(ConfigurationSetName="cs")["EventDestinations"]
    assert got == [{"Name": "d", "Enabled": True, "MatchingEventTypes": ["BOUNCE"], "SnsDestination": SNS}]
    sesv2.update_configuration_set_event_destination(
        ConfigurationSetName="cs",
        EventDestinationName="d",
        EventDestination={"Enabled": False, "MatchingEventTypes": ["COMPLAINT"], "SnsDestination": SNS},
    )
    got = sesv2.get_configuration_set_event_destinations(ConfigurationSetName="cs")["EventDestinations"]
    assert got[0]["Enabled"] is False and got[0]["MatchingEventTypes"] == ["COMPLAINT"]
    sesv2.delete_configuration_set_event_destination(ConfigurationSetName="cs", EventDestinationName="d")
    assert sesv2.get_configuration_set_event_destinations(ConfigurationSetName="cs")["EventDestinations"] == []


def test_event_destination_errors(sesv2):
    destination = {"Enabled": True, "MatchingEventTypes": ["SEND"], "SnsDestination": SNS}
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.get_configuration_set_event_destinations(ConfigurationSetName="missing")
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.delete_configuration_set_event_destination(ConfigurationSetName="cs", EventDestinationName="nope")
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.update_configuration_set_event_destination(
            ConfigurationSetName="cs", EventDestinationName="nope", EventDestination=destination
        )
    for index in range(10):
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName="cs", EventDestinationName=f"d{index}", EventDestination=destination
        )
    with pytest.raises(sesv2.exceptions.AlreadyExistsException):
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName="cs", EventDestinationName="d0", EventDestination=destination
        )
    with pytest.raises(sesv2.exceptions.LimitExceededException):
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName="cs", EventDestinationName="d10", EventDestination=destination
        )


def test_destinations_are_per_set_and_go_with_the_set(sesv2):
    sesv2.create_configuration_set(ConfigurationSetName="other")
    destination = {"Enabled": True, "MatchingEventTypes": ["SEND"], "SnsDestination": SNS}
    for name in ("cs", "other"):  # the same destination name in two sets is allowed
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName=name, EventDestinationName="same", EventDestination=destination
        )
    sesv2.delete_configuration_set(ConfigurationSetName="cs")
    sesv2.create_configuration_set(ConfigurationSetName="cs")
    assert sesv2.get_configuration_set_event_destinations(ConfigurationSetName="cs")["EventDestinations"] == []
    assert len(sesv2.get_configuration_set_event_destinations(ConfigurationSetName="other")["EventDestinations"]) == 1


def test_put_options_round_trip(sesv2):
    sesv2.put_configuration_set_delivery_options(ConfigurationSetName="cs", TlsPolicy="REQUIRE", MaxDeliverySeconds=600)
    sesv2.put_configuration_set_reputation_options(ConfigurationSetName="cs", ReputationMetricsEnabled=True)
    sesv2.put_configuration_set_sending_options(ConfigurationSetName="cs", SendingEnabled=False)
    sesv2.put_configuration_set_suppression_options(ConfigurationSetName="cs", SuppressedReasons=["BOUNCE"])
    sesv2.put_configuration_set_tracking_options(
        ConfigurationSetName="cs", CustomRedirectDomain="click.example.com", HttpsPolicy="REQUIRE"
    )
    got = sesv2.get_configuration_set(ConfigurationSetName="cs")
    assert got["DeliveryOptions"] == {"TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 600}
    assert got["ReputationOptions"] == {"ReputationMetricsEnabled": True}
    assert got["SendingOptions"] == {"SendingEnabled": False}
    assert got["SuppressionOptions"] == {"SuppressedReasons": ["BOUNCE"]}
    assert got["TrackingOptions"] == {"CustomRedirectDomain": "click.example.com", "HttpsPolicy": "REQUIRE"}
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.put_configuration_set_sending_options(ConfigurationSetName="missing", SendingEnabled=True)


def test_sending_enabled_round_trips_and_defaults_to_true(moto):  # noqa: F811
    sesv2 = client(moto, "sesv2")
    sesv2.create_configuration_set(ConfigurationSetName="default")
    sesv2.create_configuration_set(ConfigurationSetName="paused", SendingOptions={"SendingEnabled": False})
    sesv2.create_configuration_set(ConfigurationSetName="on", SendingOptions={"SendingEnabled": True})
    sending = {
        name: sesv2.get_configuration_set(ConfigurationSetName=name)["SendingOptions"]["SendingEnabled"]
        for name in ("default", "paused", "on")
    }
    assert sending == {"default": True, "paused": False, "on": True}
    assert "TrackingOptions" not in sesv2.get_configuration_set(ConfigurationSetName="default")  # never set


def test_list_configuration_sets_pages_with_page_size(moto):  # noqa: F811
    sesv2 = client(moto, "sesv2")
    for index in range(5):
        sesv2.create_configuration_set(ConfigurationSetName=f"cs{index}")
    names, token, pages = [], None, 0
    while True:
        page = sesv2.list_configuration_sets(PageSize=2, **({"NextToken": token} if token else {}))
        names += page["ConfigurationSets"]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert sorted(names) == [f"cs{index}" for index in range(5)] and pages == 3


def test_fault_injection_answers_like_aws(moto):  # noqa: F811
    from moto_server import Fault

    moto.injector.faults.append(
        Fault("AccessDeniedException", 403, region="eu-west-1", operation="ListConfigurationSets")
    )
    with pytest.raises(botocore.exceptions.ClientError) as denied:
        client(moto, "sesv2", "eu-west-1").list_configuration_sets()
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    assert client(moto, "sesv2", "us-east-1").list_configuration_sets()["ConfigurationSets"] == []
