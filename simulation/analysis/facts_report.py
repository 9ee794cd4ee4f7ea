"""The stylized-facts table: what was published, what the model gives, the rule, the verdict.

Written by ``cocreate validate`` (CSV and Markdown) and included in the myths report.
"""

from __future__ import annotations

import math

import pandas as pd


def verdict_frame(verdicts) -> pd.DataFrame:
    """One row per fact: what was published, what the model gives, the rule and the verdict."""
    return pd.DataFrame(
        [
            {
                "id": v.fact.id,
                "claim": v.fact.claim,
                "source": v.fact.source,
                "published": v.fact.published,
                "model": v.value,
                "ci_low": v.low,
                "ci_high": v.high,
                "n": v.replicates,
                "rule": v.rule,
                "sesoi": v.sesoi,
                "label": v.label,
                "passed": v.passed,
            }
            for v in verdicts
        ]
    )


def number(x: float) -> str:
    """A model figure to three significant digits; NaN as an en dash.

    >>> number(0.123456), number(float("nan"))
    ('0.123', '–')
    """
    return "–" if x is None or math.isnan(x) else f"{x:.3g}"


def verdict_markdown(frame: pd.DataFrame) -> str:
    """The stylized-facts table as Markdown."""
    lines = [
        "| id | finding | source | published | model [95 % CI] | rule | verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in frame.itertuples():
        lines.append(
            f"| {row.id} | {row.claim} | {row.source} | {row.published} | "
            f"{number(row.model)} [{number(row.ci_low)}, {number(row.ci_high)}] | {row.rule} | "
            f"{'pass' if row.passed else 'FAIL'} |"
        )
    return "\n".join(lines) + "\n"
