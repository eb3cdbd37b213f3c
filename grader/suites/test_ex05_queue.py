"""Exercise 5: a Queue used from main (part A), then shared by a writer and a reader (part B).

Part A is read from what main did with its queue: its two puts that found the queue full (the
first blocking, and waiting about 2 s, the second giving up at once), then the three messages it
got and printed; and from main's two printed full() answers. Where the instrumentation saw no
queue call (a queue it does not know), from main's lines: the "queue is full" lines ending in 3.
Part B is read from what the processes did with the queue, whatever they printed: the child that
put items on it is the writer, the one that got them (or asked empty()) the reader. In the graded
run every put() in a child waits 50 ms first (and the first one until another child runs): a
reader that takes "the queue is empty" for "the writer is done" then shows that it loses items.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from grader import common_checks
from grader.checks import check, fail, quote
from grader.i18n import N_, _, ngettext
from grader.runner import RunSpec
from grader.trace import PROCESS, Line, QueueOp, Trace

TITLE = N_("queue")
WARP = 0.05              # the blocking put's 2 s last 100 ms
SLOW_PUT_SECONDS = 0.05  # real seconds each child waits before a put
# The writer sleeps random.random() seconds after each put, under WRITER_LONGEST_SLEEP: a reader
# that ends on queue.Empty from a get that waits at least that long (q.get(True, 2)) loses
# nothing in a real run. Warped, its wait lasted less than the slowed writer's next put (1.5 s was
# 75 ms, the writer's gap up to 100 ms): such a get waits ENOUGH_SECONDS of the program's own
# time. A shorter timeout stays warped, and its race with the writer is lost every time.
WRITER_LONGEST_SLEEP = 1.0
ENOUGH_SECONDS = 0.5
BOOL = re.compile(r"\b(True|False)\s*$")
FULL_COUNT = re.compile(r"\D3\s*$")   # "消息列队已满，现有消息数量:3" / "queue is full, messages in it: 3"
PUT = re.compile(r"\bput\s+(\S+)", re.I)
GET = re.compile(r"\bget\s+(\S+)", re.I)


def run_spec(program: Path, start_method: str) -> RunSpec:
    # SLOW_PUT: a reader that stops on empty() loses items every time; HOLD_DAEMON_GETS: a daemon
    # reader that main never waits for gets nothing every time (main ends first, and a daemon is
    # stopped with it), not only when it happens to boot after the writer is done
    return RunSpec(program, start_method=start_method, warp=WARP, budget=10.0,
                   env=(("PROCGRADE_SLOW_PUT", repr(SLOW_PUT_SECONDS)), ("PROCGRADE_HOLD_DAEMON_GETS", "1"),
                        ("PROCGRADE_GET_ENOUGH", "%r %r" % (WRITER_LONGEST_SLEEP, ENOUGH_SECONDS))))


# --- part A: main's lines, in order ---------------------------------------------------------------

def failed_puts(trace: Trace) -> list[QueueOp]:
    """main's first two puts that raised queue.Full: part A's puts on its full Queue(3)."""
    return [op for op in trace.queue_ops(pid=trace.main_pid) if op.op == "put" and op.outcome == "Full"][:2]


def put_waited(trace: Trace, put: QueueOp) -> float:
    """How long a put main made waited before it gave up, in the program's own seconds (a put
    that could block and waited says when it began; one that did not wait: 0)."""
    return trace.virtual(put.t - put.began) if put.block and put.began is not None else 0.0


def part_a(trace: Trace) -> dict[str, list]:
    """main's part A: its full() answers (printed lines), its failed puts, and the lines it
    printed of the messages it then got. Without queue calls seen: the "queue is full" lines
    (`full`) after the answers stand for the failed puts."""
    mine = trace.lines_by(trace.main_pid)
    answers = [l for l in mine if BOOL.search(l.text)][:2]
    after = [l for l in mine if not answers or l.index > answers[-1].index]
    full = [l for l in after if FULL_COUNT.search(l.text)][:2]
    failed = failed_puts(trace)
    gets = [op for op in trace.queue_ops(pid=trace.main_pid)
            if op.op == "get" and op.outcome == "ok" and len(failed) == 2 and op.t > failed[1].t]
    if gets:     # what main printed once it began to take the messages out
        rest = [l for l in mine if l.t >= gets[0].t]
    else:
        rest = [l for l in after if full and l.index > full[-1].index]
    drained = [l for l in rest if not PUT.search(l.text) and not GET.search(l.text)][:3]
    return {"answers": answers, "full": full, "failed": failed, "drained": drained}


def part_a_or_fail(trace: Trace) -> dict[str, list]:
    found = part_a(trace)
    if len(found["failed"]) == 2:
        return found
    if trace.queue_ops(pid=trace.main_pid):
        fail(expected=_("two puts on the full Queue(3): the first waits up to 2 s, the second gives up at once; "
                        "both raise queue.Full"),
             observed=ngettext("{count} of main's puts found the queue full", "{count} of main's puts found the "
                               "queue full", len(found["failed"])).format(count=len(found["failed"])),
             hint=_("make the queue with Queue(3), put 3 messages, then {blocking} and {nowait}, each in a try "
                    "with except queue.Full").format(blocking="`q.put('消息4', True, 2)`",
                                                     nowait="`q.put_nowait('消息4')`"))
    if len(found["full"]) < 2:
        fail(expected=_("main prints the queue-is-full line twice, e.g. {example}").format(example="`消息列队已满，现有消息数量:3`"),
             observed=_("main printed {count} such line(s) after the full() answers").format(count=len(found["full"])),
             hint=_("print the line (with q.qsize()) in the except of both failed puts"))
    return found


@check(N_("no process crashes"))
def test_no_process_crashed(trace):
    common_checks.no_crash(trace)


@check(N_("full() says False with 2 messages and True with 3"))
def test_full_answers(trace):
    answers = [BOOL.search(l.text).group(1) for l in part_a(trace)["answers"]]
    if answers == ["False", "True"]:
        return
    fail(expected=_("main prints `False` then `True`"),
         observed=_("main printed {answers}").format(answers=", ".join(answers)) if answers else
                  _("main printed no True/False line"),
         hint=_("print(q.full()) after the second put and again after the third, on a Queue(3)"))


@check(N_("the blocking put waits about 2 s, then gives up"), about_time=True)
def test_blocking_put_waits(trace):
    found = part_a_or_fail(trace)
    # The lower bound tells a put that waited from one that did not (it cannot wait less than its
    # timeout). The upper bound is wide: on a machine busy six times over, main was seen to wake
    # 0.1 s late (4.2 s in the program's clock), and no known mistake waits that long.
    hint = _("{call} blocks up to 2 s, then raises queue.Full").format(call="`q.put('消息4', True, 2)`")
    if found["failed"]:
        put = found["failed"][0]
        waited = put_waited(trace, put)
        # How long it waits is the timeout main asked for; what the clock saw only proves that it
        # did wait (a busy machine can make it look longer, never shorter): at load 23, main woke
        # 0.35 s late from its put, 7 s in the program's clock.
        asked = put.timeout if put.timeout is not None else waited
        if put.block and 1.5 <= waited and 1.5 <= asked <= 8.0:
            return
        if not put.block:
            observed = _("it could not wait: it was a put_nowait() (or a put with block=False)")
        elif waited >= 1.5:
            observed = _("it asked to wait {seconds} s").format(seconds="%g" % asked)
        else:
            observed = _("it waited {seconds} s before it gave up").format(seconds="%.2f" % waited)
        fail(expected=_("main's first put on the full queue waits about 2 s, then raises queue.Full"),
             observed=observed, hint=hint)
    start = found["answers"][-1].t if found["answers"] else 0.0
    waited = trace.virtual(found["full"][0].t - start)
    if 1.5 <= waited <= 8.0:
        return
    fail(expected=_("the first full line about 2 s after `True`: put(x, True, 2) waits 2 s for room"),
         observed=_("it came {seconds} s after").format(seconds="%.2f" % waited), hint=hint)


@check(N_("put_nowait gives up at once"), needs=["blocking_put_waits"], about_time=True)
def test_nowait_put_does_not_wait(trace):
    found = part_a_or_fail(trace)
    # The second failed put, as main called it: one that could not block did not wait, however
    # late a busy machine let main print the next line (0.62 s after the first, in virtual time,
    # at load 22-32).
    if found["failed"]:
        waited = put_waited(trace, found["failed"][1])
        if waited < 0.5:
            return
        fail(expected=_("main's second put on the full queue gives up at once: put_nowait never waits"),
             observed=_("it waited {seconds} s before it gave up").format(seconds="%.2f" % waited),
             hint=_("q.put_nowait(x) is q.put(x, False): it raises queue.Full at once"))
    first, second = found["full"][0].t, found["full"][1].t
    waited = trace.virtual(second - first)
    if waited < 0.5:
        return
    fail(expected=_("the second full line right after the first: put_nowait never waits"),
         observed=_("it came {seconds} s after the first").format(seconds="%.2f" % waited),
         hint=_("q.put_nowait(x) is q.put(x, False): it raises queue.Full at once"))


# get_nowait() right after put() can find the queue's pipe still empty: the drain is reliable
# only because the 2 s put gave the queue's feeder thread time to flush. So it builds on that.
@check(N_("the queue is drained first in, first out: `消息1`, `消息2`, `消息3`"), needs=["blocking_put_waits"])
def test_drain_in_order(trace):
    drained = part_a_or_fail(trace)["drained"]
    numbers = [common_checks.numbers(l.text)[-1:] for l in drained]
    if numbers == [[1], [2], [3]]:
        return
    fail(expected=_("main prints the three messages in the order they were put: {messages}").format(
             messages="`消息1`, `消息2`, `消息3`"),
         observed=_("after the full lines main printed {lines}").format(
             lines=common_checks.listed(quote(l.text) for l in drained)) if drained else
                  _("after the full lines main printed nothing"),
         hint=_("get_nowait() (or get()) three times: a queue hands items out first in, first out"))


# --- part B: a writer and a reader, known by what they did with the queue -------------------

@dataclass(frozen=True)
class PartB:
    """Part B's queue (the one a child used: part A's is main's alone), and who used it."""

    queue: Optional[str]
    writer: Optional[int]   # the process that put items on it
    reader: Optional[int]   # the process that got from it (or, having got nothing, asked it questions)


