"""Skipping what the installed botocore's Batch model cannot express.

The suite runs against the lowest supported botocore too, whose model lacks operations and members
AWS added later (CancelJobs, TerminateJobs, JobSummary.isCancelled, quotaSharePolicy, ...): botocore
gives no method for such an operation and refuses such a member before sending it, and it requires
members newer models left optional (ComputeResource.subnets).
"""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest

MODEL = botocore.session.get_session().get_service_model("batch")
#: The operations botocore's Batch model gained after 1.42.47, the lowest botocore supported: the
#: fake answers them, and a client of an older botocore cannot call them.
SINCE_LOWEST_BOTOCORE = frozenset(
    {
        "CancelJobs",
        "CreateQuotaShare",
        "DeleteQuotaShare",
        "DescribeQuotaShare",
        "ListQuotaShares",
        "TerminateJobs",
        "TerminateServiceJobs",
        "UpdateQuotaShare",
        "UpdateServiceJob",
    }
)
#: A subnet AWS's CreateComputeEnvironment examples name.
SUBNET = "subnet-220c0e0a"


def requires(*operations: str) -> pytest.MarkDecorator:
    """Skip unless the installed model has every one of ``operations``."""
    missing = [name for name in operations if name not in MODEL.operation_names]
    return pytest.mark.skipif(
        bool(missing), reason=f"the installed botocore's Batch model lacks {', '.join(missing)}"
    )


def requires_member(shape: str, member: str) -> pytest.MarkDecorator:
    """Skip unless the installed model's ``shape`` has ``member``."""
    present = member in getattr(MODEL.shape_for(shape), "members", {})
    return pytest.mark.skipif(
        not present, reason=f"the installed botocore's Batch model has no {shape}.{member}"
    )


def with_subnets(resources: dict[str, Any]) -> dict[str, Any]:
    """``resources`` (a ComputeResource) with a subnet if it names none: AWS requires one for
    EC2, SPOT and Fargate environments (ComputeResource.subnets), and botocore 1.42.47's model
    for every ComputeResource."""
    if "subnets" not in resources:
        return {**resources, "subnets": [SUBNET]}
    return resources
