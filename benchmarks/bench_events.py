"""How long reading, checking and summarising a large event log takes (CSV and Parquet).

Prints figures; it never passes or fails anything (exit code 0 unless something crashes).

    .venv/bin/python benchmarks/bench_events.py [--events 1000000] [--repeats 3] [--keep DIR]

It generates a valid log of about ``--events`` events of a year-long community (members join
and leave, post ideas, build on them and vote; the firm replies and decides), with ISO 8601
timestamps in two time zones and string member ids, writes it as CSV and Parquet, and times
``read_events`` (read + check + convert to days) and ``summarise`` + ``curves`` on each.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from simulation.events.schema import read_events
from simulation.events.summaries import curves, summarise

YEAR_S = 365 * 86_400
START = np.datetime64("2024-01-01T00:00:00", "s")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="write the logs here and keep them"
    )
    return parser.parse_args()


def generate(events: int, seed: int) -> pd.DataFrame:
    """A valid event log of about ``events`` rows (the rest of the budget goes to votes)."""
    rng = np.random.default_rng(seed)
    members = max(events // 16, 10)
    ideas = max(events // 10, 10)
    builds, replies, decisions = events // 7, ideas // 2, ideas // 4
    joined = np.sort(rng.integers(0, YEAR_S, members))
    left_who = rng.choice(members, members // 3, replace=False)
    # a few write most: authors drawn with heavy-tailed weights (van Mierlo 2014)
    weight = rng.pareto(1.2, members) + 1e-3
    author = rng.choice(members, ideas, p=weight / weight.sum())
    posted = joined[author] + rng.integers(0, 60 * 86_400, ideas)
    votes = max(events - members - left_who.size - ideas - builds - replies - decisions, 0)

    def acts(count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        who = rng.choice(members, count, p=weight / weight.sum())
        idea = rng.integers(0, ideas, count)
        at = np.maximum(joined[who], posted[idea]) + rng.integers(1, 30 * 86_400, count)
        return who, idea, at

    built, voted = acts(builds), acts(votes)
    replied = rng.choice(ideas, replies, replace=False)
    decided = rng.choice(ideas, decisions, replace=False)
    parts = [
        ("joined", np.arange(members), None, joined),
        ("left", left_who, None, joined[left_who] + rng.integers(1, YEAR_S, left_who.size)),
        ("posted_idea", author, np.arange(ideas), posted),
        ("built", built[0], built[1], built[2]),
        ("voted", voted[0], voted[1], voted[2]),
        ("replied", None, replied, posted[replied] + rng.integers(0, 20 * 86_400, replies)),
        ("decided", None, decided, posted[decided] + rng.integers(0, 90 * 86_400, decisions)),
    ]
    frames = []
    for event, who, idea, at in parts:
        n = at.size
        frames.append(
            pd.DataFrame(
                {
                    "member": pd.array(who, dtype="Int64") if who is not None else pd.NA,
                    "seconds": at,
                    "event": event,
                    "idea": pd.array(idea, dtype="Int64") if idea is not None else pd.NA,
                    "outcome": rng.choice(["accepted", "rejected"], n, p=[0.2, 0.8])
                    if event == "decided"
                    else None,
                }
            )
        )
    log = pd.concat(frames, ignore_index=True).sort_values("seconds", kind="stable")
    log = log.drop_duplicates(["member", "seconds", "event", "idea"])
    # events after a member left are allowed by the format; keep the log simple anyway
    return _with_times(log.reset_index(drop=True), rng)


def _with_times(log: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """ISO 8601 timestamps, half in UTC (``Z``) and half at +01:00; member ids as strings."""
    at = START + log["seconds"].to_numpy().astype("timedelta64[s]")
    utc = np.char.add(np.datetime_as_string(at, unit="s"), "Z")
    local = np.char.add(np.datetime_as_string(at + np.timedelta64(3600, "s"), unit="s"), "+01:00")
    member = log["member"]
    return pd.DataFrame(
        {
            "member": ("m" + member.astype("string")).astype(object).where(member.notna(), None),
            "time": np.where(rng.random(len(log)) < 0.5, utc, local),
            "event": log["event"].to_numpy(),
            "idea": log["idea"],
            "outcome": log["outcome"],
        }
    )


def timed(function, repeats: int) -> tuple[list[float], object]:
    """Wall seconds of ``repeats`` calls, and the last call's value."""
    seconds, value = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        value = function()
        seconds.append(time.perf_counter() - start)
    return seconds, value


def main() -> None:
    args = parse_args()
    start = time.perf_counter()
    log = generate(args.events, args.seed)
    print(f"Generated {len(log):,} events in {time.perf_counter() - start:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        files = {"csv": folder / "events.csv", "parquet": folder / "events.parquet"}
        log.to_csv(files["csv"], index=False)
        log.to_parquet(files["parquet"], index=False)
        print(f"{'file':<10}{'size':>10}{'read + check':>16}{'summarise':>12}{'curves':>10}")
        for kind, path in files.items():
            read_s, normalised = timed(lambda p=path: read_events(p), args.repeats)
            summary_s, summary = timed(lambda n=normalised: summarise(n), args.repeats)
            curves_s, _ = timed(lambda n=normalised: curves(n), args.repeats)
            print(
                f"{kind:<10}{path.stat().st_size / 1e6:>8.1f} MB"
                f"{statistics.median(read_s):>14.2f} s{statistics.median(summary_s):>10.2f} s"
                f"{statistics.median(curves_s):>8.2f} s"
            )
    print(
        f"(median of {args.repeats} runs; {int(summary['joined_total']):,} members, "
        f"{int(summary['ideas']):,} ideas over {int(summary['days'])} days)"
    )


if __name__ == "__main__":
    main()
