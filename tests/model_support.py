"""Skipping what the installed botocore's Batch model cannot express.

The suite runs against the lowest supported botocore too, whose model lacks operations and members
AWS added later (CancelJobs, TerminateJobs, JobSummary.isCancelled, quotaSharePolicy, ...): botocore
gives no method for such an operation and refuses such a member before sending it.
"""

from __future__ import annotations

import botocore.session
import pytest

MODEL = botocore.session.get_session().get_service_model("batch")


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
