"""Instrumentation loaded into every Python process of a graded program.

The runner puts this folder on PYTHONPATH, so the interpreter imports this module at start-up in
the program's main process, in spawn children and in the forkserver (whose children inherit it);
fork children inherit the patched state.
It records facts, never verdicts, as JSON lines sent to the supervisor over a Unix socket (one
connection per process), which stamps each with the sender's kernel-reported pid:

  exec   a new interpreter started (pid, ppid, argv)
  fork   os.fork() returned in a child (pid, ppid)
  mp_start / mp_end    a multiprocessing child ran its target (logical parent, name, target, exit code)
  start_called         main called Process.start() (before the real start: when the child was
                       asked for, not when it began to run, which under spawn is 0.2 s later or more)
  spawned / reaped     a parent started a child / saw it end with an exit code (the parent's view;
                       also a raw child reaped with os.wait*/waitpid)
  asked                the program read a child's state from its Process object: is_alive() or
                       exitcode, with the value it got (recorded when the value changes)
  terminate / terminate_sent   terminate() was called / its SIGTERM was sent
  line   one line written to sys.stdout or sys.stderr (pid, thread, text, how it ended; "lost"
         when the file descriptor under it no longer led to the run's captured output, as after
         os.dup2(devnull, 1): the line was written, but nobody could see it)
  open   a file opened for writing, seen by an audit hook (pid, path)
  task_done   a pool task (or a chunk of a map) came back to the process that handed it out
  task_sent   apply_async() handed a task to a pool (job, function, a short repr of its args)
  task_start / task_end   a pool worker began / returned from a task (job, function, args; ok)
  q      a call on one of the program's queues (a multiprocessing.Queue or a Manager's queue
         proxy): which queue (an id the same in every process), put/get/empty/full/qsize, a short
         repr of the item, blocking or not (and the timeout asked for), the outcome (ok, Empty,
         Full, or the answer); at
         most MAX_QUEUE_RECORDS puts and gets and MAX_QUEUE_QUESTIONS questions per process (a
         copier's progress queue sees thousands of puts), then one q_cap record
  asking the same question asked again and again with no wait in between reached 100, 1,000,
         ... in a row (a queue found empty, a pool task not done, a child still running, the
         clock read from the program's file: a busy-wait), with the program's line that asked
  exit   the process ends (its peak memory; the most of each question it asked in a row)

It also scales time.sleep (and the timeouts of multiprocessing queues and of Process.join) by
PROCGRADE_WARP so the tutorial's one-second pacing stays in the learner's code while a run takes a
fraction of a second, and makes time.time() report the matching virtual time.

This module must stay standard-library only, import little, and never raise into learner code.
"""

import itertools
import json
import os
import sys
import threading
import time

# The supervisor's socket. Each process connects once (again after a fork) and the supervisor
# stamps every record with the pid the kernel reports for that connection (SO_PEERCRED): a
# program can write records, but only as itself, and never into the channel file directly.
_SOCKET = os.environ.get("PROCGRADE_SOCKET")


