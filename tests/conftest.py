"""Fixtures of the kit's own tests: programs graded once per session, and a guard that no test
leaves a process of a graded program behind."""

from __future__ import annotations

import shutil
from pathlib import Path

import psutil
import pytest

from graded import METHODS, grade, variants


def graded_processes() -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        if "procgrade-run-" in cmdline or "grader/supervisor.py" in cmdline:
            found.append(proc)
    return found


@pytest.fixture(scope="session", autouse=True)
def nothing_left_running():
    before = {p.pid for p in graded_processes()}
    yield
    left = [p for p in graded_processes() if p.pid not in before]
    assert not left, "processes left behind: %s" % [(p.pid, p.cmdline()) for p in left]


@pytest.fixture(scope="session")
def variant_reports(tmp_path_factory) -> dict[Path, dict]:
    """Every program of tests/programs graded under every start method: program path -> report.
    One grader command per exercise, all of that exercise's programs at once."""
    by_exercise: dict[str, list] = {}
    for variant in variants():
        by_exercise.setdefault(variant.exercise, []).append(variant)
    reports: dict[Path, dict] = {}
    for exercise, group in by_exercise.items():
        root = tmp_path_factory.mktemp(exercise)
        targets = []
        for variant in group:
            target = root / variant.path.stem
            target.mkdir()
            shutil.copyfile(variant.path, target / variant.exercise_file)
            targets.append(target)
        for variant, report in zip(group, grade(targets, exercise, METHODS)):
            reports[variant.path] = report
    return reports
