"""Correct: the child is a Process subclass that prints its lines in run()."""
import os
from multiprocessing import Process


class PidReporter(Process):
    def run(self) -> None:
        print("子进程运行中，pid=%d..." % os.getpid())
        print("子进程将要结束...")


def main() -> None:
    print("父进程pid: %d" % os.getpid())
    child = PidReporter()
    child.start()
    child.join()


if __name__ == "__main__":
    main()
