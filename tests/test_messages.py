"""The words of a failing check follow from the evidence in the same message: the process it
names is the one that did what it says, and its hint names the mistake that evidence shows."""

from __future__ import annotations

import re

import pytest

from graded import PROGRAMS, variant_methods


def message(report: dict, exercise: str, method: str, check: str) -> dict:
    (ex,) = [e for e in report["exercises"] if e["exercise"] == exercise]
    (found,) = [c for c in ex["checks"] if c["check"] == check and c["start_method"] == method]
    assert found["status"] == "failed", found
    return found


def program(exercise: str, name: str):
    return PROGRAMS / exercise / ("%s.py" % name)


@pytest.mark.parametrize("method", variant_methods("ex05"))
def test_a_reader_that_stops_on_empty_is_told_so_whatever_it_prints(method, variant_reports):
    report = variant_reports[program("ex05", "bad_reader_stops_on_empty_chinese")]
    said = message(report, "ex05", method, "every_item_got_once_in_order")
    assert re.fullmatch(r"the reader gets every item the writer put, once each and in order: A, B, C", said["expected"])
    assert re.fullmatch(r"The reader, child `读数据` \(Process-2, pid \d+\), got nothing\. Its last call on the queue was "
                        r"empty\(\), and it answered True\. The writer, child `写数据` \(Process-1, pid \d+\), put A, B, C "
                        r"after the reader's last call on the queue, and the reader ended without asking again\.",
                        said["observed"]), said["observed"]
    assert said["hint"].startswith("q.empty() only says the queue is empty at this instant")


@pytest.mark.parametrize("method", variant_methods("ex05"))
def test_main_that_did_not_wait_names_the_process_still_running(method, variant_reports):
    report = variant_reports[program("ex05", "bad_reader_not_joined")]
    said = message(report, "ex05", method, "main_waits_for_both")
    assert re.fullmatch(r"main printed `所有数据都写入并且读完` while the reader, child `read` \(Process-2, pid \d+\), "
                        r"was still running", said["observed"]), said["observed"]


@pytest.mark.parametrize("method", variant_methods("ex02"))
def test_a_child_that_hangs_without_daemon_is_not_told_about_daemon(method, variant_reports):
    said = message(variant_reports[program("ex02", "bad_child_waits_forever")], "ex02", method,
                   "child_finishes_first")
    assert re.match(r"child `子进程任务` \(Process-1, pid \d+\) printed 2 line\(s\) and was still running when the program "
                    r"was stopped \(", said["observed"]), said["observed"]
    assert "daemon" not in said["hint"] and said["hint"].startswith("run_proc must come to its end")


@pytest.mark.parametrize("method", variant_methods("ex04"))
def test_a_list_that_shrank_is_not_called_shared(method, variant_reports):
    said = message(variant_reports[program("ex04", "bad_work2_pops")], "ex04", method, "work2_sees_original")
    assert re.fullmatch(r"child `work2` \(Process-2, pid \d+\) printed \[11\]", said["observed"])
    assert said["hint"] == ("work2 printed a list that work1 never had, so work2 changed nums itself ([11]): "
                            "work2 only prints nums")


@pytest.mark.parametrize("method", variant_methods("ex04"))
def test_main_that_appended_is_told_it_changed_its_own_list(method, variant_reports):
    said = message(variant_reports[program("ex04", "bad_main_appends")], "ex04", method, "main_keeps_its_nums")
    assert re.fullmatch(r"main printed `main \d+: \[11, 22, 33\]`", said["observed"])
    assert said["hint"].startswith("no child printed this list, so main changed its own nums")


@pytest.mark.parametrize("method", variant_methods("ex06"))
def test_a_pool_nobody_waits_for_loses_its_tasks_on_every_run(method, variant_reports):
    said = message(variant_reports[program("ex06", "bad_no_close_join")], "ex06", method, "each_task_runs_once")
    assert said["observed"] == ("main handed tasks 0 to 9 to the pool, and none of them ran: main ended without "
                                "waiting for them, and its pool's workers were stopped with it")
    assert said["hint"].startswith("after the last apply_async, call po.close() and then po.join()")


