"""The runner and supervisor: a program's whole tree is killed, leftovers are seen, a hang is
stopped at its budget with a diagnosis, and the trace records who printed what."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from grader import runner
from grader.runner import RunSpec, run_program
from grader.start_methods import offered


@pytest.fixture(params=["linux", "portable"])
def backend(request) -> str:
    """The supervisor's backend (grader/backends): the same facts from both."""
    return request.param


def program(tmp_path: Path, source: str) -> Path:
    path = tmp_path / "prog.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def alive_with(marker: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline", "environ"]):
        try:
            if marker in " ".join(proc.info["cmdline"] or []) or marker in (proc.info["environ"] or {}):
                found.append(proc)
        except psutil.Error:
            pass
    return found


@pytest.mark.linux_only
def test_setsid_double_fork_daemon_is_seen_and_killed(tmp_path, backend):
    source = """
        import os, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.environ["DAEMON_MARKER_%s"] = "1"
                os.execvp("sleep", ["sleep", "61.5"])
            os._exit(0)
        print("main ends")
    """ % os.getpid()
    run = run_program(RunSpec(program(tmp_path, source), backend=backend, budget=10))
    assert run.trace.outcome.reason == "exited"
    # the daemon, as it was when seen: `sleep`, or (at load 16, 3 runs in 40) still the program
    # before its exec: main and the first child have ended, so no other process runs prog.py
    assert [p for p in run.trace.outcome.leftovers
            if "61.5" in " ".join(p["cmdline"]) or p["cmdline"][-1:] and p["cmdline"][-1].endswith("/prog.py")], \
        run.trace.outcome.leftovers
    assert run.trace.outcome.remaining == ()
    assert not [p for p in psutil.process_iter(["cmdline"]) if "61.5" in " ".join(p.info["cmdline"] or [])]


def test_endless_program_is_stopped_at_its_budget_with_a_stack(tmp_path, backend):
    source = """
        def spin():
            while True:
                pass
        spin()
    """
    run = run_program(RunSpec(program(tmp_path, source), backend=backend, budget=1.0))
    outcome = run.trace.outcome
    assert outcome.reason == "timeout"
    assert "spin" in run.trace.stack_of(run.trace.main_pid)
    # stopped once it had run its budget in its own time: the clock less its waits for a CPU,
    # those counted up to STRETCH - 1 budgets
    from grader.states import STRETCH
    waited = min(outcome.waited_by(outcome.duration), outcome.budget * (STRETCH - 1))
    assert outcome.budget <= outcome.duration - waited <= outcome.budget + 0.5, (outcome.duration, waited)


def test_a_deadlocked_program_is_stopped_as_stalled_long_before_its_budget(tmp_path, backend):
    source = """
        import multiprocessing

        def never_puts(q):
            q.get()   # waits for an item that nobody sends

        if __name__ == "__main__":
            q = multiprocessing.Queue()
            p = multiprocessing.Process(target=never_puts, args=(q,))
            p.start()
            p.join()
    """
    run = run_program(RunSpec(program(tmp_path, source), backend=backend, budget=30))
    assert run.trace.outcome.reason == "stalled"
    assert run.trace.outcome.duration < 10   # 2 s of stillness, plus start-up, on a busy machine
    assert "join" in run.trace.stack_of(run.trace.main_pid)
    assert run.trace.outcome.remaining == ()


def test_a_program_that_waits_less_than_the_stall_limit_ends_by_itself(tmp_path, backend):
    # still (no CPU, no output) for 1.2 s at a time, below the 2 s limit: never stopped early
    source = """
        import threading
        for i in range(3):
            threading.Event().wait(1.2)   # a real wait: the time warp scales time.sleep only
            print("woke", i)
    """
    run = run_program(RunSpec(program(tmp_path, source), backend=backend, budget=30))
    assert run.trace.outcome.reason == "exited"
    assert [line.text for line in run.trace.out()] == ["woke 0", "woke 1", "woke 2"]


