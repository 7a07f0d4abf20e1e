"""The SESv2 configuration-set operations moto 5.2 lacks, shaped as an upstream contribution.

moto 5.2's sesv2 backend stores configuration sets but implements none of the event-destination
calls, none of the `PutConfigurationSet*Options` calls, reports `SendingEnabled` wrongly (it
echoes the request's whole `SendingOptions` object), and crashes on `ListConfigurationSets(PageSize=…)`
(the page size arrives as a string). `install()` adds, in-process and idempotently:

- CreateConfigurationSetEventDestination, GetConfigurationSetEventDestinations,
  UpdateConfigurationSetEventDestination, DeleteConfigurationSetEventDestination
  (at most 10 destinations per set, unique names, NotFound/AlreadyExists/LimitExceeded errors as
  the API documents them);
- PutConfigurationSet{Delivery,Reputation,Sending,Suppression,Tracking}Options;
- GetConfigurationSet with `SendingOptions.SendingEnabled` as a boolean (default true, as in SES)
  and without the option blocks that were never set (real SES leaves them out);
- ListConfigurationSets with an integer PageSize.

Patches go on moto's own classes, so call `install()` before `ThreadedMotoServer.start()` in the
same process. Upstream, each method would simply live in `moto/sesv2/models.py` and `responses.py`.
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.sesv2 import urls
from moto.sesv2.models import SESV2Backend
from moto.sesv2.responses import SESV2Response

MAX_DESTINATIONS = 10
_SET = "{0}/v2/email/configuration-sets/(?P<ConfigurationSetName>[^/]+)"
URL_PATHS = {
    _SET + "/event-destinations$": SESV2Response.dispatch,
    _SET + "/event-destinations/(?P<EventDestinationName>[^/]+)$": SESV2Response.dispatch,
    **{
        _SET + f"/{part}$": SESV2Response.dispatch
        for part in ("delivery-options", "reputation-options", "sending", "suppression-options", "tracking-options")
    },
}
TARGET_BLOCKS = (
    "SnsDestination",
    "KinesisFirehoseDestination",
    "CloudWatchDestination",
    "EventBridgeDestination",
    "PinpointDestination",
)


class NotFoundException(JsonRESTError):
    code = 404

    def __init__(self, message: str):
        super().__init__("NotFoundException", message)


class AlreadyExistsException(JsonRESTError):
    code = 400

    def __init__(self, message: str):
        super().__init__("AlreadyExistsException", message)


class LimitExceededException(JsonRESTError):
    code = 400

    def __init__(self, message: str):
        super().__init__("LimitExceededException", message)


# -- backend -------------------------------------------------------------------------------------


def _config_set(backend: SESV2Backend, name: str):
    config_set = backend.core_backend.config_sets.get(name)
    if config_set is None:
        raise NotFoundException(f"Configuration set <{name}> does not exist.")
    return config_set


def _destinations(backend: SESV2Backend, set_name: str) -> dict:
    """The set's destinations by name, in creation order (kept on the backend, per account/region)."""
    _config_set(backend, set_name)
    store = backend.__dict__.setdefault("event_destinations_v2", {})
    return store.setdefault(set_name, {})


def create_configuration_set_event_destination(
    self: SESV2Backend, configuration_set_name: str, event_destination_name: str, event_destination: dict
) -> None:
    destinations = _destinations(self, configuration_set_name)
    if event_destination_name in destinations:
        raise AlreadyExistsException(f"Event destination <{event_destination_name}> already exists.")
    if len(destinations) >= MAX_DESTINATIONS:
        raise LimitExceededException(f"A configuration set can have at most {MAX_DESTINATIONS} event destinations.")
    destinations[event_destination_name] = dict(event_destination)


def get_configuration_set_event_destinations(self: SESV2Backend, configuration_set_name: str) -> list:
    destinations = _destinations(self, configuration_set_name)
    return [{"Name": name, **definition} for name, definition in destinations.items()]


def update_configuration_set_event_destination(
    self: SESV2Backend, configuration_set_name: str, event_destination_name: str, event_destination: dict
) -> None:
    destinations = _destinations(self, configuration_set_name)
    if event_destination_name not in destinations:
        raise NotFoundException(f"Event destination <{event_destination_name}> does not exist.")
    destinations[event_destination_name] = dict(event_destination)


def delete_configuration_set_event_destination(
    self: SESV2Backend, configuration_set_name: str, event_destination_name: str
) -> None:
    destinations = _destinations(self, configuration_set_name)
    if destinations.pop(event_destination_name, None) is None:
        raise NotFoundException(f"Event destination <{event_destination_name}> does not exist.")


def put_configuration_set_options(self: SESV2Backend, configuration_set_name: str, block: str, options: dict) -> None:
    """PutConfigurationSet{Delivery,Reputation,Sending,Suppression,Tracking}Options: replace one block."""
    config_set = _config_set(self, configuration_set_name)
    attribute = {
        "DeliveryOptions": "delivery_options",
        "ReputationOptions": "reputation_options",
        "SendingOptions": "enabled",
        "SuppressionOptions": "suppression_options",
        "TrackingOptions": "tracking_options",
    }[block]
    setattr(config_set, attribute, {k: v for k, v in options.items() if v is not None})


