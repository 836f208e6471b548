"""Rendering: model objects to the service's wire dicts (camelCase), and replies with AWS's envelope."""

from __future__ import annotations

import functools
import json
from email.utils import formatdate
from typing import TYPE_CHECKING, Any

from . import _model

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._errors import ServiceError
    from .models import Job


def job_summary(
    job: Job, job_arn_prefix: str, status_summary: Callable[[str], dict[str, int]]
) -> dict[str, Any]:
    """A ``JobSummary`` with the fields the real service returns for this kind of job in this state.

    ``job_arn_prefix`` is ``arn:<partition>:batch:<region>:<account>:job/``, the same for every job
    of a listing; ``status_summary`` gives an array parent's child counts by status. This runs for
    every job of every page, so it reads each attribute once and builds the dict in one go.
    """
    status = job.status
    summary: dict[str, Any] = {
        "jobArn": job_arn_prefix + job.job_id,
        "jobId": job.job_id,
        "jobName": job.job_name,
        "createdAt": job.created_at,
        "status": status,
    }
    # Observed: RUNNABLE summaries come without jobDefinition (aws/aws-sdk#588, acknowledged by AWS).
    if status != "RUNNABLE":
        summary["jobDefinition"] = job.job_definition
    if job.share_identifier is not None:
        summary["shareIdentifier"] = job.share_identifier
    if job.status_reason is not None:
        summary["statusReason"] = job.status_reason
    if job.is_cancelled or job.is_terminated:
        _stop_flags(summary, job)
    if job.array_size is not None:
        # Observed: array parents carry arrayProperties and no container, startedAt or stoppedAt.
        summary["arrayProperties"] = {
            "size": job.array_size,
            "statusSummary": status_summary(job.job_id),
        }
        return summary
    if job.array_index is not None:
        summary["arrayProperties"] = {"index": job.array_index}
    elif job.num_nodes is not None:
        summary["nodeProperties"] = {"numNodes": job.num_nodes}
    elif job.node_index is not None:
        summary["nodeProperties"] = {"nodeIndex": job.node_index, "isMainNode": job.is_main_node}
    started_at = job.started_at
    if started_at is not None:
        summary["startedAt"] = started_at
        # Observed: a started job has a container object; the exit code appears once it finished.
        exit_code = job.exit_code
        summary["container"] = {} if exit_code is None else {"exitCode": exit_code}
        if job.stopped_at is not None:
            summary["stoppedAt"] = job.stopped_at
    return summary


def _stop_flags(summary: dict[str, Any], job: Job) -> None:
    # isCancelled / isTerminated: "This field is only present when the value is true" (JobSummary);
    # sent only where the installed botocore's model has them.
    present = _model.members("JobSummary")
    if job.is_cancelled and "isCancelled" in present:
        summary["isCancelled"] = True
    if job.is_terminated and "isTerminated" in present:
        summary["isTerminated"] = True


class Reply:
    """One response from the fake service, before it is handed to botocore."""

    __slots__ = ("_wire", "body", "error_code", "headers", "request_id", "status")

    def __init__(
        self,
        status: int,
        request_id: str,
        date_ms: int,
        body: dict[str, Any],
        error_code: str | None = None,
        wire: Callable[[], str] | None = None,
    ) -> None:
        self.status = status
        self.request_id = request_id
        self.body = body
        """The response body, the caller's to keep (see _operations.Answer)."""
        self.error_code = error_code
        self._wire = wire
        # Lowercase names, as botocore reports them in ResponseMetadata.HTTPHeaders. No
        # content-length: the fast path never serialises the body, and both paths must agree.
        self.headers = {
            "date": _http_date(date_ms // 1000),
            "content-type": "application/json",
            "x-amzn-requestid": request_id,
        }
        if error_code is not None:
            self.headers["x-amzn-errortype"] = error_code

    @classmethod
    def error(cls, error: ServiceError, request_id: str, date_ms: int) -> Reply:
        # The envelope every real Batch ClientException log shows: the request id inside the message.
        message = error.detail
        if error.envelope:
            message = f"Error executing request, Exception : {message}, RequestId: {request_id}"
        body = {"message": message}
        if error.code in _MODELED_ERRORS:
            body["__type"] = (
                error.code
            )  # observed in a captured Batch error (JuliaCloud/AWS.jl#313)
        return cls(error.status, request_id, date_ms, body, error.code)

    def wire_body(self) -> bytes:
        """The body as the service sends it (JSON); a handler may have made it from kept pieces."""
        return (json.dumps(self.body) if self._wire is None else self._wire()).encode()

    def parsed(self) -> dict[str, Any]:
        """What botocore's rest-json parser makes of this reply off the wire (without retries)."""
        metadata = {
            "RequestId": self.request_id,
            "HTTPStatusCode": self.status,
            "HTTPHeaders": dict(self.headers),
            "RetryAttempts": 0,
        }
        if self.error_code is None:
            return {**self.body, "ResponseMetadata": metadata}
        message = self.body["message"]
        parsed = {
            "Error": {"Message": message, "Code": self.error_code},
            "ResponseMetadata": metadata,
        }
        if self.error_code in _MODELED_ERRORS:
            parsed["message"] = message  # botocore adds a modeled error's members
        return parsed


# Batch's modeled errors (service model); botocore parses their members into the response too.
_MODELED_ERRORS = frozenset({"ClientException", "ServerException"})


@functools.lru_cache(maxsize=4)
def _http_date(epoch_seconds: int) -> str:
    # Replies within the same second share the formatted Date header.
    return formatdate(epoch_seconds, usegmt=True)
