"""Correct: part A hands its ten tasks to the pool in chunks of three (starmap_async(任务, [(i, "任务") ...],
chunksize=3): each worker gets three items in one go), with Chinese names throughout; part B
runs the writer, then the reader, each with a blocking apply(), and the reader gets a known count.

Before (91cb3ca): "each of the 10 tasks starts and finishes exactly once" failed with "tasks that
started: 0, 3, 6, 9": a chunk was recorded as one task, named by its first item. Now each call
of the learner's function in a chunk is a task of its own.
"""
import os
import random
import time
from multiprocessing import Manager, Pool


def 任务(编号, 名字):
    开始 = time.time()
    print("%s %d 开始执行，进程号 %d" % (名字, 编号, os.getpid()))
    time.sleep(random.random() * 2)
    print("%s %d 执行完毕，耗时 %.2f" % (名字, 编号, time.time() - 开始))
    return 编号 * 编号


def 写(q):
    print("写进程 %d，父进程 %d" % (os.getpid(), os.getppid()))
    for 字 in "itcast":
        q.put(字)


def 读(q):
    print("读进程 %d，父进程 %d" % (os.getpid(), os.getppid()))
    for _ in range(len("itcast")):
        print("读到：%s" % q.get())


if __name__ == "__main__":
    池 = Pool(3)
    结果 = 池.starmap_async(任务, [(i, "任务") for i in range(10)], chunksize=3)
    print("----start----")
    池.close()
    池.join()
    print(结果.get())
    print("-----end-----")

    print("(%d) start" % os.getpid())
    队列 = Manager().Queue()
    池 = Pool()
    池.apply(写, (队列,))
    池.apply(读, (队列,))
    池.close()
    池.join()
    print("(%d) End" % os.getpid())
