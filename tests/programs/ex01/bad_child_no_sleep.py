"""Wrong: the child's loop has no sleep, so it floods ----2---- as fast as it can.

Mistake: time.sleep(1) missing from the child's loop.
Caught by: the child prints thousands of ----2---- lines a second instead of about one, while main prints one ----1---- a second.
(At 8bafc35 it also failed two_loops_print once in 1,200 gradings at load 7-11: the run is stopped
20 of the program's seconds after its first line when the second loop has not repeated, and that
window was counted on the clock, which the busy machine ate while main waited for a CPU. It is
counted in the program's own time now: tests/test_timeline.py's
test_ex01_waits_for_the_second_loop_in_the_programs_own_time.) At 05bbc21 it also failed
loops_interleave under fork on a busy machine (1 grading in 100; 4 in 1,600 later): its lines
reached the grader's line cap, or waited on the grader's channel, before main printed, and "all
the ----2---- lines came before the ----1---- lines began" was read from what came through. The
overlap is now judged only of loops that are paced (f4ce1cd).
Fails: loops_paced
"""
import time
from multiprocessing import Process


def run_proc():
    while True:
        print("----2----")


if __name__ == "__main__":
    p = Process(target=run_proc)
    p.start()
    while True:
        print("----1----")
        time.sleep(1)
