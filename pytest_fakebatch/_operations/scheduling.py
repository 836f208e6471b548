"""CreateSchedulingPolicy, DescribeSchedulingPolicies, ListSchedulingPolicies,
UpdateSchedulingPolicy and DeleteSchedulingPolicy, and what a fair-share policy means for the
jobs of its queues (SubmitJob's share identifiers, GetJobQueueSnapshot's order).

A scheduling policy is a fair-share policy (``fairsharePolicy``) or a quota-share one
(``quotaSharePolicy``), never both, and never changes from one to the other. Rules and limits come
from the API reference (API_CreateSchedulingPolicy, FairsharePolicy, ShareAttributes,
QuotaSharePolicy) unless marked otherwise; every detail string marked "chosen" has no known
real-service wording (docs/fidelity.md lists them).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, Final

from .. import _arns, _model
from .._errors import client_exception
from ..models import SchedulingPolicy
from ._checks import (
    EXISTS_DETAIL,
    answer,
    check_enum,
    check_name,
    check_tags,
    check_types,
    page,
    references,
    required,
    tagged,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .._store import Store
    from ..models import JobQueue
    from ._answer import Answer

#: FairsharePolicy.shareDecaySeconds: "The maximum supported value is 604800 (1 week)."
MAX_SHARE_DECAY_SECONDS: Final = 604_800
#: FairsharePolicy.computeReservation: "The minimum value is 0 and the maximum value is 99."
MAX_COMPUTE_RESERVATION: Final = 99
#: ShareAttributes.weightFactor: "The smallest supported value is 0.0001, and the largest
#: supported value is 999.9999." Left out: "The default value is 1.0."
MIN_WEIGHT, MAX_WEIGHT, DEFAULT_WEIGHT = 0.0001, 999.9999, 1.0
#: ShareAttributes.shareIdentifier: "limited to 255 alphanumeric characters, and can be followed
#: by an asterisk (*)". The user guide's own example (UserA-1) has a hyphen, so only the length
#: is checked.
MAX_SHARE_IDENTIFIER: Final = 255
#: QuotaSharePolicy.idleResourceAssignmentStrategy: "Currently, only FIFO is supported."
IDLE_STRATEGIES: Final = ("FIFO",)
_POLICY_KINDS: Final = ("fairsharePolicy", "quotaSharePolicy")

_CREATE_TYPES: dict[str, Any] = {
    "name": str,
    "fairsharePolicy": {
        "shareDecaySeconds": int,
        "computeReservation": int,
        "shareDistribution": [{"shareIdentifier": str}],
    },
    "quotaSharePolicy": {"idleResourceAssignmentStrategy": str},
    "tags": dict,
}
_UPDATE_TYPES: dict[str, Any] = {
    **{key: shape for key, shape in _CREATE_TYPES.items() if key not in ("name", "tags")},
    "arn": str,
}


def create_scheduling_policy(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    name, properties, tags = scheduling_policy_request(store, region, params)
    policy = store.add_scheduling_policy(
        SchedulingPolicy(
            name=name,
            arn=_arns.scheduling_policy_arn(region, store.account_id, name),
            region=region,
            properties=properties,
        ),
        tags,
    )
    return answer({"name": policy.name, "arn": policy.arn})


def describe_scheduling_policies(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"arns": list})
    wanted = references(params, "arns") or []
    # Each policy once, in the order created; an ARN the region does not have is left out, as
    # the other Describe* operations do (chosen).
    found = {arn for arn in wanted if find_scheduling_policy(store, region, arn) is not None}
    order = store.created_order
    policies = sorted(
        (store.scheduling_policies[arn] for arn in found), key=lambda policy: order[policy.arn]
    )
    return answer({"schedulingPolicies": [_detail(store, policy) for policy in policies]})


def list_scheduling_policies(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"maxResults": int, "nextToken": str})
    policies = regional_policies(store, region)
    shown, token = page(store, "ListSchedulingPolicies", (region,), policies, _arn, params)
    body: dict[str, Any] = {"schedulingPolicies": [{"arn": policy.arn} for policy in shown]}
    if token is not None:
        body["nextToken"] = token
    return answer(body)


def update_scheduling_policy(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, _UPDATE_TYPES)
    policy = _existing(store, region, required(params, "arn"))
    changes = _policy_properties(params)
    if len(changes) > 1:
        raise client_exception(  # chosen, as CreateSchedulingPolicy says it
            "Only one of fairsharePolicy or quotaSharePolicy can be set."
        )
    kind = _kind(policy.properties)
    for given in changes:
        if kind is not None and given != kind:
            # "Once set during creation, a fairsharePolicy cannot be removed or changed to a
            # quotaSharePolicy" (and the other way round).
            raise client_exception(  # chosen
                f"SchedulingPolicy {policy.name} has a {kind}: it cannot be changed to a {given}."
            )
    store.scheduling_policies[policy.arn] = SchedulingPolicy(
        name=policy.name,
        arn=policy.arn,
        region=policy.region,
        properties={**policy.properties, **changes},
    )
    return answer({})


def delete_scheduling_policy(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"arn": str})
    arn = required(params, "arn")
    policy = find_scheduling_policy(store, region, arn)
    if policy is None:
        # Observed: Batch's delete operations answer HTTP 200 for what does not exist (an AWS
        # maintainer in aws/aws-cli#2551).
        return answer({})
    users = [queue.name for queue in store.queues() if queue.scheduling_policy_arn == arn]
    if users:
        # "You can't delete a scheduling policy that's used in any job queues."
        raise client_exception(  # chosen
            f"SchedulingPolicy {policy.name} is used by job queue {users[0]}: replace the "
            "queue's policy or delete the queue first."
        )
    del store.scheduling_policies[arn]
    store.tags.pop(arn, None)
    return answer({})


# Shared with the queues, SubmitJob, the snapshot and the factory


def find_scheduling_policy(store: Store, region: str, arn: str) -> SchedulingPolicy | None:
    """The policy an ARN names, as a client in ``region`` sees it (policies are named by ARN)."""
    policy = store.scheduling_policies.get(arn)
    return policy if policy is not None and policy.region == region else None


def regional_policies(store: Store, region: str) -> list[SchedulingPolicy]:
    """The region's policies, in the order they were created."""
    order = store.created_order
    policies = [p for p in store.scheduling_policies.values() if p.region == region]
    policies.sort(key=lambda policy: order[policy.arn])
    return policies


