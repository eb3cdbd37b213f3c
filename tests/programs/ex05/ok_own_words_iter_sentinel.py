"""Correct: part A in its own words (`满了吗: False`, `阻塞两秒: 队列已满, 现有 3 条`), puts
with keyword arguments (timeout=2, block=False), a drain on empty(); part B's reader stops on a
None the writer puts last, written as iter(q.get, None).

At 8fbe5b1 it failed "the blocking put waits about 2 s": part A's failed puts were found by the
wording of the lines main printed after them (a line ending in 3), and these end in 条. They are
found by what main did with its queue now: its puts that raised queue.Full, and how long each
waited.
"""
import queue
import random
import time
from multiprocessing import Process, Queue


def 满了吗():
    q = Queue(3)
    for n in (1, 2):
        q.put(f"消息{n}")
    print("满了吗:", q.full())
    q.put("消息3")
    print("满了吗:", q.full())
    for 方式 in ("阻塞两秒", "不等待"):
        try:
            if 方式 == "阻塞两秒":
                q.put("消息4", timeout=2)
            else:
                q.put("消息4", block=False)
        except queue.Full:
            print(f"{方式}: 队列已满, 现有 {q.qsize()} 条")
    while not q.empty():
        print(q.get_nowait())


def write(q):
    for value in ["A", "B", "C"]:
        print("Put %s to queue..." % value)
        q.put(value)
        time.sleep(random.random())
    q.put(None)


def read(q):
    for value in iter(q.get, None):
        print("Get %s from queue." % value)


if __name__ == "__main__":
    满了吗()
    q = Queue()
    pw = Process(target=write, args=(q,))
    pr = Process(target=read, args=(q,))
    pw.start()
    pr.start()
    pw.join()
    pr.join()
    print("所有数据都写入并且读完")
