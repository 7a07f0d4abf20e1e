"""AWS access for live scans: sessions, accounts, clients and error descriptions. Imports boto3.

Only the live path (`scan`, `snapshot`, live `drift`) imports this module, so local linting never
pays for boto3. Every call here is read-only; `docs/iam-policy.json` lists them all and a test
proves the scanner calls nothing else.
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import dataclass, field

import boto3
import botocore.exceptions
import botocore.parsers
from botocore.config import Config

from sesguard.linter.arns import parse_arn
from sesguard.linter.errors import UsageError
from sesguard.linter.limits import Limits
from sesguard.linter.located_json import has_surrogate_escape

DEFAULT_CONCURRENCY = 8
DEFAULT_MAX_ATTEMPTS = 10  # adaptive retries: SES allows about 1 non-send request/second per account-region
CONNECT_TIMEOUT = 5  # seconds; the read timeout is the `timeout` limit (config [limits] or --timeout)
ROLE_SESSION_NAME = "sesguard"

# Error codes that mean "this region is not enabled for the account" (opt-in regions).
_REGION_NOT_ENABLED = {"UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure", "OptInRequired"}
_CREDENTIALS_EXPIRED = {"ExpiredToken", "ExpiredTokenException"}


class MalformedResponseError(botocore.exceptions.BotoCoreError):
    """A success (2xx) answer whose body is not what the protocol promises (HTML from a proxy, cut-off JSON).

    botocore would parse a non-JSON body as `{"message": body}`, i.e. an answer without any data:
    an empty list of sets, a set without destinations. That would be a silent pass, so it is a Gap.
    """

    fmt = "malformed response to {operation} (HTTP {status}: {detail})"


# Everything a call can raise because of AWS or the network (not because of a bug here).
AWS_ERRORS = (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError, botocore.parsers.ResponseParserError)


@dataclass(frozen=True)
class Scope:
    """What a live scan covers, as the command line and config give it."""

    regions: tuple = ()
    all_regions: bool = False
    profile: str | None = None
    endpoint_url: str | None = None
    role_arn: str | None = None  # may contain `{account}`
    accounts: tuple = ()
    organization: bool = False
    deep: bool = False
    concurrency: int = DEFAULT_CONCURRENCY
    timeout: float = Limits().timeout  # seconds one call may wait for an answer: a hung endpoint never hangs a scan


@dataclass(frozen=True)
class Gap:
    """Something a live scan could not read, and why. Becomes an SG900 finding."""

    account: str | None
    region: str | None
    what: str  # e.g. "configuration sets", "configuration set 'x'", "SNS topic arn:..."
    reason: str
    set_name: str | None = None
    arn: str | None = None


@dataclass
class Account:
    account_id: str
    session: object  # boto3.Session


@dataclass
class Clients:
    """boto3 clients per (account, region, service), made once; sessions are not thread-safe, clients are."""

    scope: Scope
    config: Config
    _cache: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, account: Account, region: str, service: str):
        key = (account.account_id, region, service)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = make_client(account.session, service, region, self.scope, self.config)
            return self._cache[key]


def make_client(session, service: str, region: str, scope: Scope, config: Config):
    """A client whose success answers are checked for a well-formed body before botocore parses them."""
    client = session.client(service, region_name=region, endpoint_url=scope.endpoint_url, config=config)
    client.meta.events.register("before-parse", _check_body)
    return client


def _check_body(operation_model, response_dict, **_):
    """Raise MalformedResponseError for a 2xx body that is not a JSON object (JSON protocols) or not the
    operation's XML answer (query protocols); error answers and streamed bodies are left to botocore."""
    if not 200 <= response_dict["status_code"] < 300 or operation_model.has_streaming_output:
        return
    output = operation_model.output_shape
    if output is None or all("location" in member.serialization for member in output.members.values()):
        return  # nothing is expected in the body (only headers or the status code)
    body, name = response_dict["body"], operation_model.name
    protocol = operation_model.service_model.resolved_protocol
    if protocol in ("json", "rest-json"):
        try:
            parsed = json.loads(body)
            if not isinstance(parsed, dict):
                detail = "JSON, but not an object"
            elif has_surrogate_escape(body.decode("utf-8"), pairs_join=True):  # no report could print it
                detail = "JSON with half of a UTF-16 surrogate pair in a string"
            else:
                return
        except ValueError:  # also UnicodeDecodeError
            detail = "truncated JSON" if body.lstrip()[:1] in (b"{", b"[") else "not JSON"
    elif protocol in ("query", "ec2"):
        if re.match(rb"\s*(<\?xml[^>]*\?>\s*)?<" + name.encode() + rb"Response[\s>]", body):
            return
        detail = f"not a {name}Response XML document"
    else:
        return
    raise MalformedResponseError(operation=name, status=response_dict["status_code"], detail=detail)


def base_session(scope: Scope):
    try:
        return boto3.Session(profile_name=scope.profile)
    except botocore.exceptions.ProfileNotFound as error:
        raise UsageError(str(error)) from error


def client_config(session, scope: Scope) -> Config:
    """Adaptive retries (AWS_MAX_ATTEMPTS or the profile's max_attempts win), bounded timeouts."""
    attempts = session._session.get_config_variable("max_attempts") or DEFAULT_MAX_ATTEMPTS
    return Config(
        retries={"mode": "adaptive", "total_max_attempts": int(attempts)},
        connect_timeout=min(CONNECT_TIMEOUT, scope.timeout),
        read_timeout=scope.timeout,
        max_pool_connections=max(10, scope.concurrency),
        user_agent_extra="sesguard",
    )


