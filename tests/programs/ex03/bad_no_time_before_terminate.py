"""Wrong: main calls terminate() right after start(), without giving the child any time.

Mistake: the sleep(1) between start() and terminate() is missing. Run for real, the child is
stopped before it prints anything (under spawn it has not even finished booting).
Caught by: the graded start() returns once the child runs its target, which a real start() does
not; the child's first line now waits until main has given it time (slept after start(), before
terminate()). Before (18ced2f): full marks in 9 gradings of 9, 3 per start method (the child printed a
round in the moment between start() and terminate()); the tutorial's function-shaped version of
the same mistake, 7 of 9.
Fails: child_terminated_early
"""
import multiprocessing
import os
import time


class Greeter(multiprocessing.Process):
    def __init__(self, name, age, **kwargs):
        super().__init__()
        self.who, self.age, self.extra = name, age, kwargs

    def run(self):
        for round_no in range(10):
            print(f"[round {round_no}] child running, name={self.who}, age={self.age}, pid={os.getpid()}")
            print(self.extra)
            time.sleep(0.2)


if __name__ == "__main__":
    greeter = Greeter("test", 18, m=20)
    greeter.start()
    greeter.terminate()          # forgot: time.sleep(1) first
    greeter.join()
    print(f"alive={greeter.is_alive()} exitcode={greeter.exitcode}")
