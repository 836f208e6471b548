"""Injected faults and the rate limit: errors the test asks for, answered as AWS sends them."""

from __future__ import annotations

import sys
from typing import Final

import attrs

from ._calls import method_name
from ._errors import ServiceError
from ._shown import shown

#: Errors a test may inject: HTTP status and the message AWS sends (None: the test's own message,
#: in the usual ClientException envelope).
INJECTABLE: Final[dict[str, tuple[int, str | None]]] = {
    # Documented (re:Post knowledge center) and observed in many logs: 429 "Too Many Requests".
    "TooManyRequestsException": (429, "Too Many Requests"),
    # The model's ServerException is HTTP 500; its wording is not known, so this one is chosen.
    "ServerException": (500, "Internal server error"),
    "ClientException": (400, None),
}
DEFAULT_CLIENT_EXCEPTION_DETAIL = "Error injected by pytest-fakebatch."


@attrs.define
class Fault:
    """``times`` matching requests fail with ``error``, after ``after`` matching ones succeed."""

    operation: str | None
    error: ServiceError
    times: int
    after: int

    def matches(self, operation: str) -> bool:
        return self.operation is None or self.operation in (operation, method_name(operation))


class Faults:
    """The faults a fake still has to inject, in the order they were asked for."""

    def __init__(self) -> None:
        self._pending: list[Fault] = []

    def add(
        self, operation: str | None, error: str, message: str | None, times: int, after: int
    ) -> None:
        if error not in INJECTABLE:
            raise ValueError(f"error must be one of {', '.join(INJECTABLE)}; got {error!r}")
        for label, value, least in (("times", times, 1), ("after", after, 0)):
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise ValueError(f"{label} must be a whole number, {least} or more; got {value!r}")
        status, fixed_message = INJECTABLE[error]
        if message is not None and fixed_message is not None:
            raise ValueError(
                f"{error} always says {fixed_message!r}; message= is for ClientException"
            )
        if message is not None and not isinstance(message, str):
            raise TypeError(f"message must be a string, not {message!r}")
        detail = message or fixed_message or DEFAULT_CLIENT_EXCEPTION_DETAIL
        # Only a ClientException's detail goes in the "Error executing request" envelope.
        failure = ServiceError(error, detail, status, envelope=error == "ClientException")
        self._pending.append(Fault(operation, failure, times, after))

    def __bool__(self) -> bool:
        return bool(self._pending)

    def pending(self, operation: str) -> bool:
        """Whether a request for ``operation`` may still meet a fault."""
        return any(fault.matches(operation) for fault in self._pending)

    def take(self, operation: str) -> ServiceError | None:
        """The error this request meets, if any. The request counts against the first fault that
        matches it (faults apply in the order they were injected)."""
        for fault in self._pending:
            if not fault.matches(operation):
                continue
            if fault.after:
                fault.after -= 1
                return None
            fault.times -= 1
            if not fault.times:
                self._pending.remove(fault)
            return fault.error
        return None


class RateLimit:
    """A token bucket over the fake's clock: ``per_second`` requests a second, bursts of as many."""

    def __init__(self, per_second: float) -> None:
        if (
            isinstance(per_second, bool)
            or not isinstance(per_second, (int, float))
            # Refuses NaN, infinity and ints too big for a float.
            or not 0 < per_second <= sys.float_info.max
        ):
            raise ValueError(
                f"rate_limit must be a positive number of calls per second, not {shown(per_second)}"
            )
        self.per_second = per_second
        # A bucket holds at least one call, so a limit under one a second still lets calls through.
        self._capacity = max(1.0, float(per_second))
        self._tokens = self._capacity
        self._last_ms: int | None = None

    def allow(self, now_ms: int) -> bool:
        if self._last_ms is not None and now_ms > self._last_ms:
            refill = (now_ms - self._last_ms) * self.per_second / 1000
            self._tokens = min(self._capacity, self._tokens + refill)
        self._last_ms = now_ms if self._last_ms is None else max(self._last_ms, now_ms)
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


#: What a request over the rate limit gets: AWS's throttling error, as its logs show it.
THROTTLED: Final = ServiceError(
    "TooManyRequestsException", "Too Many Requests", 429, envelope=False
)
