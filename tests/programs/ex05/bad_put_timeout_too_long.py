"""Wrong: part A's blocking put asks to wait 10 s for room, not about 2 s.

Mistake: `q.put("消息4", True, 10)`: the timeout is the put's third argument, in seconds.
Caught by: the put main made on the full queue asked for a 10 s timeout (the instrumentation records
the timeout asked for; what the clock saw only proves that the put waited).
Fails: blocking_put_waits
"""
import queue
from multiprocessing import Process, Queue


def 写(q):
    for 值 in "ABC":
        print("Put %s to queue..." % 值)
        q.put(值)
    q.put(None)


def 读(q):
    while True:
        值 = q.get()
        if 值 is None:
            break
        print("Get %s from queue." % 值)


if __name__ == "__main__":
    q = Queue(3)
    q.put("消息1")
    q.put("消息2")
    print(q.full())
    q.put("消息3")
    print(q.full())
    try:
        q.put("消息4", True, 10)
    except queue.Full:
        print("消息列队已满，现有消息数量:%s" % q.qsize())
    try:
        q.put_nowait("消息4")
    except queue.Full:
        print("消息列队已满，现有消息数量:%s" % q.qsize())
    for _ in range(3):
        print(q.get_nowait())

    q = Queue()
    pw = Process(target=写, args=(q,))
    pr = Process(target=读, args=(q,))
    pw.start()
    pr.start()
    pw.join()
    pr.join()
    print("所有数据都写入并且读完")
