"""Instrumentation loaded into every Python process of a graded program.

The runner puts this folder on PYTHONPATH, so the interpreter imports this module at start-up in
the program's main process, in spawn children and in the forkserver (whose children inherit it);
fork children inherit the patched state.
It records facts, never verdicts, as JSON lines sent to the supervisor over a Unix socket (one
connection per process), which stamps each with the sender's kernel-reported pid:

  exec   a new interpreter started (pid, ppid, argv)
  fork   os.fork() returned in a child (pid, ppid)
  mp_start / mp_end    a multiprocessing child ran its target (logical parent, name, target, exit code)
  spawned / reaped     a parent started a child / saw it end with an exit code (the parent's view)
  line   one line written to sys.stdout or sys.stderr (pid, thread, text, how it ended; "lost"
         when the file descriptor under it no longer led to the run's captured output, as after
         os.dup2(devnull, 1): the line was written, but nobody could see it)
  open   a file opened for writing, seen by an audit hook (pid, path)
  task_done   a pool task (or a chunk of a map) came back to the process that handed it out
  exit   the process ends (its peak memory; the most calls in a row that found a Manager queue
         empty without waiting in between: a busy-wait)

It also scales time.sleep (and the timeouts of multiprocessing queues) by PROCGRADE_WARP so the
tutorial's one-second pacing stays in the learner's code while a run takes a fraction of a second,
and makes time.time() report the matching virtual time.

This module must stay standard-library only, import little, and never raise into learner code.
"""

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
    max_text = 4000
    # (st_dev, st_ino) of the files the supervisor captures fds 1 and 2 into
    captured = [tuple(int(n) for n in ident.split(":")) for ident in
                os.environ.get("PROCGRADE_OUTPUTS", "").split(",") if ident.count(":") == 1]
    control_dir = os.path.dirname(_SOCKET)  # the grader's own files: never recorded as the learner's
    import _socket

    def connect():
        sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        try:
            sock.connect(_SOCKET)
        except OSError:
            sock.close()
            return None
        return sock

    state = {"pid": os.getpid(), "lines": 0, "idle_polls": 0, "most_idle_polls": 0, "sock": connect()}
    monotonic = time.monotonic

    def emit(record: dict) -> None:
        record["pid"] = state["pid"]
        record["t"] = monotonic()
        sock = state["sock"]
        if sock is None:
            return
        try:
            sock.sendall((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8", "replace"))
        except OSError:
            pass

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
    parent_paces = bool(os.environ.get("PROCGRADE_PARENT_PACES")) and bool(ready_dir)

    def asleep_flag(pid) -> str:
        return os.path.join(ready_dir, "asleep-%s" % pid)

    def hold(released, key: str, seconds: float) -> None:
        """Wait, polling released() every 2 ms, until it holds: at most `seconds` of real time
        in all for this process under `key` (a grader's perturbation never hangs a program)."""
        started = monotonic()
        left = seconds - state.get(key, 0.0)
        while monotonic() - started < left and not released():
            real_sleep(0.002)
        state[key] = state.get(key, 0.0) + monotonic() - started

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

    def sleep(seconds):
        state["idle_polls"] = 0  # a loop that sleeps between its polls is not spinning
        if warp == 1.0 or not seconds > 0:
            return real_sleep(seconds)
        owed[0] += seconds * warp
        if owed[0] < shortest_sleep:
            return None
        due, owed[0] = owed[0], 0.0
        if not parent_paces:
            return real_sleep(due)
        flag = asleep_flag(os.getpid())
        try:
            with open(flag + ".tmp", "w") as handle:
                handle.write(repr(monotonic() + due))
            os.replace(flag + ".tmp", flag)
            touch_flag("slept-%d" % os.getpid())
        except OSError:
            pass
        try:
            return real_sleep(due)
        finally:
            try:
                os.unlink(flag)
            except OSError:
                pass
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

    # --- stack dumps on request: the supervisor's diagnosis of a hang (SIGUSR1, PID.txt) and of
    # a thread that spins (SIGUSR2, sent to that thread, PID.spin): one file each, so that neither
    # diagnosis reads the other's dump
    def register_stack_dump(at_start: bool) -> None:
        if not stacks_dir:
            return
        import faulthandler
        import signal
        # the spin's dump is of the signalled thread alone: reading other threads' states from a
        # signal handler can crash a process whose threads are ending (seen: SIGSEGV)
        for signum, name, key, every_thread in ((signal.SIGUSR1, "%d.txt", "stack_file", True),
                                                (signal.SIGUSR2, "%d.spin", "spin_file", False)):
            try:
                # what faulthandler puts back when the interpreter ends: a request that comes in
                # then (the supervisor asks while the process is still busy) must not kill it. Not
                # again after a fork: the child inherits the registration, and replacing its
                # handler would leave faulthandler believing it is still installed
                if at_start:
                    signal.signal(signum, signal.SIG_IGN)
            except (OSError, ValueError):
                pass
            try:
                handle = open(os.path.join(stacks_dir, name % os.getpid()), "w")
                faulthandler.register(signum, file=handle, all_threads=every_thread)
                state[key] = handle  # keep it open for the process's life
            except (OSError, ValueError, AttributeError):
                pass

    register_stack_dump(at_start=True)

    import atexit
    atexit.register(lambda: emit({"ev": "exit", "rss_kb": max_rss_kb(), "idle_polls": state["most_idle_polls"]}))
    atexit.register(flush_partials)

    def after_fork_in_child() -> None:
        inherited = state["sock"]
        if inherited is not None:
            inherited.close()  # the parent's connection speaks for the parent
        state["sock"] = connect()
        state["pid"] = os.getpid()
        state["lines"] = state["idle_polls"] = state["most_idle_polls"] = 0
        for recorder in recorders:
            recorder.reset_after_fork()
        emit({"ev": "fork", "ppid": os.getppid()})
        register_stack_dump(at_start=False)

    os.register_at_fork(after_in_child=after_fork_in_child)

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

    def max_rss_kb() -> int:
        try:
            import resource
            return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        except Exception:
            return 0

    def _bootstrap(self, *args, **kwargs):
        state["child"] = True
        state["mp_parent"] = getattr(self, "_parent_pid", None)
        target = describe_target(self)
        emit({"ev": "mp_start", "parent": getattr(self, "_parent_pid", None), "name": self.name,
              "target": target, "daemon": bool(self.daemon)})
        if ready_dir and waits_for_start(target):
            touch_flag(str(os.getpid()))
        exitcode = real_bootstrap(self, *args, **kwargs)
        flush_partials()
        emit({"ev": "mp_end", "exitcode": exitcode, "rss_kb": max_rss_kb(),
              "idle_polls": state["most_idle_polls"]})
        return exitcode

    def start(self):
        target = describe_target(self)
        real_start(self)
        popen = self._popen
        emit({"ev": "spawned", "child": popen.pid, "name": self.name, "target": target})
        real_poll = popen.poll

        def poll(*args, **kwargs):
            code = real_poll(*args, **kwargs)
            if code is not None and not getattr(popen, "_procgrade_reaped", False):
                popen._procgrade_reaped = True
                emit({"ev": "reaped", "child": popen.pid, "exitcode": code})
            return code

        popen.poll = poll
        if ready_dir and waits_for_start(target):
            wait_until_running(popen)

    def touch_flag(name: str) -> None:
        try:
            os.close(os.open(os.path.join(ready_dir, name), os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError:
            pass

    real_join = mp_process.BaseProcess.join

    def join(self, timeout=None):
        # said before waiting, for a child that holds its puts back until someone waits for it
        # (PROCGRADE_SLOW_PUT): a parent that joins it lets it go on
        if ready_dir and self._popen is not None:
            touch_flag("joining-%d" % self._popen.pid)
        return real_join(self, timeout)

    mp_process.BaseProcess.join = join

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

    # A grader's perturbation: terminate() takes effect a moment later, and with another signal,
    # so that a program that prints exit codes it did not read (or reads them too early) shows it.
    terminate_with = os.environ.get("PROCGRADE_TERMINATE_SIGNAL", "")
    if terminate_with:
        import signal as signal_module
        signum = getattr(signal_module, terminate_with)
        delay = float(os.environ.get("PROCGRADE_TERMINATE_DELAY", "0") or 0)

        def terminate(self):
            self._check_closed()
            popen = self._popen
            emit({"ev": "terminate", "child": popen.pid})
            if delay > 0:
                timer = threading.Timer(delay, popen._send_signal, (signum,))
                timer.daemon = True
                timer.start()
            else:
                popen._send_signal(signum)

        mp_process.BaseProcess.terminate = terminate

    # --- patches applied when the learner's program imports these modules ---------------
    slow_put = float(os.environ.get("PROCGRADE_SLOW_PUT", "0") or 0)
    PUT_HOLD_SECONDS = 1.0

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

    def patch_queues(mp_queues) -> None:
        """Queue timeouts are waits in the learner's program too: scale them like sleep. And,
        when asked, make children put slowly: a reader that takes empty() for "the writer is
        done" then shows that it loses items."""
        real_put, real_get = mp_queues.Queue.put, mp_queues.Queue.get

        def put(self, obj, block=True, timeout=None):
            if slow_put and state.get("child"):
                hold_back_put()
                real_sleep(slow_put)
            if timeout is not None:
                timeout = timeout * warp
            return real_put(self, obj, block, timeout)

        def get(self, block=True, timeout=None):
            if timeout is not None:
                timeout = timeout * warp
            return real_get(self, block, timeout)

        mp_queues.Queue.put, mp_queues.Queue.get = put, get

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

    def patch_managers(mp_managers) -> None:
        """Count, per process, the calls in a row that asked a Manager's queue for something and
        found nothing (empty() True, qsize() 0, get_nowait() Empty) with no wait in between (no
        blocking get(), no sleep): a loop spinning on q.empty() makes thousands of them."""
        real_callmethod = mp_managers.BaseProxy._callmethod

        def found_nothing(methodname, result) -> bool:
            return result is True if methodname == "empty" else result == 0 if methodname == "qsize" else False

        def polls(methodname, args, kwds) -> bool:
            if methodname == "get_nowait":
                return True
            if methodname == "get":
                block = args[0] if args else kwds.get("block", True)
                return not block
            return methodname in ("empty", "qsize")

        def _callmethod(self, methodname, args=(), kwds={}):
            try:
                result = real_callmethod(self, methodname, args, kwds)
            except Exception as error:
                if type(error).__name__ == "Empty" and polls(methodname, args, kwds):
                    note_poll(True)
                raise
            try:
                if polls(methodname, args, kwds):
                    note_poll(found_nothing(methodname, result))
                elif methodname == "get":
                    state["idle_polls"] = 0  # a get() that waited
            except Exception:
                pass
            return result

        mp_managers.BaseProxy._callmethod = _callmethod

    def note_poll(empty_handed: bool) -> None:
        state["idle_polls"] = state["idle_polls"] + 1 if empty_handed else 0
        state["most_idle_polls"] = max(state["most_idle_polls"], state["idle_polls"])

    after_import = {"multiprocessing.queues": patch_queues, "multiprocessing.pool": patch_pool,
                    "multiprocessing.managers": patch_managers}
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
