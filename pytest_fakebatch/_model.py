"""What the installed botocore's Batch model has: members the fake may send only where it does.

The fake works with every botocore from the lowest it supports to the newest. A member AWS added
later (JobSummary's ``isCancelled``, say) is sent only when the installed model has it: on the wire
path botocore would drop a member its model lacks, and the fast path must answer the same.
"""

from __future__ import annotations

import functools


@functools.cache
def members(shape: str) -> frozenset[str]:
    """The members of one of the model's structures (none if the model lacks the shape)."""
    import botocore.session  # loaded already: the fake answers botocore's clients
    from botocore.exceptions import UnknownServiceError
    from botocore.model import NoShapeFoundError

    try:
        model = botocore.session.get_session().get_service_model("batch")
        return frozenset(getattr(model.shape_for(shape), "members", {}))
    except (NoShapeFoundError, UnknownServiceError):
        return frozenset()
