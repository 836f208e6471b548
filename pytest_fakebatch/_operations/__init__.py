"""Operation handlers, dispatched by API name.

A handler takes the store, the region of the calling client and the request as the service decodes
it from the JSON body and, for the tagging operations, the URL (see _uri), and returns an Answer
(the response body, and what the call log keeps), or raises ServiceError.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

from .._store import Store
from ._answer import Answer

# api-a: compute environment changes, scheduling policies, bulk stops, the queue snapshot
from .bulk import cancel_jobs, terminate_jobs
from .compute import (
    create_compute_environment,
    delete_compute_environment,
    describe_compute_environments,
    update_compute_environment,
)
from .definitions import (
    deregister_job_definition,
    describe_job_definitions,
    register_job_definition,
)
from .jobs import cancel_job, describe_jobs, submit_job, terminate_job
from .listing import list_jobs
from .queues import create_job_queue, delete_job_queue, describe_job_queues, update_job_queue
from .scheduling import (
    create_scheduling_policy,
    delete_scheduling_policy,
    describe_scheduling_policies,
    list_scheduling_policies,
    update_scheduling_policy,
)

# Service environments and service jobs
from .service_environments import (
    create_service_environment,
    delete_service_environment,
    describe_service_environments,
    update_service_environment,
)
from .service_jobs import (
    describe_service_job,
    list_service_jobs,
    submit_service_job,
    terminate_service_job,
    terminate_service_jobs,
    update_service_job,
)
from .snapshot import get_job_queue_snapshot
from .tags import list_tags_for_resource, tag_resource, untag_resource

# isort: split
# Consumable resources and quota shares
from .consumable import (
    create_consumable_resource,
    delete_consumable_resource,
    describe_consumable_resource,
    list_consumable_resources,
    list_jobs_by_consumable_resource,
    update_consumable_resource,
)
from .quota_shares import (
    create_quota_share,
    delete_quota_share,
    describe_quota_share,
    list_quota_shares,
    update_quota_share,
)

Handler: TypeAlias = Callable[[Store, str, Mapping[str, Any]], Answer]

OPERATIONS: Mapping[str, Handler] = {
    "ListJobs": list_jobs,
    "SubmitJob": submit_job,
    "DescribeJobs": describe_jobs,
    "CancelJob": cancel_job,
    "TerminateJob": terminate_job,
    "CreateJobQueue": create_job_queue,
    "DescribeJobQueues": describe_job_queues,
    "UpdateJobQueue": update_job_queue,
    "DeleteJobQueue": delete_job_queue,
    "RegisterJobDefinition": register_job_definition,
    "DescribeJobDefinitions": describe_job_definitions,
    "DeregisterJobDefinition": deregister_job_definition,
    "CreateComputeEnvironment": create_compute_environment,
    "DescribeComputeEnvironments": describe_compute_environments,
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
    "ListTagsForResource": list_tags_for_resource,
    # Consumable resources and quota shares
    "CreateConsumableResource": create_consumable_resource,
    "DescribeConsumableResource": describe_consumable_resource,
    "ListConsumableResources": list_consumable_resources,
    "UpdateConsumableResource": update_consumable_resource,
    "DeleteConsumableResource": delete_consumable_resource,
    "ListJobsByConsumableResource": list_jobs_by_consumable_resource,
    "CreateQuotaShare": create_quota_share,
    "DescribeQuotaShare": describe_quota_share,
    "ListQuotaShares": list_quota_shares,
    "UpdateQuotaShare": update_quota_share,
    "DeleteQuotaShare": delete_quota_share,
    # Service environments and service jobs
    "CreateServiceEnvironment": create_service_environment,
    "DescribeServiceEnvironments": describe_service_environments,
    "UpdateServiceEnvironment": update_service_environment,
    "DeleteServiceEnvironment": delete_service_environment,
    "SubmitServiceJob": submit_service_job,
    "DescribeServiceJob": describe_service_job,
    "ListServiceJobs": list_service_jobs,
    "UpdateServiceJob": update_service_job,
    "TerminateServiceJob": terminate_service_job,
    "TerminateServiceJobs": terminate_service_jobs,
    # api-a
    "UpdateComputeEnvironment": update_compute_environment,
    "DeleteComputeEnvironment": delete_compute_environment,
    "CreateSchedulingPolicy": create_scheduling_policy,
    "DescribeSchedulingPolicies": describe_scheduling_policies,
    "ListSchedulingPolicies": list_scheduling_policies,
    "UpdateSchedulingPolicy": update_scheduling_policy,
    "DeleteSchedulingPolicy": delete_scheduling_policy,
    "CancelJobs": cancel_jobs,
    "TerminateJobs": terminate_jobs,
    "GetJobQueueSnapshot": get_job_queue_snapshot,
}

# Operations of botocore's Batch model the fake chooses never to answer (a call to one raises
# UnsupportedOperationError, as does one to an operation newer than the fake). Listing one here is
# a decision, documented on the fidelity page; tests/test_every_operation.py fails when the model
# has an operation that is neither answered nor listed. Empty: the fake answers every operation
# of the Batch model it was released with.
DELIBERATELY_UNSUPPORTED: frozenset[str] = frozenset()

__all__ = ["DELIBERATELY_UNSUPPORTED", "OPERATIONS", "Answer", "Handler"]
