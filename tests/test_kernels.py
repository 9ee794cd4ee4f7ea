"""The compiled kernels give numpy's numbers to the last bit (simulation/model/kernels/)."""

import numpy as np
import pytest

from simulation.model import kernels


@pytest.mark.parametrize("kind", ["normal", "spread", "near_one"])
def test_pairwise_sum_is_numpys_sum_bit_for_bit(kind):
    rng = np.random.default_rng(3)
    sizes = [*range(0, 300), *rng.integers(300, 200_000, 40).tolist()]
    for n in sizes:
        if kind == "normal":
            a = rng.normal(size=n)
        elif kind == "spread":
            a = rng.random(n) * 10.0 ** rng.integers(-6, 6, n)
        else:
            a = 1.0 + 1e-3 * rng.normal(size=n)
        assert np.float64(kernels.pairwise_sum(a, n)).tobytes() == np.add.reduce(a).tobytes(), n


def test_pairwise_sum_of_negative_zeros_is_positive_zero_as_in_numpy():
    for n in range(0, 20):
        a = np.full(n, -0.0)
        assert np.float64(kernels.pairwise_sum(a, n)).tobytes() == np.add.reduce(a).tobytes()


def numpy_climb(starts, views, which, steps, loci):
    """The vectorised hill climb the kernel replaced."""
    x = np.asarray(starts, dtype=np.int64).copy()
    flips = np.int64(1) << np.arange(loci, dtype=np.int64)
    flat = views.reshape(-1)
    offset = np.asarray(which, dtype=np.int64) * views.shape[1]
    live = np.flatnonzero(steps > 0)
    step = 0
    while live.size:
        here = x[live]
        neighbours = here[:, None] ^ flips
        values = flat.take(offset[live, None] + neighbours)
        best = values.argmax(axis=1)
        rows = np.arange(live.size)
        better = values[rows, best] > flat.take(offset[live] + here) + 1e-9
        x[live[better]] = neighbours[rows[better], best[better]]
        step += 1
        live = live[better & (steps[live] > step)]
    return x


def test_climb_ends_where_the_numpy_climb_ends():
    rng = np.random.default_rng(5)
    loci = 10
    views = rng.random((3, 2**loci))
    views[1] = np.round(views[1], 1)  # ties: the first best neighbour wins, as argmax
    starts = rng.integers(0, 2**loci, 2000)
    which = rng.integers(0, 3, 2000)
    steps = rng.integers(0, 12, 2000)
    x = starts.copy()
    kernels.climb(x, views.reshape(-1), which * views.shape[1], steps, loci)
    assert np.array_equal(x, numpy_climb(starts, views, which, steps, loci))


def test_contribution_figures_are_the_measures():
    from simulation.model.measures import cohort_retention, counts_percentile, gini, top_share

    rng = np.random.default_rng(7)
    for trial in range(200):
        people = int(rng.integers(0, 3000))
        values = rng.zipf(1.6, people).clip(0, 500) - 1 if people else np.zeros(0, dtype=int)
        counts = np.bincount(values, minlength=64).astype(np.int64)
        joined = rng.permutation(4000)[:people].astype(np.int64)
        days = np.sort(rng.integers(0, 300, people)).astype(np.int64)
        join_day = np.full(4000, -1, dtype=np.int32)
        join_day[joined] = days
        churn_day = np.where(rng.random(4000) < 0.3, join_day + rng.integers(0, 200, 4000), -1)
        churn_day = churn_day.astype(np.int32)
        day = int(rng.integers(0, 400))
        got = kernels.contribution_figures(counts, joined, days, join_day, churn_day, day)
        cohorts = (joined, days, join_day, churn_day)
        want = (
            int((counts * np.arange(counts.size)).sum()),
            gini(counts),
            top_share(counts, 0.01),
            cohort_retention(*cohorts, day, 30),
            cohort_retention(*cohorts, day, 90),
        )
        assert np.array(got).tobytes() == np.array(want).tobytes(), trial
        for q in (50.0, 90.0):
            a, b = kernels.counts_percentile(counts, q), counts_percentile(counts, q)
            assert np.float64(a).tobytes() == np.float64(b).tobytes()


