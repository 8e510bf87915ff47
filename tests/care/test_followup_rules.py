"""The 规范 follow-up rule, table-driven: the next due date and whether to refer (no app, no database).

One rule set decides both (app/services/followup_forms.py): the 下一步管理措施 the 规范 requires, and the
due date that step sets."""
from datetime import date

import pytest

from app.services import followup_forms as forms
from app.services.clock import add_months

C, U, A, X = "controlled", "uncontrolled", "adverse_reaction", "complication"
DAY = date(2026, 3, 10)

# (this visit, earlier visits newest first) -> (days until due or "3m", referral, reason)
CASES = [
    (C, [], "3m", False, None),
    (C, [U], "3m", False, None),
    (C, [U, U], "3m", False, None),
    (U, [], 14, False, None),                      # first uncontrolled: 2 weeks
    (U, [C], 14, False, None),
    (U, [U], 14, True, "two_uncontrolled"),        # two consecutive unsatisfactory visits: refer
    (U, [C, U], 14, False, None),                  # not consecutive
    (U, [A], 14, True, "two_uncontrolled"),        # an adverse reaction is unsatisfactory too (规范)
    (A, [], 14, False, None),                      # adverse reaction: 2 weeks
    (A, [C], 14, False, None),
    (A, [A], 14, True, "adverse_uncontrolled"),    # adverse reactions hard to control: refer
    (X, [], 14, True, "new_complication"),         # complication: refer, follow up in 2 weeks
    (X, [C], 14, True, "new_complication"),
]


@pytest.mark.parametrize("current, previous, due, referral, reason", CASES)
def test_next_due_follows_the_guideline(current, previous, due, referral, reason):
    expected = add_months(DAY, 3) if due == "3m" else date.fromordinal(DAY.toordinal() + due)
    step = forms.required_next_step(current, previous, [])
    assert forms.due_date(step.step, DAY) == expected
    assert (step.step in forms.REFERRAL_STEPS, step.referral_reason) == (referral, reason)


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 3, 10), 3, date(2026, 6, 10)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),   # no 30 February: last day of the month
    (date(2027, 11, 30), 3, date(2028, 2, 29)),   # leap year
    (date(2026, 10, 15), 3, date(2027, 1, 15)),   # across the year end
    (date(2026, 5, 31), -3, date(2026, 2, 28)),
])
def test_add_months_clamps_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected
