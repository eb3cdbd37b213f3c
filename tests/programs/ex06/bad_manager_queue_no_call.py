"""Wrong: part B writes multiprocessing.Manager().Queue without the call (the tutorial's shape otherwise).

Mistake: q is the manager's Queue METHOD, not a queue: the () that creates the queue is missing.
Caught by: neither writer nor reader ever prints: pickling the bound method for the task pickles the
manager with it and fails with "TypeError: Pickling an AuthenticationString object is disallowed for
security reasons", stored in an AsyncResult that nobody .get()s, so part B prints only start and End.
Fails: reader_got_every_letter
"""
import os
import random
import time
import multiprocessing
from multiprocessing import Pool


def worker(msg):
    t_start = time.time()
    print("%s开始执行,进程号为%d" % (msg, os.getpid()))
    time.sleep(random.random() * 2)
    t_stop = time.time()
    print(msg, "执行完毕，耗时%0.2f" % (t_stop - t_start))


def part_a():
    po = Pool(3)
    for i in range(0, 10):
        po.apply_async(worker, (i,))
    print("----start----")
    po.close()
    po.join()
    print("-----end-----")


def reader(q):
    print("reader启动(%s),父进程为(%s)" % (os.getpid(), os.getppid()))
    for _ in range(q.qsize()):
        print("reader从Queue获取到消息：%s" % q.get(True))


def writer(q):
    print("writer启动(%s),父进程为(%s)" % (os.getpid(), os.getppid()))
    for letter in "itcast":
        q.put(letter)


def part_b():
    print("(%s) start" % os.getpid())
    q = multiprocessing.Manager().Queue
    po = Pool()
    po.apply_async(writer, (q,))
    time.sleep(1)
    po.apply_async(reader, (q,))
    po.close()
    po.join()
    print("(%s) End" % os.getpid())


def main():
    part_a()
    part_b()


if __name__ == "__main__":
    main()
