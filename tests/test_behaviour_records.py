"""What the instrumentation records of queues and pools, whatever a program prints: who put and
who got what on which queue, which pool worker ran which task from when to when, and the pool
tasks held back until their owner waits for them (ex06's perturbation)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from grader.runner import RunSpec, run_program
from grader.start_methods import offered
from grader.trace import POOL_WORKER, PROCESS

METHODS = offered()   # the start methods this platform has (Windows: spawn only)


def program(tmp_path: Path, source: str) -> Path:
    path = tmp_path / "prog.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


@pytest.mark.parametrize("method", METHODS)
def test_queue_roles_come_from_puts_and_gets(tmp_path, method):
    source = """
        from multiprocessing import Process, Queue, SimpleQueue

        def 写(q):
            for x in ["A", ("B", 2), None]:
                q.put(x)

        def 读(q):
            while q.get() is not None:
                pass
            q.empty()

        if __name__ == "__main__":
            unused = Queue(3)
            unused.put_nowait("x")
            for q in (Queue(), SimpleQueue()):
                w, r = Process(target=写, args=(q,)), Process(target=读, args=(q,))
                w.start(); r.start(); w.join(); r.join()
    """
    trace = run_program(RunSpec(program(tmp_path, source), start_method=method, warp=0.05)).trace
    first, *parts = trace.queues()
    assert [(op.op, op.block, op.value) for op in trace.queue_ops(first)] == [("put", False, "x")]
    assert len(parts) == 2
    for queue in parts:
        (writer,), (reader,) = trace.writers(queue), trace.readers(queue)
        assert writer != reader and {trace.proc(writer).kind, trace.proc(reader).kind} == {PROCESS}
        assert [op.item for op in trace.queue_ops(queue, writer)] == ["'A'", "('B', 2)", "None"]
        assert [(op.op, op.item, op.outcome) for op in trace.queue_ops(queue, reader)] == \
            [("get", "'A'", "ok"), ("get", "('B', 2)", "ok"), ("get", "None", "ok"), ("empty", None, "True")]


@pytest.mark.parametrize("method", METHODS)
def test_pool_tasks_and_manager_queue_calls_are_recorded(tmp_path, method):
    source = """
        import queue
        from multiprocessing import Manager, Pool

        def square(n, q):
            q.put(n * n)

        if __name__ == "__main__":
            with Manager() as manager:
                q = manager.Queue()
                with Pool(2) as pool:
                    results = [pool.apply_async(square, (n, q)) for n in range(4)]
                    [r.get() for r in results]
                got = sorted(q.get() for _ in range(4))
                try:
                    q.get_nowait()
                except queue.Empty:
                    pass
    """
    trace = run_program(RunSpec(program(tmp_path, source), start_method=method, warp=0.05)).trace
    tasks = trace.tasks("__main__:square")
    assert sorted(t.args.split(",")[0] for t in tasks) == ["(0", "(1", "(2", "(3"]
    assert all(trace.proc(t.pid).kind == POOL_WORKER and t.ok and t.started <= t.ended for t in tasks)
    assert [(s.function, s.args.split(",")[0]) for s in trace.task_sends] == [("__main__:square", "(%d" % n)
                                                                             for n in range(4)]
    (queue,) = trace.queues()
    assert set(trace.writers(queue)) == {t.pid for t in tasks}
    assert trace.readers(queue) == [trace.main_pid]
    assert [op.call + op.outcome for op in trace.queue_ops(queue, trace.main_pid)][-1] == "get_nowait()Empty"


def test_each_item_of_a_maps_chunk_is_a_task_of_its_own(tmp_path):
    source = """
        from multiprocessing import Pool

        def square(n):
            return n * n

        def times(a, b):
            return a * b

        if __name__ == "__main__":
            with Pool(2) as pool:
                print(pool.map(square, range(7), chunksize=3))
                print(pool.starmap_async(times, [(n, 10) for n in range(5)], chunksize=2).get())
    """
    trace = run_program(RunSpec(program(tmp_path, source), start_method="spawn", warp=0.05)).trace
    assert sorted(t.args for t in trace.tasks("__main__:square")) == ["(%d,)" % n for n in range(7)]
    assert sorted(t.args for t in trace.tasks("__main__:times")) == ["(%d, 10)" % n for n in range(5)]
    assert all(t.ok and t.started <= t.ended for t in trace.tasks())


@pytest.mark.parametrize("method", METHODS)
def test_held_tasks_start_only_once_their_owner_waits(tmp_path, method):
    """A pool nobody waits for runs none of its tasks; one waited for with a sleep (the tutorial's
    head start), then joined, runs them all, and the sleep lasts until they have finished."""
    source = """
        import time
        from multiprocessing import Pool

        def task(n):
            time.sleep(0.5)

        if __name__ == "__main__":
            forgotten = Pool(2)
            for n in range(4):
                forgotten.apply_async(task, (n,))
            waited = Pool(2)
            for n in range(10, 14):
                waited.apply_async(task, (n,))
            time.sleep(1)
            print("slept")
            waited.close()
            waited.join()
    """
    spec = RunSpec(program(tmp_path, source), start_method=method, warp=0.05, env=(("PROCGRADE_HOLD_TASKS", "1"),))
    trace = run_program(spec).trace
    assert sorted(t.args for t in trace.tasks()) == ["(10,)", "(11,)", "(12,)", "(13,)"]
    (slept,) = [line for line in trace.out() if line.text == "slept"]
    assert all(t.ended <= slept.t for t in trace.tasks())


def test_a_flood_of_puts_is_recorded_up_to_a_bound(tmp_path):
    source = """
        from multiprocessing import Queue
        if __name__ == "__main__":
            q = Queue()
            for n in range(5000):
                q.put(n)
            print(sum(q.get() for _ in range(5000)))
    """
    trace = run_program(RunSpec(program(tmp_path, source), start_method="fork")).trace
    assert [line.text for line in trace.out()] == [str(sum(range(5000)))]
    assert len(trace.queue_ops()) == 2000   # the puts; the gets found the budget spent


@pytest.mark.linux_only
def test_a_session_left_for_a_moment_is_seen(tmp_path):
    """A process that calls os.setsid() and ends a moment later: the supervisor sees it in a
    session of its own only if one of its looks falls in that moment (at load 40 it missed a
    daemonized grandchild that lived 0.25 s, 2 gradings of ex02 in 100, 3e30150). The
    instrumentation says the call as it happens."""
    source = """
        import os
        pid = os.fork()
        if pid == 0:
            os.setsid()
            os._exit(0)
        os.waitpid(pid, 0)
        print("done")
    """
    run = run_program(RunSpec(program(tmp_path, source), budget=10))
    assert run.stdout == "done\n"
    (detached,) = run.trace.detached()
    assert detached.how == "setsid" and detached.pid != run.trace.main_pid


def test_a_helper_started_in_a_session_of_its_own_is_seen(tmp_path):
    """subprocess.Popen(..., start_new_session=True) calls setsid() in the forked child, before
    exec, where no instrumentation runs: its parent says it once the child exists (ex03's
    bad_helper_new_session, a helper that lived 0.3 s, passed 2 gradings in 100 at load 56,
    2c23c7a). Here five helpers live a moment each: a look of the supervisor catches one now
    and then, never all five."""
    source = """
        import subprocess
        helpers = [subprocess.Popen(["true"], start_new_session=True) for _ in range(5)]
        for helper in helpers:
            helper.wait()
        subprocess.run(["true"])   # a helper in the program's own session is no such thing
        print(" ".join(str(helper.pid) for helper in helpers))
    """
    run = run_program(RunSpec(program(tmp_path, source), budget=10))
    helpers = sorted(int(pid) for pid in run.stdout.split())
    detached = run.trace.detached()
    assert sorted(d.pid for d in detached) == helpers and len(helpers) == 5
    assert {d.how for d in detached} == {"setsid"}
    assert all(d.command() == "true" for d in detached if d.pid not in {s.pid for s in run.trace.outcome.detached})


@pytest.mark.parametrize("method", METHODS)
def test_a_child_that_ends_without_its_exit_record_still_tells_its_peak_memory(tmp_path, method):
    # the child ends by os._exit() the moment it has filled 160 MiB: no exit record says its
    # peak, and a look of the supervisor's sampling in that instant is luck (ex07: a pool worker
    # killed by the pool's end, 1 grading in 420 missed); its reaper, told by wait4, knows it
    source = """
        import os
        from multiprocessing import Process

        def hold(mib):
            data = b"x" * (mib << 20)
            os._exit(0 if len(data) else 1)

        if __name__ == "__main__":
            p = Process(target=hold, args=(160,))
            p.start()
            p.join()
            print(p.exitcode)
    """
    trace = run_program(RunSpec(program(tmp_path, source), start_method=method, budget=20)).trace
    assert trace.outcome.reason == "exited" and trace.outcome.returncode == 0
    (child,) = [p for p in trace.procs if p.kind == PROCESS]
    assert child.parent_saw == 0 and child.max_rss_kb >= 160 << 10, child


def test_a_python_child_started_without_the_instrumentation_is_known_unobserved(tmp_path):
    source = """
        import os, subprocess, sys, time
        from multiprocessing import Process

        def quiet():
            time.sleep(0.05)

        if __name__ == "__main__":
            p = Process(target=quiet)   # instrumented: it speaks for itself
            p.start()
            p.join()
            bare = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("PROCGRADE_")}
            subprocess.run([sys.executable, "-c", "import time; time.sleep(0.3); print('unseen')"], env=bare, check=True)
    """
    trace = run_program(RunSpec(program(tmp_path, source), start_method="spawn", warp=0.05)).trace
    assert trace.outcome.reason == "exited" and trace.outcome.returncode == 0
    (unseen,) = trace.unobserved
    assert "print('unseen')" in " ".join(unseen[1]) and trace.proc(unseen[0]) is None
    assert [p.kind for p in trace.procs if p.kind == PROCESS] == [PROCESS]   # the Process spoke for itself
