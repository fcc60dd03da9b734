"""Masking on entry: any run of 7 or more digits, however written, keeps only its last four.

Property-based: card, account and phone numbers in many formats (every separator
the bank's staff and customers use, mixed, full-width digits, zero-width
characters) embedded in text; after masking, the number's place shows no digit
of it but the last four. Times and ISO dates stay readable; masking is idempotent.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.masking import mask_digits

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

#: One gap between two groups of digits, as people write them.
GAPS = [
    " ",
    "  ",
    "\u00a0",
    "\u202f",
    "\u2007",
    "\u3000",
    ".",
    "/",
    "_",
    "-",
    "\u2013",
    "\u2014",
    "\uff0d",
    "\uff0e",
    "\uff0f",
    "\uff3f",
    " - ",
    " . ",
    " / ",
    "\u00a0-\u00a0",
    "  -  ",
    "\u200b",
    "-\u200b",
    "",
]

# Text around a number: letters, Chinese, punctuation that does not join digits; no digit.
AROUND = st.text(alphabet="abcXYZ 卡号账户电话请回拨客的,;:!?#*\n", max_size=12)


def _luhn_free_digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


def card() -> st.SearchStrategy[str]:
    return st.sampled_from([16, 19]).flatmap(lambda n: _luhn_free_digits(n - 1).map(lambda d: "4" + d))


def account() -> st.SearchStrategy[str]:
    return st.integers(7, 25).flatmap(_luhn_free_digits)


def mobile() -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(["86", "0086", ""]), _luhn_free_digits(8)).map(
        lambda p: p[0] + "138" + p[1]
    )


def hotline() -> st.SearchStrategy[str]:
    return _luhn_free_digits(7).map(lambda d: "400" + d)


NUMBERS = st.one_of(card(), account(), mobile(), hotline())


@st.composite
def written(draw: st.DrawFn, digits: str) -> str:
    """``digits`` as someone might write them: grouped, separated, maybe full-width."""
    groups: list[str] = []
    rest = digits
    style = draw(st.sampled_from(["fixed", "random", "one"]))
    size = draw(st.integers(2, 6))
    while rest:
        take = draw(st.integers(1, 6)) if style == "random" else size if style == "fixed" else len(rest)
        groups.append(rest[:take])
        rest = rest[take:]
    same_gap = draw(st.booleans())
    gap = draw(st.sampled_from(GAPS))
    text = groups[0]
    for group in groups[1:]:
        text += (gap if same_gap else draw(st.sampled_from(GAPS))) + group
    width = draw(st.sampled_from(["ascii", "full", "mixed"]))
    if width == "full":
        text = text.translate(FULL_WIDTH)
    elif width == "mixed":
        text = "".join(ch.translate(FULL_WIDTH) if draw(st.booleans()) else ch for ch in text)
    plus = draw(st.sampled_from(["", "+", "(+", "＋"]))
    return plus + text


def _digits(text: str) -> str:
    return "".join(str(int(ch)) for ch in text if ch.isdecimal())


@settings(max_examples=300, deadline=None)
@given(data=st.data(), number=NUMBERS, before=AROUND, after=AROUND)
def test_a_number_in_any_format_keeps_only_its_last_four_digits(
    data: st.DataObject, number: str, before: str, after: str
) -> None:
    shown = data.draw(written(number))
    if before.endswith(":") or after.startswith(":"):
        before, after = before.rstrip(":"), after.lstrip(":")
    text = before + shown + after
    masked = mask_digits(text)
    # Masking changes digits only, one character for one: the number is where it was.
    assert len(masked) == len(text)
    assert masked[: len(before)] == before and masked[len(text) - len(after) :] == after
    place = masked[len(before) : len(text) - len(after)]
    assert _digits(place) == number[-4:]
    assert mask_digits(masked) == masked


@settings(max_examples=150, deadline=None)
@given(
    data=st.data(),
    numbers=st.lists(NUMBERS, min_size=2, max_size=4),
    words=st.lists(st.sampled_from(["card", "卡号", " and ", "，", "; 又 ", "\n"]), min_size=4, max_size=4),
)
def test_several_numbers_in_one_note_each_keep_only_their_last_four(
    data: st.DataObject, numbers: list[str], words: list[str]
) -> None:
    parts = [data.draw(written(n)) for n in numbers]
    text = "".join(f"{w}x{p}" for w, p in zip(words, parts, strict=False))
    masked = mask_digits(text)
    # No five digits of any number survive in order but its last four.
    visible = _digits(masked)
    assert visible == "".join(n[-4:] for n in numbers)
    for n in numbers:
        for i in range(len(n) - 4):
            assert n[i : i + 5] not in visible or n[i : i + 5] in "".join(m[-4:] for m in numbers)
    assert mask_digits(masked) == masked


@given(text=st.text(max_size=60))
@settings(max_examples=500, deadline=None)
def test_masking_is_idempotent_and_keeps_the_length_of_any_text(text: str) -> None:
    masked = mask_digits(text)
    assert len(masked) == len(text)
    assert mask_digits(masked) == masked


@given(text=st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=60))
def test_text_without_digits_is_left_as_it_is(text: str) -> None:
    assert mask_digits(text) == text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("card 4111.1111.1111.1111", "card ****.****.****.1111"),
        ("4111/1111/1111/1111", "****/****/****/1111"),
        ("4111_1111_1111_1111", "****_****_****_1111"),
        ("4111\u00a01111\u00a01111\u00a01111", "****\u00a0****\u00a0****\u00a01111"),
        ("4111  1111  1111  1111", "****  ****  ****  1111"),
        ("4111 - 1111 - 1111 - 1111", "**** - **** - **** - 1111"),
        ("4111\u20131111\u20141111\uff0d1111", "****\u2013****\u2014****\uff0d1111"),
        ("４１１１－１１１１－１１１１－１１１１", "****－****－****－１１１１"),
        ("4111\u200b1111\u200b1111\u200b1111", "****\u200b****\u200b****\u200b1111"),
        ("+86 138 1234 5678", "+** *** **** 5678"),
        ("热线400-123-4567", "热线***-***-4567"),
        ("(010) 8888 1234", "(***) **** 1234"),
        ("K0001942", "K***1942"),
        ("138****5678", "138****5678"),
        ("ref 123456", "ref 123456"),
        # Dates and times stay readable (ISO, year first); a day-first date is a number like any other.
        ("on 2026-03-02 at 09:30", "on 2026-03-02 at 09:30"),
        ("2026-03-02 09:30", "2026-03-02 09:30"),
        ("09:30 2026/03/02", "09:30 2026/03/02"),
        ("2026.3.2 - 2026.3.5", "2026.3.2 - 2026.3.5"),
        ("02/03/2026", "**/**/2026"),
        ("2026-13-02", "****-13-02"),
        # Commas do not join digits: amounts written with them stay readable.
        ("refund 1,250,000.00", "refund 1,250,000.00"),
        ("12345.67", "***45.67"),
    ],
)
def test_examples(text: str, masked: str) -> None:
    assert mask_digits(text) == masked
    assert mask_digits(masked) == masked
