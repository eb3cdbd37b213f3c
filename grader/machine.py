"""What this machine lets the grader use: the CPUs of the process's affinity mask, fewer when a
cgroup quota caps it (a container with 0.5 vCPU may still see every core of its host); and how
pytest-timeout can stop a hung grader here.

The one place for what differs between Linux, macOS and Windows outside the supervisor (whose two
backends are its own business): every call here works, or says "not here", on all three.
"""

from __future__ import annotations

import math
import os
import signal
from pathlib import Path
from typing import Optional

CGROUP_V2_MAX = Path("/sys/fs/cgroup/cpu.max")                       # "QUOTA PERIOD" or "max PERIOD"
CGROUP_V1_QUOTA = Path("/sys/fs/cgroup/cpu,cpu/cpu.cfs_quota_us")      # -1: no quota
CGROUP_V1_QUOTA_ALT = Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")


def usable_cpus() -> int:
    """CPUs the process may run on, capped by its cgroup's CPU quota."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):   # macOS and Windows have no affinity call
        cpus = os.cpu_count() or 1
    return cpus_within(cpus, cgroup_cpu_quota())


def cpus_within(cpus: int, quota: Optional[float]) -> int:
    """`cpus`, but no more than the quota rounded up; at least 1."""
    if quota is not None:
        cpus = min(cpus, math.ceil(quota))
    return max(1, cpus)


def cgroup_cpu_quota(v2: Path = CGROUP_V2_MAX, v1: tuple[Path, ...] = (CGROUP_V1_QUOTA, CGROUP_V1_QUOTA_ALT)
                     ) -> Optional[float]:
    """The cgroup's CPU quota in CPUs (0.5 for half a CPU), or None when there is none."""
    try:
        quota, period = v2.read_text().split()[:2]
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError):
        pass
    for quota_file in v1:
        try:
            quota_us = int(quota_file.read_text())
            period_us = int((quota_file.parent / "cpu.cfs_period_us").read_text())
        except (OSError, ValueError):
            continue
        return None if quota_us <= 0 else quota_us / period_us
    return None


def pytest_timeout_method() -> str:
    """pytest-timeout's way to stop a grader that hangs: SIGALRM where the platform has it (the
    hung test fails and the session goes on), else a timer thread (Windows)."""
    return "signal" if hasattr(signal, "SIGALRM") else "thread"

