"""Wrong: part A closes the pool but never joins it, and prints -----end----- right away.

Mistake: po.join() missing after po.close().
Caught by: -----end----- is printed before any task has finished. In the graded run a pool's
tasks start only once main waits for them: here main's sleep after the end line lets them run (and
finish, within that sleep), so every run shows the same order.
Fails: end_after_all_tasks
"""
import os
import random
import time
from multiprocessing import Manager, Pool

WORD = "itcast"


def worker(msg: int) -> None:
    """One task of part A: announce itself, sleep a random 0-2 s, report the time taken."""
    t_start = time.time()
    print("%s开始执行,进程号为%d" % (msg, os.getpid()))
    time.sleep(random.random() * 2)
    t_stop = time.time()
    print("%s 执行完毕，耗时%0.2f" % (msg, t_stop - t_start))


def part_a() -> None:
    po = Pool(3)  # 3 worker processes: at most 3 tasks run at the same time
    results = []
    for i in range(10):
        # apply_async only queues the task and returns at once (an AsyncResult),
        # so all 10 are handed over in a moment and the workers share them out.
        results.append(po.apply_async(worker, (i,)))
    print("----start----")
    po.close()
    print("-----end-----")
    # Main happens to stay long enough for the tasks to finish (a slow part B would do the
    # same): the one mistake shows only in the order, -----end----- before the tasks' lines.
    time.sleep(10)


def writer(q) -> None:
    """Part B's first task: put each letter of WORD on the shared queue."""
    print("writer启动(%s),父进程为(%s)" % (os.getpid(), os.getppid()))
    for letter in WORD:
        q.put(letter)


def reader(q) -> None:
    """Part B's second task: get exactly as many letters as the writer puts."""
    print("reader启动(%s),父进程为(%s)" % (os.getpid(), os.getppid()))
    # A known count and a blocking get(): every letter arrives even if the
    # writer is late. (Counting q.qsize() instead would read only the letters
    # that happen to be there at this moment.)
    for _ in range(len(WORD)):
        print("reader从Queue获取到消息：%s" % q.get(True))


def part_b() -> None:
    print("(%s) start" % os.getpid())
    # Manager() starts a small server process that owns the queue; q is a proxy
    # to it, and a proxy can be sent to a pool task like any other argument.
    manager = Manager()
    q = manager.Queue()
    po = Pool(2)  # one worker for the writer, one for the reader
    write_result = po.apply_async(writer, (q,))
    time.sleep(1)  # give the writer a head start, as the tutorial does
    read_result = po.apply_async(reader, (q,))
    po.close()
    # Ask for the writer's result first: if it failed (say, the queue could not
    # be sent to it), .get() raises the error here instead of leaving the
    # reader waiting for letters that will never come.
    write_result.get()
    read_result.get()
    po.join()
    manager.shutdown()  # stop the manager's server process
    print("(%s) End" % os.getpid())


def main() -> None:
    part_a()
    part_b()


if __name__ == "__main__":
    main()
