"""Correct: task errors are surfaced with error_callback= on every apply_async instead of .get()."""
import os
import random
import sys
import time
import traceback
from multiprocessing import Manager, Pool

WORD = "itcast"


def report_error(error: BaseException) -> None:
    """Runs in main (in the pool's result thread) when a task raised: show it, do not lose it."""
    traceback.print_exception(type(error), error, error.__traceback__, file=sys.stderr)


def worker(msg: int) -> None:
    t_start = time.time()
    print("%s开始执行,进程号为%d" % (msg, os.getpid()))
    time.sleep(random.random() * 2)
    print("%s 执行完毕，耗时%0.2f" % (msg, time.time() - t_start))


def part_a() -> None:
    po = Pool(3)
    for i in range(10):
        po.apply_async(worker, (i,), error_callback=report_error)
    print("----start----")
    po.close()
    po.join()
    print("-----end-----")


def writer(q) -> None:
    print("writer启动(%s),父进程为(%s)" % (os.getpid(), os.getppid()))
    for letter in WORD:
        q.put(letter)


def reader(q) -> None:
    print("reader启动(%s),父进程为(%s)" % (os.getpid(), os.getppid()))
    for _ in WORD:
        print("reader从Queue获取到消息：%s" % q.get())


def part_b() -> None:
    print("(%s) start" % os.getpid())
    q = Manager().Queue()
    po = Pool(2)
    po.apply_async(writer, (q,), error_callback=report_error)
    time.sleep(1)
    po.apply_async(reader, (q,), error_callback=report_error)
    po.close()
    po.join()
    print("(%s) End" % os.getpid())


def main() -> None:
    part_a()
    part_b()


if __name__ == "__main__":
    main()
