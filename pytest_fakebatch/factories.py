"""Seeded generators for the values the fake makes up: job ids, job names and request ids.

The same seed gives the same sequence, whatever else the test does: each kind of value draws from
its own stream, so making an extra API call does not shift the job ids that follow. Nothing here
imports botocore.
"""

from __future__ import annotations

import random
import uuid


class IdFactory:
    """Reproducible job ids, job names and request ids, all derived from one seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        # String seeds are hashed by random.Random (version 2), so the streams are independent.
        self._job_ids = random.Random(f"{seed}:job-ids")
        self._job_names = random.Random(f"{seed}:job-names")
        self._request_ids = random.Random(f"{seed}:request-ids")

    def job_id(self) -> str:
        """A lowercase version-4 UUID, the shape of every job id AWS Batch returns."""
        return _uuid4(self._job_ids)

    def request_id(self) -> str:
        return _uuid4(self._request_ids)

    def job_name(self, prefix: str = "job") -> str:
        return f"{prefix}-{self._job_names.getrandbits(32):08x}"


def _uuid4(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def random_seed() -> int:
    """A fresh seed for a fake made without one."""
    return random.SystemRandom().getrandbits(32)
