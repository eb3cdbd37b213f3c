"""Wrong: the reader stops as soon as the queue is empty, worded in Chinese (`写入了 A`, `读到: A`).

Mistake: `while not 队列.empty()` in a reader started together with the writer: an empty queue
only means the writer has not put the next item yet, so the reader ends early and items are lost.
Caught by: the grader holds the writer's first put until the reader runs; the reader asks empty(),
gets True and ends; the writer then puts A, B, C, which nobody gets.
Graded wrong at 97efe3a for the wrong reason: "no Put line was printed" (the roles were found by
the words Put/Get), and the lost items went unnamed.
Fails: every_item_got_once_in_order
"""
import queue
import random
import time
from multiprocessing import Process, Queue


def 第一部分():
    队列 = Queue(3)
    队列.put("消息1")
    队列.put("消息2")
    print(队列.full())
    队列.put("消息3")
    print(队列.full())
    try:
        队列.put("消息4", True, 2)
    except queue.Full:
        print("消息列队已满，现有消息数量:%s" % 队列.qsize())
    try:
        队列.put_nowait("消息4")
    except queue.Full:
        print("消息列队已满，现有消息数量:%s" % 队列.qsize())
    for _ in range(队列.qsize()):
        print(队列.get_nowait())


def 写数据(队列):
    for 值 in ["A", "B", "C"]:
        队列.put(值)
        print("写入了", 值)
        time.sleep(random.random())


def 读数据(队列):
    while not 队列.empty():
        print("读到: %s" % 队列.get())
        time.sleep(random.random())


def 第二部分():
    队列 = Queue()
    写进程 = Process(target=写数据, args=(队列,))
    读进程 = Process(target=读数据, args=(队列,))
    写进程.start()
    读进程.start()
    写进程.join()
    读进程.join()
    print("所有数据都写入并且读完")


if __name__ == "__main__":
    第一部分()
    第二部分()
