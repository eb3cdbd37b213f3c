"""Wrong: the child prints 21,000 lines at once before it settles to one a second, and main
starts its own loop only once the child says that burst is over.

Mistake: a burst with no pause (21,000 `----2----` lines in one print), meant to "warm up", and
main waiting for it (an Event) before its own loop.
Caught by: the child's line comes every 0.000 s by the median. The grader reads the first 20,000
lines of a process; here they all come before main's first line, and what the child printed
after them (the rest of its burst, then a line a second, beside main's) was never read. At
05bbc21 "the two loops run at the same time" failed too ("all the `----2----` lines came before
the `----1----` lines began"), which the grader could not know (8 gradings in 8): a loop without
a pause is now judged by its pacing alone. (The same happened to bad_child_no_sleep under fork
on a busy machine: 4 gradings in 1,600 at load 8-14, 1 in 100 at 05bbc21.)
Fails: loops_paced
"""
import time
from multiprocessing import Event, Process


def 子进程(热身完了):
    print("\n".join(["----2----"] * 21000))
    热身完了.set()
    while True:
        print("----2----")
        time.sleep(1)


if __name__ == "__main__":
    热身完了 = Event()
    Process(target=子进程, args=(热身完了,)).start()
    热身完了.wait()
    while True:
        print("----1----")
        time.sleep(1)