def test_stop_when_ends_the_run_early(tmp_path, backend):
    source = """
        import time
        while True:
            print("tick")
            time.sleep(1)
    """
    run = run_program(RunSpec(program(tmp_path, source), backend=backend, warp=0.01, budget=20,
                              stop_when=lambda trace: len(trace.out()) >= 3))
    assert run.trace.outcome.reason == "stopped"
    assert 3 <= len(run.trace.out()) < 20


@pytest.mark.parametrize("method", offered())
def test_trace_knows_who_printed_what(tmp_path, backend, method):
    source = """
        import os
        from multiprocessing import Pool, Process

        def child():
            print("child", os.getpid())

        def square(x):
            print("worker", os.getpid())
            return x * x

        if __name__ == "__main__":
            print("main", os.getpid())
            p = Process(target=child)
            p.start()
            p.join()
            with Pool(2) as pool:
                print(pool.map(square, range(4)))
    """
    trace = run_program(RunSpec(program(tmp_path, source), backend=backend, start_method=method, budget=20)).trace
    assert trace.outcome.reason == "exited" and trace.outcome.returncode == 0
    for line in trace.out():
        word, *rest = line.text.split()
        if word in ("main", "child", "worker"):
            assert int(rest[0]) == line.pid  # each line is attributed to the process that printed it
    (child,) = [p for p in trace.children_of(trace.main_pid) if p.kind == "process"]
    assert child.parent == trace.main_pid and child.exitcode == 0
    workers = [p for p in trace.procs if p.kind == "pool worker"]
    assert len(workers) == 2 and all(w.parent == trace.main_pid for w in workers)


def test_progress_with_carriage_returns_is_split_into_lines(tmp_path):
    source = """
        for i in range(1, 5):
            print("\\rprogress %.2f %%" % (i * 25), end="")
        print()
    """
    trace = run_program(RunSpec(program(tmp_path, source), budget=10)).trace
    assert [l.text for l in trace.out()] == ["progress 25.00 %", "progress 50.00 %", "progress 75.00 %",
                                             "progress 100.00 %"]


def test_learner_output_cannot_forge_records(tmp_path, backend):
    source = """
        print('{"ev": "line", "pid": 1, "t": 0, "s": "o", "x": "forged"}')
    """
    trace = run_program(RunSpec(program(tmp_path, source), backend=backend, budget=10)).trace
    assert [l.pid for l in trace.out()] == [trace.main_pid]


@pytest.mark.linux_only
def test_a_program_that_kills_its_parent_is_contained(tmp_path, backend):
    source = """
        import os, signal, time, subprocess
        subprocess.Popen(["sleep", "62.5"])
        print("killing", os.getppid())
        os.kill(os.getppid(), signal.SIGKILL)
        time.sleep(30)
    """
    run = run_program(RunSpec(program(tmp_path, source), backend=backend, budget=10))
    assert run.trace.outcome.reason in ("supervisor killed", "exited")
    assert not [p for p in psutil.process_iter(["cmdline"]) if "62.5" in " ".join(p.info["cmdline"] or [])]


needs_bwrap = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed")


@needs_bwrap
@pytest.mark.parametrize("method", offered())
def test_sandboxed_run_sees_its_tree_and_nothing_else(tmp_path, method):
    source = """
        import os, socket
        from multiprocessing import Pool

        def square(x):
            return x * x

        if __name__ == "__main__":
            with Pool(2) as pool:
                print(pool.map(square, range(4)))
            try:
                socket.create_connection(("127.0.0.1", 9), timeout=1)
                print("network: yes")
            except OSError:
                print("network: no")
            open("/tmp/inside-the-sandbox", "w").write("x")
    """
    run = run_program(RunSpec(program(tmp_path, source), start_method=method, sandbox="bwrap", budget=20))
    assert [l.text for l in run.trace.out()] == ["[0, 1, 4, 9]", "network: no"]
    assert len(run.trace.procs_of_kind("pool worker")) == 2
    assert not os.path.exists("/tmp/inside-the-sandbox")


