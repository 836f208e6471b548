"""Errors the fake returns to code under test the way AWS Batch would."""

from __future__ import annotations


class ServiceError(Exception):
    """An error response: rendered as an AWS error envelope, raised by botocore as a ClientError."""

    def __init__(self, code: str, detail: str, status: int, *, envelope: bool = True) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.status = status
        #: Whether the message is "Error executing request, Exception : <detail>, RequestId: <id>"
        #: (every real ClientException) or the detail alone (throttling).
        self.envelope = envelope


def client_exception(detail: str) -> ServiceError:
    """Batch's ClientException (HTTP 400): the service rejected the request."""
    return ServiceError("ClientException", detail, 400)


def bare_client_exception(detail: str) -> ServiceError:
    """A ClientException whose real message was seen without the "Error executing request"
    envelope (the message is the detail alone)."""
    return ServiceError("ClientException", detail, 400, envelope=False)
