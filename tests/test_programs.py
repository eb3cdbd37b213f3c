"""Every known-wrong program fails exactly the checks that name its mistake; every correct
program written another way passes; under fork, spawn and forkserver."""

from __future__ import annotations

import re

import pytest

from graded import failed_checks, variant_methods, variants

# A program that forks or leaves its session by hand (os.fork, os.setsid: Windows has neither) is
# graded on Linux only, where the supervisor's backend follows such processes.
POSIX_ONLY = re.compile(r"\bos\.(fork|setsid|forkpty|killpg)\b")
CASES = [pytest.param(v, m, id="%s/%s-%s" % (v.exercise, v.path.stem, m),
                      marks=[pytest.mark.linux_only] if POSIX_ONLY.search(v.path.read_text(encoding="utf-8", errors="replace")) else [])
         for v in variants() for m in variant_methods(v.exercise)]


@pytest.mark.parametrize("variant,method", CASES)
def test_program_fails_exactly_the_expected_checks(variant, method, variant_reports):
    report = variant_reports[variant.path]
    failed = failed_checks(report, variant.exercise, method)
    expected = variant.expected_failures(method)
    assert set(failed) == expected, "\n".join(
        ["%s under %s: expected to fail %s" % (variant.path.name, method, sorted(expected) or "nothing")]
        + ["  failed %s: %s" % (check, observed) for check, observed in sorted(failed.items())])


def test_every_check_has_a_program_that_fails_it_alone_or_first(variant_reports):
    """Each check of each suite is named by at least one bad program's `Fails:` line."""
    from graded import KIT
    named = {(v.exercise, check) for v in variants("bad_") for m in variant_methods(v.exercise)
             for check in v.expected_failures(m)}
    missing = []
    for suite in sorted((KIT / "grader" / "suites").glob("test_ex*.py")):
        exercise = suite.name[5:9]
        if not any(v.exercise == exercise for v in variants("bad_")):
            continue
        for check in re.findall(r"^def test_(\w+)\(", suite.read_text(encoding="utf-8"), re.M):
            if (exercise, check) not in named:
                missing.append("%s:%s" % (exercise, check))
    assert not missing, "checks with no known-wrong program that fails them: %s" % missing


SPEED_NOTE = re.compile(r"^your copier: \d+ MB/s \(\d+ MiB in \d+ files in [\d.]+ s\), [\d.]+ times the speed "
                        r"of shutil\.copytree")


@pytest.mark.parametrize("variant", [v for v in variants() if v.exercise == "ex07"], ids=lambda v: v.path.stem)
def test_a_copier_that_copies_right_is_told_its_speed_and_no_other(variant, variant_reports):
    """The ex07 note (information, not a check): for every copier that copied the whole folder
    byte for byte and left it as it was, never for one that did not."""
    (ex,) = [e for e in variant_reports[variant.path]["exercises"] if e["exercise"] == "ex07"]
    copied = {c["check"]: c["status"] for c in ex["checks"]}
    right = all(copied.get(check) == "passed"
                for check in ("every_file_copied", "copies_are_identical", "source_untouched"))
    speed = [note for note in ex["notes"] if not STDOUT_NOTE.match(note)]
    assert [bool(SPEED_NOTE.match(note)) for note in speed] == ([True] if right else []), ex["notes"]


STDOUT_NOTE = re.compile(r"^your copier reported `[^`]+` on stdout: ")


def _copier(name: str, variant_reports) -> dict:
    (variant,) = [v for v in variants() if v.exercise == "ex07" and v.path.stem == name]
    (ex,) = [e for e in variant_reports[variant.path]["exercises"] if e["exercise"] == "ex07"]
    return ex


def _check(ex: dict, check: str) -> dict:
    (found,) = [c for c in ex["checks"] if c["check"] == check]
    return found


