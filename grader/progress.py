"""The instructor's progress display while a class is graded: submissions done of the total, the
time so far and an estimate of the time left, on one line of stderr.

It is a pytest plugin beside the grader's own. It orders the checks submission by submission
(each submission's checks keep their order), so the grader's pool starts the programs in that
order and submissions finish one after another, not all at the very end. A submission that hangs
only holds up the display: the pool keeps running the others' programs meanwhile.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable, Optional, TextIO

import pytest

TTY_EVERY_SECONDS = 0.2
TICK_SECONDS = 1.0      # on a terminal the clock moves on while a slow program holds things up


class Progress:
    def __init__(self, targets: list[Path], stream: TextIO, label: str = "graded",
                 on_done: Callable[[Path], None] = lambda target: None) -> None:
        self.order = {target: n for n, target in enumerate(targets)}
        self.on_done = on_done   # called with a target as soon as its last check is reported
        self.stream = stream
        self.label = label
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self.left_by_target: dict[Path, int] = {}
        self.target_of: dict[str, Path] = {}
        self.total_checks = self.done_checks = 0
        self.done = 0
        self._shown_at = 0.0
        self._shown_step = -1
        self._lock = threading.Lock()
        self._finished = threading.Event()

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        items.sort(key=lambda item: self.order.get(_target(item), -1))  # stable: keeps each one's order

    @pytest.hookimpl
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        for item in session.items:
            target = _target(item)
            if target is not None:
                self.target_of[item.nodeid] = target
                self.left_by_target[target] = self.left_by_target.get(target, 0) + 1
        # a target with no check at all (no exercise selected) is done from the start
        self.done = sum(1 for t in self.order if t not in self.left_by_target)
        self.total_checks = len(self.target_of)
        self.show()
        if self.tty:
            threading.Thread(target=self._tick, name="procgrade-progress", daemon=True).start()

    def _tick(self) -> None:
        while not self._finished.wait(TICK_SECONDS):
            self.show()

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "teardown":
            return
        target = self.target_of.get(report.nodeid)
        if target is None:
            return
        self.done_checks += 1
        self.left_by_target[target] -= 1
        if self.left_by_target[target] == 0:
            self.done += 1
            self.on_done(target)
        self.show()

    @pytest.hookimpl
    def pytest_sessionfinish(self) -> None:
        self._finished.set()
        self.show(final=True)

    # --- the line ---------------------------------------------------------------------------
    def line(self) -> str:
        elapsed = time.monotonic() - self.started
        total = len(self.order)
        text = "%s %d/%d submissions · %s elapsed" % (self.label, self.done, total, _clock(elapsed))
        fraction = self.done_checks / self.total_checks if self.total_checks else 0.0
        if 0 < fraction < 1:
            text += " · about %s left" % _clock(elapsed / fraction - elapsed)
        return text

    def show(self, final: bool = False) -> None:
        with self._lock:
            self._show(final)

    def _show(self, final: bool) -> None:
        if self._finished.is_set() and not final:
            return
        now = time.monotonic()
        total = max(1, len(self.order))
        if self.tty:
            if not final and now - self._shown_at < TTY_EVERY_SECONDS:
                return
            self.stream.write("\r\x1b[K" + self.line() + ("\n" if final else ""))
        else:
            step = self.done * 10 // total     # a line at every tenth of the class
            if step == self._shown_step:
                return
            self._shown_step = step
            self.stream.write(self.line() + "\n")
        self._shown_at = now
        self.stream.flush()


def _target(item: pytest.Item) -> Optional[Path]:
    callspec = getattr(item, "callspec", None)
    subject = callspec.params.get("subject") if callspec else None
    return getattr(subject, "target", None)


def _clock(seconds: float) -> str:
    seconds = int(round(max(0.0, seconds)))
    return "%d:%02d" % (seconds // 60, seconds % 60)
