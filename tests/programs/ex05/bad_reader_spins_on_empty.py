"""Wrong: the reader waits for each item by asking q.empty() again and again.

Mistake: `while q.empty(): pass` before each get(): nothing is lost (it knows there are 3 items),
but while the writer is between two puts the reader burns a CPU core.
Caught by: the reader never sleeps from its start to its last item. Commit 97efe3a passed every
check of ex05 on this program.
Fails: waits_without_spinning
"""
import os
import time
from multiprocessing import Process, Queue


def 写数据(q):
    for 值 in ["A", "B", "C"]:
        print(f"Put {值} to queue...")
        q.put(值)
        time.sleep(4)


def 读数据(q):
    for _ in range(3):
        while q.empty():
            pass
        print(f"Get {q.get()} from queue.")


if __name__ == "__main__":
    q = Queue(3)
    q.put("消息1")
    q.put("消息2")
    print(q.full())
    q.put("消息3")
    print(q.full())
    try:
        q.put("消息4", True, 2)
    except Exception:
        print("消息列队已满，现有消息数量:%s" % q.qsize())
    try:
        q.put_nowait("消息4")
    except Exception:
        print("消息列队已满，现有消息数量:%s" % q.qsize())
    if not q.empty():
        for i in range(q.qsize()):
            print(q.get_nowait())

    q = Queue()
    pw = Process(target=写数据, args=(q,))
    pr = Process(target=读数据, args=(q,))
    pw.start()
    pr.start()
    pw.join()
    pr.join()
    print("所有数据都写入并且读完")
