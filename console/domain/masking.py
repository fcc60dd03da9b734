"""Masking customer data: no full number ever leaves the gateway or goes into an export.

Callers and customers arrive masked on the feed (``138****5678``). Free text
(a reviewer's note, a case's subject) and anything that might not have been
masked upstream go through :func:`mask_digits`, which hides every long run of
digits (a phone, account or card number) except its last four digits, however
the digits are written or grouped:

* digits are any decimal digits: ASCII ``0-9``, full-width ``０-９`` and the
  other scripts' decimal digits;
* between two digits of one run there may be up to six separators, in any
  mix: spaces (plain, double, no-break U+00A0, narrow no-break U+202F, figure
  space U+2007, the other typographic spaces, the ideographic space U+3000,
  tabs), dots, slashes, back-slashes, underscores, parentheses, dashes (the
  hyphen-minus, U+2010-U+2015 among them the en and em dash, the minus sign,
  the full-width hyphen U+FF0D) and the full-width forms of these; so
  ``4111 - 1111`` and ``4111 . 1111`` are one run. Zero-width characters
  (U+200B-U+200D, U+2060, U+FEFF) are ignored wherever they are;
* a run with seven or more digits is masked: each of its digits but the last
  four becomes ``*``; separators stay where they were, so the text keeps its
  length and shape (``4111.1111.1111.1111`` -> ``****.****.****.1111``).

Left alone: the feed's masked form (``*`` is not a separator), shorter runs
(``ref 123456``), times (``09:30``: a colon is not a separator) and ISO dates,
year first with ``-``, ``/`` or ``.`` (``2026-03-02``, ``2026/3/2``), also
when a time follows or precedes them (``2026-03-02 09:30``) and a few dates in
a row (``2026-03-02 - 2026-03-05``). A date written day
first (``02/03/2026``) is a run of eight digits like any other and is masked;
so is an amount with seven or more digits (``12345.67``). Commas and colons do
not join digits (``1,250,000.00`` stays readable). An id with seven or more
digits in a row (``K0001942``) is masked too (``K***1942``): better an id
masked in a note than a number shown.

Masking is idempotent: masking a masked text changes nothing.
"""

from __future__ import annotations

import re

#: Runs with at least this many digits are masked.
MASK_MIN_DIGITS = 7
#: Digits left visible at the end of a masked run.
MASK_KEEP_LAST = 4
#: At most this many separators between two digits of one run (``4111 - 1111`` has three).
MASK_MAX_GAP = 6

#: Characters that may stand between two digits of one run.
SEPARATORS = (
    " \t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u202f\u205f\u3000"  # spaces
    ".\u00b7\u2024\u2027\u30fb\uff0e\uff65"  # dots
    "/\\\u2044\u2215\uff0f\uff3c"  # slashes
    "_\uff3f"  # underscores
    "()\uff08\uff09"  # parentheses
    "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"  # dashes
)
#: Characters that do not count at all (invisible, so anyone could slip them in).
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"

_SEP = "[" + re.escape(SEPARATORS) + "]"
_ZW = "[" + re.escape(ZERO_WIDTH) + "]"
# A digit, then more digits each after a gap of at most MASK_MAX_GAP separators; a
# number glued to letters (``acct123456789``) is a run too.
_RUN = re.compile(rf"(?<!\d)\d(?:{_ZW}*(?:{_SEP}{_ZW}*){{0,{MASK_MAX_GAP}}}\d)*")
# Year first, one separator kind, a plausible month and day.
_DATE = "|".join(
    rf"(?:19|20)\d\d{sep}(?:0?[1-9]|1[0-2]){sep}(?:0?[1-9]|[12]\d|3[01])" for sep in ("-", "/", r"\.")
)
# One date, or a few in a row (``2026-03-02 - 2026-03-05``).
_DATES = re.compile(rf"(?:{_DATE})(?: ?[-/~\u2013\u2014]? ?(?:{_DATE}))*")
_ZERO_WIDTH = re.compile(_ZW)
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")


def _ascii_digits(text: str) -> str:
    """``text`` with every decimal digit written 0-9 (full-width and other scripts' digits)."""
    return "".join(str(int(ch)) if ch.isdecimal() else ch for ch in text)


def _is_date(run: str, before: str, after: str) -> bool:
    """Whether ``run`` is an ISO date, maybe with the hour of a time after it or the minutes of one before.

    ``before`` and ``after`` are the characters just outside the run ("" at an end).
    """
    text = _SPACES.sub(" ", _ZERO_WIDTH.sub("", _ascii_digits(run)))
    if after == ":":  # "2026-03-02 09" of "2026-03-02 09:30": the time's hour is not the date's
        head, _, hour = text.rpartition(" ")
        if head and hour.isdigit() and len(hour) <= 2:
            text = head.rstrip()
    if before == ":":  # "30 2026-03-02" of "09:30 2026-03-02"
        minutes, _, tail = text.partition(" ")
        if tail and minutes.isdigit() and len(minutes) == 2:
            text = tail.lstrip()
    return _DATES.fullmatch(text) is not None


def _mask_run(match: re.Match[str]) -> str:
    run = match.group(0)
    digits = sum(ch.isdecimal() for ch in run)
    if digits < MASK_MIN_DIGITS:
        return run
    text = match.string
    before = text[match.start() - 1] if match.start() else ""
    after = text[match.end()] if match.end() < len(text) else ""
    if _is_date(run, before, after):
        return run
    hide = digits - MASK_KEEP_LAST
    out = []
    for ch in run:
        if hide > 0 and ch.isdecimal():
            out.append("*")
            hide -= 1
        else:
            out.append(ch)
    return "".join(out)


def mask_digits(text: str) -> str:
    """``text`` with every run of 7 or more digits masked but its last four.

    ``"card 4111 1111 1111 1111"`` -> ``"card **** **** **** 1111"``;
    ``"4111.1111/1111_1111"`` -> ``"****.****/****_1111"``;
    ``"13812345678"`` -> ``"*******5678"``; ``"138****5678"`` is left as it is.
    """
    return _RUN.sub(_mask_run, text)
