"""Wrong: part B hands the writer and the reader to the pool together (apply_async, apply_async),
and the reader stops as soon as q.empty() is True.

Mistake: the two tasks start at about the same moment; a reader that finds the queue empty
before the writer's first put ends at once, and the letters are lost (4 runs of 10 on an idle
machine got nothing). With apply() the writer is done before the reader starts, and empty() is
then safe.
Caught by: the grader holds a task's first put until the other task handed out with it has
acted (asked the queue, or slept): the reader always asks first, finds nothing, and ends.
Passed at 20e65ab (30/30 under the three methods): the race went the writer's way.
Fails: reader_got_every_letter
"""
from multiprocessing import Pool, Manager
import os, time, random


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
    while not q.empty():
        print("reader从Queue获取到消息：%s" % q.get(True))


if __name__ == "__main__":
    po = Pool(3)
    for i in range(0, 10):
        po.apply_async(func=worker, args=(i,))
    print("----start----")
    po.close()
    po.join()
    print("-----end-----")

    print("(%s) start" % os.getpid())
    q = Manager().Queue()
    po = Pool()
    r1 = po.apply_async(writer, (q,))
    r2 = po.apply_async(reader, (q,))
    r1.get()
    r2.get()
    po.close()
    po.join()
    print("(%s) End" % os.getpid())
