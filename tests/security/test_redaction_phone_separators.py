"""A phone number leaves an auditor's narrative whatever separates its digit groups:
thin and narrow spaces, dashes of any kind, the Arabic comma, underscores, bidi marks."""

from __future__ import annotations

import pytest

from testimony_app.core.identity.narrative_redaction import Redactor

NUMBERS = ["0944\u2009123\u2009456", "0944\u202f123\u202f456", "0933 \u2013 654 \u2013 321",
           "0933 \u2014 654 \u2014 321", "0944\u2012123\u2212456",
           "\u0660\u0669\u0664\u0664\u060c\u0661\u0662\u0663\u060c\u0664\u0665\u0666",
           "0944\u200f123\u200f456", "0944 \u200f123 \u200f456", "0944_123_456",
           "+963\u2009944\u2009123\u2009456"]


@pytest.mark.parametrize("number", NUMBERS)
def test_a_phone_number_is_redacted_whatever_its_separators(number: str) -> None:
    text, counts = Redactor([]).redact(f"Call me on {number} tomorrow.")
    assert text == "Call me on [phone] tomorrow.", repr(text)
    assert counts["contact"] == 1


def test_counts_and_dates_stay() -> None:
    text = "1,234,567 people; on 2016-12-15 at 10 \u2013 12."
    assert Redactor([]).redact(text)[0] == text
