"""Correct: Chinese names and messages throughout, and no "Put"/"Get" anywhere: the writer prints
`写入了 A`, the reader `读到: A`; the reader stops on an end marker the writer puts last.

Graded wrong at 97efe3a (the base of this change): the writer and the reader were found by the
words Put/Get, so this program got "no Put line was printed".
"""
import queue
import random
import time
from multiprocessing import Process, Queue

结束标记 = "结束"


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
    队列.put(结束标记)


def 读数据(队列):
    while True:
        值 = 队列.get()
        if 值 == 结束标记:
            break
        print("读到: %s" % 值)


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
