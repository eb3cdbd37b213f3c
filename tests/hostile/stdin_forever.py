"""Does exercise 2 right, then main waits for someone to press Enter: on the terminal, else stdin.

It first tries the controlling terminal (/dev/tty), which a graded program must not have, then
`input()`. Given no input, it must not wait forever: with stdin at its end, input() raises
EOFError and main crashes.

Exercise: ex02
Expect: failing
Fails: no_process_crashed ends_cleanly
Message: no_process_crashed: EOFError
Bounds: reads at most one line.
"""
import os
from multiprocessing import Process


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    print("子进程将要结束...")


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    p = Process(target=run_proc)
    p.start()
    p.join()
    try:
        with open("/dev/tty") as terminal:
            terminal.readline()
    except OSError:
        pass
    input("press Enter to end")
