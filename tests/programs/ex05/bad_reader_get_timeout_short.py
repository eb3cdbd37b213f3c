"""Wrong: the reader ends on queue.Empty from a get that waits 0.5 s (`q.get(True, 0.5)`), while
the writer sleeps up to 1 s between its puts.

Mistake: a timeout shorter than the writer's pause: in a real run the reader ends early whenever
random.random() comes out above 0.5, and the items after that are lost.
Caught by: the timeout, shorter than the writer's longest sleep, is warped like a sleep, and the
writer the grader slows puts its next item only after it: the reader loses items every time.
Fails: every_item_got_once_in_order
"""
from multiprocessing import Process, Queue
import queue, os, time, random


def 写(q):
    for value in ['A', 'B', 'C']:
        print('Put %s to queue...' % value)
        q.put(value)
        time.sleep(random.random())


def 读(q):
    while True:
        try:
            value = q.get(True, 0.5)
        except queue.Empty:
            break
        print('Get %s from queue.' % value)


if __name__ == '__main__':
    q = Queue(3)
    q.put("消息1")
    q.put("消息2")
    print(q.full())
    q.put("消息3")
    print(q.full())
    try:
        q.put("消息4", timeout=2)
    except queue.Full:
        print("消息列队已满，现有消息数量:%s" % q.qsize())
    try:
        q.put_nowait("消息4")
    except queue.Full:
        print("消息列队已满，现有消息数量:%s" % q.qsize())
    while q.qsize() > 0:
        print(q.get_nowait())

    q = Queue()
    pw = Process(target=写, args=(q,))
    pr = Process(target=读, args=(q,))
    pw.start()
    pr.start()
    pw.join()
    pr.join()
    print('所有数据都写入并且读完')
