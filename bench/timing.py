"""Repetition and the machine's description: what every benchmark here shares.

`repeat` is hyperfine's loop in a few lines: optional warm-up runs, then N timed runs; a Sample
keeps every value, so a table can show the median and the spread (min-max) beside the load
average the runs saw. Commands are timed by wall clock and by CPU time (user + system of the
whole process tree, from the kernel's accounting of waited-for children): on a shared machine the
wall time moves with the other users' load, the CPU time much less, so the two together tell a
slow program from a busy machine.
"""

from __future__ import annotations

import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

from grader.learner_env import venv_python

KIT = Path(__file__).resolve().parent.parent


def load() -> float:
    """The 1-minute load average (0.0 where the OS has none)."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return 0.0


@dataclass
class Sample:
    """N measurements of one thing, in seconds (wall), with CPU seconds where known."""

    name: str
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)   # 1-minute load average before each run
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.wall)

    @property
    def median(self) -> float:
        return statistics.median(self.wall) if self.wall else float("nan")

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")

    @property
    def load(self) -> float:
        return statistics.median(self.loads) if self.loads else float("nan")

    def spread(self) -> str:
        if not self.wall:
            return "-"
        if len(self.wall) == 1:
            return "n=1"
        return "%s-%s, n=%d" % (seconds(min(self.wall)), seconds(max(self.wall)), len(self.wall))

    def to_dict(self) -> dict:
        return {"name": self.name, "wall": [round(x, 4) for x in self.wall], "cpu": [round(x, 4) for x in self.cpu],
                "loads": [round(x, 2) for x in self.loads], "median": round(self.median, 4),
                "cpu_median": round(self.cpu_median, 4) if self.cpu else None, "note": self.note, **self.extra}


def seconds(value: float) -> str:
    """A duration the way a table shows it: ms under a second, s above."""
    if value != value:  # NaN
        return "-"
    if value < 1.0:
        return "%.0f ms" % (value * 1000) if value >= 0.01 else "%.1f ms" % (value * 1000)
    return "%.2f s" % value if value < 10 else "%.1f s" % value


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_command(cmd: Sequence[str], cwd: Optional[Path] = None, env: Optional[dict] = None,
                timeout: float = 900, ok_codes: Sequence[int] = (0, 1), stdin: Optional[str] = None) -> tuple[float, float, str]:
    """Run one command to its end: (wall seconds, CPU seconds of its whole tree, its output).
    Raises when it exits with a code not in ok_codes (a benchmark of a broken command is no number)."""
    cpu_before = children_cpu()
    started = time.perf_counter()
    proc = subprocess.run(list(cmd), cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          input=stdin.encode() if stdin is not None else None,
                          stdin=None if stdin is not None else subprocess.DEVNULL, timeout=timeout)
    wall = time.perf_counter() - started
    cpu = children_cpu() - cpu_before
    output = proc.stdout.decode("utf-8", "replace")
    if proc.returncode not in ok_codes:
        raise RuntimeError("%s exited with %d:\n%s" % (" ".join(cmd), proc.returncode, output[-3000:]))
    return wall, cpu, output


def repeat_command(name: str, cmd: Sequence[str], runs: int, warmup: int = 1, **kwargs) -> Sample:
    sample = Sample(name, extra={"command": " ".join(cmd)})
    for _ in range(warmup):
        run_command(cmd, **kwargs)
    for _ in range(runs):
        sample.loads.append(load())
        wall, cpu, _ = run_command(cmd, **kwargs)
        sample.wall.append(wall)
        sample.cpu.append(cpu)
    return sample


def repeat(name: str, fn: Callable[[], Optional[float]], runs: int, warmup: int = 1) -> Sample:
    """Time fn() `runs` times after `warmup` untimed calls. fn may return its own measure of the
    time (seconds) instead of None, to leave out its set-up."""
    sample = Sample(name)
    for _ in range(warmup):
        fn()
    for _ in range(runs):
        sample.loads.append(load())
        cpu_before = children_cpu()
        started = time.perf_counter()
        own = fn()
        wall = time.perf_counter() - started
        sample.wall.append(own if own is not None else wall)
        sample.cpu.append(children_cpu() - cpu_before)
    return sample


def learner_env() -> dict[str, str]:
    """The environment of a learner's shell: without the variables nox sets for the bench's own
    session (its virtualenv first on PATH), so that a `nox` or `python` we start is the learner's."""
    env = dict(os.environ)
    venv = env.pop("VIRTUAL_ENV", None)
    env.pop("NOX_CURRENT_SESSION", None)
    if venv:
        bin_dir = str(Path(venv) / "bin")
        env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != bin_dir)
    return env


def nox_command() -> list[str]:
    """`nox` as the learner types it (their PATH), else the nox kit.py installed for them
    (.nox/bootstrap), else the nox this interpreter can import."""
    found = shutil.which("nox", path=learner_env().get("PATH"))
    if found:
        return [found]
    bootstrap = venv_python(KIT / ".nox" / "bootstrap")
    if bootstrap.is_file():
        return [str(bootstrap), "-m", "nox"]
    return [sys.executable, "-m", "nox"]


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    info = {"cores": str(os.cpu_count()), "kernel": platform.release(), "python": platform.python_version()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory"] = "%.1f GiB" % (int(line.split()[1]) / 2**20)
                break
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                info["os"] = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    info.setdefault("os", platform.platform())
    try:
        df = subprocess.run(["df", "-T", "/tmp"], capture_output=True, text=True).stdout.splitlines()[-1].split()
        info["/tmp"] = "%s, %s GiB free" % (df[1], int(df[4]) // 2**20)
    except (OSError, IndexError, ValueError):
        pass
    try:
        info["nox"] = subprocess.run([*nox_command(), "--version"], capture_output=True, text=True,
                                     env=learner_env()).stdout.strip() or subprocess.run(
            [*nox_command(), "--version"], capture_output=True, text=True).stderr.strip()
    except OSError:
        info["nox"] = "not found"
    return info
