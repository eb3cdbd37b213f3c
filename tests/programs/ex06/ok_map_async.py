"""Correct: part A hands its 10 tasks to the pool in one call, map_async(job, range(10)), and gets
their results after join(); part B's reader stops on a None the writer puts last; English words,
f-strings, `with Manager() as m`.

Before (base b66123f): "each of the 10 tasks starts and finishes exactly once" failed with "no task
was handed to a pool": part A's function was looked for only among apply_async's tasks, where part
B's writer and reader (one each) hid the pool workers' own record of the ten.
"""
import os
import random
import time
from multiprocessing import Manager, Pool


def job(n):
    began = time.time()
    print(f"task {n} began in worker {os.getpid()}")
    time.sleep(random.random() * 2)
    print(f"task {n} done after {time.time() - began:.2f}s")
    return n


def produce(q):
    print(f"producer {os.getpid()} (parent {os.getppid()})")
    for ch in "itcast":
        q.put(ch)
    q.put(None)


def consume(q):
    print(f"consumer {os.getpid()} (parent {os.getppid()})")
    while True:
        ch = q.get()
        if ch is None:
            break
        print(f"consumer got {ch}")


if __name__ == "__main__":
    pool = Pool(processes=3)
    pending = pool.map_async(job, range(10))
    print("----start----")
    pool.close()
    pool.join()
    print(pending.get())
    print("-----end-----")

    print(f"({os.getpid()}) start")
    with Manager() as m:
        q = m.Queue()
        pool = Pool(2)
        w = pool.apply_async(produce, (q,))
        time.sleep(1)
        r = pool.apply_async(consume, (q,))
        pool.close()
        pool.join()
        w.get(); r.get()
    print(f"({os.getpid()}) End")
