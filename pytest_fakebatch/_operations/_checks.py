"""Checks and pages shared by the resource operations (queues, job definitions, compute
environments, tags).

Limits are the API reference's; every detail string marked "chosen" has no known real-service
wording (docs/fidelity.md lists them). The wording follows jobs.py's where both check the same
thing, so SubmitJob and RegisterJobDefinition refuse a bad retryStrategy in the same words.
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any, Final, TypeAlias, TypeVar

from .. import _arns, _pagination
from .._errors import client_exception
from .._seeding import RESOURCE_NAME
from ._answer import Answer

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

    from .._store import Store

T = TypeVar("T")

#: A resource's ``state``: what Create* and Update* take for queues, compute and service
#: environments, quota shares.
STATES: Final = ("ENABLED", "DISABLED")
#: A name already taken. Observed through CloudFormation
#: (aws-cloudformation/cloudformation-coverage-roadmap#2463).
EXISTS_DETAIL: Final = "Object already exists"

#: Names of queues, job definitions and compute environments: "It can be up to 128 letters long.
#: It can contain uppercase and lowercase letters, numbers, hyphens (-), and underscores (_)."
#: schedulingPriority(Override): "The minimum supported value is 0 and the maximum supported value
#: is 9999" (API_SubmitJob, API_RegisterJobDefinition).
MAX_SCHEDULING_PRIORITY: Final = 9999
#: Tag restrictions (user guide, "Tag restrictions"; API_TagResource).
MAX_TAGS: Final = 50
MAX_TAG_KEY: Final = 128
MAX_TAG_VALUE: Final = 256
#: retryStrategy.attempts: "You can specify between 1 and 10 attempts."; evaluateOnExit: "Array
#: of up to 5 objects".
MIN_ATTEMPTS, MAX_ATTEMPTS = 1, 10
MAX_EVALUATE_ON_EXIT: Final = 5
#: timeout.attemptDurationSeconds: "The minimum value for the timeout is 60 seconds."
MIN_TIMEOUT_SECONDS: Final = 60
#: Describe* maxResults: "This value can be between 1 and 100." Without it: "up to 100 results".
MAX_PAGE: Final = 100
#: "A list of up to 100 queue names or full queue ARNs" (and the same for the others).
MAX_DESCRIBED: Final = 100

_TYPE_NAMES = {str: "a string", int: "an integer", list: "a list", dict: "a map", bool: "a boolean"}


def answer(body: dict[str, Any]) -> Answer:
    """The response, and a copy of it for the call log (code under test may change its own)."""
    return Answer(body, copy_json(body))


def copy_json(value: Any) -> Any:
    """A deep copy of JSON-shaped data (dicts, lists, immutable leaves): what ``copy.deepcopy``
    makes of it, several times faster (no memo, no dispatch by type)."""
    kind = type(value)
    # Leaves are tested inline: most values are strings, and a call per value doubles the cost.
    if kind is dict:
        return {
            key: item if type(item) in _IMMUTABLE else copy_json(item)
            for key, item in value.items()
        }
    if kind is list:
        return [item if type(item) in _IMMUTABLE else copy_json(item) for item in value]
    if kind in _IMMUTABLE:
        return value
    return copy.deepcopy(value)


_IMMUTABLE = frozenset({str, int, float, bool, type(None)})


def check_types(params: Mapping[str, Any], types: Mapping[str, Shape]) -> None:
    """Refuse request members of the wrong type, at any depth (see ``check_shape``).

    botocore checks types before sending unless a client turns parameter_validation off: then
    the service is the one to refuse them.
    """
    for name, value in params.items():
        expected = types.get(name)
        # A plain member of its own type needs no more (this runs on every request).
        if expected is not None and type(value) is not expected:
            check_shape(name, value, expected)


Shape: TypeAlias = "type | list[Shape] | dict[str, Shape]"
"""A member's type, as the service model has it: ``str``, ``int``, ``bool``, ``dict`` (a map); a
list of one shape (a list of such values); or a dict of member shapes (a structure)."""


def check_shape(name: str, value: Any, shape: Shape) -> None:
    """Refuse a value whose type, at any depth, is not its member's: only a client that skips
    botocore's validation can send one, and the service refuses it rather than crash on it.
    Members the shape does not list are not checked."""
    if isinstance(shape, list):
        if type(value) is not list:
            raise client_exception(f"Invalid type for {name}: expected a list.")  # chosen
        for item in value:
            check_shape(f"{name}[]", item, shape[0])
    elif isinstance(shape, dict):
        if type(value) is not dict:
            raise client_exception(f"Invalid type for {name}: expected a structure.")  # chosen
        for member, member_value in value.items():
            if member in shape:
                check_shape(f"{name}.{member}", member_value, shape[member])
    elif type(value) is not shape:
        raise client_exception(  # chosen
            f"Invalid type for {name}: expected {_TYPE_NAMES[shape]}."
        )


#: Structures more than one operation takes (service model shapes of the same names).
KEY_VALUE_PAIRS: Final[Shape] = [{"name": str, "value": str}]
RESOURCE_REQUIREMENTS: Final[Shape] = [{"value": str, "type": str}]
RETRY_STRATEGY: Final[Shape] = {
    "attempts": int,
    "evaluateOnExit": [{"onStatusReason": str, "onReason": str, "onExitCode": str, "action": str}],
}
TIMEOUT: Final[Shape] = {"attemptDurationSeconds": int}
#: A service environment's and a quota share's capacityLimits (CapacityLimit,
#: QuotaShareCapacityLimit: the same members).
CAPACITY_LIMITS: Final[Shape] = [{"maxCapacity": int, "capacityUnit": str}]
#: The parts of an EKS pod (EksPodProperties, EksPodPropertiesOverride) that SubmitJob's
#: eksPropertiesOverride merges: each container's name and what an override replaces.
_EKS_CONTAINER: Final[Shape] = {
    "name": str,
    "image": str,
    "command": [str],
    "args": [str],
    "env": KEY_VALUE_PAIRS,
    "resources": dict,
}
EKS_POD: Final[Shape] = {
    "containers": [_EKS_CONTAINER],
    "initContainers": [_EKS_CONTAINER],
    "metadata": {"labels": dict, "annotations": dict, "namespace": str},
}


def required(params: Mapping[str, Any], name: str) -> Any:
    if name not in params:
        # Only a client that skips botocore's validation can leave out a required member.
        raise client_exception(f"{name} is required.")  # chosen
    return params[name]


def check_name(kind: str, name: str) -> None:
    if not RESOURCE_NAME.fullmatch(name):
        # Chosen: modelled on SubmitJob's observed "Job name should match valid pattern".
        raise client_exception(f"{kind} name should match valid pattern")


def check_enum(name: str, value: Any, allowed: Sequence[str]) -> None:
    # botocore does not check enum values: a wrong one reaches the service.
    if value not in allowed:
        raise client_exception(  # chosen
            f"Invalid {name}: {value}. Valid values: {', '.join(allowed)}."
        )


def order_entries(entries: Any, key: str, limit: int, noun: str) -> Iterator[dict[str, Any]]:
    """A job queue's ``<key>Order`` entries (``key``: computeEnvironment or serviceEnvironment),
    each checked as it is reached (a map with an integer order and a string ``key``), after the
    count (at most ``limit``; ``noun`` names the environments in the message)."""
    if len(entries) > limit:
        raise client_exception(  # chosen
            f"A job queue can have up to {limit} {noun}, got {len(entries)}."
        )
    for entry in entries:
        if (
            not isinstance(entry, dict)
            or type(entry.get("order")) is not int
            or not isinstance(entry.get(key), str)
        ):
            raise client_exception(  # chosen
                f"Each {key}Order entry needs an integer order and a {key}."
            )
        yield entry


def check_tags(tags: Any, existing: Mapping[str, str] | None = None) -> dict[str, str]:
    """The tags a resource has once ``tags`` are added to ``existing``, or a ClientException."""
    if not isinstance(tags, dict):
        raise client_exception("Invalid type for tags: expected a map.")  # chosen
    for key, value in tags.items():
        if not isinstance(value, str):
            raise client_exception("Invalid tags: values must be strings.")  # chosen
        if not 1 <= len(key) <= MAX_TAG_KEY:
            raise client_exception(  # chosen
                f"Tag keys must be 1 to {MAX_TAG_KEY} characters long: {key}"
            )
        if len(value) > MAX_TAG_VALUE:
            raise client_exception(  # chosen
                f"Tag values must be at most {MAX_TAG_VALUE} characters long: {value}"
            )
        # "Don't use aws:, AWS:, or any upper or lowercase combination of such as a prefix for
        # either keys or values, as it is reserved for AWS use."
        if is_reserved(key):
            raise client_exception(f"Tag keys starting with aws: are reserved: {key}")  # chosen
        if is_reserved(value):
            raise client_exception(f"Tag values starting with aws: are reserved: {value}")  # chosen
    merged = {**(existing or {}), **tags}
    if len(merged) > MAX_TAGS:
        raise client_exception(f"A resource can have up to {MAX_TAGS} tags.")  # chosen
    return merged


def is_reserved(text: str) -> bool:
    return text[:4].lower() == "aws:"


def retry_strategy(retry: Any) -> dict[str, Any]:
    if not isinstance(retry, dict):
        raise client_exception("Invalid retryStrategy.")  # chosen
    attempts = retry.get("attempts")
    if attempts is None:
        # Observed wording (terraform-provider-aws acceptance tests).
        raise client_exception("RetryAttempts must be provided with retry strategy")
    if type(attempts) is not int or not MIN_ATTEMPTS <= attempts <= MAX_ATTEMPTS:
        raise client_exception(  # chosen
            f"Retry attempts must be from {MIN_ATTEMPTS} to {MAX_ATTEMPTS}, got {attempts}."
        )
    rules = retry.get("evaluateOnExit") or []
    if len(rules) > MAX_EVALUATE_ON_EXIT:
        raise client_exception(  # chosen
            f"evaluateOnExit takes up to {MAX_EVALUATE_ON_EXIT} conditions, got {len(rules)}."
        )
    check_shape("retryStrategy", retry, RETRY_STRATEGY)
    for rule in rules:
        action = rule.get("action")
        if str(action).upper() not in ("RETRY", "EXIT"):
            raise client_exception(  # chosen
                f"Invalid evaluateOnExit action: {action}. Valid values: RETRY, EXIT."
            )
        for member, pattern in _EXIT_PATTERNS.items():
            value = rule.get(member)
            if value is not None and not pattern.fullmatch(value):
                raise client_exception(  # chosen
                    f"Invalid evaluateOnExit {member}: {value}."
                )
    return retry


# EvaluateOnExit (API reference): each pattern "can be up to 512 characters long" and "can
# optionally end with an asterisk (*)"; onExitCode "can contain only numbers"; onStatusReason and
# onReason "can contain letters, numbers, periods (.), colons (:), and white space".
_EXIT_PATTERNS: Final = {
    "onExitCode": re.compile(r"(?=.{1,512}$)[0-9]*\*?", re.DOTALL),
    "onStatusReason": re.compile(r"(?=.{1,512}$)[A-Za-z0-9.:\s]*\*?", re.DOTALL),
    "onReason": re.compile(r"(?=.{1,512}$)[A-Za-z0-9.:\s]*\*?", re.DOTALL),
}


def timeout(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise client_exception("Invalid timeout.")  # chosen
    check_shape("timeout", value, TIMEOUT)
    seconds = value.get("attemptDurationSeconds")
    if seconds is not None and (type(seconds) is not int or seconds < MIN_TIMEOUT_SECONDS):
        raise client_exception(  # chosen
            f"attemptDurationSeconds must be at least {MIN_TIMEOUT_SECONDS}, got {seconds}."
        )
    return value


def references(params: Mapping[str, Any], name: str) -> list[str] | None:
    """A Describe* request's list of names or ARNs (None when absent or empty: every resource)."""
    given = params.get(name)
    if not given:
        return None
    if len(given) > MAX_DESCRIBED:
        raise client_exception(  # chosen
            f"{name} takes up to {MAX_DESCRIBED} entries, got {len(given)}."
        )
    if not all(isinstance(entry, str) for entry in given):
        raise client_exception(f"Invalid type for {name}: expected a list of strings.")  # chosen
    return list(given)


