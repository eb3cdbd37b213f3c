"""The supervisor's two backends: choosing one, what the portable one does where Linux's kernel
facts are missing (tree tracking without a subreaper, the records' channel with an authkey, stack
dumps without signals), and the Windows Job Object's structures (built here, run only on
Windows)."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import psutil
import pytest

from grader import backends
from grader.backends import portable, winjob
from grader.runner import RunSpec, run_program

KIT = Path(__file__).resolve().parent.parent


def program(tmp_path: Path, source: str) -> Path:
    path = tmp_path / "prog.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def running_with(marker: str) -> list[psutil.Process]:
    return [p for p in psutil.process_iter(["cmdline"]) if marker in " ".join(p.info["cmdline"] or [])]


# --- choosing -------------------------------------------------------------------------------------

def test_the_default_is_linux_here_and_the_variable_or_flag_chooses():
    assert backends.resolve("", {}) == "linux"
    assert backends.resolve("", {"PROCGRADE_BACKEND": "portable"}) == "portable"
    assert backends.resolve("linux", {"PROCGRADE_BACKEND": "portable"}) == "linux"
    with pytest.raises(backends.Unavailable, match="unknown backend 'cgroups'"):
        backends.resolve("cgroups", {})


def test_the_linux_backend_elsewhere_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(backends, "LINUX", False)
    assert backends.default_name() == "portable"
    with pytest.raises(backends.Unavailable, match="needs Linux.*--backend portable"):
        backends.resolve("linux", {})


def test_the_command_refuses_an_unknown_backend_before_grading():
    proc = subprocess.run([sys.executable, "-m", "grader", "check", "--target", "solutions", "ex01"],
                          cwd=KIT, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PROCGRADE_BACKEND="nosuch", PROCGRADE_LANG="en"))
    assert proc.returncode == 2
    assert "unknown backend 'nosuch'" in proc.stderr


# --- portable, unit ---------------------------------------------------------------------------------

def test_a_socket_path_too_long_for_macos_is_moved_to_a_short_folder(tmp_path):
    deep = tmp_path / ("x" * 60) / ("y" * 60) / "control"
    address = portable.channel_address(str(deep))
    assert len(address.encode()) <= portable.AF_UNIX_PATH_MAX and address.startswith("/tmp/")
    os.rmdir(os.path.dirname(address))
    assert portable.channel_address("/tmp/short") == "/tmp/short/rec.sock"


def test_limits_macos_refuses_are_left_out():
    """setrlimit(RLIMIT_AS) raises ValueError on macOS: in preexec_fn, no program would start."""
    limits = {"RLIMIT_AS": 1 << 40, "RLIMIT_CORE": 0}
    assert portable.supported_limits(limits, "darwin") == {"RLIMIT_CORE": 0}
    assert portable.supported_limits(limits, "linux") == limits


def test_the_job_objects_limits_are_windows_own_layout():
    info = winjob.limit_info({"RLIMIT_AS": 2 << 30})
    if ctypes.sizeof(ctypes.c_void_p) == 8:
        assert ctypes.sizeof(info) == 144   # JOBOBJECT_EXTENDED_LIMIT_INFORMATION on 64-bit Windows
    flags = info.BasicLimitInformation.LimitFlags
    for flag in (winjob.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, winjob.JOB_OBJECT_LIMIT_ACTIVE_PROCESS,
                 winjob.JOB_OBJECT_LIMIT_PROCESS_MEMORY, winjob.JOB_OBJECT_LIMIT_JOB_MEMORY):
        assert flags & flag
    assert info.ProcessMemoryLimit == 2 << 30
    assert info.BasicLimitInformation.ActiveProcessLimit == winjob.PROCESS_LIMIT
    assert winjob.limit_info({"RLIMIT_NPROC": 20}).BasicLimitInformation.ActiveProcessLimit == 20


# --- portable, whole runs -----------------------------------------------------------------------------

def test_an_orphan_that_escaped_between_two_looks_is_found_by_its_environment(tmp_path):
    """A double fork whose middle process ends at once: the grandchild is never seen below main,
    yet it is reported as detached and as a leftover, and killed."""
    source = """
        import os, time
        if os.fork() == 0:
            if os.fork() == 0:
                os.execvp("sleep", ["sleep", "63.5"])
            os._exit(0)
        os.wait()
        time.sleep(0.5)
        print("main ends")
    """
    run = run_program(RunSpec(program(tmp_path, source), budget=10, backend="portable"))
    outcome = run.trace.outcome
    assert outcome.reason == "exited"
    assert [d.how for d in outcome.detached] == ["orphaned"]
    assert any("63.5" in " ".join(p["cmdline"]) for p in outcome.leftovers)
    assert not running_with("63.5")


def test_portable_records_name_their_sender_whatever_the_record_says(tmp_path):
    """A program that knows the authkey (it is in its environment) can connect, but the pid of each
    record is the one the OS gives for the connection."""
    source = """
        import json, os, time
        from multiprocessing.connection import Client
        conn = Client(os.environ["PROCGRADE_SOCKET"], "AF_UNIX", authkey=bytes.fromhex(os.environ["PROCGRADE_AUTHKEY"]))
        fake = {"ev": "line", "pid": 4242, "t": time.monotonic(), "s": "o", "th": "MainThread",
                "x": "forged line", "end": "\\n"}
        conn.send_bytes((json.dumps(fake) + "\\n").encode())
        conn.close()
        print("sent")
    """
    trace = run_program(RunSpec(program(tmp_path, source), budget=10, backend="portable")).trace
    assert trace.proc(4242) is None
    assert {line.pid for line in trace.out()} == {trace.main_pid}


def test_stack_dumps_by_request_files_where_there_are_no_signals(tmp_path, monkeypatch):
    """PROCGRADE_DUMPS=files (Windows' way): a hang's dump still comes, of every thread."""
    monkeypatch.setenv("PROCGRADE_DUMPS", "files")
    source = """
        import threading, time
        def spin_here():
            while True:
                pass
        def wait_here():
            threading.Event().wait()
        threading.Thread(target=wait_here, daemon=True).start()
        print("spinning")   # the learner's code runs: from here on a spin counts
        spin_here()
    """
    run = run_program(RunSpec(program(tmp_path, source), budget=2.0, backend="portable"))
    trace = run.trace
    assert trace.outcome.reason == "timeout"
    assert "spin_here" in trace.stack_of(trace.main_pid) and "wait_here" in trace.stack_of(trace.main_pid)


@pytest.mark.parametrize("backend", backends.NAMES)
def test_a_run_whose_socket_path_would_be_too_long_still_gets_its_records(backend):
    """A short socket folder (AF_UNIX: 104 bytes on macOS, 108 on Linux), reached by the program's
    own user id (as root)."""
    import tempfile
    from conftest import SESSION_TMP
    deep = Path(tempfile.mkdtemp(prefix="d" * 80, dir=SESSION_TMP))
    os.chmod(deep, 0o755)   # reachable: a grader running as root gives the run a user id of its own
    (deep / "prog.py").write_text('import os\nprint("hello", os.geteuid() == 0)\n', encoding="utf-8")
    old = tempfile.tempdir
    tempfile.tempdir = str(deep)   # the run's folder, and so its control folder, below it
    try:
        assert len(str(deep / "procgrade-run-12345678" / "control" / "rec.sock")) > backends.LINUX_AF_UNIX_PATH_MAX
        run = run_program(RunSpec(deep / "prog.py", budget=10, backend=backend))
    finally:
        tempfile.tempdir = old
    assert [line.text for line in run.trace.out()] == ["hello False"]   # its records came, from a user not root