def part_b(trace: Trace) -> PartB:
    children = {p.pid for p in trace.learner_procs() if p.pid != trace.main_pid}
    used = [op.queue for op in trace.queue_ops() if op.pid in children]
    if not used:
        return PartB(None, None, None)
    queue = Counter(used).most_common(1)[0][0]
    writers = trace.writers(queue)
    writer = next((pid for pid in writers if pid in children), writers[0] if writers else None)
    getters = sorted(trace.readers(queue), key=lambda pid: pid not in children)   # children first
    askers = [op.pid for op in trace.queue_ops(queue) if op.op in ("empty", "qsize") and op.pid in children]
    others = [p.pid for p in trace.children_of(trace.main_pid, (PROCESS,)) if p.pid != writer]
    reader = next(iter([pid for pid in getters if pid != writer] + getters
                       + [pid for pid in askers if pid != writer] + (others if len(others) == 1 else [])), None)
    return PartB(queue, writer, reader)


def moved(trace: Trace, queue: str, op: str) -> list[QueueOp]:
    return [o for o in trace.queue_ops(queue) if o.op == op and o.moved]


def listed(ops: list[QueueOp]) -> str:
    """The items of some queue operations, as evidence ("A, B, C"), or "nothing"."""
    return ", ".join(o.value for o in ops) or _("nothing")


