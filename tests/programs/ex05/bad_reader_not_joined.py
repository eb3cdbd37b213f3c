"""Wrong: main joins the writer but not the reader, a daemon process that still has work to do
after its last get, and prints its last line while the reader runs (the reader is killed at exit).

Mistake: no 读进程.join() before the last print.
Caught by: main's last line comes while the reader is still running; and the reader, a daemon
stopped when main ends, gets nothing (the grader holds a daemon's first get until its parent
waits for it, so this happens every time, not only when the reader boots late).
At 97efe3a the verdict was right but the words were not: the message named the writer, which had
ended, as the process still running. At 1c959fc the grade depended on the program's own race: the
reader was stopped before it had taken C in 2 of 375 gradings at load 25-44 (one check more
failed), and the message then told of end markers instead of the daemon stopped with main.
Fails: every_item_got_once_in_order main_waits_for_both
"""
import queue
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
    except queue.Full:
        print("消息列队已满，现有消息数量:%s" % q.qsize())
    try:
        q.put_nowait("消息4")
    except queue.Full:
        print("消息列队已满，现有消息数量:%s" % q.qsize())
    for _ in range(3):
        print(q.get_nowait())


def write(q):
    for value in "ABC":
        print("Put %s to queue..." % value)
        q.put(value)


def read(q):
    got = [q.get() for _ in range(3)]
    for value in got:
        print("Get %s from queue." % value)
    time.sleep(10)  # "saving" what it read: still busy when main prints its last line


def part_b():
    q = Queue()
    pw = Process(target=write, args=(q,))
    pr = Process(target=read, args=(q,), daemon=True)
    pw.start()
    pr.start()
    pw.join()
    print("所有数据都写入并且读完")


if __name__ == "__main__":
    part_a()
    part_b()
