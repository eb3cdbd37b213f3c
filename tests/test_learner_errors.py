"""The learner's own error first: a program that did not start gets one message with its line; the
program's stderr is shown, cut to the learner's file; a hang is told at the learner's lines, each
process by the name the learner gave it; output the grader did not read is said to be cut.

The graded programs are those of tests/programs (graded once per session, see conftest.py); the
terminal report is read from a real `python -m grader check`. The trace's own parsing is tested on
hand-made lines: nothing runs for those.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graded import KIT, PROGRAMS, METHODS, variant_methods
from grader.outputs import stable, status
from grader.results import CheckResult, ExerciseResult, Report, State, Status
from grader.submissions import Submission
from grader.trace import LINE_TEXT_CAP, MAIN, PROCESS, Detached, Line, Outcome, Proc, Trace, build_trace


def exercise_of(report: dict, exercise: str) -> dict:
    (ex,) = [e for e in report["exercises"] if e["exercise"] == exercise]
    return ex


def checks_under(ex: dict, method: str) -> dict[str, dict]:
    return {c["check"]: c for c in ex["checks"] if c["start_method"] == method}


DID_NOT_START = [
    ("ex01/bad_syntax_missing_colon.py", "ex01",
     "your program did not start: SyntaxError, line 16 of ex01_two_loops.py: `while True` ← expected ':'"),
    ("ex02/bad_tab_indent.py", "ex02",
     "your program did not start: TabError, line 16 of ex02_pid.py: `print(\"子进程将要结束...\")` ← "
     "inconsistent use of tabs and spaces in indentation"),
    ("ex04/bad_gbk_no_coding_line.py", "ex04",
     "your program did not start: SyntaxError, line 16 of ex04_unshared_globals.py: `全局列表 = [11, 22]` ← "
     "the file is not UTF-8 (byte 0xbe) and no coding line says which encoding it uses"),
    ("ex03/bad_name_error_at_import.py", "ex03",
     "your program did not start: NameError, line 24 of ex03_process_args.py: "
     "`子进程 = Proces(target=run_proc, args=(\"test\", 18), kwargs={\"m\": 20})` ← "
     "name 'Proces' is not defined. Did you mean: 'Process'?"),
]


@pytest.mark.parametrize("program,exercise,sentence", DID_NOT_START, ids=[p for p, _, _ in DID_NOT_START])
def test_a_program_that_did_not_start_gets_one_message(program, exercise, sentence, variant_reports):
    ex = exercise_of(variant_reports[PROGRAMS / program], exercise)
    assert ex["state"] == "did not start"
    assert ex["error"] == sentence
    for method in variant_methods(exercise):
        checks = checks_under(ex, method)
        carrier = checks.pop("no_process_crashed")
        assert (carrier["status"], carrier["observed"]) == ("failed", sentence)
        assert carrier["hint"]
        assert {(c["status"], c["observed"]) for c in checks.values()} == {("skipped", sentence)}


def test_a_compile_error_is_shown_with_a_caret(variant_reports):
    ex = exercise_of(variant_reports[PROGRAMS / "ex01/bad_syntax_missing_colon.py"], "ex01")
    assert ex["error_excerpt"] == ["16 | while True", "   |           ^"]
    assert ex["stderr_tail"] == []   # found without running it: nothing ran, nothing was written


def test_the_caret_stands_under_the_spot_after_chinese_characters(variant_reports):
    """A Chinese character takes two columns on a terminal: the caret counts them so."""
    ex = exercise_of(variant_reports[PROGRAMS / "ex03/bad_name_error_at_import.py"], "ex03")
    assert ex["error_excerpt"] == ['24 | 子进程 = Proces(target=run_proc, args=("test", 18), kwargs={"m": 20})',
                                   "   |          ^"]


def test_an_error_at_import_shows_the_traceback_cut_to_the_learner_file(variant_reports):
    ex = exercise_of(variant_reports[PROGRAMS / "ex03/bad_name_error_at_import.py"], "ex03")
    assert ex["stderr_tail"] == [
        "Traceback (most recent call last):",
        "  line 24, in <module>: 子进程 = Proces(target=run_proc, args=(\"test\", 18), kwargs={\"m\": 20})",
        "NameError: name 'Proces' is not defined. Did you mean: 'Process'?",
    ]


def test_a_failing_exercise_shows_the_child_traceback_without_grader_frames(variant_reports):
    """A child that crashes (a started program): its traceback, only the learner's frames."""
    ex = exercise_of(variant_reports[PROGRAMS / "ex01/bad_extra_child_crashes.py"], "ex01")
    assert ex["state"] == "failing"
    tail = "\n".join(ex["stderr_tail"])
    assert "Traceback (most recent call last):" in tail and re.search(r"^  line \d+, in \w+", tail, re.M)
    assert "multiprocessing" not in tail.split("Traceback", 1)[1].split("\n")[1]
    assert "procgrade-run-" not in tail and "sitecustomize" not in tail and 'File "' not in tail


