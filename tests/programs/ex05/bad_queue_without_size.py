"""Wrong: part A's queue has no size, Queue() instead of Queue(3), so it is never full.

Mistake: the maxsize argument left out.
Caught by: full() answers False twice, and neither put raises queue.Full: "0 of main's puts found
the queue full" (judged from main's queue calls, not from its lines).
Fails: full_answers blocking_put_waits
"""
import queue  # only for the exception classes queue.Full and queue.Empty
import random
import time
from multiprocessing import Process, Queue

# The writer's last message. It cannot be confused with data, which are letters.
END_OF_DATA = None


def part_a() -> None:
    """A queue that holds at most 3 messages, used from main alone."""
    q = Queue()   # no maxsize: it is never full
    q.put("消息1")
    q.put("消息2")
    print(q.full())  # False: 2 of 3 places are taken
    q.put("消息3")
    print(q.full())  # True: all 3 places are taken

    try:
        # block=True, timeout=2: wait up to 2 s for a free place, then raise queue.Full.
        q.put("消息4", True, 2)
    except queue.Full:
        print("消息列队已满，现有消息数量:%s" % q.qsize())

    try:
        # The same as q.put("消息4", False): no waiting at all, queue.Full at once.
        q.put_nowait("消息4")
    except queue.Full:
        print("消息列队已满，现有消息数量:%s" % q.qsize())

    # Take the messages out again; they come out in the order they went in.
    # get_nowait() raises queue.Empty when nothing is left. That is a safe end
    # signal here only because main is the one process that ever puts, and it
    # has finished putting (the 2 s wait above left the queue's background
    # thread plenty of time to deliver all three messages).
    while True:
        try:
            message = q.get_nowait()
        except queue.Empty:
            break
        print(message)


def writer(q) -> None:
    """Put A, B, C on the queue, then the end-of-data sentinel."""
    for value in ["A", "B", "C"]:
        print("Put %s to queue..." % value)
        q.put(value)
        time.sleep(random.random())
    q.put(END_OF_DATA)


def reader(q) -> None:
    """Get and print every value until the sentinel arrives."""
    while True:
        # get() waits for the next message, however long the writer takes.
        # Do not stop on q.empty(): it only says "nothing is here right now",
        # and a slow writer may still be about to put more.
        value = q.get()
        if value is END_OF_DATA:
            break
        print("Get %s from queue." % value)


def part_b() -> None:
    """A writer process and a reader process, running at the same time."""
    # Create the queue before the children and hand it to them as an argument.
    q = Queue()
    pw = Process(target=writer, args=(q,))
    pr = Process(target=reader, args=(q,))
    pw.start()
    pr.start()
    pw.join()
    pr.join()  # returns because the reader stops at the sentinel
    print("所有数据都写入并且读完")


def main() -> None:
    part_a()
    part_b()


if __name__ == "__main__":
    main()
