"""FakeBatch: the fake service's front door for tests.

This module holds its core: construction and options, activation, serving requests, the
autopilot's settings, injected faults, the call log and reset. Its factories and read-back
properties come from ``_resources_api``, its jobs (factories, moves, inspection) from
``_jobs_api``.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final, Literal

from . import _autopilot, _calls, _reset, _routing, _seeding, _sleep, _uri
from . import _service_job_lifecycle as _service_jobs
from ._calls import Call, CallError
from ._clock import Clock
from ._errors import ServiceError
from ._faults import THROTTLED, Faults, RateLimit
from ._hints import snake_case_keywords
from ._job_seeding import JobSeeder
from ._jobs_api import _JobsApi
from ._operations import OPERATIONS
from ._render import Reply
from ._resources_api import _ResourcesApi
from ._shown import repr_or_none, shown
from ._store import Store
from .exceptions import UnsupportedOperationError
from .factories import IdFactory, random_seed

if TYPE_CHECKING:
    from types import TracebackType


#: "The job state for SUCCEEDED jobs is persisted in AWS Batch for at least 7 days" (user guide).
DEFAULT_RETENTION: Final = timedelta(days=7)

#: botocore and the endpoint send UTF-8 JSON (the endpoint refuses other bodies before here);
#: a decoder made once skips json.loads' encoding detection and argument checks on every call.
_decode_json = json.JSONDecoder().decode

# A fake may be made after the interpreter began to exit (an atexit hook): its clients must be
# routed whenever botocore is first imported, so the hook dropped at exit is armed again.
_routing.rearm()

# The error code a call the fake does not implement is logged with (it never reaches botocore).
_UNSUPPORTED = "pytest-fakebatch:UnsupportedOperation"


class FakeBatch(_JobsApi, _ResourcesApi):
    """An in-memory AWS Batch that answers every Batch call while it is active.

    Use it as a context manager (``with FakeBatch() as fake:``) or through the ``fake_batch`` pytest
    fixture. ``region`` and ``account_id`` shape every ARN; ``seed`` makes generated ids and names
    reproducible; ``wire=True`` answers through botocore's HTTP layer instead of short-cutting it;
    ``rate_limit`` throttles calls beyond that many a second of fake time; ``allow_unsupported``
    lets a test using the fixture pass after calls the fake does not implement; ``retention``
    (a timedelta or seconds of fake time; None: for ever) is how long finished jobs stay listable
    and describable.

    ``autorun`` moves jobs on their own: ``"poll"`` one scheduler step before each request that
    reads jobs, a number of seconds one step per that many seconds of the fake's clock, None (the
    default) only when the test moves them. ``sleep="fake"`` makes ``time.sleep`` and
    ``asyncio.sleep`` move the fake's clock instead of waiting, while the fake is active.
    ``visibility_lag=n`` leaves a job submitted through the API out of the first ``n``
    DescribeJobs and ListJobs answers after its SubmitJob, as an eventually consistent service may.
    """

    def __init__(
        self,
        *,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        seed: int | None = None,
        wire: bool = False,
        rate_limit: float | None = None,
        allow_unsupported: bool = False,
        retention: timedelta | float | None = DEFAULT_RETENTION,
        autorun: Literal["poll"] | float | None = None,
        sleep: Literal["real", "fake"] = "real",
        visibility_lag: int = 0,
    ) -> None:
        _seeding.check_region(region)
        if not isinstance(account_id, str) or not _seeding.ACCOUNT_ID.match(account_id):
            raise ValueError(f"account_id must be a string of 12 digits, not {account_id!r}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise TypeError(f"seed must be an int or None, not {seed!r}")
        if seed is not None and shown(seed) != repr_or_none(seed):
            # The report header and repr() show the seed: it must be an int Python can print.
            raise ValueError(f"seed must have at most 4,300 digits, not {shown(seed)}")
        if not isinstance(wire, bool):
            raise TypeError(f"wire must be True or False, not {wire!r}")
        if not isinstance(allow_unsupported, bool):
            raise TypeError(f"allow_unsupported must be True or False, not {allow_unsupported!r}")
        _autopilot.check_autorun(autorun)
        #: Whether ``time.sleep`` and ``asyncio.sleep`` move the fake's clock while it is active.
        self.sleep: Final = _sleep.check_mode(sleep)
        self.region: Final = region
        self.account_id: Final = account_id
        self.seed: Final[int] = random_seed() if seed is None else seed
        self.wire: Final = wire
        self.clock: Final = Clock()
        #: Whether the fake_batch fixture lets a test pass after calls the fake does not implement.
        self.allow_unsupported: Final = allow_unsupported
        #: Calls a second of fake time before requests are throttled (None: no limit).
        self.rate_limit: Final = rate_limit
        self._rate_limit = None if rate_limit is None else RateLimit(rate_limit)
        self._faults = Faults()
        self._ids = IdFactory(self.seed)
        self._store = Store(account_id, self.clock, self._ids, _retention_ms(retention))
        self._jobs = JobSeeder(self._store, self._ids, account_id, region)
        self._autopilot = _autopilot.Autopilot(
            self._store, autorun, _autopilot.check_visibility_lag(visibility_lag)
        )
        #: Batch operations code under test called that the fake does not implement, in order.
        self.unsupported_calls: list[str] = []
        #: Every Batch call, in order, as the service received it (see ``get_calls``).
        self.calls: list[Call] = []

    def __repr__(self) -> str:
        return (
            f"FakeBatch(region={self.region!r}, account_id={self.account_id!r}, "
            f"seed={self.seed!r}, wire={self.wire!r}"
            + ("" if self.rate_limit is None else f", rate_limit={self.rate_limit!r}")
            + ")"
        )

    # Activation

    def __enter__(self) -> FakeBatch:
        _routing.activate(self)
        if self.sleep == "fake":
            _sleep.install()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            _routing.deactivate(self)
        finally:
            if self.sleep == "fake":
                _sleep.uninstall()

    @staticmethod
    def attach(client: Any) -> None:
        """Route a Batch client made before pytest_fakebatch was imported (one made afterwards is
        routed already). Its calls go to whichever fake is active, as any client's do."""
        _routing.attach(client)

    @property
    def active(self) -> bool:
        """True while this fake answers Batch calls."""
        return _routing.active_fake() is self

    # Serving (called by _routing for every Batch request while active)

    def serve(self, operation: str, region: str, body: bytes | str | None, url: str = "") -> Reply:
        """Answer one request as the service would, from its operation name, JSON body and URL
        (whose path and query string carry the tagging operations' members)."""
        text = body.decode() if isinstance(body, bytes) else body
        params: dict[str, Any] = _decode_json(text) if text else {}
        params.update(_uri.url_members(operation, url))
        handler = OPERATIONS.get(operation)
        if handler is None:
            error = UnsupportedOperationError(operation, OPERATIONS)
            with self._store.lock:
                self.unsupported_calls.append(operation)
                self.calls.append(
                    Call(operation, params, None, CallError(_UNSUPPORTED, str(error)))
                )
            raise error
        with self._store.lock:
            request_id = self._ids.request_id()
            now = self.clock.now_ms()
            self._store.expire(now)
            injected = self._faults.take(operation) if self._faults else None
            if (
                injected is None
                and self._rate_limit is not None
                and not self._rate_limit.allow(now)
            ):
                injected = THROTTLED
            if injected is not None:
                return self._failed(operation, params, Reply.error(injected, request_id, now))
            autopilot = self._autopilot
            if not autopilot.idle:  # without autorun or visibility_lag: this check alone
                autopilot.before(operation)
            try:
                answer = handler(self._store, region, params)
                if not autopilot.idle:
                    answer = autopilot.after(operation, answer)
            except ServiceError as rejected:
                return self._failed(operation, params, Reply.error(rejected, request_id, now))
            self.calls.append(Call(operation, params, answer.logged))
            return Reply(200, request_id, now, answer.body, wire=answer.wire)

    def _failed(self, operation: str, params: dict[str, Any], reply: Reply) -> Reply:
        assert reply.error_code is not None
        self.calls.append(
            Call(operation, params, None, CallError(reply.error_code, reply.body["message"]))
        )
        return reply

    def answers_on_the_wire(self, operation: str) -> bool:
        """Whether a request for ``operation`` must take the wire path: with ``wire=True``, and
        whenever it may be throttled or meet an injected fault, so botocore's retries run."""
        if self.wire or self._rate_limit is not None:
            return True
        if not self._faults:  # the usual case, on every fast-path call: no lock needed
            return False
        with self._store.lock:
            return self._faults.pending(operation)

    # Autopilot (the policy in _autopilot: when the lifecycle's moves run, and how attempts end)

    @property
    def autorun(self) -> Literal["poll"] | float | None:
        """How jobs move on their own: ``"poll"``, seconds per step, or None (only by hand).

        Settable at any time, from any thread, with the values the keyword takes; jobs then move
        from that moment on."""
        with self._store.lock:
            return self._autopilot.autorun

    @autorun.setter
    def autorun(self, value: Literal["poll"] | float | None) -> None:
        _autopilot.check_autorun(value)
        with self._store.lock:
            self._autopilot.catch_up()  # steps due under the old setting are taken first
            self._autopilot.autorun = value

    @snake_case_keywords
    def outcome(
        self,
        job_name: str | None = None,
        job_definition: str | None = None,
        *,
        exit_code: int = 0,
        status_reason: str | None = None,
        container_reason: str | None = None,
        runs_for: float | None = None,
    ) -> None:
        """Say how the attempts of matching jobs end when ``autorun`` or ``run_all`` ends them.

        ``job_name`` and ``job_definition`` are patterns, as the JOB_NAME and JOB_DEFINITION
        filters of ListJobs take them (a trailing ``*`` is a prefix); at least one is given, and a
        job matches when it matches every one given. Later rules win. ``exit_code`` 0 succeeds;
        any other fails the attempt, retried as the job's retryStrategy says. ``status_reason``
        and ``container_reason`` become the attempt's statusReason and container reason.
        ``runs_for`` keeps a matching job RUNNING that many seconds of the fake's clock under
        ``autorun``; a job whose ``timeout.attemptDurationSeconds`` is shorter is stopped at its
        timeout instead, as AWS stops it (FAILED, not retried)."""
        rule = _autopilot.outcome(
            job_name, job_definition, exit_code, status_reason, container_reason, runs_for
        )
        with self._store.lock:
            self._autopilot.outcomes.append(rule)

    # Faults

    def inject_fault(
        self,
        operation: str | None = None,
        *,
        error: str = "TooManyRequestsException",
        times: int = 1,
        after: int = 0,
        message: str | None = None,
    ) -> None:
        """Make the next ``times`` requests for ``operation`` (``"ListJobs"`` or ``"list_jobs"``;
        None: any) fail with ``error``, after ``after`` of them succeed.

        ``error`` is ``TooManyRequestsException`` (HTTP 429, "Too Many Requests"),
        ``ServerException`` (HTTP 500) or ``ClientException`` (HTTP 400, with ``message``). Each
        request counts, retries included: botocore retries 429 and 500 as it would against AWS.
        """
        _calls.check_operation(operation)
        with self._store.lock:
            self._faults.add(operation, error, message, times, after)

    # The call log

    def get_calls(self, operation: str | None = None, **params: Any) -> list[Call]:
        """The calls made so far, in order, filtered by operation (``"ListJobs"`` or
        ``"list_jobs"``) and by request parameters (camelCase, as the service received them)."""
        _calls.check_query(operation, params)
        with self._store.lock:
            return [call for call in self.calls if call.matches(operation, params)]

    def get_call(self, operation: str | None = None, **params: Any) -> Call:
        """The one call matching; fails listing the matches when there is not exactly one."""
        __tracebackhide__ = True
        with self._store.lock:
            calls = list(self.calls)
        return _calls.single_call(calls, operation, params)

    def assert_called(self, operation: str, **params: Any) -> None:
        """Fail, showing what was called instead, unless a matching call was made."""
        __tracebackhide__ = True
        with self._store.lock:
            calls = list(self.calls)
        _calls.assert_called(calls, operation, params)

    def assert_not_called(self, operation: str | None = None, **params: Any) -> None:
        """Fail, listing the matching calls, if any was made."""
        __tracebackhide__ = True
        with self._store.lock:
            calls = list(self.calls)
        _calls.assert_not_called(calls, operation, params)

    # Reset (for a server that outlives one test: the HTTP endpoint's POST /_fakebatch/reset)

    def reset(self) -> None:
        """Empty the fake and keep its options: no queues, job definitions, compute environments,
        jobs, tags, logged calls, pending injected faults or ``outcome`` rules, and the rate
        limit's allowance full again. Its region, account, seed, clock, ``autorun`` and other
        options stay; ids go on from where they were, so no id is given twice.
        ``unsupported_calls`` stays too: the fixture still fails a test that called an
        operation the fake does not implement."""
        with self._store.lock:
            _reset.empty(self._store)
            self.calls.clear()
            self._faults = Faults()
            if self.rate_limit is not None:
                self._rate_limit = RateLimit(self.rate_limit)
            autopilot = self._autopilot
            self._autopilot = _autopilot.Autopilot(
                self._store, autopilot.autorun, autopilot.visibility_lag
            )

    def _expire(self) -> None:
        self._store.expire(self.clock.now_ms())
        _service_jobs.expire(self._store)

    def _catch_up(self) -> None:
        """What a read or a move of jobs sees first: retention's expiry, then the autopilot's
        steps due."""
        self._expire()
        self._autopilot.catch_up()

    def _region(self, region: str | None) -> str:
        return self.region if region is None else _seeding.check_region(region)


def _retention_ms(retention: object) -> int | None:
    if retention is None:
        return None
    if isinstance(retention, timedelta):
        seconds = retention.total_seconds()
    elif isinstance(retention, (int, float)) and not isinstance(retention, bool):
        try:
            seconds = float(retention)
        except OverflowError:  # an int too big for a float: far past any clock
            raise ValueError(
                f"retention must be finite seconds, 0 or more, not {shown(retention)}"
            ) from None
    else:
        raise TypeError(
            f"retention must be a timedelta, a number of seconds or None, not {shown(retention)}"
        )
    # Also refuses NaN, and what overflows once in milliseconds (an int too big for a float
    # never reaches here: float() refused it above).
    if not 0 <= seconds * 1000 < float("inf"):
        raise ValueError(f"retention must be finite seconds, 0 or more, not {shown(retention)}")
    return round(seconds * 1000)
