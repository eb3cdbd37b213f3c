"""Correct: the 10 tasks handed out in a while loop, numbered 任务0..任务9 in their lines; part B
runs the writer and then the reader with apply() (blocking), the reader reading qsize() items."""
import os
import random
import time
from multiprocessing import Manager, Pool


def worker(msg):
    t_start = time.time()
    print("任务%d开始执行,进程号为%d" % (msg, os.getpid()))
    time.sleep(random.random() * 2)
    print("任务%d执行完毕，耗时%0.2f" % (msg, time.time() - t_start))


def writer(q):
    print("writer启动(%s),父进程为(%s)" % (os.getpid(), os.getppid()))
    for ch in "itcast":
        q.put(ch)


def reader(q):
    print("reader启动(%s),父进程为(%s)" % (os.getpid(), os.getppid()))
    for _ in range(q.qsize()):
        print("reader从Queue获取到消息：%s" % q.get(True))


if __name__ == "__main__":
    po = Pool(3)
    i = 0
    while i < 10:
        po.apply_async(worker, (i,))
        i += 1
    print("----start----")
    po.close()
    po.join()
    print("-----end-----")

    print("(%s) start" % os.getpid())
    q = Manager().Queue()
    po = Pool()
    po.apply(writer, (q,))
    po.apply(reader, (q,))
    po.close()
    po.join()
    print("(%s) End" % os.getpid())
