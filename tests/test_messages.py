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
    assert re.fullmatch(r"child Process-2 \(pid \d+\) got nothing\. The reader ended while the writer was still "
                        r"putting: child Process-1 \(pid \d+\) put A, B, C after the reader had ended\. The "
                        r"reader's last call on the queue was empty\(\), and it answered True\.", said["observed"])
    assert said["hint"].startswith("q.empty() only says the queue is empty at this instant")


@pytest.mark.parametrize("method", variant_methods("ex05"))
def test_main_that_did_not_wait_names_the_process_still_running(method, variant_reports):
    report = variant_reports[program("ex05", "bad_reader_not_joined")]
    said = message(report, "ex05", method, "main_waits_for_both")
    assert re.fullmatch(r"main printed `所有数据都写入并且读完` while the reader, child Process-2 \(pid \d+\), "
                        r"was still running", said["observed"]), said["observed"]
