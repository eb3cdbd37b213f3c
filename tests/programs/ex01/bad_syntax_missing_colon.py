"""Wrong: `while True` without its colon, in the child's loop: Python cannot compile the file.

Mistake: a SyntaxError; nothing runs at all. At 97efe3a "no process crashes" passed (Python prints
no `Traceback` header for a SyntaxError) and the other checks failed with hints about loops.
Caught by: one message, "your program did not start: SyntaxError, line 16 of ex01_two_loops.py:
`while True` ← expected ':'", found by compiling the file without running it; the other checks
are skipped with that reason.
Fails: no_process_crashed
"""
import time
from multiprocessing import Process


def run_proc():
    """子进程要执行的代码"""
    while True
        print("----2----")
        time.sleep(1)


if __name__ == "__main__":
    p = Process(target=run_proc)
    p.start()
    while True:
        print("----1----")
        time.sleep(1)
