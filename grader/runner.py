"""The only code that starts a learner's program. It returns facts (a Trace, files), never verdicts.

One run: a fresh temporary folder holds a copy of the program, a working folder, and the control
files (the instrumentation's channel, stack dumps); a supervisor process (supervisor.py) owns the
program's whole process tree with a hard wall-clock budget and kills all of it at the end. This
side only watches the channel, so that a run can be stopped as soon as it has shown enough (a
program that loops forever, like exercise 1, is stopped when its loops have been seen).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import io
import json
import os
import py_compile
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import tokenize
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from . import backends, sandbox, states
from .start_methods import KNOWN as START_METHODS   # those this platform has: start_methods.offered()
from .trace import (LINE_TEXT_CAP, Detached, Outcome, StartError, Trace, build_trace, not_utf8,
                    parse_records)

HERE = Path(__file__).resolve().parent
SUPERVISOR = HERE / "supervisor.py"
INSTRUMENT = HERE / "instrument"

WATCH_SECONDS = 0.01
CRASH_LOOP_TRACEBACKS = 20   # a program whose processes crashed this often is stopped: it will not recover
OUTPUT_CAP_BYTES = 8 * 1024 * 1024
# What the runner reads back of the captured stdout and stderr: all of it up to the cap, and some
# slack for what the program wrote between the supervisor's last look and its stop. More than that
# is said to have been cut (Trace.output_cut), never dropped silently.
READ_CAP_BYTES = 2 * OUTPUT_CAP_BYTES
# A program larger than this is not compiled in the grader's process (a learner's exercise is a
# few KB; a submission could be made huge to slow the grader down).
COMPILE_CAP_BYTES = 1 << 20
# A run in which no process used CPU, printed or sent a record for this long is stopped as
# "stalled" (a deadlock) rather than left to its budget: the suites scale every sleep of the
# tutorial's programs to a fraction of a second, so a correct program is never still this long.
STALL_SECONDS = 2.0
SUPERVISOR_SLACK_SECONDS = 15.0  # beyond the budget: the supervisor's own kill and write-up
# Passed on from the grader's environment where they are set: without SYSTEMROOT a Windows Python
# cannot start (nor open a socket), and WINDIR, COMSPEC and PATHEXT are what its subprocesses need.
PLATFORM_ENV = ("SYSTEMROOT", "WINDIR", "COMSPEC", "PATHEXT")



@dataclass(frozen=True)
class FileFact:
    """A file of the working folder after (or before) the run."""

    path: str          # relative to the working folder, "/"-separated
    kind: str          # "file", "dir" or "link"
    size: int = 0
    sha256: str = ""


@dataclass(frozen=True)
class RunSpec:
    """How to run one program once."""

    program: Path
    argv: tuple[str, ...] = ()
    stdin: Optional[str] = None          # text fed to the program's stdin (None: /dev/null)
    start_method: str = "spawn"          # fork | spawn | forkserver, by name (start_methods.resolve)
    warp: float = 1.0                    # time.sleep(s) really sleeps s * warp
    budget: float = 10.0                 # hard wall-clock limit, seconds
    sync_start: bool = True              # Process.start() returns once the child runs its target
    stop_when: Optional[Callable[[Trace], bool]] = field(default=None, compare=False)
    setup: Optional[Callable[[Path], None]] = field(default=None, compare=False)  # fills the working folder
    env: tuple[tuple[str, str], ...] = ()   # extra environment for the program (instrumentation knobs)
    sandbox: str = "none"                  # "bwrap": inside bubblewrap (see sandbox.wrapper)
    backend: str = ""                      # the supervisor's: linux | portable ("": PROCGRADE_BACKEND, else the OS's)
    # looks at the working folder once the program has ended, before it is removed, given the
    # snapshots before and after (e.g. where a copied file first differs); Run.inspection holds
    # what it returns
    inspect: Optional[Callable[[Path, tuple["FileFact", ...], tuple["FileFact", ...]], object]] = \
        field(default=None, compare=False)
    # the same, for information only (a yardstick timed beside the program's run, say; never a
    # verdict): set by the plugin when the report shows notes; Run.measured holds what it returns
    measure: Optional[Callable[[Path, tuple["FileFact", ...], tuple["FileFact", ...]], object]] = \
        field(default=None, compare=False)


@dataclass(frozen=True)
class Run:
    """The facts of one run: the trace, and the working folder before and after."""

    spec: RunSpec
    trace: Trace
    files_before: tuple[FileFact, ...]
    files_after: tuple[FileFact, ...]
    stdout: str
    stderr: str
    inspection: object = None   # what spec.inspect returned
    measured: object = None     # what spec.measure returned


def snapshot(root: Path, known: Optional[dict[tuple, str]] = None) -> tuple[FileFact, ...]:
    """Every entry under root. `known`, shared between calls, keeps each file's hash by what
    identifies its content (path, inode, size, mtime, ctime): a file that did not change since
    the last call is not read again (a program can set a file's mtime back, never its ctime)."""
    facts = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            facts.append(FileFact(rel, "link", 0, os.readlink(path)))
        elif path.is_dir():
            facts.append(FileFact(rel, "dir"))
        elif path.is_file():
            st = path.stat()
            key = (rel, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
            digest = known.get(key) if known is not None else None
            if digest is None:
                digest = _sha256(path)
                if known is not None:
                    known[key] = digest
            facts.append(FileFact(rel, "file", st.st_size, digest))
    return tuple(facts)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return "unreadable"
    return digest.hexdigest()


def compile_error(program: Path) -> Optional[StartError]:
    """Why Python could not even start the program (a SyntaxError, IndentationError, TabError, a
    file that is not UTF-8 and declares no encoding), found by compiling its source here: that
    runs none of its code. None when it compiles."""
    try:
        if program.stat().st_size > COMPILE_CAP_BYTES:
            return None   # left to the run: Python's own report of it is read from its stderr
        data = program.read_bytes()
    except OSError:
        return None
    lines = data.splitlines()
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        code = _readable(lines[line - 1]).strip() if line <= len(lines) else ""
        return not_utf8(program.name, line, "\\x%02x" % data[error.start], code)
    except SyntaxError:
        pass   # an unknown coding line: compile() below says so
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # SyntaxWarnings are the program's business
            compile(data, program.name, "exec", dont_inherit=True)
    except SyntaxError as error:
        code = (error.text or "").rstrip("\n")
        stripped = code.strip()
        caret = (error.offset or 0) - (len(code) - len(code.lstrip())) if stripped and error.offset else 0
        return StartError(program.name, type(error).__name__, error.msg or str(error), error.lineno,
                          stripped, max(caret, 0))
    except (ValueError, RecursionError, MemoryError) as error:   # null bytes; nesting too deep
        return StartError(program.name, "SyntaxError", str(error))
    return None


def _readable(line: bytes) -> str:
    """A line of a file that is not UTF-8, as its author saw it: most such files are Chinese
    editors' GB18030/GBK."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return line.decode(encoding)
        except UnicodeDecodeError:
            continue
    return line.decode("utf-8", "replace")


def program_source(program: Path) -> tuple[str, ...]:
    """The program's lines as Python reads them (its coding line honoured), to quote them."""
    try:
        data = program.read_bytes()
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return tuple(data.decode(encoding, "replace").splitlines())
    except (OSError, SyntaxError, LookupError):
        return ()


def learner_env(control: Path, spec: RunSpec, address: str = "") -> dict[str, str]:
    """The program's whole environment: built, not inherited, so nothing of the grader's leaks in.
    `address`: where its records go (default: the control folder's socket)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(control.parent / "work"),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(INSTRUMENT),
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONUTF8": "1",   # Chinese the program prints or reads is UTF-8 on every platform
        "PYTHONHASHSEED": "0",
        "PROCGRADE_SOCKET": address or str(control / "rec.sock"),
        "PROCGRADE_CONTROL": str(control),
        "PROCGRADE_STACKS_DIR": str(control / "stacks"),
        "PROCGRADE_WARP": repr(spec.warp),
        "PROCGRADE_START_METHOD": spec.start_method,
        "PROCGRADE_MAX_TEXT": str(LINE_TEXT_CAP),
        "PROCGRADE_WAITS": str(control / WAITS_LOG),   # the holds count the program's own time, as
        "PROCGRADE_STRETCH": repr(states.STRETCH),      # the budget does (instrumentation: own_seconds)
        "TMPDIR": str(control.parent / "tmp"),
        "TEMP": str(control.parent / "tmp"),   # Windows' names for it
        "TMP": str(control.parent / "tmp"),
    }
    env.update((name, os.environ[name]) for name in PLATFORM_ENV if name in os.environ)
    if spec.sync_start:
        env["PROCGRADE_READY_DIR"] = str(control / "ready")
    env.update(dict(spec.env))
    return env


def run_program(spec: RunSpec, python: str = sys.executable) -> Run:
    """Run the program once under a supervisor and return what happened. Never raises for
    anything the program does; raises only if the grader itself is broken."""
    backend = backends.resolve(spec.backend)
    root = Path(tempfile.mkdtemp(prefix="procgrade-run-"))
    address = backends.channel_address(str(root / "control"), backend)
    identity = sandbox.choose(python) if sandbox.reachable(root) else sandbox.Identity(None, python)
    try:
        return _run_in(root, spec, python, backend, address, identity)
    finally:
        sandbox.release(identity)   # its final sweep is done: the id may go to another run
        _keep(root / "control", spec)
        shutil.rmtree(root, ignore_errors=True)
        if not address.startswith((str(root), "\\\\")):   # a short folder of its own (macOS' AF_UNIX paths)
            shutil.rmtree(os.path.dirname(address), ignore_errors=True)


STALE_RUN_SECONDS = 3600.0   # a run lasts its budget (seconds): a run folder an hour old was left by a killed grader


def sweep_stale_runs() -> int:
    """Remove the run folders (procgrade-run-*) of this user that a grader killed mid-run (SIGKILL,
    a closed laptop lid) left in the temp folder: those an hour old. Returns how many it removed."""
    now = time.time()
    uid = getattr(os, "getuid", lambda: None)()
    removed = 0
    for entry in Path(tempfile.gettempdir()).glob("procgrade-run-*"):
        try:
            info = entry.lstat()
        except OSError:
            continue
        if not stat.S_ISDIR(info.st_mode) or (uid is not None and info.st_uid != uid) \
                or now - info.st_mtime < STALE_RUN_SECONDS:
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed += not entry.exists()
    return removed


WAITS_LOG = "waits"   # in the control folder: the supervisor's "when waited" lines (supervisor.ProgramClock)
KEEP_RUNS = "PROCGRADE_KEEP_RUNS"   # a folder: every run's records are copied there (bench/flake_study.py)


def _keep(control: Path, spec: RunSpec) -> None:
    """With KEEP_RUNS set, a copy of the run's records (channel, stdout, stderr, the supervisor's
    result, stacks), named by when, and which program it was: a misgrade
    seen once in a thousand gradings can then be traced from what the run really recorded."""
    folder = os.environ.get(KEEP_RUNS)
    if not folder or not control.is_dir():
        return
    dest = Path(folder) / ("%d-%d" % (time.time_ns(), os.getpid()))
    try:
        shutil.copytree(control, dest, ignore=lambda where, names: [
            name for name in names if not (os.path.isfile(os.path.join(where, name))
                                           or os.path.isdir(os.path.join(where, name)))])
        (dest / "program.txt").write_text("%s\n%s\n" % (spec.program.resolve(), spec.start_method),
                                          encoding="utf-8")
    except OSError:
        pass


def _run_in(root: Path, spec: RunSpec, python: str, backend: str, address: str,
            identity: sandbox.Identity) -> Run:
    control, work, prog = root / "control", root / "work", root / "program"
    for folder in (control / "stacks", control / "ready", work, prog, root / "tmp"):
        folder.mkdir(parents=True)
    program = prog / spec.program.name
    shutil.copyfile(spec.program, program)
    # The instrumentation goes with the run: the program's user may not be able to read the kit.
    shutil.copytree(INSTRUMENT, prog / "instrument", ignore=shutil.ignore_patterns("__pycache__"))
    _add_instrument_bytecode(prog / "instrument")
    if spec.setup:
        spec.setup(work)

    stdin_path = None
    if spec.stdin is not None:
        stdin_path = control / "stdin.txt"
        stdin_path.write_text(spec.stdin, encoding="utf-8")
    channel = control / "channel.jsonl"   # written by the supervisor only
    channel.touch()
    captured = [control / "stdout", control / "stderr"]   # the supervisor opens them again, same files
    for path in captured:
        path.touch()
    root.chmod(0o755)
    sandbox.hand_over(identity.uid, writable=[work, root / "tmp", control / "stacks", control / "ready"],
                      readable=[prog, control])
    hashes: dict[tuple, str] = {}
    before = snapshot(work, hashes)  # after hand_over: its chown changes every file's ctime
    env = learner_env(control, spec, address)
    if backend == "portable":
        from .backends import portable
        env.update(portable.instrument_env())
    env["PYTHONPATH"] = str(prog / "instrument")
    env["PROCGRADE_OUTPUTS"] = ",".join("%d:%d" % (st.st_dev, st.st_ino) for st in map(os.stat, captured))
    sup_spec = {
        "python": identity.python, "program": str(program), "argv": list(spec.argv), "cwd": str(work),
        "user": identity.uid, "limits": sandbox.limits_for(spec.budget, identity),
        "write_cap": sandbox.WRITE_CAP_BYTES,
        "env": env, "budget": spec.budget, "output_cap": OUTPUT_CAP_BYTES,
        "stdin_path": str(stdin_path) if stdin_path else None,
        "stdout_path": str(captured[0]), "stderr_path": str(captured[1]),
        "socket_path": address, "channel_path": str(channel), "backend": backend,
        "result_path": str(control / "result.json"), "stall_after": STALL_SECONDS,
        "waits_path": str(control / WAITS_LOG),
    }
    spec_path = control / "spec.json"
    spec_path.write_text(json.dumps(sup_spec), encoding="utf-8")

    with open(control / "supervisor.err", "wb") as sup_err:
        # The grader's interpreter (it has psutil), inside the sandbox when there is one: the
        # supervisor then shares the program's pid namespace and outlives its main process.
        supervisor = _start_supervisor([*sandbox.wrapper(spec.sandbox, root), python, "-I", str(SUPERVISOR),
                                        str(spec_path)], sup_err)
    try:
        stopped_because = _watch(supervisor, channel, control / WAITS_LOG, spec)
        # Our end of its stdin stays open while it runs: closing it means "the runner is gone".
        supervisor.wait(timeout=spec.budget * states.STRETCH + SUPERVISOR_SLACK_SECONDS)
        supervisor.stdin.close()
    except BaseException:
        # SIGTERM makes the supervisor kill the tree before it ends; SIGKILL only if it will not.
        supervisor.terminate()
        try:
            supervisor.wait(timeout=5)
        except subprocess.TimeoutExpired:
            supervisor.kill()
            supervisor.wait()
        raise
    result_path = control / "result.json"
    if result_path.exists():
        result = json.loads(result_path.read_text(encoding="utf-8"))
    else:
        result = _supervisor_lost(root, control, spec)
    outcome = Outcome(
        reason=stopped_because or result["reason"], returncode=result["returncode"],
        duration=result["ended"] - result["started"], budget=spec.budget,
        leftovers=tuple(result["leftovers"]), remaining=tuple(result["remaining"]),
        peak_rss_kb=tuple((int(pid), kb) for pid, kb in result.get("peak_rss_kb", {}).items()),
        seen=tuple((int(pid), tuple(map(str, cmdline))) for pid, cmdline in result.get("seen", {}).items()),
        strays=tuple(result.get("strays", ())), stall_after=STALL_SECONDS,
        exits=tuple((int(pid), int(code), None if when is None else when - result["started"])
                    for pid, code, when in result.get("exits", ())),
        detached=tuple(Detached(int(d["pid"]), str(d["how"]), tuple(d.get("cmdline") or ()))
                       for d in result.get("detached", ())),
        written_bytes=int(result.get("written_bytes", 0)),
        supervisor_cpu=float(result.get("supervisor_cpu_seconds", 0.0)),
        waits=_waits(control / WAITS_LOG, result["started"]),
    )
    records = parse_records(channel.read_bytes())
    # main is the first process that reported (in a sandbox, it knows itself by another pid)
    main_pid = min(records, key=lambda r: r.get("t", 0))["pid"] if records else result["main_pid"]
    stdout, stdout_cut = _read_text(control / "stdout", READ_CAP_BYTES)
    stderr, stderr_cut = _read_text(control / "stderr", READ_CAP_BYTES)
    cut = tuple(name for name, was_cut in (("stdout", stdout_cut), ("stderr", stderr_cut)) if was_cut)
    trace = build_trace(records, main_pid, result["started"],
                        outcome, spec.warp, spec.start_method, _stacks(control / "stacks"),
                        program.name, program_source(program), cut, states.spans(result.get("states")))
    after = snapshot(work, hashes)
    inspection = spec.inspect(work, before, after) if spec.inspect else None
    measured = spec.measure(work, before, after) if spec.measure else None
    return Run(spec, trace, before, after, stdout, stderr, inspection, measured)


@functools.lru_cache(maxsize=None)
def _instrument_bytecode() -> tuple[tuple[str, bytes], ...]:
    """The instrumentation compiled once per grader process: (file name under __pycache__, pyc)
    for each module. Every Python process of every run imports it at start-up; compiled there,
    its source cost each process 9 ms of CPU (an ex07 run under spawn starts 5-6 of them).
    Hash-checked pycs: valid for the copy whatever its mtime, and ignored (compiled again, as
    before) by a Python whose version differs from the grader's."""
    compiled = []
    with tempfile.TemporaryDirectory(prefix="procgrade-pyc-") as folder:
        for source in sorted(INSTRUMENT.glob("*.py")):
            target = Path(folder) / source.name
            py_compile.compile(str(source), cfile=str(target), doraise=True,
                               invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
            compiled.append((Path(importlib.util.cache_from_source(source.name)).name, target.read_bytes()))
    return tuple(compiled)


def _add_instrument_bytecode(folder: Path) -> None:
    try:
        compiled = _instrument_bytecode()
    except (OSError, py_compile.PyCompileError):
        return   # each process compiles it, as it would without
    cache = folder / "__pycache__"
    cache.mkdir(exist_ok=True)
    for name, data in compiled:
        (cache / name).write_bytes(data)


def _start_supervisor(command: list[str], stderr) -> subprocess.Popen:
    """The supervisor, with a pipe to its stdin: our end open means "the runner is still here",
    a line "stop" asks it to stop the run."""
    return subprocess.Popen(
        command,
        # Unbuffered: "stop" is one write that reaches it or fails at once. Buffered, a stop asked
        # just as the supervisor ended stayed in the buffer, and closing stdin then raised
        # BrokenPipeError: a grader error for ex06's bad_no_main_guard (a crash loop stopped at
        # the moment main ended), 2 in 425 gradings at load 25-44.
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=stderr, bufsize=0,
        # An explicit environment, never the process's own C `environ`: runs start from worker
        # threads while pytest rewrites PYTEST_CURRENT_TEST in the main thread, and a vfork'ed
        # child exec'ing with an `environ` being reallocated fails with EFAULT (Bad address).
        env=environment_snapshot(),
    )


def environment_snapshot() -> dict[str, str]:
    """os.environ, copied while pytest's main thread may set or remove PYTEST_CURRENT_TEST: a key
    listed can be gone when it is read (KeyError, seen under load). A copy that met a change is
    taken again (an optimistic read: the other thread changes one key between two tests)."""
    for _ in range(100):
        try:
            return dict(os.environ)
        except KeyError:
            continue
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def _supervisor_lost(root: Path, control: Path, spec: RunSpec) -> dict:
    """The supervisor ended without its report: the program killed it (possible only when it runs
    as the grader's own user) or it broke. Sweep away every process that belongs to this run,
    found by the run's folder in its command line or environment, and report what is known."""
    killed = sweep(root)
    records = parse_records((control / "channel.jsonl").read_bytes())
    if not records:
        raise RuntimeError("the supervisor failed: %s" % _text(control / "supervisor.err")[-2000:])
    return {"reason": "supervisor killed", "returncode": None, "main_pid": records[0]["pid"],
            "started": records[0]["t"], "ended": records[-1]["t"], "leftovers": killed, "remaining": []}


def sweep(root: Path) -> list[dict]:
    """Kill every process whose command line or environment names the run's folder."""
    import psutil

    marker = str(root)
    found = []
    for proc in psutil.process_iter(["pid", "cmdline", "environ"]):
        try:
            seen = " ".join(proc.info["cmdline"] or []) + " ".join((proc.info["environ"] or {}).values())
        except (TypeError, psutil.Error):
            continue
        if marker in seen and proc.pid != os.getpid():
            found.append(proc)
    for proc in found:
        try:
            proc.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(found, timeout=2)
    return [{"pid": p.pid, "ppid": None, "cmdline": []} for p in found]


def _waits(path: Path, started: float) -> tuple[tuple[float, float], ...]:
    """The supervisor's log of the time the machine kept the program waiting for a CPU (lines of
    "when waited", ProgramClock), times made relative to `started`."""
    found = []
    for line in _text(path).splitlines():
        try:
            when, waited = (float(x) for x in line.split())
        except ValueError:
            continue   # a line still being written
        found.append((when - started, waited))
    return tuple(found)


def _watch(supervisor: subprocess.Popen, channel: Path, waits: Path, spec: RunSpec) -> str:
    """Watch the run; ask the supervisor to stop early once `stop_when` holds on what ran so far
    ("stopped"), or once the program's processes keep crashing ("crash loop"). Returns why it
    asked, or "" when it did not. `stop_when` counts time as the supervisor does (its log of
    the program's waits for a CPU: `waits`)."""
    records: list[dict] = []
    offset = tracebacks = 0
    while supervisor.poll() is None:
        time.sleep(WATCH_SECONDS)
        with open(channel, "rb") as handle:
            handle.seek(offset)
            chunk = handle.read()
        complete = chunk.rfind(b"\n") + 1  # a record still being written waits for the next look
        offset += complete
        new = parse_records(chunk[:complete])
        records.extend(new)
        tracebacks += sum(r.get("ev") == "line" and str(r.get("x", "")).startswith("Traceback (most recent")
                          for r in new)
        reason = ""
        if tracebacks >= CRASH_LOOP_TRACEBACKS:
            reason = "crash loop"
        elif spec.stop_when is not None and new:
            since_start = time.monotonic() - min(r.get("t", 0) for r in records)  # one system-wide clock
            first = min(records, key=lambda r: r.get("t", 0))
            partial = build_trace(records, first["pid"], first["t"],
                                  Outcome("running", None, since_start, spec.budget,
                                          waits=_waits(waits, first["t"])),
                                  spec.warp, spec.start_method)
            reason = "stopped" if spec.stop_when(partial) else ""
        if reason:
            try:
                supervisor.stdin.write(b"stop\n")
                supervisor.stdin.flush()
            except OSError:
                pass
            return reason
    return ""


def _stacks(folder: Path) -> tuple[tuple[int, str], ...]:
    dumps = []
    for path in sorted(folder.glob("*.txt")):
        text = _text(path)
        if text.strip():
            dumps.append((int(path.stem), text))
    return tuple(dumps)


def _text(path: Path, limit: int = 200_000) -> str:
    """A grader's own file (a stack dump, the supervisor's errors), bounded."""
    return _read_text(path, limit)[0]


def _read_text(path: Path, limit: int) -> tuple[str, bool]:
    """The file's text, at most `limit` bytes of it, and whether it was longer."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError:
        return "", False
    return data[:limit].decode("utf-8", "replace"), len(data) > limit
