"""Fixtures of the kit's own tests: programs graded once per session, and guards that no test
leaves a process of a graded program behind, nor changes what the learner's commands remember in
the kit's own folder (the hints shown, the backups)."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import psutil
import pytest

from graded import KIT, grade, variant_methods, variants
from grader import commands

# Every run of this session (its program copy, its channel) lives under one fresh folder, and
# graders started by the tests inherit it: a process mentioning it is one of ours.
SESSION_TMP = tempfile.mkdtemp(prefix="procgrade-tests-")
# removed also when no test ran (-k matched nothing), and only by this process (not a fork of it)
atexit.register(lambda owner=os.getpid(): os.getpid() == owner and shutil.rmtree(SESSION_TMP, True))
os.chmod(SESSION_TMP, 0o755)  # runs under their own user id must reach their folders
os.environ["TMPDIR"] = SESSION_TMP
tempfile.tempdir = None
# How the learner started the kit (kit.py says so in PROCGRADE_NOX, and `python3 kit.py -s tests`
# passes it on): the tests that read the report's commands set it themselves, or expect `nox`.
os.environ.pop(commands.VARIABLE, None)


def graded_processes() -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline", "environ"]):
        seen = " ".join(proc.info["cmdline"] or []) + " ".join((proc.info["environ"] or {}).values())
        if SESSION_TMP in seen:
            found.append(proc)
    return found


@pytest.fixture(scope="session", autouse=True)
def nothing_left_running():
    yield
    left = [p for p in graded_processes() if p.pid != os.getpid()]
    assert not left, "processes left behind: %s" % [(p.pid, p.cmdline()) for p in left]
    shutil.rmtree(SESSION_TMP, ignore_errors=True)


def learner_state() -> dict[str, bytes]:
    """What the learner's commands keep in the kit's folder that changes what they do next: the
    hints shown (the next call shows the next one) and the backups of reset. (progress.json, the
    last grades, is rewritten by every check of the kit's own stubs, with the same grades: tests of
    the default target check exercises/ as shipped.)"""
    found = {str(p.relative_to(KIT)): p.read_bytes() for p in sorted((KIT / "backups").rglob("*")) if p.is_file()}
    hints = KIT / ".procgrade" / "hints.json"
    if hints.is_file():
        found[str(hints.relative_to(KIT))] = hints.read_bytes()
    return found


@pytest.fixture(scope="session", autouse=True)
def learner_state_untouched():
    """A test that works on the learner's state (hints shown, grades, backups) does it in a copy:
    one that wrote into the kit made the next run of the suite see hint 2 where it expected 1."""
    before = learner_state()
    yield
    after = learner_state()
    changed = sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))
    assert not changed, "the tests changed the learner's state in the kit: %s" % changed


class VariantReports:
    """Every program of tests/programs graded under every start method, one grader command per
    exercise (all of that exercise's programs at once), on first need."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.reports: dict[Path, dict] = {}

    def __getitem__(self, path: Path) -> dict:
        if path not in self.reports:
            (variant,) = [v for v in variants() if v.path == path]
            self._grade_exercise(variant.exercise)
        return self.reports[path]

    def _grade_exercise(self, exercise: str) -> None:
        group = [v for v in variants() if v.exercise == exercise]
        root = self.root / exercise
        targets = []
        for variant in group:
            target = root / variant.path.stem
            target.mkdir(parents=True)
            shutil.copyfile(variant.path, target / variant.exercise_file)
            targets.append(target)
        for variant, report in zip(group, grade(targets, exercise, variant_methods(exercise))):
            self.reports[variant.path] = report


@pytest.fixture(scope="session")
def variant_reports(tmp_path_factory) -> VariantReports:
    return VariantReports(tmp_path_factory.mktemp("variants"))


def pytest_collection_modifyitems(config, items):
    """Tests marked linux_only (the Linux backend's /proc, subreaper and user ids, bubblewrap, a
    PEP 668 system Python) are skipped on macOS and Windows: CI runs the portable rest there."""
    if sys.platform.startswith("linux"):
        return
    skip = pytest.mark.skip(reason="needs Linux")
    for item in items:
        if item.get_closest_marker("linux_only"):
            item.add_marker(skip)
