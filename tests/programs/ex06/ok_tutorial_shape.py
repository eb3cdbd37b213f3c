"""Correct: the tutorial's shape inside part_a()/part_b(): results not kept, Pool() of default size,
and a reader that reads q.qsize() letters after main's 1 s head start for the writer.

It works because the writer is done long before the reader starts (1 s is plenty for six puts), so
qsize() is 6 by then; it is the shape the tutorial prints, kept here so the grader stays fair to it.
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
    q = Manager().Queue()
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
