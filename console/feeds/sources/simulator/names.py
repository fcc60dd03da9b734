"""Believable names, masked numbers and case subjects for the simulator.

Agent names depend only on the agent's position in the scenario, never on the
seed, so a restarted gateway finds the same people. Phone numbers are generated
already masked: a full number never exists anywhere in the simulator.
"""

from __future__ import annotations

import random

_SURNAMES = (
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
    "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo",
    "Zheng", "Liang", "Xie", "Song", "Tang", "Han", "Feng", "Deng", "Cao", "Peng",
)  # fmt: skip
_GIVEN = (
    "Wei", "Fang", "Na", "Min", "Jing", "Li", "Qiang", "Lei", "Jun", "Yang",
    "Yong", "Yan", "Jie", "Juan", "Tao", "Ming", "Chao", "Xiulan", "Xia", "Ping",
    "Gang", "Hui", "Hong", "Yu", "Ting", "Hao", "Xin", "Bo", "Lan", "Rui",
    "Jian", "Yun", "Dan", "Kai", "Lu", "Mei", "Ning", "Qing", "Shan", "Wen",
)  # fmt: skip
_MOBILE_PREFIXES = (
    *(f"13{d}" for d in range(10)),
    *("150", "151", "152", "158", "159", "176", "177"),
    *(f"18{d}" for d in range(10)),
)

CASE_SUBJECTS: dict[str, tuple[str, ...]] = {
    "accounts": (
        "Account frozen without notice",
        "Statement shows unknown debit",
        "Lost bankbook replacement delayed",
        "Dormant account fee",
    ),
    "transfers": (
        "Transfer not received by beneficiary",
        "Overseas remittance delayed",
        "Transfer sent to wrong account",
        "Remittance fee higher than quoted",
    ),
    "cards": (
        "Disputed card transaction",
        "Annual fee charged after waiver",
        "Reward points not credited",
        "Card blocked while abroad",
        "Instalment plan set up wrongly",
    ),
    "loans": (
        "Loan application stuck in review",
        "Early repayment charge disputed",
        "Mortgage rate not adjusted",
    ),
    "complaints": (
        "Rude agent on hotline",
        "Long wait on hotline",
        "Branch refused service",
        "Promised callback never came",
        "Marketing calls after opt-out",
    ),
    "vip": (
        "Relationship manager unreachable",
        "Wealth product mis-selling complaint",
        "Priority line wait too long",
    ),
}
_GENERIC_SUBJECTS = ("Service complaint", "Unresolved enquiry", "Request for explanation")

CASE_CHANNELS = ("phone", "online", "letter", "walk_in", "email")
CASE_CHANNEL_WEIGHTS = (0.5, 0.2, 0.1, 0.1, 0.1)


def agent_name(index: int) -> str:
    """Name of the agent at ``index`` (0-based); unique for the first 1200 agents."""
    surname = _SURNAMES[index % len(_SURNAMES)]
    given = _GIVEN[(index * 7 + index // len(_SURNAMES)) % len(_GIVEN)]
    return f"{surname} {given}"


def agent_id(index: int) -> str:
    return f"A{index + 1:03d}"


def masked_mobile(rng: random.Random) -> str:
    """A masked mobile number like 138****5678 (the middle digits are never drawn)."""
    return f"{rng.choice(_MOBILE_PREFIXES)}****{rng.randrange(10_000):04d}"


def case_subject(queue_id: str, rng: random.Random) -> str:
    return rng.choice(CASE_SUBJECTS.get(queue_id, _GENERIC_SUBJECTS))
