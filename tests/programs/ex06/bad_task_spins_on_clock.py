"""Wrong: each task "works" its random time by watching the clock, `while time.perf_counter() <
到点: pass`, instead of sleeping.

Mistake: a busy loop on the clock where the tutorial sleeps: the output and the overlap are
right, but each worker keeps a CPU busy the whole time, and the three of them take more CPUs
than a 2-core machine has.
Caught by: the worker read the clock thousands of times in a row with no wait in between
(counted by the instrumentation, whatever the load), quoted at its line.
Fails: waits_without_spinning
"""
import os
import random
import time
from multiprocessing import Manager, Pool


def worker(msg):
    t_start = time.time()
    print("%s开始执行,进程号为%d" % (msg, os.getpid()))
    到点 = time.perf_counter() + random.random() * 0.3
    while time.perf_counter() < 到点:
        pass
    print(msg, "执行完毕，耗时%0.2f" % (time.time() - t_start))


def writer(q):
    for letter in "itcast":
        q.put(letter)


def reader(q):
    for _ in range(6):
        print("reader从Queue获取到消息：%s" % q.get())


if __name__ == "__main__":
    po = Pool(3)
    for i in range(10):
        po.apply_async(worker, (i,))
    print("----start----")
    po.close()
    po.join()
    print("-----end-----")
    q = Manager().Queue()
    po = Pool(2)
    po.apply_async(writer, (q,)).get()
    po.apply_async(reader, (q,)).get()
    po.close()
    po.join()
