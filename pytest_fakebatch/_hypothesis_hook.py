"""The ``hypothesis`` entry point: ``st.from_type(Job)`` draws jobs consistent with their status.

Hypothesis calls the hook while it is itself being imported, possibly because
``pytest_fakebatch.strategies`` is importing it; so the hook imports nothing of ours eagerly and
registers a deferred strategy that imports the real one on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from .models import Job


def _job_objects() -> SearchStrategy[Job]:
    from .strategies import job_objects

    return job_objects()


def _hypothesis_setup_hook() -> None:
    from hypothesis import strategies as st

    from .models import Job

    st.register_type_strategy(Job, st.deferred(_job_objects))
