"""ListJobs filters: parsing, validation and matching.

Facts from API_ListJobs and the service model: one filter at a time with one value; names are
case-sensitive; JOB_NAME matches case-insensitively and JOB_DEFINITION case-sensitively, a trailing
``*`` meaning a prefix; a JOB_DEFINITION ARN names one revision and takes no ``*``; the *_CREATED_AT
values are epoch milliseconds as strings. Bounds are strict (chosen: AWS does not say).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import TYPE_CHECKING, Any

import attrs

from .. import _arns
from .._errors import client_exception

if TYPE_CHECKING:
    from collections.abc import Callable

    from .._store import SortKey
    from ..models import Job

FILTER_NAMES = (
    "JOB_NAME",
    "JOB_DEFINITION",
    "BEFORE_CREATED_AT",
    "AFTER_CREATED_AT",
    "SHARE_IDENTIFIER",
)
# Verified wording (boto/boto3#3978 and aws/aws-cli#7982).
ONE_FILTER_DETAIL = "Only one filter key-value pair can be specified."
ONE_VALUE_DETAIL = "Filter cannot take more than one value."
_MILLISECONDS = re.compile(r"[0-9]+")


@attrs.frozen
class Filter:
    """One validated filter."""

    name: str
    value: str

    @property
    def combines_with_status(self) -> bool:
        # "SHARE_IDENTIFIER and jobStatus can be used together"; any other filter overrides jobStatus.
        return self.name == "SHARE_IDENTIFIER"

    def key_range(self, keys: list[SortKey]) -> tuple[int, int]:
        """The slice of ``keys`` (ascending by createdAt) a time filter allows: O(log n)."""
        if self.name == "BEFORE_CREATED_AT":
            return 0, bisect_left(keys, (_milliseconds(self.value),))
        if self.name == "AFTER_CREATED_AT":
            return bisect_left(keys, (_milliseconds(self.value) + 1,)), len(keys)
        return 0, len(keys)

    @property
    def matches(self) -> Callable[[Job], bool] | None:
        """A per-job test, or None when ``key_range`` alone decides."""
        if self.name == "JOB_NAME":
            return _job_name_matcher(self.value)
        if self.name == "JOB_DEFINITION":
            return _job_definition_matcher(self.value)
        if self.name == "SHARE_IDENTIFIER":
            value = self.value
            return lambda job: job.share_identifier == value
        return None


def parse_filters(filters: Any) -> Filter | None:
    """The one filter a request gives, or None; a ClientException for anything AWS rejects."""
    if not filters:
        return None  # chosen: an empty list is the same as no filters
    if len(filters) > 1:
        raise client_exception(ONE_FILTER_DETAIL)
    (given,) = filters
    values = (given.get("values") or []) if isinstance(given, dict) else None
    if (
        not isinstance(values, list)
        or not all(isinstance(value, str) for value in values)
        or not isinstance(given.get("name", ""), str)
    ):
        # Chosen: only a client that skips botocore's validation can send these.
        raise client_exception("Invalid filter: a filter is a name and a list of string values.")
    if len(values) > 1:
        raise client_exception(ONE_VALUE_DETAIL)
    name = given.get("name")
    if name not in FILTER_NAMES:
        raise client_exception(  # chosen
            f"Invalid filter name: {name}. Valid names: {', '.join(FILTER_NAMES)}."
        )
    if not values or not values[0]:
        raise client_exception(f"Filter {name} must have a value.")  # chosen
    value = values[0]
    if name.endswith("_CREATED_AT") and not _MILLISECONDS.fullmatch(value):
        raise client_exception(  # chosen
            f"Filter {name} takes a number of milliseconds since the epoch, not {value}."
        )
    if name == "JOB_DEFINITION" and value.startswith("arn:"):
        if "*" in value:
            # Documented constraint: "Asterisk (*) isn't supported when the ARN is used."
            raise client_exception(f"Asterisk (*) isn't supported when the ARN is used: {value}")
        parts = _arns.parse(value)
        if parts is None or parts["kind"] != "job-definition" or ":" not in parts["rest"]:
            raise client_exception(  # chosen
                f"Invalid job definition ARN: {value}. Use arn:aws:batch:<region>:<account>:"
                "job-definition/<name>:<revision>."
            )
    return Filter(name, value)


#: Digits past which a time filter's value is later than any job (int() refuses over 4,300).
_MAX_DIGITS = 30


def _milliseconds(value: str) -> int:
    """A time filter's value (ASCII digits, checked) as a number; one too long to convert is
    later than any createdAt, so it stands for a number just as far out of reach."""
    digits = value.lstrip("0") or "0"
    return int(digits) if len(digits) <= _MAX_DIGITS else 10**_MAX_DIGITS


def _job_name_matcher(value: str) -> Callable[[Job], bool]:
    # "test1 matches both Test1 and test1, and test1* matches both test1 and Test10."
    if value.endswith("*"):
        prefix = value[:-1].lower()
        return lambda job: job.job_name.lower().startswith(prefix)
    wanted = value.lower()
    return lambda job: job.job_name.lower() == wanted


def _job_definition_matcher(value: str) -> Callable[[Job], bool]:
    if value.startswith("arn:"):  # one revision
        return lambda job: job.job_definition == value
    # "jd1 matches only jd1, and jd1* matches both jd1 and jd1A"; a name matches every revision.
    if value.endswith("*"):
        prefix = value[:-1]
        return lambda job: _definition_name(job).startswith(prefix)
    return lambda job: _definition_name(job) == value


def _definition_name(job: Job) -> str:
    # arn:...:job-definition/<name>:<revision>
    return job.job_definition.rpartition("/")[2].rpartition(":")[0]
