"""Seeded generators for the values the fake makes up: job ids, job names and request ids.

The same seed gives the same sequence, whatever else the test does: each kind of value draws from
its own stream, so making an extra API call does not shift the job ids that follow. Nothing here
imports botocore.
"""

from __future__ import annotations

import functools
import random


class IdFactory:
    """Reproducible job ids, job names and request ids, all derived from one seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    # String seeds are hashed by random.Random (version 2), so the streams are independent. Each
    # is made when first drawn from: seeding one costs more than a fake that draws nothing.

    @functools.cached_property
    def _job_ids(self) -> random.Random:
        return random.Random(f"{self.seed}:job-ids")

    @functools.cached_property
    def _job_names(self) -> random.Random:
        return random.Random(f"{self.seed}:job-names")

    @functools.cached_property
    def _request_ids(self) -> random.Random:
        return random.Random(f"{self.seed}:request-ids")

    @functools.cached_property
    def _service_job_ids(self) -> random.Random:
        return random.Random(f"{self.seed}:service-job-ids")

    def job_id(self) -> str:
        """A lowercase version-4 UUID, the shape of every job id AWS Batch returns."""
        return _uuid4(self._job_ids)

    def service_job_id(self) -> str:
        """A service job's id: a UUID too, from a stream of its own."""
        return _uuid4(self._service_job_ids)

    def request_id(self) -> str:
        return _uuid4(self._request_ids)

    def job_name(self, prefix: str = "job") -> str:
        return f"{prefix}-{self._job_names.getrandbits(32):08x}"


def _uuid4(rng: random.Random) -> str:
    # uuid.UUID(int=..., version=4), formatted by hand: this runs for every job and every request.
    bits = rng.getrandbits(128) & _CLEAR_VERSION_AND_VARIANT | _VERSION_4_VARIANT_RFC
    text = f"{bits:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


_CLEAR_VERSION_AND_VARIANT = ~((0xF000 << 64) | (0xC000 << 48))
_VERSION_4_VARIANT_RFC = (0x4000 << 64) | (0x8000 << 48)


def random_seed() -> int:
    """A fresh seed for a fake made without one."""
    return random.SystemRandom().getrandbits(32)
