"""Correct: the reader ends on queue.Empty from a get that waits 1.5 s (`q.get(True, 1.5)`): the
writer sleeps under 1 s between its puts, so in a real run every item comes in time.

Graded wrong at 3e30150, 3 runs of 3 under every method: the timeout was warped like a sleep
(75 ms), shorter than the grader's own slowing of the writer (a gap of up to 100 ms), and the
reader was told it ended while the writer was still putting. A get that waits at least as long as
the writer's longest sleep now waits long enough in the graded run too.
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
            value = q.get(True, 1.5)
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