def fair_share_policy(store: Store, queue: JobQueue) -> Mapping[str, Any] | None:
    """The fair-share policy of a queue, or None for a FIFO queue (or a quota-share one)."""
    arn = queue.scheduling_policy_arn
    policy = None if arn is None else store.scheduling_policies.get(arn)
    if policy is None or "quotaSharePolicy" in policy.properties:
        return None
    return policy.fairshare_policy or {}


def weight_factor(policy: Mapping[str, Any], share: str) -> float:
    """A share identifier's weight under a fair-share policy: its own entry's, else that of the
    prefix entry (``UserA*``) that covers it, else 1.0 ("Share identifiers that aren't included
    have a default weight of 1.0")."""
    for entry in policy.get("shareDistribution") or ():
        identifier = entry["shareIdentifier"]
        if identifier == share or (identifier.endswith("*") and share.startswith(identifier[:-1])):
            return float(entry.get("weightFactor", DEFAULT_WEIGHT))
    return DEFAULT_WEIGHT


def scheduling_policy_request(
    store: Store, region: str, params: Mapping[str, Any]
) -> tuple[str, dict[str, Any], dict[str, str]]:
    """A CreateSchedulingPolicy request checked as the service checks it: the name, the policy
    as DescribeSchedulingPolicies will show it, and the tags."""
    check_types(params, _CREATE_TYPES)
    name = required(params, "name")
    check_name("SchedulingPolicy", name)
    if store.scheduling_policies.get(_arns.scheduling_policy_arn(region, store.account_id, name)):
        raise client_exception(EXISTS_DETAIL)  # as for queues and compute environments
    properties = _policy_properties(params)
    if len(properties) > 1:
        # "Only one of fairsharePolicy or quotaSharePolicy can be set."
        raise client_exception(  # chosen
            "Only one of fairsharePolicy or quotaSharePolicy can be set."
        )
    return name, properties, check_tags(params.get("tags") or {})


