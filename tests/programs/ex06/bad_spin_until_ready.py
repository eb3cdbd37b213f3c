"""Wrong: main waits for the pool's tasks by polling their results in a loop.

Mistake: `while not all(r.ready() for r in results): pass` instead of close() and join(): every
task runs and ends before `-----end-----`, but main burns a CPU core all the while, the core the
workers need.
Caught by: main never sleeps while the tasks run. Commit 97efe3a passed every check of ex06 on
this program.
Fails: waits_without_spinning
"""
import os
import random
import time
from multiprocessing import Manager, Pool



def worker(msg):
    t_start = time.time()
    print(f"{msg}开始执行,进程号为{os.getpid()}")
    time.sleep(random.uniform(2, 3))
    t_stop = time.time()
    print(msg, f"执行完毕，耗时{t_stop - t_start:0.2f}")


def writer(q):
    for ch in "itcast":
        q.put(ch)


def reader(q):
    for _ in range(q.qsize()):
        print(f"reader从Queue获取到消息：{q.get(True)}")


if __name__ == "__main__":
    po = Pool(3)
    results = [po.apply_async(worker, (i,)) for i in range(10)]
    print("----start----")
    while not all(r.ready() for r in results):
        pass
    print("-----end-----")
    po.close()
    po.join()

    q = Manager().Queue()
    po = Pool()
    po.apply_async(writer, (q,))
    time.sleep(1)
    po.apply_async(reader, (q,))
    po.close()
    po.join()
