"""Exercise 5: a Queue used from main (part A), then shared by a writer and a reader (part B).

Part A is read from main's lines: the two full() answers, the two "queue is full" lines (the
first after a blocking put that waited about 2 s, the second at once), then the three messages.
Part B is read from who printed what: the process printing "Put X" is the writer, the one
printing "Get X" the reader. In the graded run every put() in a child waits 50 ms first: a
reader that takes "the queue is empty" for "the writer is done" then shows that it loses items.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from grader import common_checks
from grader.checks import check, fail, quote
from grader.runner import RunSpec
from grader.trace import PROCESS, Line, Trace

TITLE = "queue"
WARP = 0.05              # the blocking put's 2 s last 100 ms
SLOW_PUT_SECONDS = 0.05  # real seconds each child waits before a put
BOOL = re.compile(r"\b(True|False)\s*$")
FULL_COUNT = re.compile(r"\D3\s*$")   # "消息列队已满，现有消息数量:3" / "queue is full, messages in it: 3"
PUT = re.compile(r"\bput\s+(\S+)", re.I)
GET = re.compile(r"\bget\s+(\S+)", re.I)


def run_spec(program: Path, start_method: str) -> RunSpec:
    return RunSpec(program, start_method=start_method, warp=WARP, budget=10.0,
                   env=(("PROCGRADE_SLOW_PUT", repr(SLOW_PUT_SECONDS)),))


# --- part A: main's lines, in order ---------------------------------------------------------------

def part_a(trace: Trace) -> dict[str, list[Line]]:
    """main's answers: the full() lines, the "queue is full" lines after them, the drained lines."""
    mine = trace.lines_by(trace.main_pid)
    answers = [l for l in mine if BOOL.search(l.text)][:2]
    after = [l for l in mine if not answers or l.index > answers[-1].index]
    full = [l for l in after if FULL_COUNT.search(l.text)][:2]
    rest = [l for l in after if full and l.index > full[-1].index]
    drained = [l for l in rest if not PUT.search(l.text) and not GET.search(l.text)][:3]
    return {"answers": answers, "full": full, "drained": drained}


def part_a_or_fail(trace: Trace) -> dict[str, list[Line]]:
    found = part_a(trace)
    if len(found["full"]) < 2:
        fail(expected="main prints the queue-is-full line twice, e.g. `消息列队已满，现有消息数量:3`",
             observed="main printed %d such line(s) after the full() answers" % len(found["full"]),
             hint="print the line (with q.qsize()) in the except of both failed puts")
    return found


@check("no process crashes")
def test_no_process_crashed(trace):
    common_checks.no_crash(trace)


@check("full() says False with 2 messages and True with 3")
def test_full_answers(trace):
    answers = [BOOL.search(l.text).group(1) for l in part_a(trace)["answers"]]
    if answers == ["False", "True"]:
        return
    fail(expected="main prints `False` then `True`",
         observed="main printed %s" % (", ".join(answers) or "no True/False line"),
         hint="print(q.full()) after the second put and again after the third, on a Queue(3)")


@check("the blocking put waits about 2 s, then gives up")
def test_blocking_put_waits(trace):
    found = part_a_or_fail(trace)
    start = found["answers"][-1].t if found["answers"] else 0.0
    waited = trace.virtual(found["full"][0].t - start)
    # The lower bound tells a put that waited from one that did not (it cannot wait less than its
    # timeout). The upper bound is wide: on a machine busy six times over, main was seen to wake
    # 0.1 s late (4.2 s in the program's clock), and no known mistake waits that long.
    if 1.5 <= waited <= 8.0:
        return
    fail(expected="the first full line about 2 s after `True`: put(x, True, 2) waits 2 s for room",
         observed="it came %.2f s after" % waited,
         hint="q.put('消息4', True, 2) blocks up to 2 s, then raises queue.Full")


@check("put_nowait gives up at once", needs=["blocking_put_waits"])
def test_nowait_put_does_not_wait(trace):
    found = part_a_or_fail(trace)
    waited = trace.virtual(found["full"][1].t - found["full"][0].t)
    if waited < 0.5:
        return
    fail(expected="the second full line right after the first: put_nowait never waits",
         observed="it came %.2f s after the first" % waited,
         hint="q.put_nowait(x) is q.put(x, False): it raises queue.Full at once")


