"""Exercise 6: a process pool, and a queue that pool tasks can share.

THE IDEA
--------
Starting one Process per job is fine for three jobs, not for a thousand. A
Pool starts a fixed number of worker processes once and hands them tasks:
a worker that finishes one task takes the next waiting one.

    po = Pool(3)                        3 worker processes (Pool(): one per CPU)
    r = po.apply_async(func, (arg,))    queue a task and return AT ONCE
    po.apply(func, (arg,))              run a task and WAIT for its result
    po.close()                          no more tasks will be added
    po.join()                           wait until every task is done
                                        (only allowed after close())

apply() waits for each task before main can hand over the next one, so
tasks given with apply() run one after the other and the pool is useless.
apply_async() returns an AsyncResult straight away; all tasks are queued in a
moment and up to 3 run at the same time.

An exception raised inside an apply_async task is NOT printed anywhere. It
is stored in the AsyncResult and only raised again when you call r.get().
So keep the AsyncResults and call .get() on them (after close()), or pass
error_callback=print to apply_async, or a broken task fails in silence.

Queues and pools. A plain multiprocessing.Queue can only reach a process by
inheritance: as an argument of Process(...) when the child is created. Pool
workers already exist when the task arrives, so the queue would have to be
pickled and sent to them, which it refuses:
    RuntimeError: Queue objects should only be shared between processes
    through inheritance
and since that happens inside apply_async, you see nothing unless you call
.get(). Manager().Queue() works: Manager() starts a small server process
that holds the real queue, and what you get is a proxy that can be sent to
any process; its put/get are forwarded to the server.

THE TASK
--------
Part A: worker(msg) prints its start line (task number and its own pid),
sleeps random.random()*2 seconds, and prints its done line with the time it
took (time.time() after minus before). part_a() creates Pool(3), hands it
10 tasks with po.apply_async(worker, (i,)) for i in range(10), prints
----start----, calls close() and join(), then prints -----end-----.

Part B: part_b() prints "(pid) start" with os.getpid(), creates
q = Manager().Queue() and a Pool, hands it writer(q) with apply_async,
sleeps 1 s, hands it reader(q), close()s, join()s, and prints "(pid) End".
writer(q) prints its start line with os.getpid() and os.getppid() and puts
each letter of "itcast" on q. reader(q) prints its start line and then one
line per letter it gets, in order. Make the reader get exactly
len("itcast") letters with a blocking q.get(): q.qsize() only tells how
many are there at this instant.

THE LINES TO PRINT (the tutorial's wording, or the English one)
---------------------------------------------------------------
  Part A:  0开始执行,进程号为4711          or  task 0 started, pid 4711
           0 执行完毕，耗时1.27             or  task 0 done, took 1.27 s
           ----start----
           -----end-----
  Part B:  (4700) start
           writer启动(4712),父进程为(4700)  or  writer started (4712), parent (4700)
           reader启动(4713),父进程为(4700)  or  reader started (4713), parent (4700)
           reader从Queue获取到消息：i        or  reader got: i
           ... one line for each of the letters i t c a s t
           (4700) End
  (Under the forkserver start method a worker's parent is the forkserver
  process, not main: that is fine.)

RUN IT AND CHECK IT
-------------------
  python exercises/ex06_pool.py      (a few seconds)
  nox -s check -- ex06               the checks, with what they saw
  nox -s hint -- ex06                a hint, if you are stuck

TRAPS
-----
  - apply instead of apply_async: one task at a time, no parallelism.
  - Calling worker(i) yourself instead of handing it to the pool: it runs in
    main, not in a worker.
  - Forgetting join(): main prints -----end----- while tasks still run, and
    the pool may be torn down before they finish.
  - multiprocessing.Queue() in part B: the tasks die with the RuntimeError
    above, silently. Use Manager().Queue().
  - Manager().Queue without the (): q is then the method itself, not a
    queue, and sending it to a task fails (silently again).
  - Pool code outside `if __name__ == "__main__":`. Under the spawn and
    forkserver start methods (macOS, Windows, Python 3.14 on Linux) each
    worker imports your file again, and would create a pool of its own.
"""
import os
import random
import time
from multiprocessing import Manager, Pool


def worker(msg: int) -> None:
    """One task of part A: print the start line, sleep a random 0-2 s, print the done line."""
    # TODO 1: remember time.time(); print the start line with msg and os.getpid();
    #         time.sleep(random.random() * 2); print the done line with the seconds taken.
    pass


def part_a() -> None:
    """Ten tasks on a pool of three workers."""
    # TODO 2: po = Pool(3); for i in range(10): po.apply_async(worker, (i,)) (keep the results);
    #         print ----start----; po.close(); po.join(); call .get() on each result;
    #         print -----end-----.
    pass


def writer(q) -> None:
    """Part B's first task: put each letter of "itcast" on q."""
    # TODO 3: print the writer line with os.getpid() and os.getppid(); put each letter on q.
    pass


def reader(q) -> None:
    """Part B's second task: get the six letters from q and print each one."""
    # TODO 4: print the reader line; then len("itcast") times: print the line for q.get(True).
    pass


def part_b() -> None:
    """A writer task and a reader task sharing a Manager().Queue()."""
    # TODO 5: print "(%s) start" % os.getpid(); q = Manager().Queue(); a Pool;
    #         apply_async(writer, (q,)); time.sleep(1); apply_async(reader, (q,));
    #         close(); .get() the writer's result, then the reader's (a failed writer
    #         then raises at once instead of leaving the reader waiting); join();
    #         print "(%s) End" % os.getpid().
    pass


def main() -> None:
    part_a()
    part_b()


if __name__ == "__main__":
    main()
