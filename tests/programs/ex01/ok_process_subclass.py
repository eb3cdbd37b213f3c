"""Correct: the child is a Process subclass whose run() holds the ----2---- loop."""
import time
from multiprocessing import Process


class LoopProcess(Process):
    """A process whose work is written in run(); start() calls run() in the new process."""

    def run(self) -> None:
        while True:
            print("----2----")
            time.sleep(1)


def main() -> None:
    LoopProcess().start()
    while True:
        print("----1----")
        time.sleep(1)


if __name__ == "__main__":
    main()
