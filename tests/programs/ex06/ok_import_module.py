"""Correct: written with `import multiprocessing` and qualified names (multiprocessing.Pool,
multiprocessing.Manager) instead of `from multiprocessing import Pool, Manager`."""
import multiprocessing
import os
import random
import time


def worker(msg):
    t_start = time.time()
    print("%s开始执行,进程号为%d" % (msg, os.getpid()))
    time.sleep(random.random() * 2)
    print("%s 执行完毕，耗时%0.2f" % (msg, time.time() - t_start))


def part_a():
    po = multiprocessing.Pool(3)
    results = []
    for i in range(10):
        results.append(po.apply_async(worker, args=(i,)))
    print("----start----")
    po.close()
    po.join()
    for result in results:
        result.get()
    print("-----end-----")


def writer(q):
    print("writer启动(%s),父进程为(%s)" % (os.getpid(), os.getppid()))
    for letter in "itcast":
        q.put(letter)


def reader(q, count):
    print("reader启动(%s),父进程为(%s)" % (os.getpid(), os.getppid()))
    for _ in range(count):
        print("reader从Queue获取到消息：%s" % q.get(True))


def part_b():
    print("(%s) start" % os.getpid())
    q = multiprocessing.Manager().Queue()
    po = multiprocessing.Pool(3)
    w = po.apply_async(writer, args=(q,))
    time.sleep(1)
    r = po.apply_async(reader, args=(q, len("itcast")))
    po.close()
    w.get()
    r.get()
    po.join()
    print("(%s) End" % os.getpid())


def main():
    part_a()
    part_b()


if __name__ == "__main__":
    main()