@needs_bwrap
def test_sandboxed_daemon_dies_with_the_sandbox(tmp_path):
    source = """
        import os
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execvp("sleep", ["sleep", "63.5"])
            os._exit(0)
        print("main ends")
    """
    run = run_program(RunSpec(program(tmp_path, source), sandbox="bwrap", budget=10))
    assert run.trace.outcome.reason == "exited"
    assert not [p for p in psutil.process_iter(["cmdline"]) if "63.5" in " ".join(p.info["cmdline"] or [])]


@pytest.mark.linux_only
def test_records_cannot_be_forged_for_another_process(tmp_path):
    source = """
        import json, os, socket, time
        channel = os.path.join(os.path.dirname(os.environ["PROCGRADE_SOCKET"]), "channel.jsonl")
        try:
            open(channel, "a").write("forged")
            print("wrote the channel")
        except OSError:
            print("channel closed to me")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(os.environ["PROCGRADE_SOCKET"])
        fake = {"ev": "line", "pid": 4242, "t": time.monotonic(), "s": "o", "th": "MainThread",
                "x": "forged line", "end": "\\n"}
        sock.sendall((json.dumps(fake) + "\\n").encode())
    """
    trace = run_program(RunSpec(program(tmp_path, source), budget=10)).trace
    assert trace.proc(4242) is None
    assert {l.pid for l in trace.out()} == {trace.main_pid}
    if os.geteuid() == 0:  # the program runs under its own user: the channel file is not its
        assert "channel closed to me" in [l.text for l in trace.out()]


def test_polls_are_counted_whatever_the_scheduler_lets_the_spinner_run(tmp_path):
    """ex06's bad_spin_until_ready spins on ready() while its tasks run (about a second in all): on
    a machine busy enough a measure of time awake missed so short a spin (1 in 20 gradings at load
    8+). The instrumentation counts the ready() calls in a row that found a task not done, with the
    learner's line. A program that waits between its polls (a sleep, a get()) makes 0-1 in a row.
    The same for questions to a multiprocessing queue (ex05's bad_reader_spins_on_empty: `while
    q.empty(): pass` passed once in 25 gradings at load 22-32), for a child's is_alive() found True
    (ex02's bad_child_busy_work: `while child.is_alive(): pass` passed 3 times in 25 at load
    28-57), and for the clock read from the program's file (its `while time.time() - t0 < 15`)."""

    from grader.common_checks import CLOCK_READS_LIMIT, POLLS_LIMIT
    from grader.suites.test_ex06_pool import run_spec

    programs = Path(__file__).parent / "programs" / "ex06"
    spinner = run_program(RunSpec(programs / "bad_spin_until_ready.py", start_method="fork", warp=0.1,
                                  budget=10.0, env=run_spec(programs / "x.py", "fork").env))
    main = spinner.trace.proc(spinner.trace.main_pid)
    count, at = main.asked_most("ready")
    assert count >= POLLS_LIMIT and at == ("<module>", 39), main

    queue_spinner = Path(__file__).parent / "programs" / "ex05" / "bad_reader_spins_on_empty.py"
    from grader.suites.test_ex05_queue import run_spec as ex05_spec
    run = run_program(ex05_spec(queue_spinner, "fork"))
    reader = max(run.trace.learner_procs(), key=lambda p: p.asked_most("idle")[0])
    count, at = reader.asked_most("idle")
    assert count >= POLLS_LIMIT and at == ("读数据", 23), reader

    alive_spinner = Path(__file__).parent / "programs" / "ex02" / "bad_child_busy_work.py"
    from grader.suites.test_ex02_pid import run_spec as ex02_spec
    run = run_program(ex02_spec(alive_spinner, "fork"))
    main = run.trace.proc(run.trace.main_pid)
    count, at = main.asked_most("alive")
    assert count >= POLLS_LIMIT and at == ("<module>", 27), main
    (child,) = [p for p in run.trace.learner_procs() if p.pid != main.pid]
    count, at = child.asked_most("clock")
    assert count >= CLOCK_READS_LIMIT and at == ("run_proc", 18), child

    waits = program(tmp_path, """
        import time
        from multiprocessing import Pool

        def work(n):
            time.sleep(0.2)
            return n

        def wait_all(results):
            while not all(r.ready() for r in results):
                time.sleep(0.01)
            return [r.get() for r in results]

        if __name__ == "__main__":
            with Pool(2) as pool:
                results = [pool.apply_async(work, (i,)) for i in range(4)]
                print(wait_all(results))
                print(pool.apply_async(work, (9,)).get())
    """)
    run = run_program(RunSpec(waits, start_method="fork", budget=10.0, env=run_spec(waits, "fork").env))
    assert run.stdout.splitlines()[0] == "[0, 1, 2, 3]", run.stdout
    assert run.trace.proc(run.trace.main_pid).asked_most("ready")[0] <= 1


