"""Wrong: starts the process and runs main's loop at module level, with no __main__ guard.

Mistake: no `if __name__ == "__main__":` guard.
Caught by: under spawn and forkserver the child (or the forkserver) imports the file again and dies with
"RuntimeError: An attempt has been made to start a new process before the current process has finished
its bootstrapping phase", so ----2---- never appears; under fork it happens to work.
Fails under spawn, forkserver: no_process_crashed two_loops_print
Fails under fork:
"""
import time
from multiprocessing import Process


def run_proc():
    while True:
        print("----2----")
        time.sleep(1)


p = Process(target=run_proc)
p.start()
while True:
    print("----1----")
    time.sleep(1)
