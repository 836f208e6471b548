"""ARN formats, from the Service Authorization Reference for AWS Batch."""

from __future__ import annotations

import re

# arn:${Partition}:batch:${Region}:${Account}:<resource-type>/<name>[:<revision>]
_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):batch:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"(?P<kind>job-queue|job-definition|job|compute-environment|scheduling-policy"
    r"|service-environment|service-job)/(?P<rest>.+)$"
)


def partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def arn(region: str, account_id: str, resource: str) -> str:
    return f"arn:{partition(region)}:batch:{region}:{account_id}:{resource}"


def queue_arn(region: str, account_id: str, name: str) -> str:
    return arn(region, account_id, f"job-queue/{name}")


def job_definition_arn(region: str, account_id: str, name: str, revision: int) -> str:
    return arn(region, account_id, f"job-definition/{name}:{revision}")


def compute_environment_arn(region: str, account_id: str, name: str) -> str:
    return arn(region, account_id, f"compute-environment/{name}")


def scheduling_policy_arn(region: str, account_id: str, name: str) -> str:
    return arn(region, account_id, f"scheduling-policy/{name}")


def job_arn_prefix(queue_arn: str) -> str:
    """``arn:<partition>:batch:<region>:<account>:job/`` for the jobs of a queue."""
    return queue_arn.partition(":job-queue/")[0] + ":job/"


def region_of(arn: str) -> str:
    return arn.split(":", 4)[3]


def name_of(arn: str) -> str:
    """The resource name of a queue or compute environment ARN (what follows the ``/``)."""
    return arn.rpartition("/")[2]


def parse(value: str) -> dict[str, str] | None:
    """The parts of a Batch ARN, or None if ``value`` is not one."""
    match = _ARN.match(value)
    return match.groupdict() if match else None