sentences = common_checks.sentences


@check(N_("the writer and the reader are two different child processes"))
def test_writer_and_reader_are_two_children(trace):
    roles = part_b(trace)
    if roles.queue is None or roles.writer is None or roles.reader is None:
        observed = (_("no child process put anything on a queue or got anything from one") if roles.queue is None
                    else _("nothing was put on the queue the children used") if roles.writer is None
                    else _("{who} put {items} on the queue, and no other process got anything from it or asked it "
                           "anything").format(who=trace.describe(roles.writer),
                                              items=listed(moved(trace, roles.queue, "put"))))
        fail(expected=_("a writer process puts A, B, C on a queue, and a reader process gets them from it"),
             observed=observed,
             hint=_("create one Queue in main, then start a writer Process and a reader Process, both given "
                    "that queue as an argument"))
    problems = []
    for role, pid in ((N_("the writer was {who}, not a child process of main"), roles.writer),
                      (N_("the reader was {who}, not a child process of main"), roles.reader)):
        proc = trace.proc(pid)
        if proc is None or proc.kind != PROCESS or proc.parent != trace.main_pid:
            problems.append(_(role).format(who=trace.describe(pid)))
    if roles.writer == roles.reader:
        problems.append(_("the same process, {who}, both put the items and got them").format(who=trace.describe(roles.writer)))
    if problems:
        fail(expected=_("the writer and the reader run in two different processes started by main"),
             observed=common_checks.clauses(problems),
             hint=_("Process(target=write, args=(q,)) and Process(target=read, args=(q,)), each start()ed"))


