"""Where a day's time goes: each stage of ``CoCreationModel.step`` timed directly.

No profiler: every stage method is wrapped in a ``perf_counter`` pair (cProfile inflates
Python-level calls several-fold). Prints ms per day and share of the run, mean of ``--repeats``.

    python benchmarks/bench_stages.py [--consumers 10000] [--days 365] [--repeats 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workload import build_scenario  # noqa: E402

STAGES = [  # (label, class, method)
    ("1 newcomers arrive", "Community", "arrive"),
    ("2 members take part", "CoCreationModel", "participate"),
    ("3 ideas and builds", "Community", "submit"),
    ("4 votes", "Community", "vote"),
    ("5 firm: expiry, triage, marketers, review", "Organisation", "_review"),
    ("5 firm: stage gates and decisions", "Organisation", "decide"),
    ("5 firm: answers heard (feedback)", "Organisation", "deliver_answers"),
    ("6 pay", "Community", "pay"),
    ("7 drift and exits", "Community", "leave"),
    ("8 daily metrics", "CoCreationModel", "measure"),
    ("9 collection", "CoCreationModel", "close"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consumers", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--warmup", type=int, default=1, help="untimed runs first (loading compiled kernels)"
    )
    args = parser.parse_args()

    from simulation.model import model as model_module
    from simulation.model.agents.organisation import Organisation
    from simulation.model.community import Community
    from simulation.run import collect_result

    classes = {
        "Community": Community,
        "CoCreationModel": model_module.CoCreationModel,
        "Organisation": Organisation,
    }
    spent: dict[str, float] = defaultdict(float)

    def review(self):  # expiry, queue, marketers' reading and review: the step before decide
        model = self.model
        self.adapt()
        self.open_queue(self.expire(model.day, self.marketer_params.patience))
        self.marketers_read()
        self.close_review()

    def org_step(self):
        self._review()
        self.decide()
        self.deliver_answers()
        self.reconsider_partnerships()

    Organisation._review = review
    Organisation.step = org_step

    def timed(label, original):
        def wrapper(*a, **k):
            t = time.perf_counter()
            try:
                return original(*a, **k)
            finally:
                spent[label] += time.perf_counter() - t

        return wrapper

    for label, cls, name in STAGES:
        setattr(classes[cls], name, timed(label, getattr(classes[cls], name)))

    scenario = build_scenario(args.consumers, args.days)
    for _ in range(args.warmup):  # loads the compiled kernels
        model = model_module.CoCreationModel(scenario)
        for _ in range(args.days):
            model.step()
        collect_result(model)
    spent.clear()
    whole = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        model = model_module.CoCreationModel(scenario)
        spent["0 construction"] += time.perf_counter() - t0
        for _ in range(args.days):
            model.step()
        t = time.perf_counter()
        collect_result(model)
        spent["10 tables and summary"] += time.perf_counter() - t
        whole.append(time.perf_counter() - t0)
    total = sum(whole)
    per_day = 1e3 / (args.repeats * args.days)
    for label in sorted(spent, key=lambda s: int(s.split()[0])):
        print(
            f"{label:45s} {spent[label] * per_day:7.3f} ms/day {100 * spent[label] / total:5.1f} %"
        )
    other = total - sum(spent.values())
    print(f"{'other (step overhead, start, pay…)':45s} {other * per_day:7.3f} ms/day")
    print(f"whole run: {', '.join(f'{w:.3f}' for w in whole)} s")


if __name__ == "__main__":
    main()
