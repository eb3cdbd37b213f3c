"""Correct: part B with a multiprocessing.JoinableQueue (the reader calls task_done(), the writer
waits on q.join() until every item was handled) and its own wording (`sent A`, `handled A`).

Its puts are JoinableQueue.put, not Queue.put: the roles must still be seen.
"""
import queue
import time
from multiprocessing import JoinableQueue, Process, Queue


def part_a():
    q = Queue(3)
    for text in ("消息1", "消息2"):
        q.put(text)
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
    print(q.get(), q.get(), q.get(), sep="\n")


def send(q):
    for item in "ABC":
        q.put(item)
        print("sent", item)
        time.sleep(0.5)
    q.put(None)
    q.join()  # returns once the reader has called task_done() for every item


def handle(q):
    while True:
        item = q.get()
        q.task_done()
        if item is None:
            return
        print("handled", item)


if __name__ == "__main__":
    part_a()
    q = JoinableQueue()
    ps = [Process(target=send, args=(q,)), Process(target=handle, args=(q,))]
    [p.start() for p in ps]
    [p.join() for p in ps]
    print("所有数据都写入并且读完")