def _policy_properties(params: Mapping[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    if "fairsharePolicy" in params:
        properties["fairsharePolicy"] = _fairshare(params["fairsharePolicy"])
    if "quotaSharePolicy" in params:
        quota = params["quotaSharePolicy"]
        # idleResourceAssignmentStrategy is the structure's required member.
        check_enum(
            "idleResourceAssignmentStrategy",
            quota.get("idleResourceAssignmentStrategy"),
            IDLE_STRATEGIES,
        )
        properties["quotaSharePolicy"] = copy.deepcopy(quota)
    return properties


def _fairshare(policy: Mapping[str, Any]) -> dict[str, Any]:
    decay = policy.get("shareDecaySeconds")
    if decay is not None and not 0 <= decay <= MAX_SHARE_DECAY_SECONDS:
        raise client_exception(  # chosen
            f"shareDecaySeconds must be from 0 to {MAX_SHARE_DECAY_SECONDS}, got {decay}."
        )
    reservation = policy.get("computeReservation")
    if reservation is not None and not 0 <= reservation <= MAX_COMPUTE_RESERVATION:
        raise client_exception(  # chosen
            f"computeReservation must be from 0 to {MAX_COMPUTE_RESERVATION}, got {reservation}."
        )
    identifiers: list[str] = []
    for entry in policy.get("shareDistribution") or ():
        identifier = entry.get("shareIdentifier")
        if not isinstance(identifier, str) or not _valid_share_pattern(identifier):
            raise client_exception(  # chosen
                f"Invalid shareIdentifier: {identifier}. It takes 1 to {MAX_SHARE_IDENTIFIER} "
                "characters, optionally followed by an asterisk (*)."
            )
        weight = entry.get("weightFactor", DEFAULT_WEIGHT)
        if (
            isinstance(weight, bool)
            or not isinstance(weight, (int, float))
            or not MIN_WEIGHT <= weight <= MAX_WEIGHT
        ):
            raise client_exception(  # chosen
                f"weightFactor must be from {MIN_WEIGHT} to {MAX_WEIGHT}, got {weight}."
            )
        for other in identifiers:
            if _overlap(identifier, other):
                # "The list of share identifiers in a fair-share policy can't overlap."
                raise client_exception(  # chosen
                    f"Share identifiers can't overlap: {other} and {identifier}."
                )
        identifiers.append(identifier)
    return copy.deepcopy(dict(policy))


def _valid_share_pattern(identifier: str) -> bool:
    stem = identifier[:-1] if identifier.endswith("*") else identifier
    return 0 < len(stem) <= MAX_SHARE_IDENTIFIER and "*" not in stem


def _overlap(first: str, second: str) -> bool:
    """Whether two shareDistribution entries can name the same share identifier."""
    if first == second:
        return True
    for prefix, other in ((first, second), (second, first)):
        if prefix.endswith("*") and other.rstrip("*").startswith(prefix[:-1]):
            return True
    return False


def _kind(properties: Mapping[str, Any]) -> str | None:
    return next((kind for kind in _POLICY_KINDS if kind in properties), None)


def _detail(store: Store, policy: SchedulingPolicy) -> dict[str, Any]:
    """A ``SchedulingPolicyDetail`` as DescribeSchedulingPolicies returns it."""
    # quotaSharePolicy came to the model later than the rest: sent only where the installed
    # botocore's model has it (the wire path would drop it).
    present = _model.members("SchedulingPolicyDetail")
    detail: dict[str, Any] = {"name": policy.name, "arn": policy.arn}
    for key, value in policy.properties.items():
        if key in present:
            detail[key] = copy.deepcopy(value)
    return tagged(store, policy.arn, detail)


def _existing(store: Store, region: str, arn: str) -> SchedulingPolicy:
    policy = find_scheduling_policy(store, region, arn)
    if policy is None:
        raise client_exception(f"SchedulingPolicy {arn} not found.")  # chosen
    return policy


def _arn(policy: SchedulingPolicy) -> str:
    return policy.arn
