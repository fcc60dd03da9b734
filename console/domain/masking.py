"""Masking customer data: no full number ever leaves the gateway or goes into an export.

Callers and customers arrive masked on the feed (``138****5678``). Free text
(a reviewer's note) and anything that might not have been masked upstream go
through :func:`mask_digits`, which hides every long run of digits (a phone,
account or card number, written with or without spaces or dashes) except its
last four digits. It is idempotent and leaves the feed's masked form, times
(``09:30``) and ISO dates (``2026-03-02``) alone; an id with seven or more
digits in a row (``K0001942``) is masked too (``K***1942``).
"""

from __future__ import annotations

import re

#: Runs with at least this many digits are masked.
MASK_MIN_DIGITS = 7
#: Digits left visible at the end of a masked run.
MASK_KEEP_LAST = 4

# A run of digits that may be grouped by single spaces or dashes (a number glued to letters,
# ``acct123456789``, is a run too: better an id masked in a note than a number shown).
_RUN = re.compile(r"(?<!\d)\d(?:[ \-]?\d)*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _mask_run(match: re.Match[str]) -> str:
    run = match.group(0)
    digits = sum(ch.isdigit() for ch in run)
    if digits < MASK_MIN_DIGITS or _ISO_DATE.fullmatch(run):
        return run
    hide = digits - MASK_KEEP_LAST
    out = []
    for ch in run:
        if ch.isdigit() and hide > 0:
            out.append("*")
            hide -= 1
        else:
            out.append(ch)
    return "".join(out)


def mask_digits(text: str) -> str:
    """``text`` with every run of 7 or more digits masked but its last four.

    ``"card 4111 1111 1111 1111"`` -> ``"card **** **** **** 1111"``;
    ``"13812345678"`` -> ``"*******5678"``; ``"138****5678"`` is left as it is.
    """
    return _RUN.sub(_mask_run, text)
