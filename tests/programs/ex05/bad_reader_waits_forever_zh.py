"""Wrong: the tutorial's reader with a blocking q.get() and no way to stop (Chinese names).

Mistake: `读数据` loops on `value = q.get()` for ever after `写数据` has put its three items and
ended; main waits in `pr.join()`. At 97efe3a the diagnosis said where the grader's own
instrumentation was ("main was in `_callmethod()`..."), not the learner's lines.
Caught by: the run stalls and is stopped; the diagnosis names each process by its function and its
line: main waiting in `pr.join()`, child `读数据` in `value = q.get()`, child `写数据` had ended.
Fails: ends_cleanly
"""
import queue
from multiprocessing import Process, Queue
import time


def 写数据(q):
    for value in ["A", "B", "C"]:
        print("Put %s to queue..." % value)
        q.put(value)
        time.sleep(0.2)


def 读数据(q):
    while True:
        value = q.get()
        print("Get %s from queue." % value)


if __name__ == "__main__":
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

    q = Queue()
    pw = Process(target=写数据, args=(q,))
    pr = Process(target=读数据, args=(q,))
    pw.start()
    pr.start()
    pw.join()
    pr.join()
    print("所有数据都写入并且读完")
