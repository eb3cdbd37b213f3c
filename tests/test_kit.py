"""The kit as a whole: the solutions pass, the pristine stubs fail every check fast and are
reported as not started, and the command line says so with the right exit code."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graded import KIT, METHODS, exercise_files, grade, not_passed


@pytest.fixture(scope="module")
def solutions_report():
    (report,) = grade([KIT / "solutions"], None, METHODS)
    return report


def stubs_copy(folder: Path) -> Path:
    """The committed stubs, in a folder named `exercises` as the kit's is (the learner's commands
    remember what they graded and the hints shown next to such a folder: never in the kit itself)."""
    copy = folder / "exercises"
    shutil.copytree(KIT / "exercises", copy, ignore=shutil.ignore_patterns("__pycache__", "noxfile.py"))
    return copy


@pytest.fixture(scope="module")
def stubs_report(tmp_path_factory):
    (report,) = grade([stubs_copy(tmp_path_factory.mktemp("stubs"))], None, METHODS)
    return report


@pytest.mark.parametrize("exercise", sorted(exercise_files()))
@pytest.mark.parametrize("method", METHODS)
def test_solution_passes_every_check(solutions_report, exercise, method):
    failing = not_passed(solutions_report, exercise, method)
    assert not failing, failing


@pytest.mark.parametrize("exercise", sorted(exercise_files()))
def test_pristine_stub_fails_every_check_and_is_not_started(stubs_report, exercise):
    (ex,) = [e for e in stubs_report["exercises"] if e["exercise"] == exercise]
    assert ex["state"] == "not started"
    assert ex["score"] == 0
    assert all(c["status"] != "passed" for c in ex["checks"])
    # fast: every failure comes from what the stub did (nothing), never from a time-out
    assert not any("was stopped" in c["observed"] for c in ex["checks"])


def test_check_command_reports_stubs_and_exits_1():
    proc = subprocess.run([sys.executable, "-m", "grader", "check"], cwd=KIT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    for exercise in exercise_files():
        assert any(line.strip().startswith("· " + exercise) and "not started" in line
                   for line in proc.stdout.splitlines()), proc.stdout
    assert "next: ex01" in proc.stdout


def test_check_command_exits_0_when_all_done():
    proc = subprocess.run([sys.executable, "-m", "grader", "check", "--target", "solutions", "ex02"],
                          cwd=KIT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 of 1 exercises done" in proc.stdout


@pytest.mark.parametrize("args,message", [
    (["check", "ex99"], "no exercise named"),
    (["check", "--target", "/no/such/folder"], "no such folder"),
])
def test_bad_input_gets_a_clear_message_and_exit_2(args, message):
    proc = subprocess.run([sys.executable, "-m", "grader", *args], cwd=KIT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2
    assert message in proc.stderr


def test_hint_prints_the_hints(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "grader", "hint", "3", "--target", str(stubs_copy(tmp_path))],
                          cwd=KIT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert "Hint 1" in proc.stdout


def test_the_copier_note_is_given_under_each_start_method_and_not_for_a_stub(solutions_report, stubs_report):
    (copier,) = [e for e in solutions_report["exercises"] if e["exercise"] == "ex07"]
    speed = [note for note in copier["notes"] if "your copier: " in note]
    assert sorted(note.split(": ", 1)[0] for note in speed) == sorted(METHODS), copier["notes"]
    # the extra runs are made once, under the first method, and the report says so (once)
    once = [note for note in copier["notes"] if note not in speed]
    assert len(once) == (len(METHODS) > 1), copier["notes"]
    assert all(note.startswith(METHODS[0] + ": the extra runs (sub-folders, ") for note in once), once
    assert not any(e["notes"] for e in stubs_report["exercises"])
