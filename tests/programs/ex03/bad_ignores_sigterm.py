"""Wrong: the child ignores SIGTERM, so terminate() does not stop it; main waits in join() until
the child's loop is over.

Mistake: signal.signal(SIGTERM, SIG_IGN) in the child ("so that it finishes its work").
Caught by: main sent SIGTERM (terminate()) and waited in join(), but the child went on with its
rounds and ended by itself with exit code 0. Before (base commit 97efe3a) the graded run replaced
terminate()'s SIGTERM with SIGKILL, which cannot be ignored: this program got full marks, although
run for real its child does every round and, with a loop without an end, main waits forever.
Fails: child_terminated_early
"""
import os
import signal
from multiprocessing import Process
from time import sleep


def worker(name, age, **kwargs):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)   # finish the work whatever happens
    for _ in range(10):
        print(f"child running, name={name}, age={age}, pid={os.getpid()}")
        print(kwargs)
        sleep(0.2)


if __name__ == "__main__":
    p = Process(target=worker, args=("test", 18), kwargs={"m": 20})
    p.start()
    sleep(1)
    p.terminate()
    p.join()
    print(f"alive={p.is_alive()} exitcode={p.exitcode}")
