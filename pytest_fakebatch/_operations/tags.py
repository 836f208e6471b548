"""TagResource, UntagResource and ListTagsForResource.

"AWS Batch resources that support tags are compute environments, jobs, job definitions, job queues,
and scheduling policies. ARNs for child jobs of array and multi-node parallel (MNP) jobs aren't
supported." (API_TagResource). Tags of every resource are in
``Store.tags`` by ARN; a resource's tags go when it goes ("When a resource is deleted, the tags
that are associated with that resource are deleted as well"). The resource ARN travels in the
request's path and the keys to remove in its query string (see _uri). Every detail string marked
"chosen" has no known real-service wording (docs/fidelity.md lists them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import _arns
from .._errors import client_exception
from . import consumable, quota_shares
from ._checks import answer, check_tags, check_types, is_reserved, required
from .scheduling import find_scheduling_policy
from .service_jobs import service_resource_exists

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .._store import Store
    from ._answer import Answer


def tag_resource(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"resourceArn": str, "tags": dict})
    arn = resource_arn(store, region, required(params, "resourceArn"))
    tags = required(params, "tags")
    if not tags:
        # The model's TagrisTagsMap has at least one entry (botocore does not check maps' sizes).
        raise client_exception("tags must have at least one entry.")  # chosen
    store.tags[arn] = check_tags(tags, store.tags.get(arn))
    return answer({})


def untag_resource(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"resourceArn": str, "tagKeys": list})
    arn = resource_arn(store, region, required(params, "resourceArn"))
    keys = required(params, "tagKeys")
    for key in keys:
        if is_reserved(key):
            # "You can't edit or delete tag keys or values with this prefix."
            raise client_exception(f"Tag keys starting with aws: are reserved: {key}")  # chosen
    tags = store.tags.get(arn, {})
    remaining = {key: value for key, value in tags.items() if key not in keys}
    # A key the resource does not have is ignored (chosen).
    if remaining:
        store.tags[arn] = remaining
    else:
        store.tags.pop(arn, None)
    return answer({})


def list_tags_for_resource(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"resourceArn": str})
    arn = resource_arn(store, region, required(params, "resourceArn"))
    return answer({"tags": dict(store.tags.get(arn, {}))})


def resource_arn(store: Store, region: str, arn: str) -> str:
    """``arn`` if it names a resource that takes tags (a queue, job definition revision, compute
    environment, scheduling policy, consumable resource, quota share, service environment or
    job) that a client in ``region`` sees; otherwise a ClientException."""
    if consumable.taggable(store, region, arn) or quota_shares.taggable(store, region, arn):
        return arn  # both take tags when created, and show them when described
    parts = _arns.parse(arn)
    found = False
    if parts is not None and parts["account"] == store.account_id:
        kind, rest = parts["kind"], parts["rest"]
        if kind == "job-queue":
            found = store.find_queue(region, arn) is not None
        elif kind == "compute-environment":
            found = store.find_compute_environment(region, arn) is not None
        elif kind in ("service-environment", "service-job"):
            found = service_resource_exists(store, region, arn, kind, rest)
        elif kind == "scheduling-policy":
            found = find_scheduling_policy(store, region, arn) is not None
        elif kind == "job-definition":
            definition = store.find_job_definition_arn(arn)
            found = definition is not None and definition.region == region
        elif ":" in rest or "#" in rest:
            raise client_exception(  # chosen
                f"Tags are not supported for child jobs of array and multi-node parallel "
                f"jobs: {arn}"
            )
        else:
            job = store.jobs.get(rest)
            found = job is not None and job.job_arn == arn and parts["region"] == region
    if not found:
        raise client_exception(f"Resource {arn} not found.")  # chosen
    return arn