def numpy_move_towards(state, who, target, rate):
    """The numpy smoothing the kernels replaced."""
    if who.size == 0:
        return
    rate = np.full(who.shape, rate, dtype=float) if np.ndim(rate) == 0 else np.asarray(rate, float)
    order = np.argsort(who, kind="stable")
    ordered = who[order]
    new = np.empty(who.size, dtype=bool)
    new[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    if new.all():
        state[who] += rate * (target - state[who])
        return
    people = ordered[new]
    index = np.empty(who.size, dtype=np.intp)
    index[order] = np.cumsum(new) - 1
    weight = np.bincount(index, weights=rate)
    mean_target = np.bincount(index, weights=rate * target) / np.where(weight > 0, weight, 1)
    kept = np.exp(np.bincount(index, weights=np.log1p(-np.minimum(rate, 1.0 - 1e-12))))
    state[people] += (1.0 - kept) * (mean_target - state[people])


@pytest.mark.parametrize("repeats", [False, True])
def test_move_towards_is_the_numpy_smoothing(repeats):
    from simulation.model.agents.consumer import move_towards

    rng = np.random.default_rng(11)
    mark = np.full(500, -1, dtype=np.int64)
    for trial in range(300):
        n = int(rng.integers(0, 200))
        who = rng.integers(0, 500, n) if repeats else rng.permutation(500)[:n]
        target = rng.uniform(-1, 1, n)
        rate = rng.uniform(0, 1, n) if trial % 2 else 0.3
        a = rng.normal(size=500)
        b = a.copy()
        move_towards(a, who, target, rate, mark)
        numpy_move_towards(b, who, target, rate)
        assert a.tobytes() == b.tobytes(), trial
        assert (mark == -1).all()


def test_count_quality_is_quality_histogram_and_the_sums():
    from simulation.model.measures import QUALITY_STEPS, quality_histogram

    rng = np.random.default_rng(13)
    quality = np.concatenate([rng.random(3000), np.arange(2001) / 2000])  # halves: ties to even
    feasible, strategic = rng.random(quality.size) < 0.5, rng.random(quality.size) < 0.4
    points = rng.integers(0, quality.size, 20000)
    counts = np.zeros(QUALITY_STEPS + 1, dtype=np.int64)
    got = kernels.count_quality(points, quality, feasible, strategic, counts, QUALITY_STEPS)
    assert np.array_equal(counts, quality_histogram(quality[points]))
    f, s = feasible[points], strategic[points]
    want = (quality[points].sum(), f.sum(), s.sum(), (f & s).sum())
    assert np.array(got).tobytes() == np.array(want, dtype=float).tobytes()


def numpy_nk_contributions(n, k, rng):
    """The locus-by-locus NK tabulation that ``nk_lookup`` replaced (same draws, same order)."""
    from simulation.model.ideas.space import point_bits

    bits = point_bits(n)
    out = np.empty((2**n, n))
    for locus in range(n):
        others = rng.choice(np.delete(np.arange(n), locus), size=k, replace=False)
        depends = np.concatenate([[locus], others]).astype(int)
        table = rng.random(2 ** (k + 1))
        out[:, locus] = table[(bits[:, depends] << np.arange(k + 1)).sum(axis=1)]
    return out


@pytest.mark.parametrize(("n", "k"), [(1, 0), (3, 0), (5, 2), (8, 7), (12, 3), (14, 9)])
def test_nk_contributions_are_the_numpy_tabulation(n, k):
    from simulation.model.ideas.space import nk_contributions

    for seed in range(3):
        a, b = np.random.default_rng(seed), np.random.default_rng(seed)
        assert nk_contributions(n, k, a).tobytes() == numpy_nk_contributions(n, k, b).tobytes()
        assert a.random() == b.random()  # the same draws: the generators are where they were
