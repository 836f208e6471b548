"""Emptying a fake in place (``FakeBatch.reset``), for a server that outlives one test."""

from __future__ import annotations

from ._store import Store


def empty(store: Store) -> None:
    """Make ``store`` as a new one with its account, clock, id streams and retention: no queues,
    job definitions, compute environments, jobs or tags (nor anything a later family keeps in
    the store). It stays the same object, with the same lock, so whatever holds it sees the
    change; the caller holds the lock."""
    fresh = Store(store.account_id, store.clock, store.ids, store.retention_ms)
    lock = store.lock
    vars(store).update(vars(fresh))
    store.lock = lock
