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
run imported that the other did not (botocore must not be among them). It also counts the Python
function calls of one run of each under cProfile: the plugin's share of them does not move with the
machine's noise, which is wider than the plugin's cost.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

TEST_FILE = """
import sys, json, os

def test_one():
    assert 1 + 1 == 2

def test_two():
    with open(os.environ["BENCH_MODULES_OUT"], "w") as out:
        json.dump(sorted(sys.modules), out)
"""
GOAL_MS = 20.0


#: Runs pytest in the child and reports the CPU time of ``pytest.main`` itself (nanosecond
#: resolution, without the interpreter's start and exit, which the plugin does not touch and whose
#: spread is wider than the plugin's cost).
RUN_SCRIPT = """
import sys, time
import pytest
start = time.process_time()
code = pytest.main(sys.argv[1:])
sys.stderr.write(f"\\nPYTEST_MAIN_CPU_MS {(time.process_time() - start) * 1000}\\n")
sys.exit(code)
"""


class Run(NamedTuple):
    process_ms: float  # the whole child process, user plus system (getrusage)
    main_ms: float  # pytest.main inside it (time.process_time)


def run_pytest(directory: Path, plugins: list[str], modules_out: Path) -> Run:
    """CPU milliseconds of one pytest run (CPU time: unlike wall time, not charged with the time
    other processes on a shared machine hold the cores), ``plugins`` being extra ``-p`` options."""
    command = [sys.executable, "-c", RUN_SCRIPT, "-q", "-p", "no:cacheprovider", "test_nothing.py"]
    for plugin in plugins:
        command[3:3] = ["-p", plugin]
    env = {
        **bytecode_env(directory),
        "BENCH_MODULES_OUT": str(modules_out),
        "PYTEST_ADDOPTS": "",
        "PYTHONPATH": str(directory),  # the control plugin
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    completed = subprocess.run(
        command, cwd=directory, env=env, capture_output=True, text=True, check=False
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    elapsed = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if completed.returncode != 0:
        sys.exit(f"pytest failed:\n{completed.stdout}\n{completed.stderr}")
    main_ms = float(completed.stderr.rsplit("PYTEST_MAIN_CPU_MS", 1)[1])
    return Run(elapsed * 1000, main_ms)


#: A plugin that does nearly nothing (one hook): what loading any plugin costs pytest.
CONTROL_PLUGIN = """
def pytest_report_header(config):
    return "control plugin"
"""
#: The three runs: without the fake's plugin, with a do-nothing plugin instead, with the fake's.
WITHOUT, CONTROL, WITH = "without", "control", "with"
PLUGINS = {
    WITHOUT: ["no:fake_batch"],
    CONTROL: ["no:fake_batch", "control_plugin"],
    WITH: [],
}


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


def function_calls(directory: Path, with_plugin: bool) -> int:
    """Python function calls in one pytest run, counted by cProfile in the child: a measure of
    the plugin's work that the machine's noise does not move (the timed runs' spread is wider
    than the plugin's cost)."""
    stats = directory / ("with.prof" if with_plugin else "without.prof")
    command = [sys.executable, "-m", "cProfile", "-o", str(stats), "-m", "pytest", "-q"]
    command += ["-p", "no:cacheprovider", "-p", "no:randomly", "test_nothing.py"]
    if not with_plugin:
        command[-1:-1] = ["-p", "no:fake_batch"]
    env = {**bytecode_env(directory), "BENCH_MODULES_OUT": str(directory / "ignored.json")}
    subprocess.run(
        command, cwd=directory, env={**env, "PYTEST_ADDOPTS": ""}, check=True, capture_output=True
    )
    return int(pstats.Stats(str(stats)).total_calls)  # type: ignore[attr-defined]


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
        (directory / "control_plugin.py").write_text(CONTROL_PLUGIN)
        outs = {name: directory / f"{name}.json" for name in PLUGINS}
        for name, plugins in PLUGINS.items():
            run_pytest(directory, plugins, outs[name])  # warm the bytecode caches
        timings: dict[str, list[Run]] = {name: [] for name in PLUGINS}
        imports = []
        for run in range(runs):
            # Alternate the order, so that a drift within a round does not favour any run.
            names = list(PLUGINS) if run % 2 == 0 else list(reversed(PLUGINS))
            for name in names:
                timings[name].append(run_pytest(directory, PLUGINS[name], outs[name]))
            imports.append(plugin_import_ms(directory))
        calls = {flag: function_calls(directory, flag) for flag in (False, True)}
        with_modules = set(json.loads(outs[WITH].read_text()))
        without_modules = set(json.loads(outs[WITHOUT].read_text()))
    added = sorted(with_modules - without_modules)
    heavy = [name for name in added if name.split(".")[0] in ("botocore", "boto3", "attr")]
    print(
        f"plugin load cost: CPython {platform.python_version()}, {runs} interleaved runs of each, "
        f"pytest on a file of two tests with no Batch use"
    )
    for field, title in (
        ("main_ms", "CPU time of pytest.main in the child (the goal is judged on this)"),
        ("process_ms", "CPU time of the whole child process (interpreter start and exit too)"),
    ):
        print(f"  {title}:")
        medians = {
            name: statistics.median(getattr(r, field) for r in timings[name]) for name in PLUGINS
        }
        for name, label in (
            (WITHOUT, "-p no:fake_batch"),
            (CONTROL, "a do-nothing plugin"),
            (WITH, "with the plugin"),
        ):
            least = min(getattr(r, field) for r in timings[name])
            print(f"    {label:<20} median {medians[name]:7.1f} ms  (min {least:.1f})")
        for name, label in ((WITH, "the plugin"), (CONTROL, "the do-nothing plugin")):
            differences = [
                getattr(a, field) - getattr(b, field)
                for a, b in zip(timings[name], timings[WITHOUT], strict=True)
            ]
            low, high = median_interval(differences)
            line = (
                f"    {label} against none: {statistics.median(differences):+.1f} ms median of "
                f"paired runs, 95% interval {low:+.1f} to {high:+.1f} ms"
            )
            if name == WITH and field == "main_ms":
                verdict = (
                    "met"
                    if high <= GOAL_MS
                    else "MISSED"
                    if low > GOAL_MS
                    else "not shown either way"
                )
                line += f"  [goal at most +{GOAL_MS:g} ms: {verdict}]"
            print(line)
    extra_calls = calls[True] - calls[False]
    print(
        f"  Python function calls in the run (cProfile, -p no:randomly): without "
        f"{calls[False]:,}, with {calls[True]:,}: {extra_calls:+,} = {extra_calls / calls[False]:+.2%}"
    )
    print(
        f"  importing pytest_fakebatch.plugin in a fresh process after pytest: median "
        f"{statistics.median(imports):.1f} ms, min {min(imports):.1f} ms"
    )
    print(f"  modules only the plugin's run imported ({len(added)}): {', '.join(added)}")
    print(f"  botocore, boto3 or attrs among them: {heavy or 'none'}")


if __name__ == "__main__":
    main()