def test_a_copier_that_reports_failures_on_stdout_is_told_so_in_notes_only(variant_reports):
    ex = _copier("ok_errors_on_stdout", variant_reports)
    told = [note for note in ex["notes"] if STDOUT_NOTE.match(note)]
    assert len(told) == 2 and "`no_such_folder`" in told[0] and "`dangling_link.txt`" in told[1], ex["notes"]
    assert all("stderr" in note for note in told)
    for other in ("ok_dest_fuben", "bad_failures_not_reported"):   # stderr, or no message at all
        assert not [n for n in _copier(other, variant_reports)["notes"] if STDOUT_NOTE.match(n)]


def test_progress_counts_files_needs_progress_values_to_pass(variant_reports):
    """No progress printed is no evidence that the progress counts files."""
    assert _check(_copier("bad_no_progress", variant_reports), "progress_counts_files")["status"] == "skipped"


def test_second_run_hints_follow_from_their_evidence(variant_reports):
    appended = _check(_copier("bad_append_mode", variant_reports), "second_run_into_existing_copy")
    assert '"ab"' in appended["hint"] and "2574 in the copy" in appended["observed"], appended
    text_mode = _copier("bad_text_mode", variant_reports)
    said = " ".join("%s %s" % (c.get("observed", ""), c.get("hint", "")) for c in text_mode["checks"])
    assert '"ab"' not in said and "trailing slash" not in said, said


# the lines each known spinner spins on (in ex02 and ex04 both main and the child spin)
SPIN_LINES = {"ex01": ("while time.time() - 开始 < 1:",),
              "ex02": ("while child.is_alive():", "while time.time() - t0 < 15:   # 模拟工作 15 秒"),
              "ex04": ("while p1.is_alive():", "while time.time() < 到点:"),
              "ex05": ("while q.empty():",),
              "ex06": ("while not all(r.ready() for r in results):",
                       "while time.perf_counter() < 到点:")}
# ...each seen spinning by its count of questions in a row, whatever the load
READY_POLLERS = ("bad_spin_until_ready",)
QUEUE_POLLERS = ("bad_reader_spins_on_empty",)
ALIVE_POLLERS = ("bad_child_busy_work", "bad_main_polls_is_alive")
SPINNERS = [v for v in variants("bad_") if v.exercise in SPIN_LINES
            and "waits_without_spinning" in v.expected_failures("spawn")]


@pytest.mark.parametrize("variant", SPINNERS, ids=lambda v: v.exercise + "/" + v.path.stem)
def test_a_spinner_is_shown_the_line_it_spun_on(variant, variant_reports):
    """The busy-waiting message names the process, what it asked how many times in a row, and
    quotes the learner's own line it asked at, under every method."""
    report = variant_reports[variant.path]
    (ex,) = [e for e in report["exercises"] if e["exercise"] == variant.exercise]
    for method in variant_methods(variant.exercise):
        (found,) = [c for c in ex["checks"] if c["check"] == "waits_without_spinning" and c["start_method"] == method]
        if variant.path.stem in READY_POLLERS:
            assert re.search(r"pid \d+\) asked a pool task \d+ times in a row whether it was done \(ready\(\)\), "
                             r"and never waited in between, at line \d+", found["observed"]), found
        elif variant.path.stem in QUEUE_POLLERS:
            assert re.search(r"pid \d+\) asked a queue \d+ times in a row whether something was there \(empty\(\), "
                             r"qsize\(\) or get_nowait\(\)\), found nothing each time, and never waited in between, "
                             r"at line \d+", found["observed"]), found
        elif variant.path.stem in ALIVE_POLLERS:
            assert re.search(r"pid \d+\) asked a child \d+ times in a row whether it was still running "
                             r"\(is_alive\(\)\), and never waited in between, at line \d+", found["observed"]), found
        else:
            assert re.search(r"\) read the clock \d+ times in a row \(time.time\(\), time.monotonic\(\) or "
                             r"time.perf_counter\(\)\) and never waited in between, at line \d+", found["observed"]), found
        spun = re.findall(r"`([^`]+)`", found["observed"])
        assert spun and spun[-1] in SPIN_LINES[variant.exercise], found