_original_delete_configuration_set = SESV2Backend.delete_configuration_set


def delete_configuration_set(self: SESV2Backend, configuration_set_name: str) -> None:
    _original_delete_configuration_set(self, configuration_set_name)
    self.__dict__.get("event_destinations_v2", {}).pop(configuration_set_name, None)


def configuration_set_v2(config_set) -> dict:
    """GetConfigurationSet's body: blocks that were set, and SendingEnabled as SES reports it."""
    sending = config_set.enabled if isinstance(config_set.enabled, dict) else {}
    body: dict[str, Any] = {
        "ConfigurationSetName": config_set.configuration_set_name,
        "SendingOptions": {"SendingEnabled": bool(sending.get("SendingEnabled", True))},
    }
    for block, value in (
        ("TrackingOptions", config_set.tracking_options),
        ("DeliveryOptions", config_set.delivery_options),
        ("ReputationOptions", config_set.reputation_options),
        ("SuppressionOptions", config_set.suppression_options),
        ("VdmOptions", config_set.vdm_options),
    ):
        if value:
            body[block] = value
    if config_set.tags:
        body["Tags"] = config_set.tags
    return body


# -- responses -----------------------------------------------------------------------------------


def _body(self: SESV2Response) -> dict:
    return json.loads(self.body) if self.body else {}


def _response_create_event_destination(self: SESV2Response) -> str:
    body = _body(self)
    self.sesv2_backend.create_configuration_set_event_destination(
        self._get_param("ConfigurationSetName"), body.get("EventDestinationName"), body.get("EventDestination", {})
    )
    return "{}"


def _response_get_event_destinations(self: SESV2Response) -> str:
    destinations = self.sesv2_backend.get_configuration_set_event_destinations(self._get_param("ConfigurationSetName"))
    return json.dumps({"EventDestinations": destinations})


def _response_update_event_destination(self: SESV2Response) -> str:
    self.sesv2_backend.update_configuration_set_event_destination(
        self._get_param("ConfigurationSetName"),
        self._get_param("EventDestinationName"),
        _body(self).get("EventDestination", {}),
    )
    return "{}"


def _response_delete_event_destination(self: SESV2Response) -> str:
    self.sesv2_backend.delete_configuration_set_event_destination(
        self._get_param("ConfigurationSetName"), self._get_param("EventDestinationName")
    )
    return "{}"


def _response_put_options(block: str):
    def respond(self: SESV2Response) -> str:
        body = _body(self)
        body.pop("ConfigurationSetName", None)
        self.sesv2_backend.put_configuration_set_options(self._get_param("ConfigurationSetName"), block, body)
        return "{}"

    respond.__name__ = f"put_configuration_set_{block[:-7].lower()}_options"
    return respond


def _response_get_configuration_set(self: SESV2Response) -> str:
    config_set = self.sesv2_backend.get_configuration_set(
        configuration_set_name=self._get_param("ConfigurationSetName")
    )
    return json.dumps(configuration_set_v2(config_set))


def _response_list_configuration_sets(self: SESV2Response) -> str:
    page_size = self._get_param("PageSize")
    sets, next_token = self.sesv2_backend.list_configuration_sets(
        next_token=self._get_param("NextToken"), page_size=int(page_size) if page_size else None
    )
    return json.dumps({"ConfigurationSets": [c.configuration_set_name for c in sets], "NextToken": next_token})


def install() -> None:
    """Add the missing operations to moto's sesv2 backend and responses (idempotent)."""
    if getattr(SESV2Backend, "_sesguard_extension", False):
        return
    SESV2Backend.create_configuration_set_event_destination = create_configuration_set_event_destination
    SESV2Backend.get_configuration_set_event_destinations = get_configuration_set_event_destinations
    SESV2Backend.update_configuration_set_event_destination = update_configuration_set_event_destination
    SESV2Backend.delete_configuration_set_event_destination = delete_configuration_set_event_destination
    SESV2Backend.put_configuration_set_options = put_configuration_set_options
    SESV2Backend.delete_configuration_set = delete_configuration_set
    SESV2Response.create_configuration_set_event_destination = _response_create_event_destination
    SESV2Response.get_configuration_set_event_destinations = _response_get_event_destinations
    SESV2Response.update_configuration_set_event_destination = _response_update_event_destination
    SESV2Response.delete_configuration_set_event_destination = _response_delete_event_destination
    SESV2Response.get_configuration_set = _response_get_configuration_set
    SESV2Response.list_configuration_sets = _response_list_configuration_sets
    for block in ("DeliveryOptions", "ReputationOptions", "SendingOptions", "SuppressionOptions", "TrackingOptions"):
        respond = _response_put_options(block)
        setattr(SESV2Response, respond.__name__, respond)
    urls.url_paths.update(URL_PATHS)  # read when the server builds its app: install() before start()
    SESV2Backend._sesguard_extension = True