def test_the_clock_read_by_the_library_or_between_waits_is_no_question_of_the_programs(tmp_path):
    """Only the program's own reads of the clock count, and a wait ends a row: a queue's get()
    with a timeout reads time.monotonic() in the library's code on every call (3,000 here), and a
    program that times each step of a loop that sleeps reads it twice per step. time.sleep(0) only
    yields the CPU: `while time.time() < end: time.sleep(0)` still spins."""
    source = """
        import queue, time
        q = queue.Queue()
        for _ in range(3000):
            try:
                q.get(timeout=0.000001)
            except queue.Empty:
                pass
        for _ in range(1500):
            start = time.perf_counter()
            time.sleep(0.0001)
            print(time.perf_counter() - start > 0)
        end = time.time() + 0.2
        while time.time() < end:
            time.sleep(0)
    """
    run = run_program(RunSpec(program(tmp_path, source), budget=10.0))
    assert run.trace.outcome.reason == "exited", run.stderr
    main = run.trace.proc(run.trace.main_pid)
    count, at = main.asked_most("clock")
    assert count >= 1000 and at == ("<module>", 14), main   # the last loop's, not the first two's


def test_a_stop_asked_as_the_supervisor_ends_is_no_grader_error(tmp_path):
    """The runner asks the supervisor to stop (a crash loop, a suite's stop_when) through its
    stdin; when the supervisor has just ended, that write fails, and nothing of it may be left to
    fail again when the runner closes the pipe (ex06 bad_no_main_guard: "the grader itself failed
    here (BrokenPipeError)", 2 in 425 gradings at load 25-44)."""
    import sys
    import time

    from grader.runner import CRASH_LOOP_TRACEBACKS, _start_supervisor, _watch

    channel = tmp_path / "channel.jsonl"
    channel.write_text("".join('{"pid": 7, "t": %d, "ev": "line", "x": "Traceback (most recent call last):"}\n' % i
                               for i in range(CRASH_LOOP_TRACEBACKS)), encoding="utf-8")
    # a "supervisor" that has stopped reading: its end of the pipe is closed, it has not exited yet
    closed = tmp_path / "closed"
    with open(tmp_path / "err", "wb") as err:
        gone = _start_supervisor([sys.executable, "-c", "import os, sys, time; os.close(0); "
                                  "open(sys.argv[1], 'w').close(); time.sleep(5)", str(closed)], err)
    try:
        deadline = time.monotonic() + 10
        while not closed.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _watch(gone, channel, tmp_path / "waits", RunSpec(tmp_path / "prog.py")) == "crash loop"
        gone.stdin.close()
    finally:
        gone.kill()
        gone.wait()


