"""What CreateComputeEnvironment checks in the compute resources of an EC2 or SPOT environment:
its instance role, and that every instance type exists.

The instance types are botocore's own list, the ``InstanceType`` enum of its EC2 service model
(loaded once, on the first environment that names instance types), plus each type's family
(``c5`` for ``c5.large``) and Batch's own choices: "You can specify instance families to launch
any instance type within those families (for example, c5 or p3), or you can specify specific
sizes within a family (such as c5.8xlarge)", and ``optimal``, ``default_x86_64`` and
``default_arm64`` (API reference, ComputeResource.instanceTypes).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Final

from .._errors import client_exception

if TYPE_CHECKING:
    from collections.abc import Mapping

#: Batch's own instance type choices (ComputeResource.instanceTypes).
BATCH_CHOICES: Final = ("optimal", "default_x86_64", "default_arm64")
#: AWS's wording, as moto's maintainers quote it (getmoto/moto#6463, fixed in #6470), for an EC2
#: environment without instanceRole.
INSTANCE_ROLE_DETAIL: Final = "Instance role is required."


def check_ec2_resources(resources: Mapping[str, Any]) -> None:
    """An EC2 or SPOT managed environment's instance role and instance types, checked as AWS
    checks them: "[instanceRole] is required for Amazon EC2 instances types"."""
    if not resources.get("instanceRole"):
        raise client_exception(INSTANCE_ROLE_DETAIL)
    known = instance_types()
    for instance_type in resources.get("instanceTypes") or ():
        if instance_type not in known:
            # Observed wording, list and all (Netflix/metaflow#70, cut off there).
            raise client_exception(f"Instance type can only be one of [{', '.join(sorted(known))}]")


@functools.cache
def instance_types() -> frozenset[str]:
    """Every instance type and family AWS Batch accepts, from botocore's EC2 model."""
    import botocore.session  # only when an environment names instance types

    model = botocore.session.get_session().get_service_model("ec2")
    types: list[str] = model.shape_for("InstanceType").enum  # type: ignore[attr-defined]
    return frozenset(types) | {name.partition(".")[0] for name in types} | set(BATCH_CHOICES)
