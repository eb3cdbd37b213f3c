"""Correct: `with Pool(3) as po:` blocks, with close() and join() called inside them.

Leaving a Pool's with-block calls terminate(), so close() and join() must come before its end
(they do here); the Manager is a with-block too, which shuts its server process down.
"""
import os
import random
import time
from multiprocessing import Manager, Pool


def worker(msg: int) -> None:
    t_start = time.time()
    print("%s开始执行,进程号为%d" % (msg, os.getpid()))
    time.sleep(random.random() * 2)
    print("%s 执行完毕，耗时%0.2f" % (msg, time.time() - t_start))


def part_a() -> None:
    with Pool(3) as po:
        results = [po.apply_async(worker, (i,)) for i in range(10)]
        print("----start----")
        po.close()
        po.join()
        for result in results:
            result.get()
    print("-----end-----")


def writer(q) -> None:
    print("writer启动(%s),父进程为(%s)" % (os.getpid(), os.getppid()))
    for letter in "itcast":
        q.put(letter)


def reader(q) -> None:
    print("reader启动(%s),父进程为(%s)" % (os.getpid(), os.getppid()))
    for _ in range(len("itcast")):
        print("reader从Queue获取到消息：%s" % q.get(True))


def part_b() -> None:
    print("(%s) start" % os.getpid())
    with Manager() as manager, Pool(2) as po:
        q = manager.Queue()
        write_result = po.apply_async(writer, (q,))
        time.sleep(1)
        read_result = po.apply_async(reader, (q,))
        po.close()
        write_result.get()
        read_result.get()
        po.join()
    print("(%s) End" % os.getpid())


def main() -> None:
    part_a()
    part_b()


if __name__ == "__main__":
    main()