def resolve_regions(session, scope: Scope, configured: tuple = ()) -> tuple:
    """--region, else --all-regions, else config `regions`, else the session's default region."""
    if scope.regions:
        return tuple(dict.fromkeys(scope.regions))
    if scope.all_regions:
        return tuple(sorted(session.get_available_regions("sesv2")))
    if configured:
        return tuple(dict.fromkeys(configured))
    default = os.environ.get("AWS_REGION") or session.region_name  # botocore itself reads AWS_DEFAULT_REGION only
    if default:
        return (default,)
    raise UsageError(
        "no region to scan: pass --region REGION (repeatable) or --all-regions, set `regions` in the "
        "config, or set AWS_REGION / the profile's region"
    )


def resolve_accounts(session, scope: Scope, regions: tuple, config: Config):
    """(accounts, gaps): the caller's own account, or each account the role is assumed in."""
    region = regions[0]
    sts = make_client(session, "sts", region, scope, config)
    if not scope.role_arn:
        if scope.accounts or scope.organization:
            raise UsageError("--account and --organization need --role-arn (the role to assume in each account)")
        try:
            identity = sts.get_caller_identity()
        except botocore.exceptions.NoCredentialsError as error:
            raise UsageError("no AWS credentials found (set AWS_PROFILE, use --profile, or log in with SSO)") from error
        except AWS_ERRORS as error:
            return [], [Gap(None, None, "the caller's account (sts:GetCallerIdentity)", describe_error(error))]
        return [Account(identity["Account"], session)], []
    account_ids, gaps = list(scope.accounts), []
    if scope.organization:
        try:
            organizations = make_client(session, "organizations", region, scope, config)
            for page in organizations.get_paginator("list_accounts").paginate():
                account_ids += [a["Id"] for a in page["Accounts"] if a.get("Status", "ACTIVE") == "ACTIVE"]
        except botocore.exceptions.NoCredentialsError as error:
            raise UsageError("no AWS credentials found (set AWS_PROFILE, use --profile, or log in with SSO)") from error
        except AWS_ERRORS as error:
            gaps.append(
                Gap(None, None, "the organization's accounts (organizations:ListAccounts)", describe_error(error))
            )
    if "{account}" not in scope.role_arn and len(set(account_ids)) > 1:
        raise UsageError("--role-arn must contain {account} to scan several accounts")
    if not account_ids:
        arn = parse_arn(scope.role_arn)
        account_ids = [arn.account] if arn and arn.account.isdigit() else []
    if not account_ids and not gaps:
        raise UsageError("--role-arn needs --account ID or --organization (or an account id in the ARN)")
    accounts = []
    for account_id in sorted(set(account_ids)):
        role_arn = scope.role_arn.replace("{account}", account_id)
        try:
            credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName=ROLE_SESSION_NAME)["Credentials"]
        except botocore.exceptions.NoCredentialsError as error:
            raise UsageError("no AWS credentials found (set AWS_PROFILE, use --profile, or log in with SSO)") from error
        except AWS_ERRORS as error:
            gaps.append(Gap(account_id, None, f"the role {role_arn} (sts:AssumeRole)", describe_error(error)))
            continue
        assumed = boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )
        accounts.append(Account(account_id, assumed))
    return accounts, gaps


def error_code(error: Exception) -> str | None:
    if isinstance(error, botocore.exceptions.ClientError):
        return error.response.get("Error", {}).get("Code")
    return None


def describe_error(error: Exception) -> str:
    """One line saying why a call failed, without credentials, request ids or signatures."""
    code = error_code(error)
    if code:
        message = error.response.get("Error", {}).get("Message") or ""
        retries = error.response.get("ResponseMetadata", {}).get("RetryAttempts")
        text = f"{code}: {message}".rstrip(": ")
        if code in _REGION_NOT_ENABLED:
            text += " (is the region enabled for this account? opt-in regions must be enabled first)"
        if code in _CREDENTIALS_EXPIRED:
            text += " (credentials expired: refresh them, e.g. `aws sso login` or a new session token)"
        if retries:
            text += f" (after {retries} retries)"
        return text
    if isinstance(error, botocore.exceptions.EndpointConnectionError):
        return f"endpoint unreachable: {error.kwargs.get('endpoint_url', '')}".rstrip(": ")
    if isinstance(error, (botocore.exceptions.ConnectTimeoutError, botocore.exceptions.ReadTimeoutError)):
        connect = isinstance(error, botocore.exceptions.ConnectTimeoutError)
        # urllib3's message carries the limit that was hit: "... (read timeout=1)"
        limit = re.search(r"timeout=([0-9.]+)", str(error.kwargs.get("error", "")))
        within = f" within {float(limit.group(1)):g} s" if limit else ""
        if connect:
            return f"timed out: no connection{within} (connect timeout)"
        return f"timed out: no answer{within} (read timeout: raise --timeout to wait longer)"
    if isinstance(error, MalformedResponseError):
        return str(error)
    if isinstance(error, botocore.parsers.ResponseParserError):  # its text quotes the whole body: not repeated
        return "malformed response (not valid XML)"
    return f"{type(error).__name__}: {error}"