@pytest.mark.parametrize("method", METHODS)
def test_a_hung_reader_is_told_at_the_learner_lines(method, variant_reports):
    ex = exercise_of(variant_reports[PROGRAMS / "ex05/bad_reader_waits_forever_zh.py"], "ex05")
    observed = checks_under(ex, method)["ends_cleanly"]["observed"]
    assert re.search(r"main \(pid \d+\) was waiting in `pr\.join\(\)` \(line 52\)", observed), observed
    assert re.search(r"child `读数据` \(Process-2, pid \d+\) was waiting in `value = q\.get\(\)` \(line 24\)",
                     observed), observed
    assert re.search(r"child `写数据` \(Process-1, pid \d+\) had ended", observed), observed
    assert "sitecustomize" not in observed and "_callmethod" not in observed


def test_a_check_on_cut_output_says_it_cannot_tell(variant_reports):
    ex = exercise_of(variant_reports[PROGRAMS / "ex06/bad_prints_while_waiting.py"], "ex06")
    for method in variant_methods("ex06"):
        check = checks_under(ex, method)["end_after_all_tasks"]
        assert re.search(r"the output was cut: main \(pid \d+\) printed more than 20000 lines and the grader "
                         r"read only the first 20000, so it cannot tell what came after", check["observed"]), check
        assert check["hint"].startswith("print less")


