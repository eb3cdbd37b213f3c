"""Exercise 5: passing messages between processes with a Queue.

THE IDEA
--------
Processes do not share variables (exercise 4 showed it), so they need a
channel to send data to each other. multiprocessing.Queue is such a channel:
one process put()s a message in, another get()s it out, in the same order
(first in, first out). Any object that pickle can handle can be a message.

    q = Queue(3)    at most 3 messages inside at once; Queue() has no limit

Putting and getting can wait ("block") or not:

    q.put(x)                 wait as long as needed for a free place
    q.put(x, True, 2)        wait at most 2 s, then raise queue.Full
    q.put(x, False)          do not wait: raise queue.Full at once if full
    q.put_nowait(x)          the same as q.put(x, False)
    q.get()                  wait as long as needed for a message
    q.get(True, 2)           wait at most 2 s, then raise queue.Empty
    q.get_nowait()           the same as q.get(False): queue.Empty at once

queue.Full and queue.Empty live in the standard module `queue` (import queue),
not in multiprocessing. Catch exactly the one you expect: a bare `except:`
also swallows your own typos and makes them look like "the queue is full".

q.full(), q.empty() and q.qsize() describe the queue at one instant. Another
process can put or get a moment later, so by the time you act on the answer
it may already be wrong. They are snapshots, never a signal that the other
side has finished.

THE TASK
--------
Fill in part_a() and part_b(). main() calls both.

Part A, all in main:
  1. q = Queue(3); put "消息1" and "消息2"; print(q.full())  ->  False
  2. put "消息3"; print(q.full())                           ->  True
  3. try q.put("消息4", True, 2): it waits 2 seconds and raises queue.Full;
     in the except, print the "queue is full" line with q.qsize().
  4. try q.put_nowait("消息4"): it raises queue.Full at once; print the
     same line.
  5. take the messages out with q.get_nowait() and print each: they come
     out in the order they went in.

Part B, two child processes:
  - writer(q) puts 'A', 'B', 'C'. Before each put it prints the Put line,
    after each put it sleeps time.sleep(random.random()).
  - reader(q) gets the letters and prints the Get line for each one.
  - part_b() creates the queue, starts both processes, joins both, then
    prints the last line.
  The reader must get every letter even when the writer is slow, and then
  stop by itself. Two ways to know when to stop: the writer puts a special
  last message (a "sentinel", e.g. None) and the reader stops when it gets
  it; or the reader gets exactly as many messages as it knows will come (3).

THE LINES TO PRINT (the tutorial's wording, or the English one)
---------------------------------------------------------------
  Part A:  False
           True
           消息列队已满，现有消息数量:3        or  queue is full, messages in it: 3
           消息列队已满，现有消息数量:3        or  queue is full, messages in it: 3
           消息1                               or  message 1
           消息2                               or  message 2
           消息3                               or  message 3
  Part B:  Put A to queue...     (writer, before each put; also B and C)
           Get A from queue.     (reader, for each letter it got)
           所有数据都写入并且读完              or  all data written and read

RUN IT AND CHECK IT
-------------------
  python exercises/ex05_queue.py     (takes about 2 s for part A, up to 3 s for part B)
  nox -s check -- ex05               the checks, with what they saw
  nox -s hint -- ex05                a hint, if you are stuck

TRAPS
-----
  - Stopping the reader when q.empty() is True. The reader often starts
    before the writer has put anything, sees an empty queue and quits: the
    letters are lost. (The tutorial's version gets away with it only because
    its main joins the writer before it even starts the reader.)
  - Busy-waiting: `while q.empty(): pass` keeps a CPU at 100 % doing
    nothing. A plain q.get() waits without using the CPU.
  - A reader that loops on q.get() with no way to stop: the writer ends, the
    reader waits forever, and so does main's join().
  - Stopping the reader on queue.Empty from q.get(True, 0.5): a timeout only
    says nothing came for that long. The writer sleeps up to 1 s between
    puts, so a shorter timeout loses the letters after a long pause; stop on
    an end marker or on the known count (a timeout longer than any pause works,
    and still makes the reader wait that long at the end).
  - q.put("消息4", False, 2) does not wait: with block=False the timeout is
    ignored. Part A must really wait 2 s on the first put.
  - Writer and reader must be two different processes, both children of main.
"""
import queue  # for the exceptions queue.Full and queue.Empty
import random
import time
from multiprocessing import Process, Queue


def part_a() -> None:
    """A Queue(3) used from main alone: fill it, fail to overfill it twice, drain it."""
    # TODO 1: create q = Queue(3), put "消息1" and "消息2", print(q.full()).
    # TODO 2: put "消息3", print(q.full()).
    # TODO 3: try q.put("消息4", True, 2); except queue.Full: print the full-queue line with q.qsize().
    # TODO 4: the same with q.put_nowait("消息4").
    # TODO 5: get_nowait() the messages and print each one, oldest first.
    pass


def writer(q) -> None:
    """Child process 1: put 'A', 'B', 'C' on q, printing before and sleeping after each put."""
    # TODO 6: for each letter: print the Put line, q.put(letter), time.sleep(random.random()).
    #         Then, if your reader stops on a sentinel, put the sentinel last.
    pass


def reader(q) -> None:
    """Child process 2: get every letter from q and print the Get line for it."""
    # TODO 7: loop on q.get() (it waits for the next message); stop at the sentinel,
    #         or after the known number of letters. Never stop because q.empty() is True.
    pass


def part_b() -> None:
    """Start the writer and the reader as two processes sharing one Queue."""
    # TODO 8: create q = Queue(); create a Process for writer and one for reader
    #         (args=(q,)); start both; join both; print the last line.
    pass


def main() -> None:
    part_a()
    part_b()


if __name__ == "__main__":
    main()
