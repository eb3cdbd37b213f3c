"""Correct: both loops run in two children; main only starts them and ends its own work (the tutorial's second shape)."""
import time
from multiprocessing import Process


def loop_one() -> None:
    while True:
        print("----1----")
        time.sleep(1)


def loop_two() -> None:
    while True:
        print("----2----")
        time.sleep(1)


def main() -> None:
    first = Process(target=loop_one)
    second = Process(target=loop_two)
    first.start()
    second.start()
    # main has nothing left to do; at exit multiprocessing waits for its non-daemon children.


if __name__ == "__main__":
    main()
