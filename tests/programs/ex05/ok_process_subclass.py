"""Correct: part B with two Process subclasses that print only what they did, in their own words
(`producer sent 'A'`, `consumer received 'A'`), and a reader that counts the items it expects.

Graded wrong at 97efe3a: roles were found by the words Put/Get, which this program never prints.
"""
import queue
import random
import time
from multiprocessing import Process, Queue

ITEMS = ("A", "B", "C")


class Producer(Process):
    def __init__(self, q):
        super().__init__()
        self.q = q

    def run(self):
        for item in ITEMS:
            self.q.put(item)
            print(f"producer sent {item!r}")
            time.sleep(random.random())


class Consumer(Process):
    def __init__(self, q):
        super().__init__()
        self.q = q

    def run(self):
        for _ in ITEMS:
            print(f"consumer received {self.q.get()!r}")


def part_a():
    q = Queue(3)
    q.put("message 1")
    q.put("message 2")
    print(q.full())
    q.put("message 3")
    print(q.full())
    try:
        q.put("message 4", timeout=2)
    except queue.Full:
        print(f"queue is full, messages in it: {q.qsize()}")
    try:
        q.put_nowait("message 4")
    except queue.Full:
        print(f"queue is full, messages in it: {q.qsize()}")
    while True:
        try:
            print(q.get_nowait())
        except queue.Empty:
            break


def part_b():
    q = Queue()
    workers = [Producer(q), Consumer(q)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print("all data written and read")


if __name__ == "__main__":
    part_a()
    part_b()
