"""A Windows Job Object for the program's tree, through ctypes (the portable backend on Windows).

Main is put in a job as soon as it has started; every process it starts is in the job too. The job
kills all of them when its last handle closes (the supervisor's: it ends, or is ended by
TerminateProcess, which runs none of its handlers), caps each process's committed memory and
the job's, and caps how many processes it holds. A process main starts in the first moment,
before it is in the job (a Python interpreter takes tens of ms to get there), would escape it.

The structures are plain ctypes and build anywhere (the kit's tests check them on Linux); only
`hold` and `kill` call Windows.
"""

from __future__ import annotations

import ctypes
from ctypes import wintypes

JOB_OBJECT_LIMIT_ACTIVE_PROCESS = 0x0008
JOB_OBJECT_LIMIT_PROCESS_MEMORY = 0x0100
JOB_OBJECT_LIMIT_JOB_MEMORY = 0x0200
JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION = 0x0400
JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000
JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS = 9
PROCESS_LIMIT = 256                  # as sandbox.LIMITS's RLIMIT_NPROC: the job counts only its own
JOB_MEMORY_BYTES = 4 * 1024 ** 3     # all of the program's processes together


class IO_COUNTERS(ctypes.Structure):
    _fields_ = [(name, ctypes.c_ulonglong) for name in (
        "ReadOperationCount", "WriteOperationCount", "OtherOperationCount",
        "ReadTransferCount", "WriteTransferCount", "OtherTransferCount")]


class JOBOBJECT_BASIC_LIMIT_INFORMATION(ctypes.Structure):
    _fields_ = [("PerProcessUserTimeLimit", ctypes.c_int64), ("PerJobUserTimeLimit", ctypes.c_int64),
                ("LimitFlags", ctypes.c_uint32), ("MinimumWorkingSetSize", ctypes.c_size_t),
                ("MaximumWorkingSetSize", ctypes.c_size_t), ("ActiveProcessLimit", ctypes.c_uint32),
                ("Affinity", ctypes.c_size_t), ("PriorityClass", ctypes.c_uint32),
                ("SchedulingClass", ctypes.c_uint32)]


class JOBOBJECT_EXTENDED_LIMIT_INFORMATION(ctypes.Structure):
    _fields_ = [("BasicLimitInformation", JOBOBJECT_BASIC_LIMIT_INFORMATION), ("IoInfo", IO_COUNTERS),
                ("ProcessMemoryLimit", ctypes.c_size_t), ("JobMemoryLimit", ctypes.c_size_t),
                ("PeakProcessMemoryUsed", ctypes.c_size_t), ("PeakJobMemoryUsed", ctypes.c_size_t)]


def limit_info(limits: dict) -> JOBOBJECT_EXTENDED_LIMIT_INFORMATION:
    """The job's limits from the run's (resource's names): RLIMIT_AS per process, RLIMIT_NPROC
    processes (PROCESS_LIMIT where the run has none: the job counts only its own), kill on close,
    no error dialog left waiting for a click."""
    info = JOBOBJECT_EXTENDED_LIMIT_INFORMATION()
    basic = info.BasicLimitInformation
    basic.LimitFlags = (JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION
                        | JOB_OBJECT_LIMIT_ACTIVE_PROCESS | JOB_OBJECT_LIMIT_JOB_MEMORY)
    basic.ActiveProcessLimit = int(limits.get("RLIMIT_NPROC", PROCESS_LIMIT))
    info.JobMemoryLimit = JOB_MEMORY_BYTES
    if "RLIMIT_AS" in limits:
        basic.LimitFlags |= JOB_OBJECT_LIMIT_PROCESS_MEMORY
        info.ProcessMemoryLimit = int(limits["RLIMIT_AS"])
    return info


def hold(popen, limits: dict):
    """A job with the run's limits, holding the started process `popen`; None if Windows refused
    (the tree is then killed by walking it)."""
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)   # type: ignore[attr-defined]
    kernel32.CreateJobObjectW.restype = wintypes.HANDLE
    job = kernel32.CreateJobObjectW(None, None)
    if not job:
        return None
    info = limit_info(limits)
    if not kernel32.SetInformationJobObject(wintypes.HANDLE(job), JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS,
                                            ctypes.byref(info), ctypes.sizeof(info)):
        kernel32.CloseHandle(wintypes.HANDLE(job))
        return None
    if not kernel32.AssignProcessToJobObject(wintypes.HANDLE(job), wintypes.HANDLE(int(popen._handle))):
        kernel32.CloseHandle(wintypes.HANDLE(job))
        return None
    return job   # kept open for the supervisor's life: closing it kills the tree


def kill(job) -> bool:
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)   # type: ignore[attr-defined]
    return bool(kernel32.TerminateJobObject(wintypes.HANDLE(job), 1))