def _install() -> None:  # noqa: C901 - one place that wires every hook, in order
    warp = float(os.environ.get("PROCGRADE_WARP", "1") or 1)
    t0_wall = float(os.environ.get("PROCGRADE_T0", "0") or 0)
    ready_dir = os.environ.get("PROCGRADE_READY_DIR", "")
    stacks_dir = os.environ.get("PROCGRADE_STACKS_DIR", "")
    start_method = os.environ.get("PROCGRADE_START_METHOD", "")
    max_records = int(os.environ.get("PROCGRADE_MAX_LINES", "20000"))
    max_text = int(os.environ.get("PROCGRADE_MAX_TEXT", "4000"))
    # (st_dev, st_ino) of the files the supervisor captures fds 1 and 2 into
    captured = [tuple(int(n) for n in ident.split(":")) for ident in
                os.environ.get("PROCGRADE_OUTPUTS", "").split(",") if ident.count(":") == 1]
    # the grader's own files: never recorded as the learner's
    control_dir = os.environ.get("PROCGRADE_CONTROL") or os.path.dirname(_SOCKET)
    authkey = os.environ.get("PROCGRADE_AUTHKEY", "")
    dumps_by_files = os.environ.get("PROCGRADE_DUMPS") == "files"
    monotonic_ns = time.monotonic_ns   # the real clock: the program's own reads are counted (below)

    # "util": multiprocessing.util was imported before this module; "rejoin": its exit function
    # is to be registered again after this module's own
    exit_order = {"util"} if "multiprocessing.util" in sys.modules else set()

    def connect():
        """(send, close) of a connection to the supervisor, or None. The linux backend: a plain
        Unix socket, the kernel names the sender. The portable one: multiprocessing.connection
        (a Unix socket or a Windows named pipe) with the run's authkey."""
        if authkey:
            try:
                import atexit
                import multiprocessing.util as mp_util
                # importing multiprocessing.connection imports multiprocessing.util, which
                # registers its exit function (it joins the children) here, before this
                # module's own "exit" record: registered again below, after it, so that both
                # run in the order they run without this import (a process's end is told after
                # it joined its children)
                if not exit_order:
                    atexit.unregister(mp_util._exit_function)
                    exit_order.add("rejoin")
                from multiprocessing.connection import Client
                conn = Client(_SOCKET, "AF_PIPE" if _SOCKET.startswith("\\\\") else "AF_UNIX",
                              authkey=bytes.fromhex(authkey))
            except Exception:
                return None
            return conn.send_bytes, conn.close
        import _socket
        sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        try:
            sock.connect(_SOCKET)
        except OSError:
            sock.close()
            return None
        return measured_sendall(sock, _socket.MSG_DONTWAIT), sock.close

    def measured_sendall(sock, dontwait):
        """sock.sendall, and where it has to wait for the supervisor to read (the socket is full
        while the supervisor is behind, on a busy machine), how long: the grader's wait, not the
        program's. Kept per thread in STACKS_DIR/PID-TID.sendwait ("ns since_ns", since_ns while a
        wait is going on), which the supervisor's budget does not count (ProgramClock)."""
        waits = {}   # tid -> [fd, ns]

        def note(tid, since_ns):
            entry = waits.get(tid)
            if entry is None:
                fd = os.open(os.path.join(stacks_dir, "%d-%d.sendwait" % (os.getpid(), tid)),
                             os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
                entry = waits[tid] = [fd, 0]
            os.pwrite(entry[0], b"%020d %020d\n" % (entry[1], since_ns), 0)
            return entry

        def send(data):
            try:
                sent = sock.send(data, dontwait)
            except BlockingIOError:
                sent = 0
            if sent == len(data):
                return
            if not stacks_dir:
                return sock.sendall(data[sent:])
            tid, began = threading.get_native_id(), monotonic_ns()
            try:
                note(tid, began)
            except OSError:
                return sock.sendall(data[sent:])
            try:
                sock.sendall(data[sent:])
            finally:
                entry = waits[tid]
                entry[1] += monotonic_ns() - began
                try:
                    note(tid, 0)
                except OSError:
                    pass

        return send

    # --- questions asked in a row ---------------------------------------------------------------
    # A loop that asks again and again whether its moment has come, with no wait in between (no
    # sleep, no blocking get, no join() or pool wait), spins however busy the machine: each kind
    # of question is counted in a row, whatever the scheduler let the process run, and the
    # learner's line that asked is noted at the 100th (a program that waits asks 0-1 times in a
    # row; a spinning one, thousands). The kinds: "idle", a queue's empty(), qsize()
    # or get_nowait() that found nothing; "ready", a pool task's ready() that found it not done;
    # "alive", a child's is_alive() that found it running; "clock", time.time(), monotonic() or
    # perf_counter() called from the program's own file. Work asks none of them: a process that
    # computes is not told apart from a spinner by the CPU it uses, and is not taken for one.
    ASKED_KINDS = ("idle", "ready", "alive", "clock")
    ASKED_SAID_AT = frozenset(10 ** n for n in range(2, 8))   # 100, 1,000, ... in a row: told at once

    def new_asking() -> dict:
        return {kind: [0, 0, None] for kind in ASKED_KINDS}   # in a row now, most in a row, where

    def stopped_asking(kinds=ASKED_KINDS) -> None:
        """The process waited: the questions it asked before were not a spin."""
        for kind in kinds:
            state["asking"][kind][0] = 0

    def note_asked(kind: str, frame, found_nothing: bool = True) -> None:
        """One more question of `kind` in a row (`frame`: the caller of what was asked); an answer
        that found something ends the row."""
        counts = state["asking"][kind]
        if not found_nothing:
            counts[0] = 0
            return
        counts[0] += 1
        if counts[0] > counts[1]:
            counts[1] = counts[0]
            if counts[1] in ASKED_SAID_AT:   # said as it grows: a process stopped by the grader ends unheard
                if counts[2] is None:
                    counts[2] = learner_line(frame)
                emit({"ev": "asking", "asked": {kind: [counts[1], counts[2]]}})

    def asked() -> dict:
        """For a process's last record: the most questions of each kind it asked in a row, and where."""
        return {"asked": {kind: [most, at] for kind, (_now, most, at) in state["asking"].items() if most}}

    state = {"pid": os.getpid(), "lines": 0, "asking": new_asking(), "sock": connect()}
    monotonic = time.monotonic

    def emit(record: dict) -> None:
        if "asleep_flag" in state and record.get("ev") not in ("terminate", "terminate_sent"):
            release_children()   # it does something: awake (see the pacing below)
        record["pid"] = state["pid"]
        record["t"] = monotonic()
        sock = state["sock"]
        if sock is None:
            return
        try:
            sock[0]((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8", "replace"))
        except (OSError, ValueError):
            pass

    def release_children() -> None:
        """The pacing (PROCGRADE_PARENT_PACES, below): this process is awake and has acted."""
        flag = state.get("asleep_flag")
        if flag:
            try:
                os.unlink(flag)
            except FileNotFoundError:
                pass
            except OSError:
                return   # Windows: a child is reading it right now; the next record tries again
            state.pop("asleep_flag", None)

    emit({"ev": "exec", "ppid": os.getppid(), "argv": list(getattr(sys, "orig_argv", sys.argv))})

    # --- time warp -------------------------------------------------------------------------
    real_sleep = time.sleep
    real_time = time.time

    # A warped sleep shorter than a wake-up costs (about 0.1 ms) is owed rather than slept, and
    # slept with the next ones once they add up to 1 ms: the time slept stays seconds * warp in
    # total, and tens of thousands of tiny sleeps (the tutorial's copier sleeps random() seconds
    # per KiB copied) do not cost tens of thousands of wake-ups.
    shortest_sleep = 0.001
    owed = [0.0]

    # PROCGRADE_PARENT_PACES (a grader's perturbation, for ex03): a child's sleep does not end
    # before its parent has begun to sleep (or to join it), nor while the parent is asleep past
    # the moment its sleep should have ended. On a busy machine a parent can run hundreds of ms
    # late; without this its child would run ahead meanwhile, and a program that stops the child
    # in time (by its own clock) would be seen stopping it late. At most 1 s of holding in all.
    # A parent woken from its sleep counts as asleep until it does something (its next record,
    # or the end of a terminate()): woken, it can wait long for a CPU on a busy machine (200 ms
    # once at load 14, in ex03), and its child must not run ahead meanwhile.
    parent_paces = bool(os.environ.get("PROCGRADE_PARENT_PACES")) and bool(ready_dir)

    def asleep_flag(pid) -> str:
        return os.path.join(ready_dir, "asleep-%s" % pid)

    # The program's own time, as the supervisor's budget counts it: the clock less what the machine
    # kept the program waiting for a CPU that others held (the supervisor appends "when waited"
    # lines to PROCGRADE_WAITS), that wait counted up to the share that stretches a span STRETCH
    # times on the clock (states.program_seconds). Where the supervisor sees no such wait (the
    # portable backend), it is the clock. The holds below are bounded in it: on a busy machine a
    # parent's 0.5 s of work took 4 s of the clock at load 15, and a 1 s hold on the clock let
    # its child run ahead.
    waits_log = os.environ.get("PROCGRADE_WAITS", "")
    stretch = float(os.environ.get("PROCGRADE_STRETCH", "1") or 1)

    def machine_waited() -> float:
        if not waits_log:
            return 0.0
        try:
            with open(waits_log, "rb") as handle:
                handle.seek(max(0, handle.seek(0, 2) - 64))
                lines = handle.read().split(b"\n")
            return float(lines[-2].split()[1]) if len(lines) > 1 else 0.0
        except (OSError, ValueError, IndexError):
            return 0.0

    def own_clock():
        """A start for own_seconds."""
        return monotonic(), machine_waited()

    def own_seconds(since) -> float:
        clock = monotonic() - since[0]
        return clock - min(max(0.0, machine_waited() - since[1]), clock * (1 - 1 / stretch))

    def hold(released, key: str, seconds: float) -> None:
        """Wait, polling released() every 2 ms, until it holds: at most `seconds` of the program's
        own time in all for this process under `key` (a grader's perturbation never hangs a
        program)."""
        since = own_clock()
        left = seconds - state.get(key, 0.0)
        while own_seconds(since) < left and not released():
            real_sleep(0.002)
        state[key] = state.get(key, 0.0) + own_seconds(since)

    def parent_joins_me() -> bool:
        return os.path.exists(os.path.join(ready_dir, "joining-%d" % os.getpid()))

    def parent_lets_me_go(parent) -> bool:
        if not (os.path.exists(os.path.join(ready_dir, "slept-%s" % parent)) or parent_joins_me()):
            return False   # the parent has not reached its sleep (or join) yet
        try:
            with open(asleep_flag(parent)) as handle:
                due = float(handle.read() or 0)
        except (OSError, ValueError):
            return True    # awake
        return monotonic() <= due   # asleep, and not late

    def wait_for_parent() -> None:
        parent = state.get("mp_parent")
        if parent is not None:
            hold(lambda: parent_lets_me_go(parent), "paced", 1.0)

    # PROCGRADE_FIRST_LINE_WAITS (a grader's perturbation, for ex02 and ex03): a child's first
    # line waits until its parent has given it time: has slept (or waited for it in join()) after
    # starting it and before calling terminate() on it. start() returns once the child runs its
    # target (below), which a real start() does not: in ex03 a main that calls terminate() right
    # after start() let its child print a round first in 7 gradings of 9 (full marks for a program
    # that gives its child no time); in ex02 a daemon child of a main that ended at once printed
    # both its lines in 2 of 9. Run for real, those children print nothing; now they print
    # nothing, every time. At most 1 s of the program's own time.
    first_line_waits = bool(os.environ.get("PROCGRADE_FIRST_LINE_WAITS")) and bool(ready_dir)

    def parent_gave_me_time() -> bool:
        def flag(kind: str) -> bool:
            return os.path.exists(os.path.join(ready_dir, "%s-%d" % (kind, os.getpid())))
        return flag("gave") or (flag("joining") and not flag("terminating"))

    def wait_for_time_given() -> None:
        if first_line_waits and state.get("mp_parent") is not None and not state.get("time_given"):
            state["time_given"] = True
            hold(parent_gave_me_time, "first_line", 1.0)

    def give_children_time() -> None:
        """Main sleeps: each child it started and has not terminated may print."""
        for popen in state.get("paced_children", ()):
            if popen.pid not in state.setdefault("gave", set()):
                state["gave"].add(popen.pid)
                if not getattr(popen, "_procgrade_terminating", False):
                    touch_flag("gave-%d" % popen.pid)
                    emit({"ev": "gave_time", "child": popen.pid})

    # PROCGRADE_PARENT_PACES, again: the parent's sleep does not end before each child it started
    # has reached a sleep of its own (or ended): the program's head start (main's sleep(1) after
    # start()) is measured in the child's work, not in the clock. At a load of 16 a child entered
    # its target 0.24 s before main's warped sleep ended, was still inside its first
    # subprocess.Popen() when terminate() came, and printed nothing (ex03, forkserver, 1 grading
    # in 910); run for real, main's 1 s is always enough. At most 1 s of the program's own time.
    def mark_rested() -> None:
        if parent_paces and state.get("mp_parent") is not None and not state.get("rested"):
            state["rested"] = True
            touch_flag("rested-%d" % os.getpid())

    def children_rested() -> bool:
        return all(os.path.exists(os.path.join(ready_dir, "rested-%d" % popen.pid)) or has_ended(popen)
                   for popen in state.get("paced_children", ()))

    def has_ended(popen) -> bool:
        """The child is over (killed before it could say so), seen without reaping it: reaping is
        the program's to do, and its "reaped" record says when the program saw the end."""
        from multiprocessing.connection import wait
        try:
            return bool(wait([popen.sentinel], 0))
        except (OSError, ValueError, AttributeError):
            return True   # closed: the program joined it already

    def sleep(seconds):
        if isinstance(seconds, (int, float)) and seconds > 0:
            stopped_asking()   # a loop that sleeps between its questions is not spinning (sleep(0) only yields)
        task_acted()
        if first_line_waits:
            give_children_time()
        if hold_tasks and "latest_pool" in state and head_start(seconds):
            return None
        if warp == 1.0 or not seconds > 0:
            return real_sleep(seconds)
        owed[0] += seconds * warp
        if owed[0] < shortest_sleep:
            return None
        due, owed[0] = owed[0], 0.0
        if not parent_paces:
            return real_sleep(due)
        mark_rested()
        return paced_wait(due, real_sleep)

    def paced_wait(due: float, wait):
        """wait(due), a wait of `due` seconds on the clock, paced as a sleep (PARENT_PACES): the
        children see this process asleep until it acts again, and it does not wait less than it
        takes each child to reach a sleep of its own."""
        flag = asleep_flag(os.getpid())
        try:
            with open(flag + ".tmp", "w") as handle:
                handle.write(repr(monotonic() + due))
            os.replace(flag + ".tmp", flag)
            touch_flag("slept-%d" % os.getpid())
        except OSError:
            pass
        try:
            result = wait(due)
            if state.get("paced_children"):
                hold(children_rested, "children_rested", 1.0)
            return result
        finally:
            state["asleep_flag"] = flag   # until its next record: release_children()
            wait_for_parent()

    sleep.__doc__ = real_sleep.__doc__
    time.sleep = sleep

    if warp != 1.0:
        def virtual_time():
            now = real_time()
            return t0_wall + (now - t0_wall) / warp if t0_wall else now

        time.time = virtual_time

    # --- output lines ----------------------------------------------------------------------
    class LineRecorder:
        """Wraps sys.stdout / sys.stderr: passes writes through and records each line."""

        def __init__(self, inner, stream: str, expected) -> None:
            self._inner = inner
            self._stream = stream
            self._partial = ""
            self._partial_lost = False
            self._expected = expected   # (st_dev, st_ino) its fd must lead to; None: unknown
            try:
                self._fd = inner.fileno()
            except Exception:
                self._fd = None

        def write(self, text):
            if text:
                wait_for_time_given()
            n = self._inner.write(text)
            try:
                self._record(text, self._lost())
            except Exception:  # the recorder must never break the learner's print
                pass
            return n

        def _lost(self) -> bool:
            """The write went somewhere other than the run's captured output."""
            if self._expected is None or self._fd is None:
                return False
            try:
                st = os.fstat(self._fd)
            except OSError:
                return True
            return (st.st_dev, st.st_ino) != self._expected

        def writelines(self, lines):
            for line in lines:
                self.write(line)

        def _record(self, text, lost: bool) -> None:
            if not isinstance(text, str):
                return
            buf = self._partial + text
            self._partial_lost = self._partial_lost or lost
            start = 0
            for i, ch in enumerate(buf):
                if ch == "\n" or ch == "\r":
                    self._emit_line(buf[start:i], ch)
                    start = i + 1
            self._partial = buf[start:]
            if len(self._partial) > max_text:
                self._emit_line(self._partial, "")
                self._partial = ""

        def _emit_line(self, text: str, end: str) -> None:
            lost, self._partial_lost = self._partial_lost, False
            if end == "\r" and not text:
                return  # a bare "\r" before the next progress value is not a line
            state["lines"] += 1
            if state["lines"] > max_records:
                if state["lines"] == max_records + 1:
                    emit({"ev": "flood", "s": self._stream})
                return
            record = {"ev": "line", "s": self._stream, "th": threading.current_thread().name,
                      "x": text[:max_text], "end": end}
            if len(text) > max_text:
                record["cut"] = len(text)   # said, so that no check judges the part not sent
            if lost:
                record["lost"] = True
            emit(record)

        def flush_partial(self) -> None:
            if self._partial:
                self._emit_line(self._partial, "")
                self._partial = ""

        def reset_after_fork(self) -> None:
            self._partial = ""
            self._partial_lost = False

        def flush(self):
            return self._inner.flush()

        def __getattr__(self, name):
            return getattr(self._inner, name)

    recorders = []
    for i, (name, tag) in enumerate((("stdout", "o"), ("stderr", "e"))):
        inner = getattr(sys, name, None)
        if inner is not None:
            recorder = LineRecorder(inner, tag, captured[i] if len(captured) == 2 else None)
            recorders.append(recorder)
            setattr(sys, name, recorder)
            setattr(sys, "__%s__" % name, recorder)

    def flush_partials() -> None:
        for recorder in recorders:
            recorder.flush_partial()

    # --- stack dumps on request: the supervisor's diagnosis of a hang (PID.txt, every thread).
    # Asked by signal (SIGUSR1), or, where there are no such signals (PROCGRADE_DUMPS=files), by a
    # request file (PID.ask) a watcher thread answers
    def register_stack_dump(at_start: bool) -> None:
        if not stacks_dir:
            return
        import faulthandler
        import signal
        signum = getattr(signal, "SIGUSR1", None)
        try:
            # what faulthandler puts back when the interpreter ends: a request that comes in
            # then (the supervisor asks while the process is still busy) must not kill it. Not
            # again after a fork: the child inherits the registration, and replacing its
            # handler would leave faulthandler believing it is still installed
            if at_start and signum is not None and not dumps_by_files:
                signal.signal(signum, signal.SIG_IGN)
        except (OSError, ValueError):
            pass
        try:
            handle = open(os.path.join(stacks_dir, "%d.txt" % os.getpid()), "w")
            state["stack_file"] = handle  # keep it open for the process's life
            if signum is not None and not dumps_by_files:
                faulthandler.register(signum, file=handle, all_threads=True)
        except (OSError, ValueError, AttributeError):
            pass
        if dumps_by_files:
            threading.Thread(target=answer_requests, name="procgrade-dumps", daemon=True).start()

    def answer_requests() -> None:
        """PID.ask: every thread's stack to PID.txt, in faulthandler's words."""
        import faulthandler
        pid = os.getpid()
        ask = os.path.join(stacks_dir, "%d.ask" % pid)
        while pid == os.getpid():   # a forked child has its own watcher
            real_sleep(0.02)
            try:
                if os.path.exists(ask):
                    os.unlink(ask)
                    faulthandler.dump_traceback(file=state["stack_file"], all_threads=True)
            except Exception:
                pass

    register_stack_dump(at_start=True)

    import atexit
    atexit.register(lambda: emit({"ev": "exit", "rss_kb": max_rss_kb(), **asked()}))
    atexit.register(flush_partials)
    if "rejoin" in exit_order:
        atexit.register(sys.modules["multiprocessing.util"]._exit_function)

    def after_fork_in_child() -> None:
        inherited = state["sock"]
        if inherited is not None:
            try:
                inherited[1]()  # the parent's connection speaks for the parent
            except OSError:
                pass
        state["sock"] = connect()
        state["pid"] = os.getpid()
        state["lines"] = 0
        state["asking"] = new_asking()
        state.pop("asleep_flag", None)   # the parent's
        for key in ("queue_moves", "queue_questions", "latest_pool", "released_jobs", "task", "mp_parent",
                    "paced_children", "rested", "children_rested", "time_given", "gave"):
            # the parent's counts, pools and task are not this process's; nor is its parent (a
            # multiprocessing child learns its own in _bootstrap; an os.fork() child is not paced)
            state.pop(key, None)
        for recorder in recorders:
            recorder.reset_after_fork()
        # when the parent called fork(): what "started after" means to the program, as start_called
        emit({"ev": "fork", "ppid": os.getppid(), "called": state.pop("fork_called", None)})
        register_stack_dump(at_start=False)

    def before_fork() -> None:
        state["fork_called"] = monotonic()

    if hasattr(os, "register_at_fork"):   # not on Windows: no fork there
        os.register_at_fork(before=before_fork, after_in_child=after_fork_in_child)

    # --- files opened for writing ----------------------------------------------------------
    def audit(event, args):
        if event == "open" and len(args) >= 2:
            path, mode = args[0], args[1]
            flags = args[2] if len(args) > 2 else 0
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR))
            if writing and isinstance(path, (str, bytes)) and not os.fsdecode(path).startswith(control_dir):
                emit({"ev": "open", "path": os.fsdecode(path), "w": True})

    sys.addaudithook(audit)

    # --- multiprocessing -------------------------------------------------------------------
    import multiprocessing.context as mp_context
    import multiprocessing.process as mp_process

    if start_method in mp_context._concrete_contexts:
        # Change the default without "setting" it, so a learner's own set_start_method() still works.
        mp_context._default_context._default_context = mp_context._concrete_contexts[start_method]

    def describe_target(proc) -> str:
        target = getattr(proc, "_target", None)
        if target is not None:
            module = getattr(target, "__module__", "") or ""
            module = "__main__" if module == "__mp_main__" else module
            return module + ":" + getattr(target, "__qualname__", repr(target))
        cls = type(proc)
        module = "__main__" if cls.__module__ == "__mp_main__" else cls.__module__
        return module + ":" + cls.__qualname__ + ".run"

    def waits_for_start(target: str) -> bool:
        """Learner processes and pool workers: start() returns once they run. Not the library's
        own helpers (a Manager's server already makes its caller wait until it answers)."""
        return not target.startswith("multiprocessing.") or target.startswith("multiprocessing.pool:")

    real_bootstrap = mp_process.BaseProcess._bootstrap
    real_start = mp_process.BaseProcess.start

    def kib(maxrss) -> int:
        """A ru_maxrss in KiB: macOS counts bytes."""
        return int(maxrss) >> 10 if sys.platform == "darwin" else int(maxrss)

    def max_rss_kb() -> int:
        try:
            import resource   # not on Windows: 0 there (the supervisor samples memory)
            return kib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        except Exception:
            return 0

    def _bootstrap(self, *args, **kwargs):
        state["child"] = True
        state["mp_parent"] = getattr(self, "_parent_pid", None)
        target = describe_target(self)
        # a daemon the program made itself (pool workers are daemons too: the library's own)
        state["daemon"] = bool(self.daemon) and not target.startswith("multiprocessing.")
        emit({"ev": "mp_start", "parent": getattr(self, "_parent_pid", None), "name": self.name,
              "target": target, "daemon": bool(self.daemon)})
        if ready_dir and waits_for_start(target):
            touch_flag(str(os.getpid()))
        try:
            exitcode = real_bootstrap(self, *args, **kwargs)
        finally:
            mark_rested()   # it ended: its parent's sleep need not wait for it
        flush_partials()
        emit({"ev": "mp_end", "exitcode": exitcode, "rss_kb": max_rss_kb(),
              **asked()})
        return exitcode

    def start(self):
        target = describe_target(self)
        # before the real start: what "started after" means to the program is when it asked
        emit({"ev": "start_called", "key": id(self), "name": self.name, "target": target})
        real_start(self)
        popen = self._popen
        emit({"ev": "spawned", "child": popen.pid, "name": self.name, "target": target, "key": id(self)})
        real_poll = popen.poll

        def poll(*args, **kwargs):
            code = real_poll(*args, **kwargs)
            if code is not None and not getattr(popen, "_procgrade_reaped", False):
                popen._procgrade_reaped = True
                emit({"ev": "reaped", "child": popen.pid, "exitcode": code})
            return code

        popen.poll = poll
        if (parent_paces or first_line_waits) and waits_for_start(target):
            state.setdefault("paced_children", []).append(popen)
        if ready_dir and waits_for_start(target):
            wait_until_running(popen)

    def touch_flag(name: str) -> None:
        try:
            os.close(os.open(os.path.join(ready_dir, name), os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError:
            pass

    def remove_flag(name: str) -> None:
        try:
            os.unlink(os.path.join(ready_dir, name))
        except OSError:
            pass   # gone already; where it stays, the holds that read it end at their own bound

    real_join = mp_process.BaseProcess.join

    def join(self, timeout=None):
        # said before waiting, for a child that holds its puts back until someone waits for it
        # (PROCGRADE_SLOW_PUT): a parent that joins it lets it go on
        if ready_dir and self._popen is not None:
            touch_flag("joining-%d" % self._popen.pid)
        send_deferred_terminate(self._popen)
        stopped_asking()
        if self._popen is not None and not getattr(self._popen, "_procgrade_reaped", False):
            emit({"ev": "join", "child": self._popen.pid})   # the timeline shades the wait until it is reaped
        if warp != 1.0 and isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and timeout > 0:
            # join(1) waits 1 s of the program's time, as sleep(1) does: warped, and paced like it
            # (ex03's `p.join(1)` before terminate() let the child end all its warped rounds)
            if first_line_waits:
                give_children_time()
            if parent_paces:
                return paced_wait(timeout * warp, lambda due: join_within(self, due))
            return join_within(self, timeout * warp)
        return real_join(self, timeout)

    def join_within(proc, seconds: float) -> None:
        """join(timeout) with the timeout counted in the program's own time: what a busy machine
        kept the program waiting for a CPU does not shorten it (the child's work is slowed too)."""
        since = own_clock()
        while True:
            real_join(proc, max(0.0, seconds - own_seconds(since)))
            if real_exitcode.fget(proc) is not None or own_seconds(since) >= seconds:
                return None

    mp_process.BaseProcess.join = join

    # --- what the program read of its children's state ------------------------------------
    real_is_alive = mp_process.BaseProcess.is_alive
    real_exitcode = mp_process.BaseProcess.exitcode

    def note_read(proc, what: str, value) -> None:
        """Record a read of a child's state when its value differs from the last one recorded
        for that child: a loop on is_alive() makes one record per change, not one per call."""
        try:
            popen = proc._popen
            if popen is None:
                return
            key = ("asked", popen.pid, what)
            if key in state and state[key] == value:
                return
            if ready_dir and key not in state:
                touch_flag("joining-%d" % popen.pid)   # it waits for that child: a held child goes on
            state[key] = value
            emit({"ev": "asked", "child": popen.pid, "what": what, "value": value})
        except Exception:
            pass

    def is_alive(self):
        value = real_is_alive(self)
        note_read(self, "is_alive", value)
        if value is True:
            note_asked("alive", sys._getframe(1))
        return value

    def exitcode(self):
        value = real_exitcode.fget(self)
        note_read(self, "exitcode", value)
        return value

    mp_process.BaseProcess.is_alive = is_alive
    mp_process.BaseProcess.exitcode = property(exitcode, doc=real_exitcode.__doc__)

    def wait_until_running(popen) -> None:
        """Return once the child runs its target (or died): start-up cost stays out of the
        learner's warped sleeps, so a 1 s sleep after start() really overlaps the child's work."""
        flag = os.path.join(ready_dir, str(popen.pid))
        deadline = monotonic() + 10.0
        while not os.path.exists(flag) and monotonic() < deadline:
            if popen.poll() is not None:
                return
            real_sleep(0.001)

    mp_process.BaseProcess._bootstrap = _bootstrap
    mp_process.BaseProcess.start = start

    # terminate() is always recorded, and sends what it always sends (SIGTERM). A grader's
    # perturbation (PROCGRADE_TERMINATE_DEFER, seconds): its signal is sent only when the program
    # next waits for that child in join(), or that many seconds later, so that a state read
    # between terminate() and join() always finds the child still alive, however the machine
    # schedules the processes; a program that joins loses nothing.
    terminate_defer = float(os.environ.get("PROCGRADE_TERMINATE_DEFER", "0") or 0)
    real_terminate = mp_process.BaseProcess.terminate

    def send_deferred_terminate(popen) -> None:
        try:
            pending = popen is not None and popen.__dict__.pop("_procgrade_pending", False)
        except Exception:
            return
        if pending:
            emit({"ev": "terminate_sent", "child": popen.pid})
            popen.terminate()

    def terminate(self):
        try:
            return paced_terminate(self)
        finally:
            release_children()   # SIGTERM is on its way: the child may run on to its end

    def paced_terminate(self):
        popen = self._popen
        if first_line_waits and popen is not None:
            popen._procgrade_terminating = True
            touch_flag("terminating-%d" % popen.pid)
        if popen is not None:
            emit({"ev": "terminate", "child": popen.pid})
        if not terminate_defer or popen is None or popen.returncode is not None:
            if popen is not None:
                emit({"ev": "terminate_sent", "child": popen.pid})
            return real_terminate(self)
        self._check_closed()
        popen._procgrade_pending = True
        timer = threading.Timer(terminate_defer, send_deferred_terminate, (popen,))
        timer.daemon = True
        timer.start()
        return None

    mp_process.BaseProcess.terminate = terminate

    def posing_as(wrapper, real):
        """`wrapper`, named as the os function it replaces: pickled by reference (a Pool's
        initializer=os.setsid, under spawn) it is found again as os.<name>."""
        wrapper.__module__, wrapper.__name__, wrapper.__qualname__ = "os", real.__name__, real.__name__
        wrapper.__doc__ = real.__doc__
        return wrapper

    # --- children reaped by the program: os.fork()'s, and multiprocessing's own --------------
    # Where the system has wait4, every wait is made through it, so that a reaped child's peak
    # memory comes with its end: a process killed at the program's end (a Pool's workers, by
    # terminate()) sends no exit record, and the supervisor's sampling can miss a peak held for
    # less than one look (ex07: 1 grading in 420 at load 50).
    def reaped_by(real_wait, waited):
        """`real_wait`, made through `waited` (which gives (pid, status, rusage or None))."""
        def wait(*args, **kwargs):
            pid, status, rusage = waited(*args, **kwargs)
            try:
                if pid > 0 and (os.WIFEXITED(status) or os.WIFSIGNALED(status)):
                    emit({"ev": "reaped", "child": pid, "exitcode": os.waitstatus_to_exitcode(status),
                          "rss_kb": kib(rusage.ru_maxrss) if rusage is not None else 0})
            except Exception:
                pass
            return (pid, status, rusage) if real_wait.__name__ in ("wait3", "wait4") else (pid, status)
        return posing_as(wait, real_wait)

    real_waits = {name: getattr(os, name) for name in ("wait", "waitpid", "wait3", "wait4") if hasattr(os, name)}
    wait4 = real_waits.get("wait4")
    if wait4 is not None:
        waited = {"wait": lambda: wait4(-1, 0), "waitpid": wait4, "wait3": lambda options: wait4(-1, options),
                  "wait4": wait4}
    else:   # Windows: os.waitpid alone, on a process handle, and no rusage
        waited = {"waitpid": lambda *args: (*real_waits["waitpid"](*args), None)}
    for wait_name, real in real_waits.items():
        setattr(os, wait_name, reaped_by(real, waited[wait_name]))

    # os.setsid() is said as it happens: the supervisor sees a process in a session of its own
    # only if it looks while that process lives, and at load 40 it missed a daemonized grandchild
    # that lived 0.25 s (ex02, 2 gradings in 100)
    real_setsid = getattr(os, "setsid", None)
    if real_setsid is not None:
        def setsid():
            session = real_setsid()
            emit({"ev": "setsid"})
            return session
        os.setsid = posing_as(setsid, real_setsid)

    def patch_subprocess(subprocess) -> None:
        """Popen(..., start_new_session=True) calls setsid() in the child it forks, before exec:
        said by the parent once the child exists (a helper that lived 0.3 s went unseen at load
        56, ex03, 2 gradings in 100)."""
        real_init = subprocess.Popen.__init__

        def __init__(self, args, *more, **kwargs):
            real_init(self, args, *more, **kwargs)
            if kwargs.get("start_new_session"):
                try:
                    argv = [args] if isinstance(args, (str, bytes, os.PathLike)) else list(args)
                    emit({"ev": "setsid", "child": self.pid,
                          "argv": [a if isinstance(a, str) else os.fsdecode(a) for a in argv][:8]})
                except Exception:
                    pass
        subprocess.Popen.__init__ = __init__

    # --- patches applied when the learner's program imports these modules ---------------
    slow_put = float(os.environ.get("PROCGRADE_SLOW_PUT", "0") or 0)
    PUT_HOLD_SECONDS = 2.0   # a spawned reader boots in 0.2-0.5 s at a load of 10, over 1 s at 40

    def hold_back_put() -> None:
        """A child's put waits, the first time, until another child of the program is running
        its target, or its parent joins it (at most PUT_HOLD_SECONDS in all): a reader started
        after the writer then always finds the writer still putting, however late it boots
        on a busy machine, so a reader that stops on empty() loses items every time, not only
        when it happens to start early."""
        if not ready_dir or state.get("put_released"):
            return
        me = str(os.getpid())

        def another_child_runs() -> bool:
            try:
                return any(n.isdigit() and n != me for n in os.listdir(ready_dir))
            except OSError:
                return True

        hold(lambda: another_child_runs() or parent_joins_me(), "put_held", PUT_HOLD_SECONDS)
        state["put_released"] = True

    # PROCGRADE_GET_ENOUGH "T S" (for ex05, whose writer sleeps under 1 s between puts): a blocking
    # get with a timeout of T program seconds or more is long enough in a real run for every item
    # to come, but warped like a sleep it lasted less than the grader's own slowing of the writer
    # (PROCGRADE_SLOW_PUT): it waits at least S seconds of the program's own time. A shorter
    # timeout stays warped, and loses the race it has in a real run every time.
    get_enough = tuple(float(x) for x in os.environ.get("PROCGRADE_GET_ENOUGH", "").split()[:2])

    # PROCGRADE_HOLD_DAEMON_GETS (a grader's perturbation, for ex05): a daemon child's first get
    # waits until its parent joins it or asks whether it is alive (at most GET_HOLD_SECONDS). A
    # daemon is stopped when its parent ends: a parent that never waits for its daemon reader
    # then ends before the reader gets anything, every time, instead of only when the reader
    # happens to boot late; a parent that joins it loses nothing.
    hold_daemon_gets = bool(os.environ.get("PROCGRADE_HOLD_DAEMON_GETS")) and bool(ready_dir)
    GET_HOLD_SECONDS = 2.0

    def hold_back_daemon_get() -> None:
        if hold_daemon_gets and state.get("daemon") and not state.get("get_released"):
            hold(parent_joins_me, "get_held", GET_HOLD_SECONDS)
            state["get_released"] = True

    MAX_QUEUE_RECORDS = 2000    # puts and gets, per process
    MAX_QUEUE_QUESTIONS = 200   # empty(), full(), qsize(), per process
    ITEM_CHARS = 60
    PLAIN = (str, int, float, bool, bytes, type(None))

    def short_repr(obj, depth: int = 0) -> str:
        """A bounded repr that never runs the learner's code (no __repr__ of their classes)."""
        if type(obj) in PLAIN:
            text = repr(obj)
        elif type(obj) in (tuple, list) and depth < 2:
            inner = ", ".join(short_repr(x, depth + 1) for x in obj[:6]) + (", ..." if len(obj) > 6 else "")
            text = ("(%s,)" if type(obj) is tuple and len(obj) == 1 else "(%s)" if type(obj) is tuple
                    else "[%s]") % inner
        else:
            text = "<%s>" % type(obj).__name__
        return text if len(text) <= ITEM_CHARS else text[:ITEM_CHARS - 1] + "…"

    no_item = object()
    WAIT_NOTED_SECONDS = 0.002   # a blocking put or get that waited longer says when it began

    def note_queue_call(queue_id: str, op: str, block: bool, outcome: str, item=no_item,
                        began: float = 0.0, timeout=None) -> None:
        """Record one call on a queue (never raises: called from the learner's put and get).
        `began`: when a blocking put or get was called (the timeline shades its wait); `timeout`:
        the one the program asked for, in its own seconds (before the warp)."""
        try:
            # questions get a budget of their own: a reader spinning on empty() must not use up
            # the records of the gets that follow
            kind, most = ("queue_moves", MAX_QUEUE_RECORDS) if op in ("put", "get") else \
                ("queue_questions", MAX_QUEUE_QUESTIONS)
            state[kind] = state.get(kind, 0) + 1
            if state[kind] > most:
                if state[kind] == most + 1:
                    emit({"ev": "q_cap", "op": op})
                return
            record = {"ev": "q", "q": queue_id, "op": op, "b": bool(block), "out": outcome}
            if item is not no_item:
                record["x"] = short_repr(item)
            if began and block and op in ("put", "get") and monotonic() - began > WAIT_NOTED_SECONDS:
                record["t0"] = began
            if block and isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
                record["to"] = float(timeout)
            emit(record)
        except Exception:
            pass

    def outcome_of(error: BaseException) -> str:
        name = type(error).__name__
        return name if name in ("Empty", "Full") else "error"

    def mp_queue_id(q) -> str:
        """The same in every process: the name of the queue's read lock (a named semaphore under
        spawn and forkserver); under fork, where it has none, the creator's pid and the queue's
        number there, stamped when it was made, which a forked child inherits."""
        try:
            name = q._rlock._semlock.name
            return "mp%s" % name if name else getattr(q, "_procgrade_id", "mp:%x" % id(q))
        except Exception:
            return "mp:?"

    # --- shared by multiprocessing's queues and a Manager's (patch_queues, patch_managers) ------
    def slowed() -> None:
        if slow_put and state.get("child"):
            hold_back_put()
            real_sleep(slow_put)

    def long_enough(asked) -> bool:
        """A blocking get's timeout (program seconds) that lets every item come in a real run."""
        return bool(get_enough) and isinstance(asked, (int, float)) and asked >= get_enough[0]

    def get_long_enough(get_within, timeout):
        """A get whose timeout is long_enough: it waits at least get_enough's second figure of the
        program's own time. `get_within(seconds)`: the queue's blocking get with that timeout."""
        import queue as queue_module
        since, most = own_clock(), max(timeout, get_enough[1])
        while True:
            try:
                return get_within(max(0.0, most - own_seconds(since)))
            except queue_module.Empty:
                if own_seconds(since) >= most:
                    raise

    def patch_queues(mp_queues) -> None:
        """Queue timeouts are waits in the learner's program too: scale them like sleep. And,
        when asked, make children put slowly: a reader that takes empty() for "the writer is
        done" then shows that it loses items. Every put, get and question is recorded, on
        Queue, JoinableQueue (its own put) and SimpleQueue alike."""

        def recorded(self, op, block, call, item=no_item, asked=None):
            if getattr(self, "_procgrade_internal", False):
                return call()   # a pool's own task and result queues: the library's, not the learner's
            if op == "get":
                hold_back_daemon_get()
            if op == "get" and block:
                stopped_asking()
            began = monotonic()
            try:
                result = call()
            except Exception as error:
                if op == "get" and not block and type(error).__name__ == "Empty":
                    note_asked("idle", sys._getframe(1))
                note_queue_call(mp_queue_id(self), op, block, outcome_of(error), item, began, asked)
                raise
            if op == "get" and not block:
                note_asked("idle", sys._getframe(1), found_nothing=False)
            note_queue_call(mp_queue_id(self), op, block, "ok", result if op == "get" else item, began, asked)
            return result

        def own_puts_delivered(q) -> None:
            """A get that may not wait, in the process that put: first let the queue's feeder thread
            deliver what this process put (at most 1 s of the program's own time). The program's own
            timeouts and sleeps that gave the feeder its time are scaled down by the warp, and at
            load 23 a drain right after a 2 s put found nothing: a race of the grader's making."""
            buffer = getattr(q, "_buffer", None)
            since = own_clock()
            while buffer and own_seconds(since) < 1.0:
                real_sleep(0.001)

        def timed_put(real_put):
            def put(self, obj, block=True, timeout=None):
                slowed()
                asked = timeout
                if timeout is not None:
                    timeout = timeout * warp
                return recorded(self, "put", block, lambda: real_put(self, obj, block, timeout), obj, asked)
            return put

        def timed_get(real_get):
            def get(self, block=True, timeout=None):
                asked = timeout
                if timeout is not None:
                    timeout = timeout * warp
                if warp != 1.0 and (not block or timeout is not None):
                    own_puts_delivered(self)
                if block and long_enough(asked):
                    return recorded(self, "get", block,
                                    lambda: get_long_enough(lambda t: real_get(self, True, t), timeout), asked=asked)
                return recorded(self, "get", block, lambda: real_get(self, block, timeout), asked=asked)
            return get

        def simple_put(real_put):
            def put(self, obj):
                slowed()
                return recorded(self, "put", True, lambda: real_put(self, obj), obj)
            return put

        def simple_get(real_get):
            def get(self):
                return recorded(self, "get", True, lambda: real_get(self))
            return get

        def question(real, name):
            def ask(self):
                if name == "empty" and warp != 1.0:
                    own_puts_delivered(self)   # empty() looks at the pipe, as get_nowait() does
                answer = real(self)
                if not getattr(self, "_procgrade_internal", False):
                    if name in ("empty", "qsize"):
                        note_asked("idle", sys._getframe(1), answer is True if name == "empty" else answer == 0)
                    note_queue_call(mp_queue_id(self), name, False, str(answer))
                return answer
            ask.__name__ = ask.__qualname__ = name
            return ask

        def numbered(real_init):
            def __init__(self, *args, **kwargs):
                real_init(self, *args, **kwargs)
                state["queues_made"] = state.get("queues_made", 0) + 1
                self._procgrade_id = "mp:%d:%d" % (os.getpid(), state["queues_made"])
                if state.get("making_pool"):
                    self._procgrade_internal = True
            return __init__

        queue_class, joinable, simple = mp_queues.Queue, mp_queues.JoinableQueue, mp_queues.SimpleQueue
        queue_class.__init__ = numbered(queue_class.__init__)   # JoinableQueue's calls it
        queue_class.put, queue_class.get = timed_put(queue_class.put), timed_get(queue_class.get)
        joinable.put = timed_put(joinable.__dict__["put"])
        for name in ("empty", "full", "qsize"):
            setattr(queue_class, name, question(getattr(queue_class, name), name))
        simple.__init__ = numbered(simple.__init__)
        simple.put, simple.get = simple_put(simple.put), simple_get(simple.get)
        simple.empty = question(simple.empty, "empty")

    def patch_pool(mp_pool) -> None:
        """Record each task that comes back (how many tasks the work was split into), and the
        exception of a failed one: it is kept in its AsyncResult and lost unless someone calls
        get(), so a check could not otherwise name what went wrong."""

        def recording(real_set, errors):
            def _set(self, i, obj):
                try:
                    success, value = obj
                    emit({"ev": "task_done"})
                    if errors and not success:
                        cause = getattr(value, "__cause__", None)
                        emit({"ev": "task_error", "exc": "%s: %s" % (type(value).__name__, value),
                              "tb": str(cause)[-3000:] if cause is not None else ""})
                except Exception:
                    pass
                return real_set(self, i, obj)
            return _set

        mp_pool.ApplyResult._set = recording(mp_pool.ApplyResult._set, errors=True)
        # map, starmap (and _async) and imap, imap_unordered have their own, called per chunk
        for result_class in (mp_pool.MapResult, mp_pool.IMapIterator, mp_pool.IMapUnorderedIterator):
            result_class._set = recording(result_class.__dict__["_set"], errors=False)
        patch_pool_tasks(mp_pool)

    # PROCGRADE_HOLD_TASKS (a grader's perturbation, for ex06): a pool task starts only once the
    # process that owns the pool waits for it: join(), a result's get(), wait() or ready(), the
    # next item of an imap, or a sleep after handing it out (the tutorial's head start for its
    # writer).
    # A program that never waits for its pool then loses the tasks on every run (its pool is shut
    # when main ends), not only on the runs where main happened to end before they did.
    hold_tasks = bool(os.environ.get("PROCGRADE_HOLD_TASKS")) and bool(ready_dir)
    TASK_HOLD_SECONDS = 3.0   # in all, per worker: a program that waits some other way still ends

    # With hold_tasks, a task's first put on a queue also waits until every other task its
    # owner released and that has not ended has started and acted: made a call on a queue, or
    # slept (at most TASK_PUT_HOLD_SECONDS). Two tasks handed out together, a writer and a reader
    # that stops on empty(), race in a real run (the reader found the queue empty in 4 runs of 10
    # and lost every letter): the reader now always asks first, and loses every time. A reader
    # that waits in get(), or sleeps before it asks, loses nothing; a writer handed out alone, or
    # run with apply() before the reader is handed out, is not held.
    TASK_PUT_HOLD_SECONDS = 1.0

    def task_flag(kind: str, job=None) -> str:
        owner, mine = state["task"]
        return "%s-%s-%s" % (kind, owner, mine if job is None else job)

    def task_acted() -> None:
        if hold_tasks and state.get("task") and not state.get("task_acted"):
            state["task_acted"] = True
            touch_flag(task_flag("acted"))

    def others_have_acted() -> bool:
        owner, mine = state["task"]
        try:
            names = set(os.listdir(ready_dir))
        except OSError:
            return True
        if "releasing-%s" % owner in names:
            return False   # its owner is letting go of several tasks at once: wait for all of them
        prefix = "job-%s-" % owner
        others = [n[len(prefix):] for n in names if n.startswith(prefix) and n[len(prefix):] != str(mine)]
        return all(task_flag("ended", job) in names or task_flag("acted", job) in names for job in others)

    def hold_back_task_put() -> None:
        if hold_tasks and state.get("task") and not state.get("task_put"):
            state["task_put"] = True
            hold(others_have_acted, "task_puts_held", TASK_PUT_HOLD_SECONDS)

    def task_name(func, args) -> tuple:
        """(the learner's function, a short repr of its arguments); map's chunks are unwrapped."""
        if getattr(func, "__name__", "") in ("mapstar", "starmapstar") and args and len(args[0]) == 2:
            func, args = args[0]
        module = getattr(func, "__module__", "") or ""
        module = "__main__" if module == "__mp_main__" else module
        return "%s:%s" % (module, getattr(func, "__qualname__", type(func).__name__)), short_repr(args)

    def release_pool_tasks(pool) -> list:
        """Said by the pool's owner: the tasks it handed out so far may start. Returns the jobs
        released by this call."""
        if not hold_tasks or pool is None:
            return []
        try:
            jobs = list(pool._cache)
        except Exception:
            return []
        released = state.setdefault("released_jobs", set())
        fresh = [job for job in jobs if job not in released]
        # Released together, seen together: a task let go before the next flag was written saw no
        # other task to wait for, and put first (ex06's bad_async_reader_stops_on_empty passed 3
        # gradings in 60 under fork at load 5: 4 ms between its writer's flag and its reader's).
        together = "releasing-%d" % os.getpid()
        if len(fresh) > 1:
            touch_flag(together)
        for job in fresh:
            released.add(job)
            touch_flag("job-%d-%s" % (os.getpid(), job))
        if len(fresh) > 1:
            remove_flag(together)
        return fresh

    def head_start(seconds) -> bool:
        """A sleep after handing tasks to a pool (the tutorial's head start for its writer): it
        releases them, and does not end before they have finished, for at most the sleep's own
        length unscaled: on the program's clock they had the whole of it, and a busy machine must
        not turn the scaled sleep into a race the program does not have. False (nothing done)
        when it released nothing."""
        latest = state["latest_pool"]()
        jobs = release_pool_tasks(latest)
        if not jobs or not seconds > 0:
            return False
        since = own_clock()
        real_sleep(seconds * warp)
        try:
            while own_seconds(since) < seconds and any(job in latest._cache for job in jobs):
                real_sleep(0.002)
        except Exception:
            pass
        return True

    def patch_pool_tasks(mp_pool) -> None:
        """Record each task a pool worker runs (from when to when, which function, which args),
        each task apply_async hands out, and, when asked, hold tasks back (hold_tasks)."""
        import weakref
        real_worker = mp_pool.worker
        reraise = getattr(mp_pool, "_helper_reraises_exception", None)

        def traced(func, job, i):
            """The task `func` of `job` (chunk `i`), recorded as it runs. A map's chunk (mapstar,
            starmapstar: several items) is recorded item by item, each call of the learner's
            function a task of its own (k: its place in the chunk)."""
            if getattr(func, "__name__", "") not in ("mapstar", "starmapstar"):
                return recorded(func, job, i)

            def run_chunk(args):
                try:
                    fn, chunk = args
                except (TypeError, ValueError):
                    return func(args)
                places = itertools.count()
                return func((lambda *item: recorded(fn, job, i, next(places))(*item), chunk))
            return run_chunk

        def recorded(func, job, i, k=None):
            def run(*args, **kwds):
                if hold_tasks:
                    # a process pool's worker runs tasks in its main thread, for its parent; a
                    # ThreadPool's in other threads, for its own process
                    owner = state.get("mp_parent") if threading.current_thread() is threading.main_thread() \
                        else os.getpid()
                    flag = os.path.join(ready_dir, "job-%s-%s" % (owner, job))
                    hold(lambda: os.path.exists(flag), "tasks_held", TASK_HOLD_SECONDS)
                try:
                    name, shown = task_name(func, args)
                except Exception:
                    name, shown = "?", "?"
                emit({"ev": "task_start", "job": job, "i": i, "k": k, "fn": name, "args": shown})
                ok = False
                if hold_tasks and threading.current_thread() is threading.main_thread():   # a process pool's
                    state["task"], state["task_acted"], state["task_put"] = (owner, job), False, False
                try:
                    result = func(*args, **kwds)
                    ok = True
                    return result
                finally:
                    emit({"ev": "task_end", "job": job, "i": i, "k": k, "ok": ok})
                    if state.get("task"):
                        touch_flag(task_flag("ended"))
                        state["task"] = None
            return run

        class TaskFeed:
            """The worker's inqueue, handing out each task with its function wrapped."""

            def __init__(self, inner) -> None:
                self._inner = inner

            def get(self):
                task = self._inner.get()
                try:
                    job, i, func, args, kwds = task
                    if func is not reraise:
                        return job, i, traced(func, job, i), args, kwds
                except Exception:
                    pass
                return task

            def __getattr__(self, name):
                return getattr(self._inner, name)

        def worker(inqueue, outqueue, *args, **kwargs):
            internal(inqueue, outqueue)
            return real_worker(TaskFeed(inqueue), outqueue, *args, **kwargs)

        def internal(*queues) -> None:
            for q in queues:
                try:
                    q._procgrade_internal = True
                except Exception:
                    pass

        real_pool_init = mp_pool.Pool.__init__

        def __init__(self, *args, **kwargs):
            # the queues made meanwhile are the pool's own (tasks, results, changes): marked as
            # they are made, before the pool's threads use them
            state["making_pool"] = state.get("making_pool", 0) + 1
            try:
                real_pool_init(self, *args, **kwargs)
            finally:
                state["making_pool"] -= 1

        mp_pool.Pool.__init__ = __init__

        # pickled by reference under spawn and forkserver: it must be found under the same name
        worker.__module__, worker.__name__, worker.__qualname__ = \
            real_worker.__module__, real_worker.__name__, real_worker.__qualname__
        mp_pool.worker = worker

        real_apply_async = mp_pool.Pool.apply_async

        def apply_async(self, func, args=(), kwds={}, callback=None, error_callback=None):
            result = real_apply_async(self, func, args, kwds, callback, error_callback)
            try:
                name, shown = task_name(func, args)
                emit({"ev": "task_sent", "job": result._job, "fn": name, "args": shown})
            except Exception:
                pass
            return result

        mp_pool.Pool.apply_async = apply_async

        real_ready = mp_pool.ApplyResult.ready

        def ready(self):
            done = real_ready(self)
            if not done:
                note_asked("ready", sys._getframe(1))
            return done

        def waiting(real_wait):
            def wait(self, *args, **kwargs):
                stopped_asking(("ready", "alive", "clock"))
                return real_wait(self, *args, **kwargs)
            return wait

        mp_pool.ApplyResult.ready = ready
        mp_pool.ApplyResult.wait = waiting(mp_pool.ApplyResult.wait)   # get() waits in wait()
        mp_pool.IMapIterator.next = waiting(mp_pool.IMapIterator.next)
        mp_pool.IMapIterator.__next__ = mp_pool.IMapIterator.next
        mp_pool.Pool.join = waiting(mp_pool.Pool.join)
        if not hold_tasks:
            return

        def remember_pool(result_class):
            real_init = result_class.__init__

            def __init__(self, pool, *args, **kwargs):
                real_init(self, pool, *args, **kwargs)
                try:
                    state["latest_pool"] = weakref.ref(pool)
                except TypeError:
                    pass
            result_class.__init__ = __init__

        def releasing(real_wait):
            def wait(self, *args, **kwargs):
                release_pool_tasks(getattr(self, "_pool", None))
                return real_wait(self, *args, **kwargs)
            return wait

        remember_pool(mp_pool.ApplyResult)
        remember_pool(mp_pool.IMapIterator)
        mp_pool.ApplyResult.wait = releasing(mp_pool.ApplyResult.wait)
        mp_pool.ApplyResult.ready = releasing(mp_pool.ApplyResult.ready)   # a poll is a wait too
        mp_pool.IMapIterator.next = releasing(mp_pool.IMapIterator.next)
        mp_pool.IMapIterator.__next__ = mp_pool.IMapIterator.next

        real_join = mp_pool.Pool.join

        def join(self):
            release_pool_tasks(self)
            return real_join(self)

        mp_pool.Pool.join = join

    def patch_managers(mp_managers) -> None:
        """Count, per process, the calls in a row that asked a Manager's queue for something and
        found nothing (empty() True, qsize() 0, get_nowait() Empty) with no wait in between (no
        blocking get(), no sleep): a loop spinning on q.empty() makes thousands of them."""
        real_callmethod = mp_managers.BaseProxy._callmethod
        QUEUE_METHODS = ("put", "get", "put_nowait", "get_nowait", "empty", "full", "qsize")
        QUEUE_TYPES = ("Queue", "JoinableQueue")

        def found_nothing(methodname, result) -> bool:
            return result is True if methodname == "empty" else result == 0 if methodname == "qsize" else False

        def polls(methodname, args, kwds) -> bool:
            if methodname == "get_nowait":
                return True
            if methodname == "get":
                block = args[0] if args else kwds.get("block", True)
                return not block
            return methodname in ("empty", "qsize")

        def queue_call(self, methodname, args, kwds):
            """(queue id, op, block, item) of a call on a Manager's queue; None for other calls."""
            if methodname not in QUEUE_METHODS or getattr(self._token, "typeid", "") not in QUEUE_TYPES:
                return None
            queue_id = "mgr:%s:%s" % (self._token.address, self._token.id)
            op = methodname.replace("_nowait", "")
            if methodname.endswith("_nowait"):
                block = False
            else:
                block = args[1 if op == "put" else 0] if len(args) > (1 if op == "put" else 0) \
                    else kwds.get("block", True)
            item = (args[0] if args else kwds.get("item", kwds.get("obj"))) if op == "put" else no_item
            return queue_id, op, block, item

        TIMEOUT_AT = {"put": 2, "get": 1}   # put(obj, block, timeout), get(block, timeout)

        def asked_timeout(methodname, args, kwds):
            """The timeout a put() or get() was called with (None: none, or no such call)."""
            at = TIMEOUT_AT.get(methodname)
            if at is None:
                return None
            asked = args[at] if len(args) > at else kwds.get("timeout")
            return asked if isinstance(asked, (int, float)) and not isinstance(asked, bool) else None

        def timed_call(self, methodname, args, kwds, block, asked, call_it):
            """A put's or get's timeout is a wait in the program, warped like a sleep in the
            process that asks (the Manager's server, which waits, runs no instrumentation); a
            get's long_enough timeout waits get_long_enough (a reader on a Manager's queue that
            ends on queue.Empty after 0.5 s passed ex05 with the timeout unwarped). The call is
            made as the program made it, its timeout alone replaced."""
            if asked is None or warp == 1.0:
                return call_it
            at = TIMEOUT_AT[methodname]

            def within(seconds):
                if len(args) > at:
                    return real_callmethod(self, methodname, args[:at] + (seconds,) + args[at + 1:], kwds)
                return real_callmethod(self, methodname, args, dict(kwds, timeout=seconds))

            if methodname == "get" and block and long_enough(asked):
                return lambda: get_long_enough(within, asked * warp)
            return lambda: within(asked * warp)

        def _callmethod(self, methodname, args=(), kwds={}):
            try:
                call = queue_call(self, methodname, args, kwds)
            except Exception:
                call = None
            if call is not None:
                if call[1] == "get":
                    hold_back_daemon_get()
                if call[1] == "put":
                    hold_back_task_put()
                if call[1] == "get" and call[2]:
                    task_acted()   # a get that waits: said before it waits, or the writer never puts
            began = monotonic()
            asked = asked_timeout(methodname, args, kwds) if call is not None else None
            call_it = lambda: real_callmethod(self, methodname, args, kwds)  # noqa: E731
            if call is not None:
                if call[1] == "put":
                    slowed()
                call_it = timed_call(self, methodname, args, kwds, call[2], asked, call_it)
            try:
                result = call_it()
            except Exception as error:
                if call is not None:
                    task_acted()   # a question: said once the Manager has answered it (at load 46
                    # the writer, let go before, put first 16 times in 100)
                if type(error).__name__ == "Empty" and polls(methodname, args, kwds):
                    note_asked("idle", sys._getframe(1))
                if call is not None:
                    queue_id, op, block, item = call
                    note_queue_call(queue_id, op, block, outcome_of(error), item, began, asked)
                raise
            if call is not None:
                task_acted()
            try:
                if polls(methodname, args, kwds):
                    note_asked("idle", sys._getframe(1), found_nothing(methodname, result))
                elif methodname == "get":
                    stopped_asking()   # a get() that waited
                if call is not None:
                    queue_id, op, block, item = call
                    if op == "get":
                        item = result
                    elif op != "put":
                        item = no_item
                    note_queue_call(queue_id, op, block, "ok" if op in ("put", "get") else str(result), item, began,
                                    asked)
            except Exception:
                pass
            return result

        mp_managers.BaseProxy._callmethod = _callmethod

    def in_program(code) -> bool:
        """The code is the program's own (its file, as __main__ names it: also in a spawned child)."""
        main_file = getattr(sys.modules.get("__main__"), "__file__", None) or ""
        return bool(main_file) and (code.co_filename == main_file
                                    or os.path.basename(code.co_filename) == os.path.basename(main_file))

    def learner_line(frame) -> list:
        """[function, line] of the innermost frame in the program's own file ("<module>" at its top
        level; a comprehension's line, in the function around it); ["", 0] when none is."""
        line, function = 0, ""
        while frame is not None:
            code = frame.f_code
            if in_program(code):
                if not line:
                    line = frame.f_lineno
                if not code.co_name.startswith("<") or code.co_name == "<module>":
                    function = code.co_name
                    break
            frame = frame.f_back
        return [function, line]

    def asking_the_clock(clock):
        """The clock, each call from the program's own file counted as a question ("clock"): a loop
        `while time.time() < end: pass` asks it tens of thousands of times in a row."""
        def ask(*args, **kwargs):
            frame = sys._getframe(1)
            if in_program(frame.f_code):
                note_asked("clock", frame)
            return clock(*args, **kwargs)
        ask.__name__, ask.__doc__ = getattr(clock, "__name__", "clock"), clock.__doc__
        return ask

    for clock_name in ("time", "monotonic", "perf_counter", "time_ns", "monotonic_ns", "perf_counter_ns"):
        setattr(time, clock_name, asking_the_clock(getattr(time, clock_name)))

    after_import = {"multiprocessing.queues": patch_queues, "multiprocessing.pool": patch_pool,
                    "multiprocessing.managers": patch_managers, "subprocess": patch_subprocess}
    for name, patch in list(after_import.items()):
        if name in sys.modules:
            patch(sys.modules[name])
            del after_import[name]

    class PatchAfterImport:
        """A meta-path finder that only watches: it lets the real finder load the module, then
        applies our patch. Cheaper than importing these modules in every process."""

        @staticmethod
        def find_spec(fullname, path=None, target=None):
            if fullname not in after_import:
                return None
            import importlib.machinery
            spec = importlib.machinery.PathFinder.find_spec(fullname, path)
            if spec is None or spec.loader is None:
                return None
            loader, patch = spec.loader, after_import.pop(fullname)
            real_exec = loader.exec_module

            def exec_module(module):
                real_exec(module)
                try:
                    patch(module)
                except Exception:
                    pass

            loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, PatchAfterImport)


if _SOCKET:
    try:
        _install()
    finally:
        del _install
