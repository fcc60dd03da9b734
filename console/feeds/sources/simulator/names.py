"""Believable names, masked numbers and case subjects for the simulator, in each display language.

Agent names depend only on the agent's position in the scenario, never on the
seed, so a restarted gateway finds the same people. Every table here holds the
same entries in each language, side by side, so the same position (or the same
random draw) gives the same person or subject in English and in Chinese: Wang Wei
is 王伟, and a run in either language draws exactly the same random numbers.
Phone numbers are generated already masked: a full number never exists anywhere
in the simulator.
"""

from __future__ import annotations

import random

#: The display languages of the simulated centre; ids never depend on them.
LANGUAGES = ("en", "zh_CN")
DEFAULT_LANGUAGE = "en"

# (pinyin, characters): one pair per entry so the two spellings cannot drift apart.
_SURNAMES = (
    ("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"),
    ("Yang", "杨"), ("Huang", "黄"), ("Zhao", "赵"), ("Wu", "吴"), ("Zhou", "周"),
    ("Xu", "徐"), ("Sun", "孙"), ("Ma", "马"), ("Zhu", "朱"), ("Hu", "胡"),
    ("Guo", "郭"), ("He", "何"), ("Lin", "林"), ("Gao", "高"), ("Luo", "罗"),
    ("Zheng", "郑"), ("Liang", "梁"), ("Xie", "谢"), ("Song", "宋"), ("Tang", "唐"),
    ("Han", "韩"), ("Feng", "冯"), ("Deng", "邓"), ("Cao", "曹"), ("Peng", "彭"),
)  # fmt: skip
_GIVEN = (
    ("Wei", "伟"), ("Fang", "芳"), ("Na", "娜"), ("Min", "敏"), ("Jing", "静"),
    ("Li", "丽"), ("Qiang", "强"), ("Lei", "磊"), ("Jun", "军"), ("Yang", "洋"),
    ("Yong", "勇"), ("Yan", "艳"), ("Jie", "杰"), ("Juan", "娟"), ("Tao", "涛"),
    ("Ming", "明"), ("Chao", "超"), ("Xiulan", "秀兰"), ("Xia", "霞"), ("Ping", "平"),
    ("Gang", "刚"), ("Hui", "慧"), ("Hong", "红"), ("Yu", "宇"), ("Ting", "婷"),
    ("Hao", "浩"), ("Xin", "欣"), ("Bo", "波"), ("Lan", "兰"), ("Rui", "瑞"),
    ("Jian", "健"), ("Yun", "云"), ("Dan", "丹"), ("Kai", "凯"), ("Lu", "璐"),
    ("Mei", "梅"), ("Ning", "宁"), ("Qing", "青"), ("Shan", "珊"), ("Wen", "文"),
)  # fmt: skip
_MOBILE_PREFIXES = (
    *(f"13{d}" for d in range(10)),
    *("150", "151", "152", "158", "159", "176", "177"),
    *(f"18{d}" for d in range(10)),
)

# Case subjects by the bank's queue ids: (English, Chinese) pairs, drawn by position.
_CASE_SUBJECTS: dict[str, tuple[tuple[str, str], ...]] = {
    "accounts": (
        ("Account frozen without notice", "账户被冻结且未获通知"),
        ("Statement shows unknown debit", "对账单出现不明扣款"),
        ("Lost bankbook replacement delayed", "存折挂失补办延误"),
        ("Dormant account fee", "睡眠账户被收取管理费"),
    ),
    "transfers": (
        ("Transfer not received by beneficiary", "收款人未收到转账"),
        ("Overseas remittance delayed", "境外汇款延迟到账"),
        ("Transfer sent to wrong account", "转账汇错账户"),
        ("Remittance fee higher than quoted", "汇款手续费高于事先告知"),
    ),
    "cards": (
        ("Disputed card transaction", "信用卡交易争议"),
        ("Annual fee charged after waiver", "年费已减免仍被收取"),
        ("Reward points not credited", "积分未到账"),
        ("Card blocked while abroad", "境外用卡时卡片被冻结"),
        ("Instalment plan set up wrongly", "分期付款办理错误"),
    ),
    "loans": (
        ("Loan application stuck in review", "贷款申请迟迟未审批"),
        ("Early repayment charge disputed", "对提前还款违约金有异议"),
        ("Mortgage rate not adjusted", "房贷利率未调整"),
    ),
    "complaints": (
        ("Rude agent on hotline", "服务热线座席态度差"),
        ("Long wait on hotline", "服务热线等待时间过长"),
        ("Branch refused service", "网点拒绝办理业务"),
        ("Promised callback never came", "承诺回电未兑现"),
        ("Marketing calls after opt-out", "已拒绝营销仍接到营销电话"),
    ),
    "vip": (
        ("Relationship manager unreachable", "客户经理联系不上"),
        ("Wealth product mis-selling complaint", "理财产品误导销售投诉"),
        ("Priority line wait too long", "贵宾专线等待时间过长"),
    ),
}
_GENERIC_SUBJECTS = (
    ("Service complaint", "服务投诉"),
    ("Unresolved enquiry", "咨询问题未解决"),
    ("Request for explanation", "要求作出解释"),
)

# Codes, not text: the console shows them in its own language.
CASE_CHANNELS = ("phone", "online", "letter", "walk_in", "email")
CASE_CHANNEL_WEIGHTS = (0.5, 0.2, 0.1, 0.1, 0.1)


def check_language(lang: str) -> str:
    """``lang`` if it is one of LANGUAGES; ValueError naming the choices otherwise."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang


def _column(lang: str) -> int:
    return LANGUAGES.index(check_language(lang))


def agent_name(index: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """Name of the agent at ``index`` (0-based); unique for the first 1200 agents, in either language."""
    col = _column(lang)
    surname = _SURNAMES[index % len(_SURNAMES)][col]
    given = _GIVEN[(index * 7 + index // len(_SURNAMES)) % len(_GIVEN)][col]
    # Chinese names are written without a space, surname first as in pinyin.
    return f"{surname}{given}" if lang == "zh_CN" else f"{surname} {given}"


def agent_id(index: int) -> str:
    return f"A{index + 1:03d}"


def masked_mobile(rng: random.Random) -> str:
    """A masked mobile number like 138****5678 (the middle digits are never drawn)."""
    return f"{rng.choice(_MOBILE_PREFIXES)}****{rng.randrange(10_000):04d}"


def case_subject(queue_id: str, rng: random.Random, lang: str = DEFAULT_LANGUAGE) -> str:
    """A subject for a new case from ``queue_id``; the same draw in every language."""
    col = _column(lang)
    return rng.choice(_CASE_SUBJECTS.get(queue_id, _GENERIC_SUBJECTS))[col]
