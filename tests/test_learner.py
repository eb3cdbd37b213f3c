"""The learner's loop around the checks: names of exercises, the report's next line, list, hints
one at a time, reset, watch, and nox from the exercises folder. Every command runs in a
subprocess on a copy of the exercises (never on the kit's own files)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graded import KIT, PROGRAMS
from grader.exercises import all_exercises, select
from grader.stubs import stub
from grader.report import render
from grader.results import CheckResult, ExerciseResult, Report, State, Status

sys.path.insert(0, str(KIT))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A learner's folder: the pristine stubs in exercises/."""
    (tmp_path / "exercises").mkdir()
    for e in all_exercises():
        (tmp_path / "exercises" / e.file).write_text(stub(e.file, "en"), encoding="utf-8")
    return tmp_path


def grader(workspace: Path, *args: str, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    command, *rest = args
    return subprocess.run([sys.executable, "-m", "grader", command, *rest, "--target", str(workspace / "exercises")],
                          cwd=KIT, capture_output=True, text=True, timeout=300, stdin=stdin)


@pytest.mark.parametrize("name", ["ex3", "3", "ex03", "EX03", "ex03_process_args.py", "ex03_process_args",
                                  "exercises/ex03_process_args.py", "../exercises/ex03_process_args.py"])
def test_every_way_of_naming_exercise_3(name):
    assert [e.id for e in select([name])] == ["ex03"]


@pytest.mark.parametrize("name", ["ex33", "ex03_pid.py", "exercises/ex3x.py"])
def test_a_name_of_no_exercise_is_refused(name):
    with pytest.raises(ValueError, match="no exercise named"):
        select([name])


def one_done_report() -> Report:
    check = CheckResult("ex01", "c", "a check", Status.PASSED, 1, 1, "spawn")
    return Report("exercises", ("spawn",), (ExerciseResult("ex01", "two loops", "ex01_two_loops.py", State.DONE,
                                                         (check,)),))


def test_one_done_exercise_names_the_next_and_is_not_all_done():
    later = [e for e in all_exercises() if e.id != "ex01"]
    text = render(one_done_report(), "exercises", later)
    assert text.splitlines()[-1] == ("ex01 done · next: ex02 (exercises/ex02_pid.py), then run: "
                                     "nox -s check -- ex02")
    assert "all done" not in text


def test_what_to_run_next_is_said_as_the_learner_runs_the_kit(monkeypatch):
    """kit.py (the README's first command where pip is refused) says how it was started; the
    report's commands follow it, and are nox's without it."""
    later = [e for e in all_exercises() if e.id != "ex01"]
    monkeypatch.setenv("PROCGRADE_NOX", "py ..\\kit.py")
    assert render(one_done_report(), "exercises", later).splitlines()[-1].endswith(
        "then run: py ..\\kit.py -s check -- ex02")
    monkeypatch.delenv("PROCGRADE_NOX")
    assert render(one_done_report(), "exercises", later).splitlines()[-1].endswith("then run: nox -s check -- ex02")


def test_all_done_only_when_nothing_is_left():
    assert render(one_done_report(), "exercises", []).splitlines()[-1] == "all done. Well done: every check passes."


def test_check_of_one_done_exercise_names_the_next(workspace):
    shutil.copyfile(PROGRAMS / "ex01" / "ok_chinese_markers.py", workspace / "exercises" / "ex01_two_loops.py")
    proc = grader(workspace, "check", "ex1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ex01 done · next: ex02" in proc.stdout
    assert "all done" not in proc.stdout


def test_list_gives_each_exercise_its_state_and_checks_and_the_next(workspace):
    shutil.copyfile(KIT / "solutions" / "ex01_two_loops.py", workspace / "exercises" / "ex01_two_loops.py")
    proc = grader(workspace, "list")
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    first = lines[0].split()
    assert first[:5] + first[6:] == ["✓", "ex01", "two", "loops", "done", "checks"], lines[0]
    passed, total = first[5].split("/")
    assert passed == total and int(total) > 0, lines[0]   # every check of ex01, however many it has
    for e in all_exercises()[1:]:
        assert any(line.split()[:2] == ["·", e.id] and "not started" in line and " 0/" in line for line in lines), e
    assert lines[-1].startswith("1 of 7 exercises done · next: ex02 ")


def test_hints_come_one_at_a_time_and_all_on_request(workspace):
    first = grader(workspace, "hint", "ex03")
    second = grader(workspace, "hint", "3")
    assert first.returncode == second.returncode == 0
    assert "hint 1 of 4" in first.stdout and "## Hint 1:" in first.stdout and "## Hint 2" not in first.stdout
    assert "hint 2 of 4" in second.stdout and "## Hint 2:" in second.stdout and "## Hint 1" not in second.stdout
    everything = grader(workspace, "hint", "ex03", "--all").stdout
    assert all("## Hint %d:" % n in everything for n in (1, 2, 3))


def test_hint_without_a_name_is_for_the_first_exercise_not_done(workspace):
    shutil.copyfile(KIT / "solutions" / "ex01_two_loops.py", workspace / "exercises" / "ex01_two_loops.py")
    proc = grader(workspace, "hint")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("# ex02 ") and "hint 1 of" in proc.stdout


def test_reset_keeps_a_backup_and_puts_the_pristine_stub_back(workspace):
    program = workspace / "exercises" / "ex03_process_args.py"
    mine = "# 我的版本\nprint('还没写完')\n"
    program.write_text(mine, encoding="utf-8")
    refused = grader(workspace, "reset", "ex03")   # stdin is not a terminal: nobody to ask
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert program.read_text(encoding="utf-8") == mine and not (workspace / "backups").exists()
    done = grader(workspace, "reset", "exercises/ex03_process_args.py", "--yes")
    assert done.returncode == 0, done.stderr
    assert program.read_text(encoding="utf-8") == stub("ex03_process_args.py", "en")
    (backup,) = (workspace / "backups").iterdir()
    assert backup.name.startswith("ex03_process_args.") and backup.read_text(encoding="utf-8") == mine
    assert str(backup.name) in done.stdout


def test_reset_without_a_name_refuses(workspace):
    proc = grader(workspace, "reset", "--yes")
    assert proc.returncode == 2 and "nox -s reset -- ex03" in proc.stderr


def read_until(stream, marker: str, seconds: float) -> str:
    """Lines until one holding `marker` (the watch prints one after every verdict)."""
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError("no %r within %s s in:\n%s" % (marker, seconds, "".join(seen)))


@pytest.mark.skipif(os.name == "nt", reason="Ctrl+C is a console event on Windows, not a signal sent to one process")
def test_watch_regrades_a_saved_file_moves_on_and_ends_on_ctrl_c(workspace):
    exercises = workspace / "exercises"
    # as from a terminal, where Ctrl+C is a KeyboardInterrupt: a suite started as a background job
    # (`cmd &` in a script) hands its children SIGINT ignored, and Python then installs no handler
    watch = subprocess.Popen([sys.executable, "-m", "grader", "watch", "--target", str(exercises)], cwd=KIT,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert "you are on ex01" in read_until(watch.stdout, "Watching", 120)
        shutil.copyfile(PROGRAMS / "ex01" / "ok_process_subclass.py", exercises / "ex01_two_loops.py")
        verdict = read_until(watch.stdout, "Watching", 120)
        assert "✓ ex01" in verdict and "ex01 done · next: ex02" in verdict and "you are on ex02" in verdict
        (exercises / "ex02_pid.py").write_text("import os\nprint(os.getpid(\n", encoding="utf-8")   # mid-edit
        verdict = read_until(watch.stdout, "Watching", 120)
        assert "✗ ex02" in verdict and "you are on ex02" in verdict
        watch.send_signal(signal.SIGINT)
        assert "Stopped watching." in watch.communicate(timeout=60)[0]
        assert watch.returncode == 1
    finally:
        if watch.poll() is None:
            watch.kill()
            watch.wait()


NOX_PYTHON = os.environ.get("PROCGRADE_NOX_PYTHON", "")


@pytest.mark.skipif(not NOX_PYTHON, reason="PROCGRADE_NOX_PYTHON (set by `nox -s tests`) names nox's Python")
def test_nox_check_from_the_exercises_folder_shows_only_the_report():
    proc = subprocess.run([NOX_PYTHON, "-m", "nox", "-s", "check", "--", "ex3"], cwd=KIT / "exercises",
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stdout.startswith("procgrade · . · start method: spawn")
    assert "· ex03  process args" in proc.stdout
    assert "nox >" not in proc.stdout + proc.stderr
