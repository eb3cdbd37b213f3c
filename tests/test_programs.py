"""Every known-wrong program fails exactly the checks that name its mistake; every correct
program written another way passes; under fork, spawn and forkserver."""

from __future__ import annotations

import pytest

from graded import failed_checks, variant_methods, variants

CASES = [(v, m) for v in variants() for m in variant_methods(v.exercise)]


@pytest.mark.parametrize("variant,method", CASES,
                         ids=["%s/%s-%s" % (v.exercise, v.path.stem, m) for v, m in CASES])
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
    import re
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