def selected(
    store: Store,
    region: str,
    params: Mapping[str, Any],
    member: str,
    resources: Iterable[T],
    find: Callable[[str], T | None],
    arn_of: Callable[[T], str],
) -> tuple[list[T], tuple[Any, ...]]:
    """The resources of ``region`` a Describe* request names in ``member`` (names or ARNs), or all
    of them, in creation order; and the query they make, for ``page``'s tokens.

    A name or ARN the region does not have is left out, not refused (chosen).
    """
    wanted = references(params, member)
    chosen = [resource for resource in resources if _arns.region_of(arn_of(resource)) == region]
    if wanted is not None:
        found = {arn_of(resource) for resource in map(find, wanted) if resource is not None}
        chosen = [resource for resource in chosen if arn_of(resource) in found]
    order = store.created_order
    chosen.sort(key=lambda resource: order[arn_of(resource)])
    return chosen, (region, None if wanted is None else tuple(wanted))


def tagged(store: Store, arn: str, detail: dict[str, Any]) -> dict[str, Any]:
    """``detail`` with the resource's ``tags`` member when it has tags (the Describe* answers
    leave the member out otherwise)."""
    tags = store.tags.get(arn)
    if tags:
        detail["tags"] = dict(tags)
    return detail


def described(
    store: Store,
    operation: str,
    query: tuple[Any, ...],
    items: list[T],
    arn_of: Callable[[T], str],
    params: Mapping[str, Any],
    key: str,
    detail: Callable[[Store, T], dict[str, Any]],
) -> Answer:
    """A Describe* answer: one page of ``items`` under ``key``, each rendered by ``detail``, and
    the token for the next page, if any (see ``page``)."""
    shown, token = page(store, operation, query, items, arn_of, params)
    body: dict[str, Any] = {key: [detail(store, item) for item in shown]}
    if token is not None:
        body["nextToken"] = token
    return answer(body)


