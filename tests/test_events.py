"""Event logs: reading and checking them, their summary statistics, and a model run's own log.

Small hand-built logs pin the reading (time zones, start dates, rows named in every message)
and every statistic to numbers worked out by hand; a model run's log must give back the
model's own figures where both compute the same thing, and asking for it must change nothing
else in the run.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulation import load_scenario, run_scenario
from simulation.cli import main
from simulation.events.schema import EVENTS, LOG_COLUMNS, EventLogError, normalise, read_events
from simulation.events.summaries import STATISTICS, curves, summarise, summary_table
from simulation.scenario import apply_overrides
from tests.helpers import ROOT, small
from tests.test_golden import frame_digest


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def rejected(path: Path, text: str, **kwargs) -> str:
    """The message of the EventLogError that reading ``text`` as a CSV file raises."""
    with pytest.raises(EventLogError) as caught:
        read_events(write(path, text), **kwargs)
    return str(caught.value)


# --- reading ----------------------------------------------------------------------------------
TIMES = """member,time,event,idea
a,2024-03-01T23:30:00-02:00,joined,
a,2024-03-02T12:00:00Z,posted_idea,i1
b,2024-03-03T00:30:00+01:00,joined,
b,2024-03-05,voted,i1
"""


def test_timestamps_with_time_zones_become_utc_days_from_the_first_events_day(tmp_path):
    log = read_events(write(tmp_path / "log.csv", TIMES))
    # 01:30Z, 12:00Z and 23:30Z on 2 March are day 0; 5 March (midnight UTC) is day 3
    assert log["day"].tolist() == [0, 0, 0, 3]
    assert list(log.columns) == [c for c in LOG_COLUMNS if c != "organisation"]
    assert log["event"].tolist() == ["joined", "posted_idea", "joined", "voted"]
    assert log["idea"].isna().tolist() == [True, False, True, False]


@pytest.mark.parametrize(
    ("start", "days"),
    [("2024-03-01", [1, 1, 1, 4]), ("2024-03-02T00:00+01:00", [0, 0, 1, 3])],
)
def test_start_sets_day_zero_and_its_time_zone_sets_midnight(tmp_path, start, days):
    log = read_events(write(tmp_path / "log.csv", TIMES), start=start)
    assert log["day"].tolist() == days


def test_a_start_after_the_first_event_names_that_event(tmp_path):
    message = rejected(tmp_path / "log.csv", TIMES, start="2024-03-04")
    assert message.startswith(f"{tmp_path / 'log.csv'}: row 2, column time: ")
    assert "before the start 2024-03-04T00:00:00+00:00 (--start); choose an earlier" in message


def test_parquet_reads_like_csv_and_names_columns_loosely(tmp_path):
    csv = read_events(write(tmp_path / "log.csv", TIMES))
    frame = pd.read_csv(tmp_path / "log.csv", dtype=str).rename(columns={"member": " Member"})
    frame["extra"] = 1  # other columns are ignored
    frame.to_parquet(tmp_path / "log.parquet")
    parquet = read_events(tmp_path / "log.parquet")
    pd.testing.assert_frame_equal(parquet, csv)


def test_parquet_timestamps_and_dates_need_no_parsing(tmp_path):
    import datetime as dt

    at = pd.to_datetime(["2024-01-01T10:00", "2024-01-03T00:30"]).tz_localize("Europe/Amsterdam")
    for name, times in (("stamps", at), ("dates", [dt.date(2024, 1, 1), dt.date(2024, 1, 3)])):
        frame = pd.DataFrame({"member": ["a", "b"], "time": times, "event": "joined"})
        frame.to_parquet(tmp_path / f"{name}.parquet")
        log = read_events(tmp_path / f"{name}.parquet")
        # 00:30 in Amsterdam on 3 January is 23:30 UTC on the 2nd
        assert log["day"].tolist() == ([0, 1] if name == "stamps" else [0, 2])
    pd.DataFrame({"member": ["a"], "time": [1], "event": "joined"}).to_parquet(tmp_path / "n.pq")
    with pytest.raises(EventLogError, match="row 1, column time: holds numbers, not timestamps"):
        read_events(tmp_path / "n.pq")


def test_a_day_column_counts_days_already(tmp_path):
    text = "\ufeffmember,day,event,idea\n1,0,joined,\n1,2.7,built,\n1,2,built,\n1,2,built,\n"
    log = read_events(write(tmp_path / "log.csv", text))
    assert log["day"].tolist() == [0, 2, 2, 2]  # two builds a day are not a duplicate
    assert log["idea"].isna().all()  # a build may name no idea
    message = rejected(tmp_path / "log.csv", text, start="2024-01-01")
    assert message == "--start: applies to a log with a time column; this log counts days already"


BAD = [
    ("", "the log is empty: no events"),
    ("member,time,event\n", "the log is empty: no events"),
    ("member,event\na,joined\n", "no time column; add time (ISO 8601 timestamps"),
    ("time,event\n2024-01-01,joined\n", "no member column; add one saying who did it"),
    ("member,time,day,event\na,2024-01-01,0,joined\n", "column day: both a time and a day"),
    (
        "member,time,event\na,2024-01-01,joined\na,2024-01-02,upvoted\n",
        "row 3, column event: 'upvoted' is not a known event; did you mean 'voted'? write one of "
        "joined, posted_idea, built, voted, replied, decided, left",
    ),
    (
        "member,time,event\na,2024-01-01,joined\na,yesterday,left\n",
        "row 3, column time: 'yesterday' is not an ISO 8601 timestamp; write it as",
    ),
    ("member,time,event\na,,joined\n", "row 2, column time: empty; write it as"),
    ("member,day,event\na,-1,joined\n", "row 2, column day: '-1' is not a day; write the day"),
    (
        "member,time,event,idea\na,2024-01-01T09:00Z,voted,7\na,2024-01-01T10:00Z,joined,\n",
        "row 2, column time: member a voted before they joined (row 3); correct the time",
    ),
    (
        "member,day,event,idea\na,0,joined,\nb,1,voted,7\n",
        "row 3, column member: member b has no joined event, but this log records joins",
    ),
    (
        "member,day,event,idea\na,0,joined,\na,1,voted,7\na,1,voted,7\n",
        "row 4: the same event as row 3; remove the duplicated row",
    ),
    (
        "member,time,event,idea\na,2024-01-01,built,7\na,2024-01-01,built,7\n",
        "row 3: the same event as row 2; remove the duplicated row",
    ),
    (
        "member,day,event,idea\na,0,joined,\na,1,joined,\n",
        "row 3, column event: member a joined a second time (first in row 2)",
    ),
    (
        "member,day,event,idea\na,0,posted_idea,7\nb,1,posted_idea,7\n",
        "row 3, column idea: idea 7 is posted a second time (first in row 2)",
    ),
    ("member,day,event\na,0,voted\n", "row 2: a voted event names an idea, but the log has no"),
    ("member,day,event,idea\n,0,voted,7\n", "row 2, column member: member is empty; a voted"),
    ("member,day,event,idea\na,0,voted,\n", "row 2, column idea: idea is empty; a voted event"),
    (
        "member,day,event,idea,outcome\n,0,decided,7,maybe\n",
        "row 2, column outcome: 'maybe' is not a known outcome; write one of accepted, rejected",
    ),
    (
        "member,day,event,idea,organisation\na,0,voted,7,x\nb,0,voted,7,\n",
        "row 3, column organisation: organisation is empty; name the organisation",
    ),
    ("member,day,event\na,0,joined,7\n", "cannot read it as CSV (CSV parse error: Expected 3"),
]


@pytest.mark.parametrize(("text", "expected"), BAD, ids=[e[:40] for _, e in BAD])
def test_every_mistake_is_one_line_naming_the_file_row_and_column(tmp_path, text, expected):
    message = rejected(tmp_path / "log.csv", text)
    assert message.startswith(f"{tmp_path / 'log.csv'}: ")
    assert expected in message
    assert "\n" not in message


def test_a_missing_or_foreign_file_is_named(tmp_path):
    with pytest.raises(EventLogError, match=r"x\.csv: file not found; check the path"):
        read_events(tmp_path / "x.csv")
    with pytest.raises(EventLogError, match=r"log\.json: not a \.csv or \.parquet file"):
        read_events(write(tmp_path / "log.json", "{}"))
    with pytest.raises(EventLogError, match="cannot read it as Parquet"):
        read_events(write(tmp_path / "log.parquet", "not parquet"))


# --- statistics on a hand-built log -------------------------------------------------------------
HAND = """member,day,event,idea,outcome,reason
a,0,joined,,,
b,0,joined,,,
c,10,joined,,,
d,40,joined,,,
a,1,posted_idea,i1,,
b,2,voted,i1,,
,3,replied,i1,,
a,5,posted_idea,i2,,
,11,decided,i1,accepted,
b,12,posted_idea,i3,,
c,15,voted,i3,,
c,20,built,i1,,
,30,decided,i2,rejected,review
b,35,voted,i1,,
d,45,voted,i1,,
c,50,voted,x9,,
a,65,voted,i3,,
d,69,left,,,
a,99,voted,i3,,
"""

# worked out by hand (see the comments); D = 99, complete 30-day windows: 0-29, 30-59, 60-89
EXPECTED = {
    "days": 100,
    "joined_total": 4,
    "churned_total": 1,
    "churned_share": 0.25,
    "ever_posted_share": 0.75,  # a (2 ideas), b (1 idea), c (1 build); d never posted
    "ideator_share": 0.5,
    "voter_share": 1.0,
    "top1_share": 0.5,  # the top ceil(1 % of 4) = 1 member, a, made 2 of the 4 posts
    "top1_poster_share": 0.5,
    "gini_contributions": 0.375,  # posts [0, 1, 1, 2]: 2*13/(4*4) - 5/4
    "days_to_first_post_median": 10,  # a 1-0, b 12-0, c 20-10
    "active_monthly_mean": 7 / 3,  # windows: {a, b, c}, {b, c, d}, {a}
    "active_monthly_trend": -1.0,  # least squares through (0, 3), (1, 3), (2, 1)
    "active_last_30": 1,  # a on day 99
    "joined_monthly_mean": 4 / 3,  # 3, 1, 0
    "still_active_30": 0.5,  # joined by day 40: a, b, c, d; active 30-59 days on: b, c
    "still_active_60": 1 / 3,  # joined by day 10: a, b, c; active 60-89 days on: a
    "still_active_90": math.nan,  # nobody joined by day -20
    "still_active_180": math.nan,
    "retention_30": 0.0,  # cohort joined on days 39-68: d, who left 29 days after joining
    "retention_90": 1.0,  # cohort joined on days -81..8: a, b, still members
    "ideas": 3,
    "ideas_per_ideator": 1.5,
    "one_idea_share": 0.5,
    "votes_per_idea": 2.0,  # 6 votes on i1 and i3 (the vote on x9 is on no posted idea)
    "builds_per_idea": 1 / 3,
    "reply_rate": 1 / 3,
    "days_to_reply_median": 2,
    "decision_rate": 2 / 3,
    "acceptance_rate": 1 / 3,
    "accepted_of_decided": 0.5,
    "days_to_decision_p10": 11.5,  # linear between 10 (i1) and 25 (i2)
    "days_to_decision_p25": 13.75,
    "days_to_decision_median": 17.5,
    "days_to_decision_p75": 21.25,
    "days_to_decision_p90": 23.5,
    "returned_replied": 1.0,  # a: i1 replied, posted again on day 5
    "returned_unreplied": 0.0,  # b: i3 never replied, no later post
    "reply_return_effect": 1.0,
}


@pytest.fixture
def hand(tmp_path) -> pd.DataFrame:
    return read_events(write(tmp_path / "hand.csv", HAND))


def test_every_statistic_on_a_hand_built_log(hand):
    got = summarise(hand)
    assert list(got) == list(STATISTICS) == list(EXPECTED)
    for key, value in EXPECTED.items():
        assert got[key] == pytest.approx(value, nan_ok=True), key


def test_without_joins_members_join_when_first_seen(hand):
    log = hand[hand["event"] != "joined"]
    got = summarise(log)
    assert got["joined_total"] == 4
    assert got["days_to_first_post_median"] == 5  # first seen on days 1, 2, 15: 0, 10, 5
    # first seen on days 1, 2, 15 and 45: a, b and c observable 30-59 days on; b and c active
    assert got["still_active_30"] == pytest.approx(2 / 3)


def test_end_day_cuts_the_log(hand):
    got = summarise(hand, end_day=59)
    assert got["days"] == 60 and got["active_monthly_mean"] == 3
    assert got["churned_total"] != got["churned_total"]  # d left on day 69: no left event yet


def test_curves_are_the_distributions_behind_the_statistics(hand):
    frame = curves(hand)
    assert set(frame["curve"]) == {
        "active_members",
        "joined",
        "ideas",
        "still_active",
        "ideas_per_ideator",
        "days_to_reply",
        "days_to_decision",
    }

    def curve(name):
        rows = frame[frame["curve"] == name]
        return rows["x"].tolist(), rows["value"].tolist()

    assert curve("active_members") == ([0, 30, 60], [3, 3, 1])
    assert curve("ideas") == ([0, 30, 60], [3, 0, 0])
    assert curve("still_active") == ([0, 30, 60], [1.0, 0.5, pytest.approx(1 / 3)])
    assert curve("ideas_per_ideator") == ([1, 2], [0.5, 0.5])
    decision = frame[frame["curve"] == "days_to_decision"]
    assert decision["value"].iloc[[0, 10, 20]].tolist() == [10, 17.5, 25]


def test_several_organisations_are_summarised_one_by_one(hand):
    both = pd.concat(
        [hand.assign(organisation="x"), hand.assign(organisation="y")], ignore_index=True
    )
    got = summarise(both)
    assert got["x.ideas"] == got["y.ideas"] == 3
    assert summarise(both, organisation="y") == summarise(hand)
    table = summary_table(both)
    assert list(table.columns) == ["organisation", "statistic", "value", "label", "unit"]
    assert len(table) == 2 * len(STATISTICS)


def test_docs_define_every_statistic_and_event():
    docs = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    missing = [key for key in (*STATISTICS, *EVENTS) if f"`{key}`" not in docs]
    assert not missing, f"docs/events.md does not define {missing}"


# --- the model's own log ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def model_run():
    return run_scenario(small(days=240), seed=5, events=True)


def consumer_ideas(result):
    return result.ideas[result.ideas["author"] >= 0]


def test_the_models_log_is_a_valid_log(model_run):
    log = model_run.events
    pd.testing.assert_frame_equal(normalise(log), log)
    assert log["day"].is_monotonic_increasing
    assert set(log["event"]) == set(EVENTS)


# Statistics whose name is a model headline figure equal it exactly.
SAME = (
    "days",
    "joined_total",
    "churned_total",
    "churned_share",
    "ever_posted_share",
    "top1_share",
    "gini_contributions",
    "ideas",
    "acceptance_rate",
    "retention_30",
    "retention_90",
)


def test_the_log_gives_back_the_models_own_figures(model_run):
    got, summary = summarise(model_run.events), model_run.summary
    last = model_run.timeseries.iloc[-1]
    for key in SAME:
        expected = summary[key] if key in summary else last[key]
        assert got[key] == expected, key
    mine = consumer_ideas(model_run)
    decisions = model_run.decisions[model_run.decisions["author"] >= 0]
    per_author = mine.groupby("author").size()
    assert got["one_idea_share"] == (per_author == 1).mean()
    assert got["votes_per_idea"] == mine["votes"].sum() / len(mine)
    assert got["builds_per_idea"] == mine["builds"].sum() / len(mine)
    assert got["reply_rate"] == mine["response"].isin(["reply", "explain"]).mean()
    turned_down = mine[mine["status"] == "rejected"]
    days = np.concatenate(
        [turned_down["review_day"] - turned_down["day"], decisions["time_to_decision"]]
    )
    assert got["days_to_decision_median"] == np.median(days)
    assert got["accepted_of_decided"] == (decisions["outcome"] == "accepted").sum() / days.size
    snapshot = model_run.snapshots[model_run.snapshots["day"] == model_run.snapshots["day"].max()]
    assert got["ideator_share"] == mine["author"].nunique() / len(snapshot)


def test_asking_for_the_log_changes_nothing_else():
    for path in ("scenarios/baseline.toml", "scenarios/rivals.toml"):
        scenario = apply_overrides(load_scenario(ROOT / path), ["run.days=60"])
        plain, logged = run_scenario(scenario, seed=2), run_scenario(scenario, seed=2, events=True)
        assert plain.events is None and logged.events is not None
        for name, frame in plain.tables().items():
            assert frame_digest(logged.tables()[name]) == frame_digest(frame), (path, name)
        assert json.dumps(logged.summary, default=float) == json.dumps(plain.summary, default=float)


def test_several_organisations_each_give_back_their_figures():
    scenario = apply_overrides(load_scenario(ROOT / "scenarios" / "rivals.toml"), ["run.days=90"])
    result = run_scenario(scenario, seed=1, events=True)
    log = result.events
    assert list(log["organisation"].cat.categories) == ["recogniser", "payer"]
    got = summarise(log)
    for name in ("recogniser", "payer"):
        for key in ("ideas", "acceptance_rate", "churned_share"):
            assert got[f"{name}.{key}"] == result.summary[f"{name}.{key}"], (name, key)


# --- the command line ---------------------------------------------------------------------------
def test_run_events_then_describe(tmp_path, capsys):
    run_dir, out = tmp_path / "run", tmp_path / "described"
    args = ["--days", "60", "--set", "community.consumers=300", "--out", str(run_dir), "-q"]
    assert main(["run", str(ROOT / "scenarios" / "baseline.toml"), "--events", *args]) == 0
    assert (run_dir / "events.parquet").is_file()
    assert main(["describe", str(run_dir / "events.parquet"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Ever posted" in printed and f"Report written to {out / 'report.html'}" in printed
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert {"summary.csv", "summary.json", "curves.csv", "report.html"} <= written
    assert {"figures/activity.png", "figures/retention.png"} <= written
    summary = json.loads((out / "summary.json").read_text())
    tables = json.loads((run_dir / "summary.json").read_text())
    assert summary["ideas"] == tables["ideas"]
    html = (out / "report.html").read_text()
    assert "data:image/png;base64," in html and "Days to decision, median" in html
    # the same log as CSV reads back to the same statistics
    parquet = summarise(read_events(run_dir / "events.parquet"))
    assert main(["run", str(ROOT / "scenarios" / "baseline.toml"), "--events", "--csv", *args]) == 0
    assert not (run_dir / "events.parquet").exists()
    assert summarise(read_events(run_dir / "events.csv")) == pytest.approx(parquet, nan_ok=True)
    # a run without --events into the same folder leaves no event log of another run behind
    assert main(["run", str(ROOT / "scenarios" / "baseline.toml"), "--csv", *args]) == 0
    assert not list(run_dir.glob("events.*"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("member,time,event\na,2024-01-01,joind\n", "row 2, column event: 'joind' is not a known"),
        ("member,time,event\n", "the log is empty"),
    ],
)
def test_describe_rejects_a_bad_log_in_one_line_and_writes_nothing(
    tmp_path, capsys, text, expected
):
    log, out = write(tmp_path / "bad.csv", text), tmp_path / "out"
    assert main(["describe", str(log), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"error: {log}: ") and expected in captured.err
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert captured.out == "" and not out.exists()


def test_describe_rejects_a_bad_start(tmp_path, capsys):
    log = write(tmp_path / "log.csv", TIMES)
    assert main(["describe", str(log), "--start", "soon", "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err == (
        "error: --start: 'soon' is not a date; write it as 2024-01-01 or 2024-01-01T00:00+01:00\n"
    )
