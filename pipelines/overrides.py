"""Reviewer overrides: a small committed TOML file that fixes the value of a credit-rule key.

Each ``[[override]]`` table names a key (``region`` or ``region_code``, ``population``,
``age_min``, ``age_max`` — an omitted bound means "no bound"), the values it sets, and who
decided it and why (``reviewer``, ``note``, ``date``). An override that sets ``method``
replaces the whole value (fields it does not set become empty); one without ``method``
patches only the fields it names. A malformed file stops the run with
``OverrideFileError`` naming the file and line.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractors.records import BASES, METHODS, POPULATIONS
from pipelines.merge import VALUE_FIELDS

DEFAULT_OVERRIDES_PATH = Path(__file__).resolve().parents[1] / "data" / "overrides.toml"

# The array-of-tables name in the file: [[override]].
TABLE_NAME = "override"
# Keys that identify the rule an override applies to.
KEY_FIELDS = ("region", "region_code", "population", "age_min", "age_max")
# Keys that say who decided and why; all three are required so every override is accountable.
AUDIT_FIELDS = ("reviewer", "note", "date")
# Ages outside this range are typos, not bands (bands are half-open [age_min, age_max)).
AGE_RANGE = (0, 130)
# Ratios are fractions: 2.8% is 0.028. Anything above 1 is a percent written by mistake.
MAX_RATIO = 1.0
# A GB/T 2260 code is six digits (000000 = 全国).
REGION_CODE_PATTERN = re.compile(r"\d{6}")
# tomllib reports syntax errors as "... (at line 8, column 19)".
TOML_LINE_PATTERN = re.compile(r"at line (\d+)")


class OverrideFileError(ValueError):
    """The overrides file cannot be read or states something invalid; the message names the line."""


@dataclass(frozen=True, slots=True)
class Override:
    """One reviewer decision for one (region, population, age band) key."""

    region: str | None  # canonical name when known
    region_code: str | None  # None only when the name could not be resolved offline
    population: str
    age_min: int | None
    age_max: int | None
    values: tuple[
        tuple[str, Any], ...
    ]  # (field, value) pairs the reviewer set, in VALUE_FIELDS order
    reviewer: str
    note: str
    date: dt.date
    line: int  # line of the [[override]] header in the file
    path: str = ""

    def value_dict(self) -> dict[str, Any]:
        """The fields this override sets."""
        return dict(self.values)

    def matches(
        self,
        region: str,
        region_code: str,
        population: str,
        age_min: int | None,
        age_max: int | None,
    ) -> bool:
        """Does this override apply to the given credit-rule key?"""
        if (population, age_min, age_max) != (self.population, self.age_min, self.age_max):
            return False
        if self.region_code is not None:
            return self.region_code == region_code
        return self.region is not None and (region == self.region or region.startswith(self.region))

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        """A short human-readable name: where it is and what key it names."""
        band = f"[{_bound(self.age_min)}, {_bound(self.age_max)})"
        place = self.region or self.region_code
        return f"{self.path or 'overrides'}:{self.line} {place} {self.population} {band}"


def _bound(value: int | None) -> str:
    return "-" if value is None else str(value)


def load_overrides(path: Path = DEFAULT_OVERRIDES_PATH) -> list[Override]:
    """Read and validate the overrides file; a missing file means no overrides."""
    path = Path(path)
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = TOML_LINE_PATTERN.search(str(exc))
        line = where.group(1) if where else "1"
        raise OverrideFileError(f"{path}:{line}: {exc}; fix the TOML syntax there") from exc
    return parse_overrides(document, text, str(path))


def parse_overrides(document: Mapping[str, Any], text: str, path: str) -> list[Override]:
    """Validate a parsed overrides document; ``text`` locates errors by line."""
    unknown = sorted(set(document) - {TABLE_NAME})
    if unknown:
        line = _line_of_key(text, unknown[0], 1, len(text.splitlines()))
        raise OverrideFileError(
            f"{path}:{line}: unknown top-level key {unknown[0]!r}; write overrides as [[{TABLE_NAME}]] tables"
        )
    tables = document.get(TABLE_NAME, [])
    if not isinstance(tables, list):
        raise OverrideFileError(
            f"{path}:1: {TABLE_NAME!r} must be an array of tables ([[{TABLE_NAME}]])"
        )
    starts = _table_lines(text)
    overrides = []
    for index, table in enumerate(tables):
        start = starts[index] if index < len(starts) else 1
        end = starts[index + 1] - 1 if index + 1 < len(starts) else len(text.splitlines())
        overrides.append(_parse_table(table, _Location(path, text, start, end)))
    _reject_duplicates(overrides)
    return overrides


@dataclass(frozen=True, slots=True)
class _Location:
    """Where one [[override]] table sits in the file, to name lines in errors."""

    path: str
    text: str
    start: int
    end: int

    def error(self, message: str, key: str | None = None) -> OverrideFileError:
        line = _line_of_key(self.text, key, self.start, self.end) if key else self.start
        return OverrideFileError(f"{self.path}:{line}: {message}")


def _table_lines(text: str) -> list[int]:
    """1-based line numbers of every [[override]] header."""
    header = re.compile(rf"^\s*\[\[\s*{TABLE_NAME}\s*\]\]")
    return [number for number, line in enumerate(text.splitlines(), 1) if header.match(line)]


def _line_of_key(text: str, key: str, start: int, end: int) -> int:
    """Line of ``key = …`` between ``start`` and ``end`` (1-based), else ``start``."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    lines = text.splitlines()
    for number in range(start, min(end, len(lines)) + 1):
        if pattern.match(lines[number - 1]):
            return number
    return start