@pytest.mark.parametrize("method", variant_methods("ex03"))
def test_a_state_read_before_join_is_told_from_the_values_read_whatever_the_words(method, variant_reports):
    said = message(variant_reports[program("ex03", "bad_state_before_join_chinese")], "ex03", method,
                   "main_reports_exit_state")
    assert said["observed"] == "main printed `存活: True  退出码: None`: the child had not ended yet when main asked"
    assert said["hint"].startswith("terminate() only sends a signal; call p.join()")


@pytest.mark.parametrize("method", variant_methods("ex03"))
def test_a_state_with_one_value_missing_names_the_one_printed(method, variant_reports):
    said = message(variant_reports[program("ex03", "bad_only_exitcode")], "ex03", method, "main_reports_exit_state")
    assert said["observed"] == "main printed the child's exit code (`退出码 = -15`) but not whether it is alive"


@pytest.mark.parametrize("method", variant_methods("ex05"))
def test_a_reader_that_ends_on_a_short_get_timeout_is_told_the_timeout(method, variant_reports):
    said = message(variant_reports[program("ex05", "bad_reader_get_timeout_short")], "ex05", method,
                   "every_item_got_once_in_order")
    assert "Its last call on the queue was get() with a timeout of 0.5 s, and it raised queue.Empty. " \
        in said["observed"], said["observed"]
    assert said["hint"].startswith("queue.Empty after a timeout only says nothing came for that long; the writer "
                                   "sleeps up to 1 s between its puts.")


@pytest.mark.parametrize("method", variant_methods("ex06"))
def test_a_pool_reader_that_stops_on_empty_is_told_what_it_missed(method, variant_reports):
    said = message(variant_reports[program("ex06", "bad_async_reader_stops_on_empty")], "ex06", method,
                   "reader_got_every_letter")
    assert re.fullmatch(r"The reader task `reader`, run by pool worker \w+PoolWorker-\d+ \(pid \d+\), got nothing\. "
                        r"Its last call on the queue was empty\(\), and it answered True\. The writer, pool worker "
                        r"\w+PoolWorker-\d+ \(pid \d+\), put i, t, c, a, s, t after the reader's last call on the queue, "
                        r"and the reader ended without asking again\.", said["observed"]), said["observed"]
    assert said["hint"].startswith("an empty queue only says the writer has not put the next letter yet")


@pytest.mark.linux_only
@pytest.mark.parametrize("method", variant_methods("ex04"))
def test_children_made_with_os_fork_are_told_in_forks_words(method, variant_reports):
    said = message(variant_reports[program("ex04", "bad_os_fork_no_wait")], "ex04", method, "work2_after_work1")
    assert re.fullmatch(r"forked child \(pid (\d+)\) was forked while forked child \(pid (?!\1)\d+\) was still running",
                        said["observed"]), said["observed"]
    assert said["hint"] == "call os.waitpid(pid1, 0) before forking work2's process"


@pytest.mark.parametrize("method", variant_methods("ex03"))
def test_a_child_stopped_before_its_first_line_is_told_main_gave_it_no_time(method, variant_reports):
    said = message(variant_reports[program("ex03", "bad_no_time_before_terminate")], "ex03", method,
                   "child_terminated_early")
    assert re.fullmatch(r"main called terminate\(\) on child `Greeter-1` \(pid \d+\) without sleeping after "
                        r"p\.start\(\): the child had printed nothing", said["observed"]), said["observed"]
    assert said["hint"] == "give the child time to work: sleep(1) in main between p.start() and p.terminate()"


@pytest.mark.parametrize("method", variant_methods("ex03"))
def test_a_child_that_ended_by_itself_before_printing_is_not_said_to_be_stopped_by_main(method, variant_reports):
    said = message(variant_reports[program("ex03", "bad_child_crashes_at_first_print")], "ex03", method,
                   "child_terminated_early")
    assert re.fullmatch(r"child `run_proc` \(Process-1, pid \d+\) printed nothing and ended with exit code 1",
                        said["observed"]), said["observed"]
    assert said["hint"].startswith("the child ended before its first round, by itself")