@contextlib.contextmanager
def one_cpu_with_busy_loops(loops: int = 4):
    """This process (and what it starts: the supervisor, the program) and `loops` busy loops share
    one CPU: the program waits for it most of the time, as on a machine at a load of `loops`+1."""
    import subprocess
    import sys

    cpu = min(os.sched_getaffinity(0))
    mine = os.sched_getaffinity(0)
    # each in its own session: the kernel shares a CPU between sessions first (autogroup), and
    # the supervisor starts the program in a session of its own
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"], start_new_session=True)
            for _ in range(loops)]
    try:
        for loop in busy:
            os.sched_setaffinity(loop.pid, {cpu})
        os.sched_setaffinity(0, {cpu})   # the supervisor and the program inherit it
        yield
    finally:
        os.sched_setaffinity(0, mine)
        for loop in busy:
            loop.kill()
            loop.wait()


@pytest.mark.linux_only
def test_a_budget_is_not_eaten_by_a_busy_machine_and_still_ends_a_hang(tmp_path):
    """The budget counts the program's time: the clock less the time the machine kept it waiting
    for a CPU that others held (schedstat's run-queue time). Here the run and three busy loops
    share one CPU: a program that needs about 0.4 s of CPU takes 1.5-2 s of the clock. Before
    (440cc5b) its 1 s budget ran out on the clock; it ends by itself now. A program that never
    ends is still stopped, after at most STRETCH times its budget."""
    import time

    from grader.states import STRETCH

    with one_cpu_with_busy_loops():
        works = program(tmp_path, """
            import time
            while time.process_time() < 0.3:
                pass
            print("done")
        """)
        run = run_program(RunSpec(works, budget=1.0))
        assert run.trace.outcome.reason == "exited", run.trace.outcome
        assert run.stdout == "done\n"
        assert run.trace.outcome.waited_by(run.trace.outcome.duration) > 0.5, run.trace.outcome.waits

        hangs = program(tmp_path, """
            while True:
                pass
        """)
        began = time.monotonic()
        run = run_program(RunSpec(hangs, budget=1.0))
        assert run.trace.outcome.reason == "timeout"
        assert run.trace.outcome.duration <= STRETCH * 1.0 + 0.5
        assert time.monotonic() - began < STRETCH * 1.0 + 5


@pytest.mark.linux_only
def test_a_hold_of_the_graders_counts_the_programs_own_time():
    """ex03's pacing holds the child while main, woken from its sleep, has not acted yet (at most
    1 s). Here main's work after its sleep (about 0.4 s of CPU) shares one CPU with four busy
    loops and takes 2 s and more of the clock. Before (7424fbd) the hold ran out on the clock, the
    child ran its 10 rounds and ended by itself (exit code 0); seen also at load 15-27 with both
    CPUs busy, for `ok_main_works_after_sleep` under every start method. The hold counts the
    program's own time now, as the budget does: main stops the child early, as on an idle machine."""
    from grader.suites.test_ex03_process_args import run_spec

    with one_cpu_with_busy_loops():
        run = run_program(run_spec(Path(__file__).parent / "programs" / "ex03" / "ok_main_works_after_sleep.py",
                                   "fork"))
    assert run.trace.outcome.reason == "exited", run.trace.outcome
    assert run.stdout.splitlines()[-1] == "alive=False exitcode=-15", run.stdout[-300:]


