"""Correct: the reader is a daemon process (so that it could never outlive main by mistake), and
main waits for it all the same: is_alive() once after the writer, then join(). The reader counts
the known number of items with a bounded Queue(2) in part B, so the writer blocks now and then.

Written for the grader's hold on a daemon's first get (it waits until its parent joins it or asks
whether it is alive): a daemon reader that main waits for must lose nothing and pass every check.
"""
import os
import queue
import time
from multiprocessing import Process, Queue

ITEMS = ["A", "B", "C"]


def part_a():
    q = Queue(3)
    q.put("消息1")
    q.put("消息2")
    print(q.full())
    q.put("消息3")
    print(q.full())
    try:
        q.put("消息4", True, 2)
    except queue.Full:
        print("消息列队已满，现有消息数量:%s" % q.qsize())
    try:
        q.put_nowait("消息4")
    except queue.Full:
        print("消息列队已满，现有消息数量:%s" % q.qsize())
    while not q.empty():
        print(q.get_nowait())


def writer(q):
    for item in ITEMS:
        print("[%d] writing %s" % (os.getpid(), item))
        q.put(item)
        time.sleep(0.2)


def reader(q):
    for _ in ITEMS:
        print("[%d] read %s" % (os.getpid(), q.get()))


def part_b():
    q = Queue(2)
    w = Process(target=writer, args=(q,))
    r = Process(target=reader, args=(q,), daemon=True)
    r.start()
    w.start()
    w.join()
    if r.is_alive():
        print("the reader is still reading")
    r.join()
    print("writer and reader are both done")


if __name__ == "__main__":
    part_a()
    part_b()
