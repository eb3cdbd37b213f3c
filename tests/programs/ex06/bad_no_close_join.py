"""Wrong: part A never closes nor joins its pool (the tutorial's shape otherwise): main prints
----start---- and -----end----- and goes on to part B while the tasks wait for a worker.

Mistake: no po.close() / po.join() after the apply_async loop.
Caught by: the tasks never finish: main ends (and the pool's workers are stopped with it) without
waiting for them. The grader starts a pool's tasks only once main waits for them, so this shows
on every run.
At 97efe3a its grade depended on the program's own race: in 12 runs, 7 scored 3/8 (main ended
before the tasks) and 5 scored 7/8 (the tasks happened to finish during part B).
Fails: each_task_runs_once
"""
import os
import random
import time
from multiprocessing import Manager, Pool


def worker(msg):
    t_start = time.time()
    print("%s开始执行,进程号为%d" % (msg, os.getpid()))
    time.sleep(random.random() * 2)
    t_stop = time.time()
    print(msg, "执行完毕，耗时%0.2f" % (t_stop - t_start))


def writer(q):
    print("writer启动(%s),父进程为(%s)" % (os.getpid(), os.getppid()))
    for i in "itcast":
        q.put(i)


def reader(q):
    print("reader启动(%s),父进程为(%s)" % (os.getpid(), os.getppid()))
    for i in range(q.qsize()):
        print("reader从Queue获取到消息：%s" % q.get(True))


if __name__ == "__main__":
    po = Pool(3)
    for i in range(0, 10):
        po.apply_async(worker, (i,))
    print("----start----")
    print("-----end-----")

    print("(%s) start" % os.getpid())
    q = Manager().Queue()
    po2 = Pool()
    po2.apply_async(writer, (q,))
    time.sleep(1)
    po2.apply_async(reader, (q,))
    po2.close()
    po2.join()
    print("(%s) End" % os.getpid())
