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


def quality_histogram(quality: np.ndarray) -> np.ndarray:
    """The numpy histogram the kernel replaced: bins of 1/QUALITY_STEPS, ``np.rint``."""
    from simulation.model.measures import QUALITY_STEPS

    return np.bincount(
        np.rint(quality * QUALITY_STEPS).astype(np.int64), minlength=QUALITY_STEPS + 1
    )


def test_count_quality_is_quality_histogram_and_the_sums():
    from simulation.model.measures import QUALITY_STEPS

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


def test_the_prospect_tree_finds_the_kth_prospect_as_a_list_of_them_would():
    from simulation.model.agents.consumer import prospect_tree

    rng = np.random.default_rng(11)
    for n in (1, 2, 7, 64, 1000, 4097):
        tree, prospect = prospect_tree(n), np.ones(n, dtype=bool)
        for _ in range(5):
            gone = np.sort(rng.choice(n, size=rng.integers(0, n // 3 + 1), replace=False))
            gone = gone[prospect[gone]]
            kernels.leave_tree(tree, gone)
            prospect[gone] = False
            listed = np.flatnonzero(prospect)
            k = rng.integers(0, listed.size, size=min(50, listed.size)) if listed.size else []
            k = np.asarray(k, dtype=np.int64)
            assert kernels.kth_prospects(tree, k).tolist() == listed[k].tolist()
        assert kernels.kth_prospects(tree, np.arange(listed.size)).tolist() == listed.tolist()


def test_merge_sorted_and_flagged_are_their_numpy_forms():
    rng = np.random.default_rng(12)
    for n in (0, 1, 5, 300):
        both = rng.permutation(2 * n + 3)[: 2 * n]
        a, b = np.sort(both[:n]), np.sort(both[n:])
        assert kernels.merge_sorted(a, b).tolist() == np.sort(both).tolist()
        x, y = np.sort(rng.integers(0, 9, n) / 4), np.sort(rng.integers(0, 9, n) / 4)  # ties
        merged = kernels.merge_sorted(x, y)
        assert merged.tobytes() == np.insert(x, np.searchsorted(x, y), y).tobytes()
        flag = rng.random(2 * n + 3) < 0.4
        assert kernels.flagged(a, flag).tolist() == a[flag[a]].tolist()


def numpy_marketers_read(time, capacity, cost, queue_size):
    """The marketers' reading over numpy arrays that ``kernels.marketers_read`` replaced."""
    time = time + capacity
    want = ((time + 1e-9) // cost).astype(np.int64)
    before = np.cumsum(want) - want
    taken = np.clip(queue_size - before, 0, want)
    time -= taken * cost
    spare = time >= cost - 1e-9
    time[spare] %= cost[spare]
    return time, taken


def test_marketers_read_is_the_numpy_reading():
    rng = np.random.default_rng(11)
    for _ in range(500):
        n = int(rng.integers(1, 40))
        kind_cost = np.array([1.0, 1.0 + rng.choice([0.25, 0.3, 0.5, 1.0 / 3.0])])
        kind = rng.integers(0, 2, n)
        time = rng.random(n) * kind_cost[kind]
        capacity = rng.integers(0, 12, n)
        noise = rng.random(n)
        queue = int(rng.integers(0, 8 * n))
        state = np.column_stack([time, capacity, noise])
        taken, per_idea, code = kernels.marketers_read(state, kind, kind_cost, queue)
        expected_time, expected_taken = numpy_marketers_read(time, capacity, kind_cost[kind], queue)
        assert state[:, 0].tobytes() == expected_time.tobytes()
        assert np.array_equal(taken, expected_taken)
        assert np.array_equal(per_idea, np.repeat(noise, expected_taken))
        assert np.array_equal(code, np.repeat(kind, expected_taken))


def test_review_is_the_numpy_estimate():
    rng = np.random.default_rng(12)
    firm_view = rng.random(1024)
    point = rng.integers(0, 1024, 500)
    for _ in range(50):
        ids = np.sort(rng.choice(500, int(rng.integers(0, 40)), replace=False))
        draws, noise = rng.normal(size=ids.size), rng.random(ids.size)
        review_day, status = np.full(500, -1, dtype=np.int32), np.zeros(500, dtype=np.int8)
        promote = kernels.review(
            ids, draws, noise, firm_view, point, 0.6, review_day, status, 9, 3, 1
        )
        expected = firm_view[point[ids]] + draws * noise >= 0.6
        assert np.array_equal(promote, expected)
        assert np.array_equal(status[ids], np.where(expected, 3, 1))
        assert (review_day[ids] == 9).all() and np.delete(review_day, ids).max(initial=-1) == -1


def test_record_times_is_add_at_and_asks_to_grow():
    rng = np.random.default_rng(13)
    submitted = rng.integers(0, 100, 300).astype(np.int32)
    counts = np.zeros(64, dtype=np.int64)
    expected = np.zeros(64, dtype=np.int64)
    rows = rng.integers(0, 300, 50)
    rows = rows[100 - submitted[rows] < 64]
    assert kernels.record_times(counts, 100, submitted, rows) == 0
    np.add.at(expected, 100 - submitted[rows], 1)
    assert np.array_equal(counts, expected)
    assert kernels.record_times(counts, 100, submitted, rows[:0]) == 0
    late = np.array([int(np.argmin(submitted))])
    longest = 130 - int(submitted[late[0]])
    assert kernels.record_times(counts, 130, submitted, late) == 2 * longest + 1
    assert np.array_equal(counts, expected)  # nothing added when it does not fit


def test_flaw_rate_is_the_numpy_rate():
    novelty = np.concatenate([np.linspace(0.0, 1.0, 101), [np.nan, 0.25, 0.75]])
    for flaws_novelty in (0.0, 0.5, 1.0, 2.0, 3.7):
        for rugged in (0.0, 0.4, 1.0, 2.6):
            for share in (1, 5, 6):
                novel = np.maximum(1.0 + flaws_novelty * (2.0 * novelty - 1.0), 0.0)
                expected = 1.7 * novel * rugged / share
                rate = kernels.flaw_rate(novelty, flaws_novelty, 1.7, rugged, share)
                assert rate.tobytes() == expected.tobytes()


def python_schedule_launches(rows, day, slots, launch_day, build):
    """The Python loop of ``StageGates.schedule_launches`` that the kernel replaced."""
    if not slots.size:
        launch_day[rows] = day + build
        return
    for row in rows:
        slot = int(slots.argmin())
        start = max(float(day), slots[slot])
        slots[slot] = launch_day[row] = start + build


@pytest.mark.parametrize("build", [0, 3, 12.5])
def test_schedule_launches_is_the_python_loop(build):
    rng = np.random.default_rng(14)
    for n_slots in (0, 1, 2, 5):
        slots = np.floor(rng.random(n_slots) * 20)  # ties: the first free slot is taken
        expected_slots, launch, expected = slots.copy(), np.full(40, np.nan), np.full(40, np.nan)
        for day in range(0, 30, 3):
            rows = rng.choice(40, int(rng.integers(0, 5)), replace=False)
            kernels.schedule_launches(rows, day, slots, launch, build)
            python_schedule_launches(rows, day, expected_slots, expected, build)
            assert slots.tobytes() == expected_slots.tobytes()
            assert launch.tobytes() == expected.tobytes()


def test_decided_ideas_is_the_numpy_bookkeeping():
    rng = np.random.default_rng(15)
    author = rng.integers(-1, 50, 200)  # -1: the firm's own ideas
    for _ in range(50):
        ids = rng.choice(200, int(rng.integers(0, 12)), replace=False)
        accepted = rng.random(ids.size) < 0.5
        status, day = np.zeros(200, dtype=np.int8), np.full(200, -1, dtype=np.int32)
        authors = kernels.decided_ideas(ids, accepted, status, day, 7, 5, 4, author)
        expected = author[ids[accepted]]
        assert np.array_equal(authors, expected[expected >= 0])
        assert np.array_equal(status[ids], np.where(accepted, 5, 4))
        assert (day[ids] == 7).all() and (np.delete(day, ids) == -1).all()


def test_accepted_figures_are_insert_sum_and_escaped():
    rng = np.random.default_rng(16)
    kept = np.empty(0)
    hidden = rng.integers(0, 3, (100, 6)).astype(np.int32)
    for _ in range(60):
        new = np.sort(np.round(rng.random(int(rng.integers(1, 6))), 2))  # ties with kept ones
        rows = rng.choice(100, new.size, replace=False)
        merged, total, escaped = kernels.accepted_figures(new, kept, hidden, rows)
        expected = np.insert(kept, np.searchsorted(kept, new), new)
        assert merged.tobytes() == expected.tobytes()
        assert np.float64(total).tobytes() == np.float64(new.sum()).tobytes()
        assert escaped == int(hidden[rows].sum(axis=1).sum())
        kept = merged


def test_expire_is_pending_split_at_the_cutoff():
    rng = np.random.default_rng(17)
    day = np.sort(rng.integers(0, 60, 400)).astype(np.int32)
    for _ in range(40):
        status = rng.integers(0, 3, 400).astype(np.int8)
        since = int(rng.integers(0, 60))
        cutoff = since + int(rng.integers(0, 3))
        waiting = kernels.pending(day, status, since, 0)
        expected_old = waiting[day[waiting] <= cutoff]
        expected_status = status.copy()
        expected_status[expected_old] = 2
        old, still = kernels.expire(day, status, since, cutoff, 0, 2)
        assert np.array_equal(old, expected_old)
        assert np.array_equal(still, waiting[day[waiting] > cutoff])
        assert np.array_equal(status, expected_status)


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


def test_row_means_are_numpys_column_means_to_the_last_bit():
    rng = np.random.default_rng(21)
    for loci in (2, 5, 9, 12, 17):
        for split in range(1, loci):
            values = rng.normal(size=(2**10, loci)) * 10.0 ** rng.integers(-8, 8, (2**10, loci))
            got = kernels.row_means(values, split)
            assert got[:, 0].tobytes() == values[:, np.arange(split)].mean(axis=1).tobytes()
            assert got[:, 1].tobytes() == values[:, np.arange(split, loci)].mean(axis=1).tobytes()