# get_nowait() right after put() can find the queue's pipe still empty: the drain is reliable
# only because the 2 s put gave the queue's feeder thread time to flush. So it builds on that.
@check("the queue is drained first in, first out: 消息1, 消息2, 消息3", needs=["blocking_put_waits"])
def test_drain_in_order(trace):
    drained = part_a_or_fail(trace)["drained"]
    numbers = [common_checks.numbers(l.text)[-1:] for l in drained]
    if numbers == [[1], [2], [3]]:
        return
    fail(expected="main prints the three messages in the order they were put: 消息1, 消息2, 消息3",
         observed="after the full lines main printed %s" % (", ".join(quote(l.text) for l in drained) or "nothing"),
         hint="get_nowait() (or get()) three times: a queue hands items out first in, first out")


# --- part B: a writer and a reader ------------------------------------------------------------

def actors(trace: Trace) -> tuple[Optional[int], Optional[int]]:
    """(writer pid, reader pid): who printed the Put lines, who printed the Get lines. A reader
    that got nothing printed nothing: then it is main's one other child, if there is one."""
    puts = [l.pid for l in trace.out() if PUT.search(l.text)]
    gets = [l.pid for l in trace.out() if GET.search(l.text)]
    writer = puts[0] if puts else None
    if gets:
        return writer, gets[0]
    others = [p.pid for p in trace.children_of(trace.main_pid, (PROCESS,)) if p.pid != writer]
    return writer, (others[0] if len(others) == 1 else None)


def items(trace: Trace, pattern: "re.Pattern[str]") -> list[tuple[str, Line]]:
    return [(pattern.search(l.text).group(1).strip(".,:"), l) for l in trace.out() if pattern.search(l.text)]


@check("the writer and the reader are two different child processes")
def test_writer_and_reader_are_two_children(trace):
    writer, reader = actors(trace)
    if writer is None or reader is None:
        fail(expected="a writer printing `Put A to queue...` and a reader printing `Get A from queue.`",
             observed="no %s line was printed" % ("Put" if writer is None else "Get"),
             hint="start a writer Process and a reader Process, both given the same queue")
    problems = []
    for role, pid in (("writer", writer), ("reader", reader)):
        proc = trace.proc(pid)
        if proc is None or proc.kind != PROCESS or proc.parent != trace.main_pid:
            problems.append("the %s's lines came from %s" % (role, trace.describe(pid)))
    if writer == reader:
        problems.append("the Put and Get lines came from the same %s" % trace.describe(writer))
    if problems:
        fail(expected="the writer and the reader run in two different processes started by main",
             observed="; ".join(problems),
             hint="Process(target=write, args=(q,)) and Process(target=read, args=(q,)), each start()ed")


@check("every item put is got exactly once, in order, after it was put",
       needs=["writer_and_reader_are_two_children"])
def test_every_item_got_once_in_order(trace):
    put, got = items(trace, PUT), items(trace, GET)
    put_names, got_names = [p for p, _ in put], [g for g, _ in got]
    too_early = [g for (g, gl), (p, pl) in zip(got, put) if g == p and gl.t < pl.t]
    if put_names == got_names and put_names and not too_early:
        return
    writer, reader = (trace.proc(p) for p in actors(trace))
    hint = "the reader gets with a blocking q.get() until an end marker (or the known count) arrives"
    if reader.ended is not None and (writer.ended is None or reader.ended < writer.ended) and len(got) < len(put):
        hint = ("the reader stopped while the writer was still putting: q.empty() only says the "
                "queue is empty at this instant, not that the writer is done. Stop on an end marker "
                "the writer puts last (or get the known number of items), or start the reader "
                "after joining the writer")
    fail(expected="Get lines for %s, each after its Put" % ", ".join(put_names),
         observed="the reader got %s" % (", ".join(got_names) or "nothing") +
                  ("; %s was got before it was put" % too_early[0] if too_early else ""),
         hint=hint)


@check("the program ends by itself, leaving nothing running")
def test_ends_cleanly(trace):
    common_checks.ended_by_itself(trace)


@check("main prints its last line after the writer and the reader have ended",
       needs=["writer_and_reader_are_two_children", "ends_cleanly"])
def test_main_waits_for_both(trace):
    writer, reader = (trace.proc(p) for p in actors(trace))
    mine = trace.lines_by(trace.main_pid)
    ends = [p.ended for p in (writer, reader)]
    if mine and None not in ends and mine[-1].t >= max(ends):
        return
    fail(expected="main's last line (`所有数据都写入并且读完`) after both processes ended",
         observed="main printed %s while %s was still running"
                  % (quote(mine[-1].text) if mine else "nothing",
                     trace.describe(reader.pid if (reader.ended or 0) >= (writer.ended or 0) else writer.pid)),
         hint="join() the writer and the reader before the last print")


# A program that does not end is stopped where it is (the hang's diagnosis says where): whether it
# also spun is judged only of a program that ends.
@check("no process spins where it should wait", needs=["ends_cleanly"])
def test_waits_without_spinning(trace):
    common_checks.waits_without_spinning(trace)