def _parse_table(table: Mapping[str, Any], where: _Location) -> Override:
    """One validated Override from one [[override]] table."""
    unknown = sorted(set(table) - set(KEY_FIELDS) - set(AUDIT_FIELDS) - set(VALUE_FIELDS))
    if unknown:
        allowed = ", ".join((*KEY_FIELDS, *VALUE_FIELDS, *AUDIT_FIELDS))
        raise where.error(f"unknown field {unknown[0]!r}; allowed: {allowed}", unknown[0])
    region, region_code = _parse_region(table, where)
    age_min, age_max = _parse_band(table, where)
    values = _parse_values(table, where)
    reviewer, note, date = _parse_audit(table, where)
    return Override(
        region=region,
        region_code=region_code,
        population=_parse_population(table, where),
        age_min=age_min,
        age_max=age_max,
        values=values,
        reviewer=reviewer,
        note=note,
        date=date,
        line=where.start,
        path=where.path,
    )


def _parse_region(table: Mapping[str, Any], where: _Location) -> tuple[str | None, str | None]:
    """Region name and code from ``region_code`` and/or ``region`` (short names like 北京 allowed)."""
    code = table.get("region_code")
    name = table.get("region")
    if code is None and name is None:
        raise where.error(
            'an override needs `region` (e.g. "北京") or `region_code` (e.g. "110000")'
        )
    if code is not None and (not isinstance(code, str) or not REGION_CODE_PATTERN.fullmatch(code)):
        raise where.error(
            f"region_code {code!r} is not a six-digit GB/T 2260 code (write it as a string)",
            "region_code",
        )
    if name is None:
        return None, code
    if not isinstance(name, str) or not name.strip():
        raise where.error("region must be a non-empty string", "region")
    return _resolve_region(name.strip(), code, where)


def _resolve_region(name: str, code: str | None, where: _Location) -> tuple[str | None, str | None]:
    """Canonical name and code through extractors.regions; without that table, keep the name as written."""
    try:
        from extractors.regions import lookup
    except ImportError:
        return name, code
    found = lookup(name)
    if found is None:
        raise where.error(
            f"unknown region {name!r}; use a name from the region table or a region_code", "region"
        )
    if code is not None and code != found.code:
        raise where.error(
            f"region {name!r} is {found.code}, not region_code {code!r}", "region_code"
        )
    return found.name, found.code


