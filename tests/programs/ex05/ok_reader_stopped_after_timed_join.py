"""Correct: the reader loops on get() forever; main gives it a second after the writer ended
(join(1)), then stops it with terminate() and joins it before its last line.

Run for real, the reader has got A, B and C long before: nothing is lost. At 824da01 this
program failed "main prints its last line after the writer and the reader have ended": a process
stopped by terminate() had no recorded end (it never returns from its target), so the reader
that main had terminated and joined was called "still running" when main printed.
"""
import multiprocessing
import queue
import random
import time


def 写数据(q):
    for 值 in "ABC":
        print("Put %s to queue..." % 值)
        q.put(值)
        time.sleep(random.random())


def 读数据(q):
    while True:                      # 没有结束标记：由主进程来结束它
        值 = q.get()
        print("Get %s from queue." % 值)


if __name__ == "__main__":
    q = multiprocessing.Queue(3)
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
    for _ in range(q.qsize()):
        print(q.get_nowait())

    q = multiprocessing.Queue()
    pw = multiprocessing.Process(target=写数据, args=(q,))
    pr = multiprocessing.Process(target=读数据, args=(q,))
    pw.start()
    pr.start()
    pw.join()
    pr.join(1)        # 给读进程 1 秒，把剩下的消息取完
    pr.terminate()
    pr.join()
    print("所有数据都写入并且读完")
