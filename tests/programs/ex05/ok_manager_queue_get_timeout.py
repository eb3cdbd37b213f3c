"""Correct: part B shares a Manager().Queue() between a producer and a consumer, and the consumer
ends on queue.Empty from a get that waits 3 s (`q.get(timeout=3)`), longer than any pause of the
producer (under 1 s): in a real run it gets every item, then ends 3 s after the last.

A Manager's queue answers get() in its server process: before the grader warped such a timeout
(base a8f5c16) the consumer's last get waited 3 real seconds and the run was stopped as stalled.
"""
import queue
import random
import time
from multiprocessing import Manager, Process, Queue


def fill_and_drain() -> None:
    q = Queue(3)
    q.put("消息1")
    q.put("消息2")
    print(q.full())
    q.put("消息3")
    print(q.full())
    try:
        q.put("消息4", timeout=2)
    except queue.Full:
        print(f"消息列队已满，现有消息数量:{q.qsize()}")
    try:
        q.put_nowait("消息4")
    except queue.Full:
        print(f"消息列队已满，现有消息数量:{q.qsize()}")
    while not q.empty():
        print(q.get_nowait())


def producer(q) -> None:
    for letter in "ABC":
        print(f"producer sends {letter}")
        q.put(letter)
        time.sleep(random.random())


def consumer(q) -> None:
    while True:
        try:
            letter = q.get(timeout=3)
        except queue.Empty:
            print("consumer: nothing more")
            return
        print(f"consumer received {letter}")


def main() -> None:
    fill_and_drain()
    with Manager() as manager:
        shared = manager.Queue()
        workers = [Process(target=producer, args=(shared,)), Process(target=consumer, args=(shared,))]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    print("all done")


if __name__ == "__main__":
    main()
