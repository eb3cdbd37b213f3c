"""Wrong: one line of the child's work is indented with a tab, the others with spaces: a TabError.

Mistake: an editor that inserts tabs; Python refuses to compile the file. At 97efe3a "no process
crashes" passed (no `Traceback` header is printed for it) and every other check failed.
Caught by: "your program did not start: TabError, line 16 of ex02_pid.py: ...", found without
running the file; the other checks are skipped.
Fails: no_process_crashed
"""
import os
from multiprocessing import Process


def 子进程():
    if True:
        print(f"子进程运行中，pid={os.getpid()}...")
	print("子进程将要结束...")


if __name__ == "__main__":
    print(f"父进程pid: {os.getpid()}")
    p = Process(target=子进程)
    p.start()
    p.join()
