"""A ListJobs page's summaries: rendered once per job and kept, copied for the caller, written as
JSON for the wire path from texts kept per job, and logged as the jobs listed (not their
summaries), so the call log of a walk over a million jobs holds references, not a million dicts.

A job is immutable (the store replaces it when it changes, and drops its cache entry), so its
summary is rendered once and kept, up to ``SUMMARY_CACHE_LIMIT`` jobs. The caller gets copies,
nested dicts included, made in one loop. Array parents are rendered afresh each time: their
statusSummary follows their children.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .._render import job_summary
from ..models import JOB_STATUSES

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .._store import Store
    from ..models import Job

#: Rendered summaries kept at most; past it the cache starts over. It bounds the memory a walk
#: over a huge queue adds (about 700 bytes an entry) while keeping every page a test polls.
SUMMARY_CACHE_LIMIT = 20_000


class Rendered:
    """One job's summary as listings show it: the job it was rendered from, the dict (never
    changed: copies go out), the keys of its nested dicts, and its JSON text once the wire path
    has needed it. The store's ``summary_cache`` holds these by job id."""

    __slots__ = ("job", "json", "nested", "summary")

    def __init__(self, job: Job, summary: dict[str, Any]) -> None:
        self.job = job
        self.summary = summary
        nested = tuple(key for key, value in summary.items() if type(value) is dict)
        # One nested dict (a container, or an array or node's properties) is the usual case.
        self.nested: tuple[str, ...] | str | None = (
            nested[0] if len(nested) == 1 else (nested or None)
        )
        self.json: str | None = None


def page_of(
    store: Store,
    job_arn_prefix: str,
    job_ids: Iterable[str],
    drop_started_at: bool,
    token: str | None,
) -> tuple[list[dict[str, Any]], LoggedPage]:
    """The summaries of the jobs ``job_ids`` names, in that order (the caller's copies), and the
    page as the call log keeps it (which also writes its JSON text for the wire path)."""
    cache, jobs = store.summary_cache, store.jobs
    cached = cache.get
    summaries: list[dict[str, Any]] = []
    listed: list[Job] = []
    add_summary, add_listed = summaries.append, listed.append
    # Array parents' summaries, by position: rendered now, as their children move on.
    parents: dict[int, dict[str, Any]] = {}
    # This loop runs for every job of every page: it is written for speed (locals, one branch
    # for the usual single nested dict).
    for job_id in job_ids:
        entry = cached(job_id)
        if entry is None:
            job = jobs[job_id]
            if job.array_size is not None:
                parents[len(listed)] = _parent_summary(store, job, job_arn_prefix)
                add_summary(_parent_summary(store, job, job_arn_prefix))
                add_listed(job)
                continue
            if len(cache) >= SUMMARY_CACHE_LIMIT:
                cache.clear()  # a bound on memory for huge walks; entries are cheap to redo
            entry = cache[job_id] = Rendered(job, job_summary(job, job_arn_prefix, _no_children))
        fresh = entry.summary.copy()
        nested = entry.nested
        if nested is not None:
            if type(nested) is str:
                fresh[nested] = fresh[nested].copy()
            else:
                for key in nested:
                    fresh[key] = fresh[key].copy()
        add_summary(fresh)
        add_listed(entry.job)
    if drop_started_at:
        summaries = [_as_listed_by_name(summary) for summary in summaries]
    return summaries, LoggedPage(store, listed, job_arn_prefix, parents, drop_started_at, token)


def _parent_summary(store: Store, job: Job, job_arn_prefix: str) -> dict[str, Any]:
    def status_summary(parent_id: str) -> dict[str, int]:
        children = store.child_index(parent_id)
        assert children is not None
        return {status: children.count(status) for status in JOB_STATUSES}

    return job_summary(job, job_arn_prefix, status_summary)


class LoggedPage(Mapping[str, Any]):
    """A ListJobs response in the call log: the jobs listed (immutable, and in the store anyway),
    rendered again, exactly as they were answered, only when a test reads the call's response."""

    __slots__ = ("_drop_started_at", "_listed", "_parents", "_prefix", "_store", "_token")

    def __init__(
        self,
        store: Store,
        listed: list[Job],
        prefix: str,
        parents: dict[int, dict[str, Any]],
        drop_started_at: bool,
        token: str | None,
    ) -> None:
        self._store = store
        self._listed = listed
        self._prefix = prefix
        self._parents = parents
        self._drop_started_at = drop_started_at
        self._token = token

    def _body(self) -> dict[str, Any]:
        summaries = [self._summary(position, job) for position, job in enumerate(self._listed)]
        body: dict[str, Any] = {"jobSummaryList": summaries}
        if self._token is not None:
            body["nextToken"] = self._token
        return body

    def json_text(self) -> str:
        """The page's JSON text, as ``json.dumps`` writes the response, from the texts kept per
        job. The wire path calls it, maybe after the store's lock is released: it only reads
        cache entries, which never change, and uses one only if it was rendered from the very job
        listed."""
        cache, parents, by_name = self._store.summary_cache, self._parents, self._drop_started_at
        texts = []
        for position, job in enumerate(self._listed):
            entry = None if position in parents else cache.get(job.job_id)
            if entry is None or entry.job is not job:  # a parent, a new cache, or a changed job
                texts.append(json.dumps(self._summary(position, job)))
            elif by_name:  # JOB_NAME pages change summaries: dump those
                texts.append(json.dumps(_as_listed_by_name(entry.summary)))
            else:
                text = entry.json
                if text is None:
                    text = entry.json = json.dumps(entry.summary)  # racing: the same text twice
                texts.append(text)
        text = '{"jobSummaryList": [' + ", ".join(texts) + "]"
        if self._token is not None:
            text += ', "nextToken": ' + json.dumps(self._token)
        return text + "}"

    def _summary(self, position: int, job: Job) -> dict[str, Any]:
        """One summary as it was answered (a new dict)."""
        if position in self._parents:
            summary = copy.deepcopy(self._parents[position])
        else:
            summary = job_summary(job, self._prefix, _no_children)
        return _as_listed_by_name(summary) if self._drop_started_at else summary

    def __getitem__(self, key: str) -> Any:
        return self._body()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._body())

    def __len__(self) -> int:
        return 1 if self._token is None else 2

    def __eq__(self, other: object) -> bool:
        return self._body() == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._body())

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return self._body()  # a new dict every time


def _no_children(parent_id: str) -> dict[str, int]:
    raise AssertionError(f"array parent {parent_id} was rendered when listed")  # pragma: no cover


def _as_listed_by_name(summary: dict[str, Any]) -> dict[str, Any]:
    # Observed: with the JOB_NAME filter, SUCCEEDED jobs come back without startedAt, while a
    # listing by jobStatus includes it, "no matter of what api client we use" (boto/boto3#3315).
    if summary["status"] == "SUCCEEDED" and "startedAt" in summary:
        return {key: value for key, value in summary.items() if key != "startedAt"}
    return summary
