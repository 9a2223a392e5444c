"""Readable tables of a release's credit rules and conflicts (rich, so Chinese text stays aligned)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from rich import box
from rich.table import Table

# How each `population` reads in the table.
POPULATION_LABELS = {"retiree": "退休", "employee": "在职"}
# What a ratio applies to, in the words of the sites.
BASE_LABELS = {
    "regional_avg_pension": "地区平均养老金",
    "individual_pension": "本人养老金",
    "contribution_base": "缴费基数",
}
# Placeholder for an empty cell: visible, and not mistaken for zero.
EMPTY = "—"

Row = Mapping[str, Any]


def age_band(age_min: int | None, age_max: int | None) -> str:
    """A half-open band [age_min, age_max) in whole years: <70岁, ≥70岁, 70–79岁, 不限."""
    if age_min is None and age_max is None:
        return "不限"
    if age_min is None:
        return f"<{age_max}岁"
    if age_max is None:
        return f"≥{age_min}岁"
    return f"{age_min}–{age_max - 1}岁"


def _percent(ratio: float) -> str:
    return f"{ratio * 100:.4g}%"


def _yuan(amount: float) -> str:
    return f"{amount:.2f}".rstrip("0").rstrip(".")


def describe_value(value: Row) -> str:
    """A rule's value in one phrase: '100元/月', '约84元/月', '2.8% × 本人养老金（约84元/月）'."""
    monthly, approx = value.get("monthly_yuan"), bool(value.get("approximate"))
    amount = None if monthly is None else f"{'约' if approx else ''}{_yuan(monthly)}元/月"
    ratio = _ratio_text(value.get("ratio_min"), value.get("ratio_max"))
    if ratio is None:
        text = amount or EMPTY
    else:
        base = BASE_LABELS.get(value.get("base") or "", "")
        text = f"{ratio} × {base}" if base else ratio
        text += f"（{amount}）" if amount else ""
    deduction = value.get("deduction_yuan")
    return f"{text}，扣{_yuan(deduction)}元后" if deduction else text


def _ratio_text(low: float | None, high: float | None) -> str | None:
    """'2.8%', '2%~3%', or None when no ratio is stated."""
    if low is None or high is None:
        single = low if low is not None else high
        return None if single is None else _percent(single)
    if abs(high - low) > 1e-9:
        return f"{_percent(low)}~{_percent(high)}"
    return _percent(low)


def _day(value: datetime | None) -> str:
    return EMPTY if value is None else value.date().isoformat()


def _columns(table: Table, headers: Iterable[str], wrap: Iterable[str]) -> None:
    """Short columns never wrap or shrink; the long ones fold onto more lines."""
    wrapping = set(wrap)
    for header in headers:
        if header in wrapping:
            table.add_column(header, overflow="fold", ratio=1)
        else:
            table.add_column(header, no_wrap=True)


def rules_table(rows: Iterable[Row], *, title: str, evidence: bool = False) -> Table:
    """The policy table: one line per rule."""
    table = Table(title=title, box=box.SIMPLE_HEAVY, show_lines=evidence)
    headers = ["地区", "人群", "年龄", "每月划入", "状态", "来源", "最近"] + (
        ["依据"] if evidence else []
    )
    _columns(table, headers, wrap=("每月划入", "依据"))
    for row in rows:
        cells = [
            row["region"],
            POPULATION_LABELS.get(row["population"], row["population"]),
            age_band(row["age_min"], row["age_max"]),
            describe_value(row),
            row["status"],
            f"{row['n_independent_sources']}/{row['n_mentions']}",
            _day(row.get("last_seen")),
        ]
        if evidence:
            cells.append(next(iter(row.get("evidence") or ()), EMPTY))
        table.add_row(*cells)
    table.caption = "来源 = 独立来源/提及次数（同一段套话算一个来源）"
    return table


def candidate_lines(row: Row) -> list[str]:
    """One readable line per candidate of a conflict row, from its JSON `candidates` column."""
    lines = []
    for candidate in json.loads(row["candidates"]):
        value = candidate["value"] if isinstance(candidate["value"], dict) else {}
        when = (candidate.get("latest_published_at") or candidate.get("last_seen") or "")[
            :10
        ] or EMPTY
        sources = candidate["n_independent_sources"]
        lines.append(f"{describe_value(value)} · {sources}源 · {when}")
    return lines


def conflicts_table(rows: Iterable[Row], *, title: str) -> Table:
    """The conflicts: every candidate, what was chosen and why."""
    table = Table(title=title, box=box.SIMPLE_HEAVY, show_lines=True)
    headers = (
        "地区",
        "人群",
        "年龄",
        "分歧",
        "候选值 · 来源 · 最近发布",
        "选定",
        "状态",
        "理由",
    )
    _columns(table, headers, wrap=("分歧", "候选值 · 来源 · 最近发布", "选定", "理由"))
    for row in rows:
        chosen = json.loads(row["chosen"]) if row.get("chosen") else None
        table.add_row(
            row["region"],
            POPULATION_LABELS.get(row["population"], row["population"]),
            age_band(row["age_min"], row["age_max"]),
            row["field"],
            "\n".join(candidate_lines(row)),
            describe_value(chosen) if chosen else EMPTY,
            row["status"],
            row.get("reason") or EMPTY,
        )
    return table
