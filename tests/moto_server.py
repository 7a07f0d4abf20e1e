"""moto's ThreadedMotoServer on loopback, with the sesv2 extension and a fault-injecting WSGI layer.

Every live test talks real HTTP to 127.0.0.1. Faults are injected by a WSGI middleware wrapped
around moto's own application (same process, no proxy): a `Fault` matches requests by region,
SESv2 operation and configuration set, answers with an AWS error instead of moto, and can stop
after `times` answers (throttling that recovers) or never (throttling that does not). It can also
answer late (`delay`: read timeouts), answer a raw `body` (malformed 200s: HTML, truncated JSON),
or change moto's state just before moto answers (`before`: a set deleted between list and get).
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import botocore.session
import moto_sesv2
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")


def _sesv2_routes() -> list:
    """(method, path regex, operation) for every sesv2 operation, from the installed botocore model.

    Read from the model rather than written down: botocore releases move operations (newer ones
    send ListConfigurationSets as `POST /v2/email/list-configuration-sets`).
    """
    model = botocore.session.get_session().get_service_model("sesv2")
    routes = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        uri = http["requestUri"].split("?")[0].rstrip("/")
        parts = re.split(r"\{([A-Za-z]+)\+?\}", uri)  # literal, label, literal, label, ...
        pattern = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>[^/]+)" for i, part in enumerate(parts))
        routes.append((http["method"], re.compile(f"^{pattern}/?$"), name))
    # Literal paths first, so `/configuration-sets/x` never shadows a longer fixed route.
    return sorted(routes, key=lambda route: route[1].pattern.count("(?P<"))


_SESV2_ROUTES = _sesv2_routes()


@dataclass
class Fault:
    """What happens to matching requests, for the first `times` of them (`None`: forever).

    By default the answer is an AWS error (`status`, `code`) instead of moto's. Besides:
    `delay` seconds pass before any answer (past the client's read timeout, the client gives up);
    `body` is answered as is with `status` instead of the error (e.g. HTML or truncated JSON with 200);
    `code=None` (and no `body`) lets moto answer, after `delay` and after `before()` has run (e.g. a
    call that deletes the set in moto's backend, so moto itself answers NotFoundException).
    """

    code: str | None = "TooManyRequestsException"
    status: int = 429
    region: str | None = None
    operation: str | None = None  # e.g. "GetConfigurationSetEventDestinations", "GetTopicAttributes"
    set_name: str | None = None
    times: int | None = None
    hits: int = 0
    delay: float = 0
    body: bytes | None = None
    before: Callable[[], None] | None = None

    def matches(self, request: dict) -> bool:
        """Signed AWS requests only: moto's own API (`/moto-api/reset`) is never faulted."""
        return request["service"] is not None and all(
            wanted is None or request.get(key) == wanted
            for key, wanted in (("region", self.region), ("operation", self.operation), ("set", self.set_name))
        )


class FaultInjector:
    """WSGI middleware: records every request (service, region, operation) and applies faults."""

    def __init__(self, app):
        self.app = app
        self.faults: list[Fault] = []
        self.requests: list[dict] = []
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        request = describe(environ)
        with self._lock:
            self.requests.append(request)
            fault = next((f for f in self.faults if f.matches(request) and (f.times is None or f.hits < f.times)), None)
            if fault:
                fault.hits += 1
        if fault is None:
            return self.app(environ, start_response)
        if fault.delay:
            time.sleep(fault.delay)
        if fault.before:
            fault.before()
        if fault.body is not None:
            start_response(f"{fault.status} Injected", [("Content-Length", str(len(fault.body)))])
            return [fault.body]
        if fault.code is None:
            return self.app(environ, start_response)
        body = json.dumps({"__type": fault.code, "message": f"injected {fault.code}"}).encode()
        if request["service"] in ("sts", "sns", "iam"):  # query protocol services answer in XML
            body = (
                f"<ErrorResponse><Error><Type>Sender</Type><Code>{fault.code}</Code>"
                f"<Message>injected {fault.code}</Message></Error></ErrorResponse>"
            ).encode()
        headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", fault.code)]
        start_response(f"{fault.status} Injected", headers + [("Content-Length", str(len(body)))])
        return [body]

    def count(self, operation: str, **where) -> int:
        return sum(
            1
            for r in self.requests
            if r["operation"] == operation and all(r.get(key) == value for key, value in where.items())
        )

    def reset(self) -> None:
        with self._lock:
            self.faults.clear()
            self.requests.clear()


def describe(environ) -> dict:
    """service, region, operation (and set, for sesv2) of one request, from its signature and path."""
    match = _CREDENTIAL_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    region, service = match.groups() if match else (None, None)
    request = {"service": service, "region": region, "operation": None, "set": None}
    target = environ.get("HTTP_X_AMZ_TARGET")
    path = environ.get("PATH_INFO", "")
    if target:
        request["operation"] = target.split(".")[-1]
    elif path.startswith("/v2/email/"):
        request["operation"] = f"{environ['REQUEST_METHOD']} {path}"
        for method, pattern, operation in _SESV2_ROUTES:
            found = pattern.match(path) if method == environ["REQUEST_METHOD"] else None
            if found:
                request["operation"] = operation
                request["set"] = found.groupdict().get("ConfigurationSetName")
                break
    else:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)  # read again by moto
        action = re.search(rb"(?:^|&)Action=([A-Za-z]+)", body) or re.search(
            r"(?:^|&)Action=([A-Za-z]+)", environ.get("QUERY_STRING", "")
        )
        if action:
            value = action.group(1)
            request["operation"] = value.decode() if isinstance(value, bytes) else value
    return request


class FaultyMotoServer(ThreadedMotoServer):
    """ThreadedMotoServer whose WSGI application sits behind a FaultInjector."""

    def __init__(self):
        super().__init__(ip_address="127.0.0.1", port=0, verbose=False)
        self.injector = FaultInjector(DomainDispatcherApplication(create_backend_app))

    def _server_entry(self) -> None:
        self._server = make_server(self._ip_address, self._port, self.injector, True)
        self._server_ready_event.set()
        self._server.serve_forever()

    @property
    def url(self) -> str:
        host, port = self.get_host_and_port()
        return f"http://{host}:{port}"


def start() -> FaultyMotoServer:
    moto_sesv2.install()
    server = FaultyMotoServer()
    server.start()
    return server
