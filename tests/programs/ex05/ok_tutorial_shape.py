"""Correct: the tutorial's own shape: bare excepts and a qsize() drain in part A; in part B main
joins the writer before it starts the reader, and the reader stops on q.empty().

Stopping on empty() is safe here only because the writer has already ended (and its queue thread
has flushed every letter) before the reader starts: nothing can be put any more.
"""
import random
import time
from multiprocessing import Process, Queue


def part_a():
    q = Queue(3)
    q.put("消息1")
    q.put("消息2")
    print(q.full())
    q.put("消息3")
    print(q.full())
    try:
        q.put("消息4", True, 2)
    except:  # noqa: E722  (as the tutorial writes it)
        print("消息列队已满，现有消息数量:%s" % q.qsize())
    try:
        q.put_nowait("消息4")
    except:  # noqa: E722
        print("消息列队已满，现有消息数量:%s" % q.qsize())
    if not q.full():
        q.put_nowait("消息4")
    if not q.empty():
        for _ in range(q.qsize()):
            print(q.get_nowait())


def write(q):
    for value in ["A", "B", "C"]:
        print("Put %s to queue..." % value)
        q.put(value)
        time.sleep(random.random())


def read(q):
    while True:
        if not q.empty():
            value = q.get(True)
            print("Get %s from queue." % value)
            time.sleep(random.random())
        else:
            break


def part_b():
    q = Queue()
    pw = Process(target=write, args=(q,))
    pr = Process(target=read, args=(q,))
    pw.start()
    pw.join()  # the writer is completely done before the reader starts
    pr.start()
    pr.join()
    print("")
    print("所有数据都写入并且读完")


def main():
    part_a()
    part_b()


if __name__ == "__main__":
    main()
