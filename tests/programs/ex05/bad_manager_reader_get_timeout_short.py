"""Wrong: part B shares a Manager().Queue(), and the reader ends on queue.Empty from a get that
waits 0.5 s (`q.get(timeout=0.5)`), while the writer sleeps up to 1 s between its puts.

Mistake: a timeout shorter than the writer's pause: in a real run the reader ends early whenever
random.random() comes out above 0.5, and the items after that are lost. A Manager's queue answers
get() in its server process, where the grader's warp of the timeout did not reach.
Caught by: the timeout is warped as a multiprocessing.Queue's is, and the writer the grader slows
puts its next item only after it: the reader loses items every time. Before (base a8f5c16): it
passed, the timeout unwarped (0.5 real seconds against the writer's warped pauses).
Fails: every_item_got_once_in_order
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
            letter = q.get(timeout=0.5)
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
