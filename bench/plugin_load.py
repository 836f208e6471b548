"""What loading the plugin costs a pytest run that never uses it. Prints figures, never asserts them.

Run from the repository root with the dev virtualenv::

    python bench/plugin_load.py            # 40 runs of each, under a minute
    python bench/plugin_load.py --runs 10  # rougher

pytest loads every installed pytest11 plugin in every run of every project, Batch or not. This runs
``python -m pytest`` on a file of two tests that use no AWS at all, in a fresh subprocess each time,
with the plugin and with ``-p no:fake_batch``, interleaved in pairs whose order alternates, and prints
the median CPU time of each, their paired difference with a 95% interval of its median (the goal: at
most 20 ms), the plugin module's own import time in a fresh
process that has imported pytest, in CPU time too (the steadier figure on a noisy machine: the wall times of
two runs of the same command differ by more than the plugin costs), and which modules the plugin's
run imported that the other did not (botocore must not be among them).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

TEST_FILE = """
import sys, json, os

def test_one():
    assert 1 + 1 == 2

def test_two():
    with open(os.environ["BENCH_MODULES_OUT"], "w") as out:
        json.dump(sorted(sys.modules), out)
"""
GOAL_MS = 20.0


def run_pytest(directory: Path, with_plugin: bool, modules_out: Path) -> float:
    """CPU milliseconds (user and system) of one pytest run: unlike its wall time, not charged
    with the time other processes on a shared machine hold the cores."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_nothing.py"]
    if not with_plugin:
        command[3:3] = ["-p", "no:fake_batch"]
    env = {**bytecode_env(directory), "BENCH_MODULES_OUT": str(modules_out), "PYTEST_ADDOPTS": ""}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    completed = subprocess.run(
        command, cwd=directory, env=env, capture_output=True, text=True, check=False
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    elapsed = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if completed.returncode != 0:
        sys.exit(f"pytest failed:\n{completed.stdout}\n{completed.stderr}")
    return elapsed * 1000


IMPORT_SCRIPT = """
import sys, time
import pytest
start = time.process_time()
import pytest_fakebatch.plugin
elapsed = time.process_time() - start
heavy = [m for m in sys.modules if m.split(".")[0] in ("botocore", "boto3", "attr")]
print(elapsed * 1000, len(heavy))
"""


def bytecode_env(directory: Path) -> dict[str, str]:
    """The environment, with bytecode caching on (in ``directory``), as an installed package has
    it: compiling the sources on every run would be most of what either run measures."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(directory / "pycache")
    return env


def plugin_import_ms(directory: Path) -> float:
    """Milliseconds to import the plugin module in a fresh process that has imported pytest."""
    completed = subprocess.run(
        [sys.executable, "-c", IMPORT_SCRIPT],
        env=bytecode_env(directory),
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed, heavy = completed.stdout.split()
    if heavy != "0":
        sys.exit("importing the plugin imported botocore, boto3 or attrs")
    return float(elapsed)


def median_interval(values: list[float]) -> tuple[float, float]:
    """A distribution-free 95% confidence interval for the median of ``values`` (order
    statistics, binomial with p = 1/2): the goal is judged on it, not on one noisy median."""
    ordered, n = sorted(values), len(values)
    cumulative, k = 0.0, 0
    while k < n // 2:
        probability = math.comb(n, k) / 2**n
        if 2 * (cumulative + probability) > 0.05:
            break
        cumulative += probability
        k += 1
    return ordered[max(k - 1, 0)], ordered[min(n - k, n - 1)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=40, help="subprocess runs of each (default 40)")
    runs = parser.parse_args(argv).runs
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        (directory / "test_nothing.py").write_text(TEST_FILE)
        with_out, without_out = directory / "with.json", directory / "without.json"
        run_pytest(directory, True, with_out)  # warm the bytecode caches of both runs
        run_pytest(directory, False, without_out)
        timings: dict[bool, list[float]] = {True: [], False: []}
        imports = []
        for run in range(runs):
            # Alternate which goes first, so that a drift within a pair does not favour either.
            for with_plugin in (False, True) if run % 2 == 0 else (True, False):
                out = with_out if with_plugin else without_out
                timings[with_plugin].append(run_pytest(directory, with_plugin, out))
            imports.append(plugin_import_ms(directory))
        with_modules = set(json.loads(with_out.read_text()))
        without_modules = set(json.loads(without_out.read_text()))
    with_ms, without_ms = (statistics.median(timings[flag]) for flag in (True, False))
    differences = [a - b for a, b in zip(timings[True], timings[False], strict=True)]
    added = sorted(with_modules - without_modules)
    heavy = [name for name in added if name.split(".")[0] in ("botocore", "boto3", "attr")]
    print(
        f"plugin load cost: CPython {platform.python_version()}, {runs} interleaved runs of each, "
        f"pytest on a file of two tests with no Batch use"
    )
    print("  CPU time (user + system) of the whole pytest process:")
    print(f"  -p no:fake_batch   median {without_ms:7.1f} ms  (min {min(timings[False]):.1f})")
    print(f"  with the plugin    median {with_ms:7.1f} ms  (min {min(timings[True]):.1f})")
    print(
        f"  difference: {with_ms - without_ms:+.1f} ms of medians, "
        f"{statistics.median(differences):+.1f} ms median of paired runs, "
        f"ratio {with_ms / without_ms:.3f}x"
    )
    low, high = median_interval(differences)
    verdict = "met" if high <= GOAL_MS else "MISSED" if low > GOAL_MS else "not shown either way"
    print(
        f"  paired difference: 95% interval of its median {low:+.1f} to {high:+.1f} ms  "
        f"[goal at most +{GOAL_MS:g} ms: {verdict}]"
    )
    print(
        f"  importing pytest_fakebatch.plugin in a fresh process after pytest: median "
        f"{statistics.median(imports):.1f} ms, min {min(imports):.1f} ms"
    )
    print(f"  modules only the plugin's run imported ({len(added)}): {', '.join(added)}")
    print(f"  botocore, boto3 or attrs among them: {heavy or 'none'}")


if __name__ == "__main__":
    main()