def test_a_user_id_claimed_by_another_grader_is_not_given(monkeypatch):
    """Two graders on one machine (two shards of a class, a CI beside a grading) pick user ids
    at random from one range; each used to check only its own ids and the processes it saw, so
    both could give one id to a run before either run had a process: each run's final sweep then
    kills the other's processes. An id is now claimed on the machine while its run lasts."""
    import subprocess
    import sys

    from grader import sandbox

    held = [sandbox.FIRST_UID + 7, sandbox.FIRST_UID + 8]
    other = subprocess.Popen([sys.executable, "-c", "import socket, sys, time\n"
                              "s = [socket.socket(socket.AF_UNIX) for _ in range(2)]\n"
                              "s[0].bind('\\0procgrade-uid-%d'); s[1].bind('\\0procgrade-uid-%d')\n"
                              "print('held', flush=True); time.sleep(60)" % tuple(held)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline() == "held\n"
        picks = iter([7, 8, 9])
        monkeypatch.setattr(sandbox.secrets, "randbelow", lambda n: next(picks))
        identity = sandbox.choose()
        assert identity.uid == sandbox.FIRST_UID + 9
        assert sandbox.claim(identity.uid) is None   # held by this run until it is released
        sandbox.release(identity)
        again = sandbox.claim(identity.uid)
        assert again is not None
        again.close()
    finally:
        other.kill()
        other.wait()


@pytest.mark.linux_only
def test_a_daemon_child_does_not_outlive_a_main_the_machine_kept_late():
    """ex02 `bad_daemon_child`: main sleeps 1 s, its daemon child 3 s, and main's end stops the
    child before its last line. Warped 20 times, main's head start is 100 ms, which a busy
    machine took from main (2 gradings in 100 at load 31, 759b2e3: main ended 170 ms late).
    Here main is held still (SIGSTOP) for 0.4 s while it sleeps: before, the child printed its
    last line and ended first; ex02 now paces the child's sleep by main, as ex03 does."""
    import signal
    import threading
    import time

    from grader.suites.test_ex02_pid import run_spec

    done = threading.Event()

    def hold_main_back():
        while not done.is_set():
            for proc in psutil.process_iter(["cmdline"]):
                cmdline = proc.info["cmdline"] or []
                try:   # a process of another test may end between the two looks
                    if cmdline and cmdline[-1].endswith("bad_daemon_child.py") and proc.children():
                        time.sleep(0.01)
                        proc.send_signal(signal.SIGSTOP)
                        time.sleep(0.4)
                        proc.send_signal(signal.SIGCONT)
                        return
                except psutil.NoSuchProcess:
                    continue
            time.sleep(0.002)

    for _ in range(3):
        done.clear()
        holder = threading.Thread(target=hold_main_back)
        holder.start()
        try:
            run = run_program(run_spec(Path(__file__).parent / "programs" / "ex02" / "bad_daemon_child.py", "fork"))
        finally:
            done.set()
            holder.join()
        assert "子进程运行中" in run.stdout and "子进程将要结束..." not in run.stdout, run.stdout


def test_the_cpu_limit_never_comes_before_the_stretched_budget():
    """A spinner that keeps a CPU while the budget stretches (STRETCH times, on a busy machine)
    must be stopped by the budget, and told so, not killed by the kernel's RLIMIT_CPU first
    (hostile spin_in_main under the portable backend at load 18: "main exited with code -9")."""
    from grader import sandbox
    from grader.states import STRETCH

    for budget in (4.0, 10.0, 30.0):
        assert sandbox.limits_for(budget, sandbox.Identity(None, "python"))["RLIMIT_CPU"] > STRETCH * budget


def test_run_folders_a_killed_grader_left_are_swept_after_an_hour(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    old, fresh, other = (tmp_path / name for name in ("procgrade-run-old", "procgrade-run-new", "procgrade-grade-x"))
    for folder in (old, fresh, other):
        (folder / "control").mkdir(parents=True)
    (tmp_path / "procgrade-run-file").write_text("not a folder")
    hour_ago = time.time() - runner.STALE_RUN_SECONDS - 60
    for path in (old, other, tmp_path / "procgrade-run-file"):
        os.utime(path, (hour_ago, hour_ago))
    assert runner.sweep_stale_runs() == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["procgrade-grade-x", "procgrade-run-file",
                                                          "procgrade-run-new"]