def page(
    store: Store,
    operation: str,
    query: tuple[Any, ...],
    items: list[T],
    arn_of: Callable[[T], str],
    params: Mapping[str, Any],
) -> tuple[list[T], str | None]:
    """One page of ``items`` (in creation order) and the token for the next, if any.

    The token records the position, in creation order, of the last item returned and the query
    it belongs to, as ListJobs's do: the next page starts after that position, so resources
    created or deleted meanwhile never make a walk repeat or skip one that stayed.
    """
    max_results = params.get("maxResults")
    limit = MAX_PAGE if max_results is None else max_results
    if not 1 <= limit <= MAX_PAGE:
        raise client_exception(  # chosen
            f"maxResults must be between 1 and {MAX_PAGE}, got {max_results}."
        )
    order = store.created_order
    fingerprint = _pagination.fingerprint(operation, *query)
    start = 0
    token = params.get("nextToken")
    if token:  # "" asks for the first page, as for ListJobs
        try:
            after, _ = _pagination.decode(token, fingerprint, str)
        except _pagination.InvalidToken:
            raise client_exception(  # chosen
                f"Invalid nextToken: use the token a previous {operation} call with the same "
                "parameters returned."
            ) from None
        while start < len(items) and order[arn_of(items[start])] <= after:
            start += 1
    chosen = items[start : start + limit]
    if start + limit >= len(items):
        return chosen, None
    last = arn_of(chosen[-1])
    return chosen, _pagination.encode(fingerprint, (order[last], last))
