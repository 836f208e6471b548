"""Errors the fake returns to code under test the way AWS Batch would."""

from __future__ import annotations


class ServiceError(Exception):
    """An error response: rendered as an AWS error envelope, raised by botocore as a ClientError."""

    def __init__(self, code: str, detail: str, status: int) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.status = status


def client_exception(detail: str) -> ServiceError:
    """Batch's ClientException (HTTP 400): the service rejected the request."""
    return ServiceError("ClientException", detail, 400)