def _parse_population(table: Mapping[str, Any], where: _Location) -> str:
    population = table.get("population")
    if population not in POPULATIONS:
        raise where.error(
            f"population must be one of {', '.join(POPULATIONS)}, got {population!r}", "population"
        )
    return population


def _parse_band(table: Mapping[str, Any], where: _Location) -> tuple[int | None, int | None]:
    """Half-open age band; an omitted bound is no bound."""
    bounds = []
    for key in ("age_min", "age_max"):
        value = table.get(key)
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not AGE_RANGE[0] <= value <= AGE_RANGE[1]
        ):
            raise where.error(
                f"{key} must be a whole number of years in {AGE_RANGE[0]}..{AGE_RANGE[1]}, got {value!r}",
                key,
            )
        bounds.append(value)
    age_min, age_max = bounds
    if age_min is not None and age_max is not None and age_min >= age_max:
        raise where.error(
            f"bad age band: age_min {age_min} must be below age_max {age_max} (bands are [age_min, age_max))",
            "age_min",
        )
    return age_min, age_max


def _parse_values(table: Mapping[str, Any], where: _Location) -> tuple[tuple[str, Any], ...]:
    """The value fields the reviewer set, validated and in VALUE_FIELDS order."""
    values = [(key, _check_value(key, table[key], where)) for key in VALUE_FIELDS if key in table]
    if not values:
        raise where.error(f"an override must set at least one of {', '.join(VALUE_FIELDS)}")
    given = dict(values)
    low, high = given.get("ratio_min"), given.get("ratio_max")
    if low is not None and high is not None and low > high:
        raise where.error(f"ratio_min {low} is above ratio_max {high}", "ratio_min")
    if given.get("method") == "ratio" and (low is None or high is None):
        raise where.error(
            'method = "ratio" needs ratio_min and ratio_max (fractions: 0.02 for 2%)', "method"
        )
    if given.get("method") == "fixed" and given.get("monthly_yuan") is None:
        raise where.error('method = "fixed" needs monthly_yuan', "method")
    return tuple(values)


def _check_value(key: str, value: Any, where: _Location) -> Any:
    """One value field, type- and range-checked."""
    if key == "method" and value not in METHODS:
        raise where.error(f"method must be one of {', '.join(METHODS)}, got {value!r}", key)
    if key == "base" and value not in BASES:
        raise where.error(f"base must be one of {', '.join(BASES)}, got {value!r}", key)
    if key == "approximate" and not isinstance(value, bool):
        raise where.error(f"approximate must be true or false, got {value!r}", key)
    if key in ("monthly_yuan", "deduction_yuan", "ratio_min", "ratio_max"):
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise where.error(f"{key} must be a non-negative number, got {value!r}", key)
        if key.startswith("ratio") and not 0 < value <= MAX_RATIO:
            raise where.error(
                f"{key} {value} is not a fraction in (0, 1]; write 2.8% as 0.028", key
            )
        return float(value)
    return value


def _parse_audit(table: Mapping[str, Any], where: _Location) -> tuple[str, str, dt.date]:
    """Reviewer, note and date: who decided, why and when."""
    for key in ("reviewer", "note"):
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise where.error(
                f"an override needs a non-empty `{key}` string", key if key in table else None
            )
    date = table.get("date")
    if isinstance(date, dt.datetime):
        date = date.date()
    if not isinstance(date, dt.date):
        raise where.error(
            f"`date` must be a TOML date like 2026-03-01, got {date!r}",
            "date" if "date" in table else None,
        )
    return table["reviewer"].strip(), table["note"].strip(), date


def _reject_duplicates(overrides: list[Override]) -> None:
    """Two overrides for one key would make the outcome depend on file order: refuse."""
    seen: dict[tuple[Any, ...], Override] = {}
    for item in overrides:
        key = (item.region_code or item.region, item.population, item.age_min, item.age_max)
        if key in seen:
            raise OverrideFileError(
                f"{item.path}:{item.line}: duplicate override for the key of line {seen[key].line}; keep one"
            )
        seen[key] = item