def stopped_early(trace: Trace, roles: PartB) -> tuple[str, str]:
    """(evidence that the reader ended without asking again while the writer still had items to
    put, the hint that follows from its last call on the queue); ("", "") if it did not."""
    calls = trace.queue_ops(roles.queue, roles.reader)
    late = common_checks.missed_puts(moved(trace, roles.queue, "put"), calls, trace.proc(roles.reader).ended)
    if not late:
        return "", ""
    last = calls[-1] if calls else None
    found = common_checks.found_nothing(last) if last else ""
    said = [found] if found else []
    said.append(common_checks.writer_still_putting(trace.describe(roles.writer), [o.value for o in late]))
    if found and last.op in ("empty", "qsize"):
        hint = _("q.{call} only says the queue is empty at this instant, not that the writer is done.").format(
            call=last.call)
    elif found and last.timeout is not None:
        hint = _("queue.Empty after a timeout only says nothing came for that long; the writer sleeps up to "
                 "{longest} s between its puts.").format(longest="%g" % WRITER_LONGEST_SLEEP)
    elif found:
        hint = _("queue.Empty only says the queue is empty at this instant, not that the writer is done.")
    else:
        hint = _("The reader stopped before the writer was done.")
    return sentences(said), sentences([hint, _("Stop on an end marker the writer puts last (or get the known number of "
                                               "items), or start the reader after joining the writer")])


def stopped_with_main(trace: Trace, roles: PartB) -> bool:
    """The reader was a daemon that never finished: main's end stopped it."""
    reader = trace.proc(roles.reader)
    return reader is not None and reader.daemon and reader.ended is None and reader.exitcode is None


@check(N_("every item put is got exactly once, in order"), needs=["writer_and_reader_are_two_children"])
def test_every_item_got_once_in_order(trace):
    roles = part_b(trace)
    put, got = moved(trace, roles.queue, "put"), moved(trace, roles.queue, "get")
    if put and [o.item for o in put] == [o.item for o in got]:
        return
    early, hint = stopped_early(trace, roles) if not stopped_with_main(trace, roles) else (
        _("It was a daemon process, still running when main ended, and a daemon is stopped when main ends."),
        _("main must wait for the reader: pr.join() before main's last line (a daemon reader is stopped, items and "
          "all, the moment main ends)"))
    hint = hint or _("the reader gets with a blocking q.get() until an end marker (or the known count) arrives")
    fail(expected=_("the reader gets every item the writer put, once each and in order: {items}").format(items=listed(put)),
         observed=sentences([(_("The reader, {who}, got {items}.") if got else _("The reader, {who}, got nothing.")).format(
                                who=trace.describe(roles.reader), items=listed(got))]
                            + ([early] if early else [])),
         hint=hint)


@check(N_("the program ends by itself, leaving nothing running"), about_time=True)
def test_ends_cleanly(trace):
    common_checks.ended_by_itself(trace)

@check(N_("every process stays in the program's tree: none detached itself"))
def test_stays_in_tree(trace):
    common_checks.stays_in_tree(trace)


@check(N_("main prints its last line after the writer and the reader have ended"),
       needs=["writer_and_reader_are_two_children", "ends_cleanly"], about_time=True)
def test_main_waits_for_both(trace):
    roles = part_b(trace)
    mine = trace.lines_by(trace.main_pid)
    last = mine[-1] if mine else None
    running = [(role, pid) for role, pid in ((N_("main printed {line} while the writer, {who}, was still running"),
                                              roles.writer),
                                             (N_("main printed {line} while the reader, {who}, was still running"),
                                              roles.reader))
               if last is None or trace.proc(pid).gone_at is None or trace.proc(pid).gone_at > last.t]
    if last is not None and not running:
        return
    if last is None:
        observed = _("main printed nothing")
    elif len(running) == 2:
        observed = _("main printed {line} while the writer, {writer}, and the reader, {reader}, were both still "
                     "running").format(line=quote(last.text), writer=trace.describe(roles.writer),
                                       reader=trace.describe(roles.reader))
    else:
        observed = _(running[0][0]).format(line=quote(last.text), who=trace.describe(running[0][1]))
    fail(expected=_("main's last line ({line}) after both processes ended").format(line="`所有数据都写入并且读完`"),
         observed=observed,
         hint=_("join() the writer and the reader before the last print"))


# A program that does not end is stopped where it is (the hang's diagnosis says where): whether it
# also spun is judged only of a program that ends.
@check(N_("no process spins where it should wait"), needs=["ends_cleanly"], about_time=True)
def test_waits_without_spinning(trace):
    common_checks.waits_without_spinning(trace)