def test_the_terminal_report_shows_the_error_first_and_the_stderr(tmp_path):
    for program in ("ex01/bad_syntax_missing_colon.py", "ex03/bad_name_error_at_import.py"):
        exercise = program.split("/")[0]
        name = {"ex01": "ex01_two_loops.py", "ex03": "ex03_process_args.py"}[exercise]
        shutil.copyfile(PROGRAMS / program, tmp_path / name)
    proc = subprocess.run([sys.executable, "-m", "grader", "check", "--target", str(tmp_path), "ex01", "ex03"],
                          cwd=KIT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert re.search(r"^  ✗ ex01  two loops +did not start +0/\d+$", out, re.M), out
    assert ("ex01 two loops — your program did not start\n"
            "  ✗ your program did not start: SyntaxError, line 16 of ex01_two_loops.py: `while True` ← "
            "expected ':'\n"
            "        16 | while True\n"
            "           |           ^\n") in out
    assert re.search(r"^  - the other \d+ checks were skipped: they need a program that starts$", out, re.M), out
    assert ("  what your program wrote to stderr (the last lines; tracebacks cut to ex03_process_args.py):\n"
            "      Traceback (most recent call last):\n"
            "        line 24, in <module>: 子进程 = Proces(") in out
    assert "next: fix ex01" in out


# --- the trace's own parsing, on hand-made lines ----------------------------------------------

def trace_of(err: list[str], program: str = "ex01_two_loops.py", returncode: int = 1,
             procs: tuple[Proc, ...] = (Proc(1, MAIN, None, None),)) -> Trace:
    lines = tuple(Line(i, 1, 0.01 * i, "err", "MainThread", text, "\n") for i, text in enumerate(err))
    return Trace(1, procs, lines, (), Outcome("exited", returncode, 0.1, 10.0), program=program)


def test_a_syntax_error_without_traceback_header_is_a_crash():
    trace = trace_of(['  File "/tmp/procgrade-run-x/program/ex01_two_loops.py", line 4', "    while True",
                      "              ^", "SyntaxError: expected ':'"])
    (crash,) = trace.crashes()
    assert crash.exception == "SyntaxError: expected ':'"
    assert trace.start_error().sentence() == \
        "your program did not start: SyntaxError, line 4 of ex01_two_loops.py: `while True` ← expected ':'"
    assert trace.stderr_tail() == ('  File "ex01_two_loops.py", line 4', "    while True", "              ^",
                                   "SyntaxError: expected ':'")


def test_a_crash_names_a_path_as_the_program_did_not_by_the_graders_folder():
    trace = trace_of(["Traceback (most recent call last):",
                      '  File "/tmp/procgrade-run-k2/work/ex07_folder_copier.py", line 30, in <module>',
                      "    os.mkdir(dst)",
                      "FileExistsError: [Errno 17] File exists: '/tmp/procgrade-run-k2/work/data[复件]'"],
                     program="ex07_folder_copier.py")
    (crash,) = trace.crashes()
    assert crash.exception == "FileExistsError: [Errno 17] File exists: 'data[复件]'"


def test_a_detached_subprocess_is_named_by_what_the_program_started_not_by_the_python_before_its_exec():
    forkserver = ("/usr/bin/python3.11", "-B", "-c", "from multiprocessing.forkserver import main; main(3, 4)")
    records = [{"pid": 7, "t": 1.0, "ev": "exec", "ppid": 1, "argv": ["python", "ex03_process_args.py"]},
               {"pid": 7, "t": 1.1, "ev": "setsid", "child": 9, "argv": ["sleep", "0.3"]}]
    outcome = Outcome("exited", 0, 0.5, 10.0, detached=(Detached(9, "setsid", forkserver),))
    (detached,) = build_trace(records, 7, 1.0, outcome).detached()
    assert detached.command() == "sleep 0.3"


def test_indented_lines_that_are_no_traceback_are_not_a_crash():
    trace = trace_of(['  File "notes.txt", line 4', "    just text the program printed", "    more text"])
    assert trace.crashes() == [] and trace.start_error() is None


def test_a_program_that_printed_a_line_before_its_crash_did_start():
    trace = trace_of(["Traceback (most recent call last):",
                      '  File "/x/procgrade-run-y/program/ex01_two_loops.py", line 9, in <module>', "    f()",
                      "ValueError: no"])
    assert trace.start_error() is not None
    printed = Line(9, 1, 0.0, "out", "MainThread", "----1----", "\n")
    started = Trace(1, trace.procs, trace.lines + (printed,), (), trace.outcome, program=trace.program)
    assert started.start_error() is None


def test_the_stderr_tail_is_bounded():
    trace = trace_of(["warning %d" % n for n in range(40)])
    tail = trace.stderr_tail()
    assert tail[0] == "… (28 earlier lines not shown)" and tail[-1] == "warning 39" and len(tail) == 13


def test_a_line_cut_by_the_instrumentation_is_named():
    records = [{"pid": 7, "t": 1.0, "ev": "exec", "ppid": 1, "argv": ["python"]},
               {"pid": 7, "t": 1.1, "ev": "line", "s": "o", "x": "7" * LINE_TEXT_CAP, "end": "\n",
                "cut": LINE_TEXT_CAP + 10}]
    trace = build_trace(records, 7, 1.0, Outcome("exited", 0, 0.2, 10.0))
    assert trace.output_cut() == ("the output was cut: main (pid 7) printed 1 line longer than %d characters, "
                                  "and the grader read only their beginning" % LINE_TEXT_CAP)
    assert build_trace(records[:1], 7, 1.0, Outcome("exited", 0, 0.2, 10.0)).output_cut() == ""


def test_children_are_named_as_the_learner_named_them():
    procs = (Proc(1, MAIN, None, None), Proc(2, PROCESS, 1, 1, name="Process-1", target="__main__:read"),
             Proc(3, PROCESS, 1, 1, name="写进程", target="__main__:write"),
             Proc(4, PROCESS, 1, 1, name="Worker-1", target="__main__:Worker.run"),
             Proc(5, PROCESS, 1, 1, name="工作进程-2"))
    trace = trace_of([], procs=procs)
    # a Process subclass's name (its class's, numbered by multiprocessing) is the learner's word too:
    # quoted, so that it stays as written in either language
    assert [trace.describe(p) for p in (1, 2, 3, 4, 5)] == [
        "main (pid 1)", "child `read` (Process-1, pid 2)", "child `写进程` (pid 3)", "child `Worker-1` (pid 4)",
        "child `工作进程-2` (pid 5)"]


# --- the instructor's files -------------------------------------------------------------------

def test_the_csv_note_and_stable_json_carry_the_error_and_the_stderr(variant_reports):
    report = Report.from_dict(variant_reports[PROGRAMS / "ex03/bad_name_error_at_import.py"])
    assert Report.from_dict(report.to_dict()) == report
    word, note = status(Submission("alice", "alice", Path("alice")), report)
    assert (word, note) == ("graded", "ex03: " + DID_NOT_START[3][2])


def test_pids_in_the_stderr_are_numbered_like_the_messages():
    check = CheckResult("ex01", "no_process_crashed", "no process crashes", Status.FAILED, 0, 1, "spawn",
                        observed="child `log_start` (Process-2, pid 48123) crashed")
    exercise = ExerciseResult("ex01", "two loops", "ex01_two_loops.py", State.FAILING, (check,),
                              stderr_tail=("[main (pid 48100)]", "oops", "[child `log_start` (Process-2, pid 48123)]",
                                           "NameError: name 'stated_at' is not defined"), stderr_from="spawn")
    shown = stable(Report("/tmp/x", ("spawn",), (exercise,)), "alice", "/tmp/x")
    (e,) = shown.exercises
    assert e.checks[0].observed == "child `log_start` (Process-2, pid #1) crashed"
    assert e.stderr_tail == ("[main (pid #2)]", "oops", "[child `log_start` (Process-2, pid #1)]",
                             "NameError: name 'stated_at' is not defined")
