"""Correct: the reader gets a known number of items (3) with blocking get() instead of a sentinel."""
import multiprocessing
import queue
import random
import time

LETTERS = ["A", "B", "C"]


def part_a() -> None:
    q = multiprocessing.Queue(3)
    for message in ["消息1", "消息2"]:
        q.put(message)
    print(q.full())
    q.put("消息3")
    print(q.full())
    for put in (lambda: q.put("消息4", True, 2), lambda: q.put_nowait("消息4")):
        try:
            put()
        except queue.Full:
            print("消息列队已满，现有消息数量:%s" % q.qsize())
    for _ in range(3):
        print(q.get_nowait())


def writer(q) -> None:
    for letter in LETTERS:
        print("Put %s to queue..." % letter)
        q.put(letter)
        time.sleep(random.random())


def reader(q) -> None:
    for _ in range(len(LETTERS)):
        print("Get %s from queue." % q.get())


def part_b() -> None:
    q = multiprocessing.Queue()
    pr = multiprocessing.Process(target=reader, args=(q,))
    pw = multiprocessing.Process(target=writer, args=(q,))
    pr.start()  # the reader may even start first: get() simply waits
    pw.start()
    pw.join()
    pr.join()
    print("所有数据都写入并且读完")


def main() -> None:
    part_a()
    part_b()


if __name__ == "__main__":
    main()
