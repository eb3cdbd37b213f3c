"""Correct: the whole exercise with the English wording, a sentinel ending part B."""
import queue
import random
import time
from multiprocessing import Process, Queue

STOP = None


def part_a() -> None:
    q = Queue(3)
    q.put("message 1")
    q.put("message 2")
    print(q.full())
    q.put("message 3")
    print(q.full())
    try:
        q.put("message 4", block=True, timeout=2)
    except queue.Full:
        print("queue is full, messages in it: %d" % q.qsize())
    try:
        q.put_nowait("message 4")
    except queue.Full:
        print("queue is full, messages in it: %d" % q.qsize())
    while not q.empty():
        print(q.get_nowait())


def writer(q) -> None:
    for value in "ABC":
        print("Put %s to queue..." % value)
        q.put(value)
        time.sleep(random.random())
    q.put(STOP)


def reader(q) -> None:
    for value in iter(q.get, STOP):
        print("Get %s from queue." % value)


def part_b() -> None:
    q = Queue()
    processes = [Process(target=writer, args=(q,)), Process(target=reader, args=(q,))]
    for p in processes:
        p.start()
    for p in processes:
        p.join()
    print("all data written and read")


def main() -> None:
    part_a()
    part_b()


if __name__ == "__main__":
    main()
