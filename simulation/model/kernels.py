"""Compiled kernels of the day's hottest stages (numba, compiled once and cached on disk).

At 10,000 consumers a day is a few hundred numpy calls on arrays of a few thousand elements,
so its cost is the calls, not the arithmetic. Each kernel here does one stage's many small
passes as one loop over the consumers.

Rules that keep every result byte-identical to the numpy code they replace:

- **No random number is drawn here.** The callers draw with the model's numpy ``Generator``
  exactly as before (same calls, sizes and order) and pass the numbers in.
- **Element-wise arithmetic in numpy's order.** Each expression is written with the operations
  and the parenthesisation numpy evaluated (``a * b / c`` is ``(a * b) / c``); numba compiles
  without ``fastmath``, so nothing is reassociated or fused into a multiply-add.
- **No transcendental function** (numpy's SIMD ``exp``/``log`` need not round as libm does),
  and **floating-point sums** either stay in numpy or use :func:`pairwise_sum`, a copy of
  numpy's pairwise summation that ``tests/test_kernels.py`` checks against ``np.add.reduce``.
  Integer counts are exact in any order.

The module is imported only when a model runs (the model's modules import it inside the
functions that call it), never by ``cocreate --help``, ``params`` or ``check``. The machine code
is cached on disk (:func:`compiled`), so only the first run on a machine compiles (some
seconds); every later process, process-pool workers included, loads it.
"""

from __future__ import annotations

import numpy as np
from numba import njit


def compiled(function):
    """``numba.njit(cache=True)``: compiled on first call, the machine code kept on disk.

    numba keeps it in ``__pycache__`` next to this file, or, where that is read-only, in the
    user's cache directory (``NUMBA_CACHE_DIR`` or ``~/.cache/numba``). With neither writable,
    numba refuses to cache; the kernel is then compiled in every process instead.
    """
    try:
        return njit(cache=True)(function)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return njit(function)


# --- summation as numpy does it ----------------------------------------------------------------
PW_BLOCKSIZE = 128  # numpy's pairwise-summation block


@compiled
def _block(a, lo, n):
    """The pairwise sum numpy makes of ``a[lo:lo + n]`` for ``n <= PW_BLOCKSIZE``."""
    if n < 8:
        res = -0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    top = n - (n % 8)
    while i < top:
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@compiled
def _pairwise(a, lo, n):
    """The pairwise sum numpy makes of ``a[lo:lo + n]``: halves cut at a multiple of 8.

    The recursion of numpy's C code, run with explicit stacks (left half first).
    """
    if n <= PW_BLOCKSIZE:
        return _block(a, lo, n)
    los = np.empty(192, dtype=np.int64)
    ns = np.empty(192, dtype=np.int64)
    joins = np.empty(192, dtype=np.bool_)
    values = np.empty(192)
    top, kept = 0, 0
    los[0], ns[0], joins[0] = lo, n, False
    top = 1
    while top:
        top -= 1
        start, size, join = los[top], ns[top], joins[top]
        if join:
            values[kept - 2] = values[kept - 2] + values[kept - 1]
            kept -= 1
        elif size <= PW_BLOCKSIZE:
            values[kept] = _block(a, start, size)
            kept += 1
        else:
            half = size // 2
            half -= half % 8
            los[top], ns[top], joins[top] = start, size, True
            los[top + 1], ns[top + 1], joins[top + 1] = start + half, size - half, False
            los[top + 2], ns[top + 2], joins[top + 2] = start, half, False
            top += 3
    return values[0]


@compiled
def pairwise_sum(a, n):
    """``np.add.reduce(a[:n])`` for a float64 array, to the last bit (0.0 for none)."""
    return 0.0 + _pairwise(a, 0, n)  # numpy starts from the identity: -0.0 sums to 0.0


# --- ideas: hill climbing ----------------------------------------------------------------------
@compiled
def climb(x, flat, offset, steps, loci):
    """Steepest-ascent hill climbs in place (``IdeaSpace.climb``): ``x`` start to end points.

    Each searcher moves to its best single-bit neighbour under its view (the first best, as
    ``argmax``) while that beats where it stands by more than 1e-9, at most ``steps`` times.
    """
    for i in range(x.size):
        here = x[i]
        base = offset[i]
        for _ in range(steps[i]):
            best = here ^ 1
            best_value = flat[base + best]
            for bit in range(1, loci):
                other = here ^ (np.int64(1) << bit)
                value = flat[base + other]
                if value > best_value:
                    best, best_value = other, value
            if best_value > flat[base + here] + 1e-9:
                here = best
            else:
                break
        x[i] = here


# --- participation -------------------------------------------------------------------------
@compiled
def update_active_friends(
    member, last_active, since, active_this_week, active_friends, indptr, indices
):
    """Keep each consumer's count of friends active this week (``ConsumerPopulation.bond``).

    A consumer is active this week if a member who took part on day ``since`` or later; the
    friends of everyone whose flag changed gain or lose one.
    """
    for i in range(member.size):
        flag = member[i] and last_active[i] >= since
        if flag != active_this_week[i]:
            step = 1 if flag else -1
            for k in range(indptr[i], indptr[i + 1]):
                active_friends[indices[k]] += step
            active_this_week[i] = flag


@compiled
def utility(
    members,
    intrinsic,
    identity,
    recognition,
    extrinsic,
    expectation,
    satisfaction,
    pull,
    pull_each,
    active_friends,
    degree,
    share_offsets,
    share_sums,
    weights,
):
    """Each member's utility before the day's noise (``ConsumerPopulation.utility``).

    ``weights``: identity, bond, recognition, money, influence, satisfaction, cost.
    ``pull``: one value per consumer if ``pull_each``, else ``pull[0]`` for everyone.
    """
    w_id, w_bond, w_rec, w_money, w_inf, w_sat, cost = (
        weights[0],
        weights[1],
        weights[2],
        weights[3],
        weights[4],
        weights[5],
        weights[6],
    )
    value = np.empty(members.size)
    for k in range(members.size):
        i = members[k]
        bond = share_sums[share_offsets[degree[i]] + active_friends[i]]
        r = recognition[i]
        p = pull[i] if pull_each else pull[0]
        value[k] = (
            intrinsic[i]
            + w_id * identity[i]
            + w_bond * bond
            + w_rec * r / (1.0 + r)
            + w_money * extrinsic[i] * p
            + w_inf * expectation[i]
            + w_sat * satisfaction[i]
            - cost
        )
    return value


@compiled
def willing(value, noise, threshold, members):
    """``value + noise > threshold[members]``."""
    out = np.empty(members.size, dtype=np.bool_)
    for k in range(members.size):
        out[k] = value[k] + noise[k] > threshold[members[k]]
    return out


@compiled
def take_part(members, taking_part, day, active_today, last_active, active_days, intrinsic, keep):
    """The bookkeeping of the day's active members; returns them (``members[taking_part]``).

    ``keep``: what intrinsic interest keeps on a day of taking part (1.0 under no control).
    """
    active_today[:] = False
    count = 0
    for k in range(members.size):
        if taking_part[k]:
            count += 1
    active = np.empty(count, dtype=np.int64)
    j = 0
    for k in range(members.size):
        if taking_part[k]:
            i = members[k]
            active[j] = i
            j += 1
            active_today[i] = True
            last_active[i] = day
            active_days[i] += 1
            if keep != 1.0:
                intrinsic[i] *= keep
    return active


@compiled
def posts_of(active, posts, paid, carried_idea, builds_draw, build_share, posting_days):
    """Ideas, builds and voters of the active members (``ConsumerPopulation.take_part``).

    ``builds_draw``: one uniform number per post (``rng.random(posts.sum())``); a post is a
    build when its number is below ``build_share``. Ideas come in the order numpy made them:
    carried ideas, then the posts that are not builds, then the paid-for ideas.
    """
    n = active.size
    carried = np.empty(n, dtype=np.bool_)
    n_carried = 0
    for k in range(n):
        carried[k] = carried_idea[active[k]]
        carried_idea[active[k]] = False
        if carried[k]:
            n_carried += 1
    n_builds = 0
    for j in range(builds_draw.size):
        if builds_draw[j] < build_share:
            n_builds += 1
    n_paid = 0
    for k in range(n):
        n_paid += paid[k]
    ideas = np.empty(n_carried + builds_draw.size - n_builds + n_paid, dtype=np.int64)
    builders = np.empty(n_builds, dtype=np.int64)
    i = 0
    for k in range(n):
        if carried[k]:
            ideas[i] = active[k]
            i += 1
    j = 0
    b = 0
    n_voters = 0
    for k in range(n):
        for _ in range(posts[k]):
            if builds_draw[j] < build_share:
                builders[b] = active[k]
                b += 1
            else:
                ideas[i] = active[k]
                i += 1
            j += 1
        if posts[k] + paid[k] + carried[k] > 0:
            posting_days[active[k]] += 1
        else:
            n_voters += 1
    voters = np.empty(n_voters, dtype=np.int64)
    v = 0
    for k in range(n):
        for _ in range(paid[k]):
            ideas[i] = active[k]
            i += 1
        if not (posts[k] + paid[k] + carried[k] > 0):
            voters[v] = active[k]
            v += 1
    return ideas, builders, voters


# --- the end of the day ------------------------------------------------------------------------
@compiled
def end_of_day(
    day,
    draw,
    member,
    status,
    active_today,
    churn_day,
    recognition,
    intrinsic,
    intrinsic_base,
    satisfaction,
    last_active,
    join_day,
    friends_left,
    indptr,
    indices,
    degree,
    rates,
    inactivity_days,
    churned,
):
    """Drift, then exits (``ConsumerPopulation.end_of_day``); returns the leavers.

    ``draw``: one uniform number per member, in index order (``rng.random(members)``).
    ``rates``: recognition kept, interest recovery, satisfaction kept, exit base, inactive,
    dissatisfaction and friends-left hazards.
    """
    kept_recognition, recovery, kept_satisfaction = rates[0], rates[1], rates[2]
    base, inactive, dissatisfied, friends = rates[3], rates[4], rates[5], rates[6]
    n = member.size
    for i in range(n):
        recognition[i] *= kept_recognition
        intrinsic[i] += recovery * (intrinsic_base[i] - intrinsic[i])
        satisfaction[i] *= kept_satisfaction
    leaving = np.zeros(draw.size, dtype=np.int64)
    count = 0
    k = 0
    for i in range(n):
        if member[i]:
            idle = day - max(last_active[i], join_day[i])
            hazard = (
                base
                + inactive * (1.0 if idle > inactivity_days else 0.0)
                + dissatisfied * max(-satisfaction[i], 0.0)
                + friends * friends_left[i]
            )
            if draw[k] < hazard:
                leaving[count] = i
                count += 1
            k += 1
    leavers = leaving[:count].copy()
    for j in range(count):
        i = leavers[j]
        status[i] = churned
        member[i] = False
        active_today[i] = False
        churn_day[i] = day
    for j in range(count):
        i = leavers[j]
        for e in range(indptr[i], indptr[i + 1]):
            f = indices[e]
            friends_left[f] += 1.0 / degree[f]
    return leavers


# --- the day's figures -------------------------------------------------------------------------
@compiled
def member_figures(
    member,
    last_active,
    active_since,
    active_today,
    first_answer_day,
    satisfaction,
    intrinsic,
    expectation,
):
    """Counts and means of the members (``population_metrics``).

    Returns ``(members, active_members, active_today, satisfaction, satisfaction of the
    answered, intrinsic, expectation)``, the means as ``np.mean`` of the members' values in
    index order gives them (NaN for none).
    """
    n = member.size
    sat = np.empty(n)
    answered = np.empty(n)
    interest = np.empty(n)
    expected = np.empty(n)
    m = 0
    a = 0
    active = 0
    today = 0
    for i in range(n):
        if active_today[i]:
            today += 1
        if member[i]:
            if last_active[i] > active_since:
                active += 1
            sat[m] = satisfaction[i]
            interest[m] = intrinsic[i]
            expected[m] = expectation[i]
            m += 1
            if first_answer_day[i] >= 0:
                answered[a] = satisfaction[i]
                a += 1
    nan = np.nan
    return (
        m,
        active,
        today,
        pairwise_sum(sat, m) / m if m else nan,
        pairwise_sum(answered, a) / a if a else nan,
        pairwise_sum(interest, m) / m if m else nan,
        pairwise_sum(expected, m) / m if m else nan,
    )


@compiled
def contribution_figures(counts, joined, joined_days, join_day, churn_day, day):
    """Total, Gini, top-1 % share, 30- and 90-day cohort retention (``population_metrics``).

    The same numbers as ``measures.gini``, ``top_share`` and ``cohort_retention`` (the Gini's
    one floating-point sum as numpy's pairwise sum).
    """
    size = counts.size
    n = 0
    total = 0
    for v in range(size):
        n += counts[v]
        total += counts[v] * v
    gini = 0.0
    top = 0.0
    if n != 0 and total != 0:
        terms = np.empty(size)
        below = 0
        for v in range(size):
            c = counts[v]
            terms[v] = v * (c * below + c * (c + 1) / 2)  # level * rank_sum
            below += c
        weighted = pairwise_sum(terms, size)
        gini = 2 * weighted / (n * total) - (n + 1) / n
        k = max(1, int(np.ceil(0.01 * n)))
        taken_total = 0
        above = 0  # people with larger values, from the top down
        for v in range(size - 1, -1, -1):
            c = counts[v]
            taken = min(c, max(k - above, 0))
            taken_total += taken * v
            above += c
        top = taken_total / total
    return (
        total,
        gini,
        top,
        _retention(joined, joined_days, join_day, churn_day, day, 30),
        _retention(joined, joined_days, join_day, churn_day, day, 90),
    )


@compiled
def _retention(joined, days, join_day, churn_day, day, horizon):
    lo = np.searchsorted(days, day - 2 * horizon)
    hi = np.searchsorted(days, day - horizon)
    if hi <= lo:
        return np.nan
    stayed = 0
    for j in range(lo, hi):
        i = joined[j]
        if churn_day[i] < 0 or churn_day[i] - join_day[i] >= horizon:
            stayed += 1
    return stayed / (hi - lo)


@compiled
def counts_percentile(counts, q):
    """``measures.counts_percentile``: the q-th percentile of integers given as a histogram."""
    total = 0
    for c in counts:
        total += c
    if total == 0:
        return np.nan
    position = q / 100 * (total - 1)
    below = np.floor(position)
    low_key, high_key = below + 1, np.ceil(position) + 1
    low = high = counts.size
    running = 0
    for v in range(counts.size):
        running += counts[v]
        if low == counts.size and running >= low_key:
            low = v
        if running >= high_key:
            high = v
            break
    return low + (high - low) * (position - below)


# --- answers heard -----------------------------------------------------------------------------
@compiled
def hear_answers(
    authors,
    day,
    replied,
    explained,
    badge,
    credited,
    outcome,
    silent,
    read,
    fair_process,
    intrinsic,
    recognition,
    identity,
    answers_read,
    expectation,
    join_day,
    values,
    newcomer_days,
):
    """The first part of ``ConsumerPopulation.feedback``, up to satisfaction's move.

    Interest (capped), recognition, identity and answers read grow per answer, in the order
    given (as ``np.add.at``); returns each answer's worth (clipped to -1..1), whether it was a
    decision, and its result (the outcome, 0 if none). ``values``: interest boost, cap,
    reply value, badge value, identity gain, expectation weight, disconfirmation weight,
    fairness bonus, silence penalty.
    """
    boost, cap, reply_value, badge_value, identity_gain = (
        values[0],
        values[1],
        values[2],
        values[3],
        values[4],
    )
    w_expect, w_disconfirm, fairness, silence = values[5], values[6], values[7], values[8]
    n = authors.size
    for k in range(n):
        if replied[k] or explained[k] or badge[k]:
            intrinsic[authors[k]] += boost
    for k in range(n):
        if replied[k] or explained[k] or badge[k]:
            i = authors[k]
            intrinsic[i] = min(intrinsic[i], cap)
    for k in range(n):
        i = authors[k]
        recognition[i] += reply_value * (1.0 if replied[k] else 0.0) + badge_value * (
            1.0 if badge[k] else 0.0
        )
    for k in range(n):
        identity[authors[k]] += identity_gain * (1.0 if (badge[k] or credited[k]) else 0.0)
    for k in range(n):
        if read[k]:
            answers_read[authors[k]] += 1
    worth = np.empty(n)
    decided = np.empty(n, dtype=np.bool_)
    result = np.empty(n)
    for k in range(n):
        i = authors[k]
        d = not np.isnan(outcome[k])
        decided[k] = d
        r = outcome[k] if d else 0.0
        result[k] = r
        prior = expectation[i]
        newcomer = 1 if (day - join_day[i]) < newcomer_days else 0
        fair = explained[k] or (d and read[k] and fair_process)
        w = (
            (1.0 if d else 0.0) * (w_expect * prior + w_disconfirm * (r - prior))
            + fairness * (1.0 if fair else 0.0)
            - silence * (1.0 if silent[k] else 0.0) * (1 + newcomer)
        )
        worth[k] = min(max(w, -1.0), 1.0)
    return worth, decided, result


@compiled
def first_answers(
    authors,
    day,
    decided,
    result,
    replied,
    explained,
    first_post,
    read,
    learning,
    first_answer_day,
    expectation,
    expectation_prior,
    satisfaction,
    satisfaction_first,
    first_reply,
    first_outcome,
):
    """The rest of ``ConsumerPopulation.feedback`` but the expectations' move.

    Records the first decision each author hears and what became of a first post; returns the
    decided answers' authors, results and learning rates (``min(learning * (1 + explained),
    1)``) for the expectations' move.
    """
    n = authors.size
    count = 0
    for k in range(n):
        if decided[k]:
            count += 1
            i = authors[k]
            if first_answer_day[i] < 0:
                first_answer_day[i] = day
                expectation_prior[i] = expectation[i]
                satisfaction_first[i] = satisfaction[i]
    who = np.empty(count, dtype=np.int64)
    target = np.empty(count)
    rate = np.empty(count)
    j = 0
    for k in range(n):
        if decided[k]:
            who[j] = authors[k]
            target[j] = result[k]
            rate[j] = min(learning * (1 + (1 if explained[k] else 0)), 1.0)
            j += 1
    fresh = np.empty(n, dtype=np.bool_)
    for k in range(n):
        fresh[k] = first_post[k] and first_reply[authors[k]] < 0
    for k in range(n):
        if fresh[k]:
            i = authors[k]
            first_reply[i] = 1 if replied[k] else 0
            first_outcome[i] = (1 + (0 if decided[k] else 1)) if read[k] else 0
    return who, target, rate


# --- posts, builds and votes -------------------------------------------------------------------
@compiled
def add_at(target, index, value):
    """``np.add.at(target, index, value)`` for one scalar ``value`` (in the order given)."""
    for k in range(index.size):
        target[index[k]] += value


@compiled
def record_posts(
    authors,
    day,
    contributions,
    second_post_day,
    first_post_day,
    last_post_day,
    status,
    contributor,
    mark,
):
    """``ConsumerPopulation.record_posts`` but the histogram: count posts, mark first posts.

    ``mark`` is scratch, -1 everywhere on entry and on return. Returns ``(first, before,
    after, top)``: whether each post is its author's first ever, each author's count before and
    after today's posts (authors in increasing order, as ``np.unique``) and the largest after.
    """
    n = authors.size
    first = np.zeros(n, dtype=np.bool_)
    people = 0
    for k in range(n):
        a = authors[k]
        if mark[a] < 0:
            mark[a] = 0
            people += 1
    who = np.empty(people, dtype=np.int64)
    j = 0
    for k in range(n):
        a = authors[k]
        if mark[a] == 0:
            mark[a] = 1
            who[j] = a
            j += 1
    who.sort()
    before = np.empty(people, dtype=np.int64)
    after = np.empty(people, dtype=np.int64)
    for j in range(people):
        mark[who[j]] = j + 2  # 2 + the author's place in who
        before[j] = contributions[who[j]]
        after[j] = before[j]
    for k in range(n):  # the first post of each author today is their first ever if none before
        j = mark[authors[k]] - 2
        if after[j] == before[j] and before[j] == 0:
            first[k] = True
        after[j] += 1
    top = 0
    for j in range(people):
        a = who[j]
        contributions[a] = after[j]
        if before[j] > 0 and second_post_day[a] < 0:
            second_post_day[a] = day
        if after[j] > top:
            top = after[j]
        mark[a] = -1
    for k in range(n):
        a = authors[k]
        if first[k]:
            first_post_day[a] = day
        last_post_day[a] = day
        status[a] = contributor
    return first, before, after, top


@compiled
def recount(counts, before, after):
    """Move each author from their old count to their new one in the histogram."""
    for j in range(before.size):
        counts[before[j]] -= 1
        counts[after[j]] += 1


# --- the firm's answers and its queue ----------------------------------------------------------
@compiled
def answer(
    ids,
    promoted,
    decided,
    accepted,
    ignored,
    table,
    awards_newcomers,
    silent_frame,
    code,
    none,
    silent_code,
    pool_author,
    pool_first_post,
    pool_response,
):
    """What the authors of ``ids`` hear (``Organisation.answer``); records the firm's response.

    ``table[promoted, accepted]`` holds the feedback flags (reply, explanation, badge, credit)
    of the recognition policy; an ignored idea gets none. Returns, for the ideas with a consumer
    author: authors, replied, explained, badge, credited, outcome (NaN if undecided), silent,
    first post.
    """
    n = ids.size
    flags = np.zeros((n, 4), dtype=np.bool_)
    for k in range(n):
        i = ids[k]
        if not ignored:
            p = 1 if promoted[k] else 0
            a = 1 if accepted[k] else 0
            for f in range(4):
                flags[k, f] = table[p, a, f]
            if awards_newcomers and pool_first_post[i] and pool_response[i] == none:
                flags[k, 2] = True
        if silent_frame:
            flags[k, 0] = False
            flags[k, 1] = False
    unanswered = np.empty(n, dtype=np.bool_)
    mine = 0
    for k in range(n):
        unanswered[k] = pool_response[ids[k]] == none
        if pool_author[ids[k]] >= 0:
            mine += 1
    for k in range(n):
        if unanswered[k]:
            pool_response[ids[k]] = code if (flags[k, 0] or flags[k, 1]) else silent_code
    authors = np.empty(mine, dtype=np.int64)
    replied = np.empty(mine, dtype=np.bool_)
    explained = np.empty(mine, dtype=np.bool_)
    badge = np.empty(mine, dtype=np.bool_)
    credited = np.empty(mine, dtype=np.bool_)
    outcome = np.empty(mine)
    silent = np.empty(mine, dtype=np.bool_)
    first_post = np.empty(mine, dtype=np.bool_)
    j = 0
    for k in range(n):
        i = ids[k]
        if pool_author[i] >= 0:
            authors[j] = pool_author[i]
            replied[j] = flags[k, 0]
            explained[j] = flags[k, 1]
            badge[j] = flags[k, 2]
            credited[j] = flags[k, 3]
            outcome[j] = (1.0 if accepted[k] else 0.0) if decided[k] else np.nan
            silent[j] = decided[k] and not accepted[k] and not flags[k, 0]
            first_post[j] = pool_first_post[i]
            j += 1
    return authors, replied, explained, badge, credited, outcome, silent, first_post


@compiled
def pending(day, status, since, waiting):
    """Ideas submitted on or after ``since`` whose status is ``waiting``, oldest first."""
    start = np.searchsorted(day, since)
    count = 0
    for i in range(start, status.size):
        if status[i] == waiting:
            count += 1
    out = np.empty(count, dtype=np.int64)
    j = 0
    for i in range(start, status.size):
        if status[i] == waiting:
            out[j] = i
            j += 1
    return out


# --- arrivals ----------------------------------------------------------------------------------
@compiled
def prospects_and_inviters(status, prospect, active_today):
    """``np.flatnonzero(status == prospect)`` and ``np.flatnonzero(active_today)``."""
    n_prospects = 0
    n_inviters = 0
    for i in range(status.size):
        if status[i] == prospect:
            n_prospects += 1
        if active_today[i]:
            n_inviters += 1
    prospects = np.empty(n_prospects, dtype=np.int64)
    inviters = np.empty(n_inviters, dtype=np.int64)
    p = 0
    q = 0
    for i in range(status.size):
        if status[i] == prospect:
            prospects[p] = i
            p += 1
        if active_today[i]:
            inviters[q] = i
            q += 1
    return prospects, inviters


@compiled
def who_invites(inviters, draw, satisfaction, word_of_mouth):
    """The inviters whose number is below ``word_of_mouth * (1 + satisfaction) / 2``."""
    keep = np.empty(inviters.size, dtype=np.bool_)
    count = 0
    for k in range(inviters.size):
        keep[k] = draw[k] < word_of_mouth * (1 + satisfaction[inviters[k]]) / 2
        if keep[k]:
            count += 1
    out = np.empty(count, dtype=np.int64)
    j = 0
    for k in range(inviters.size):
        if keep[k]:
            out[j] = inviters[k]
            j += 1
    return out


@compiled
def friends_invited(inviters, draw, indptr, indices, degree):
    """One friend of each inviter (``Friendships.random_friend``), the friendless left out."""
    out = np.empty(inviters.size, dtype=np.int64)
    count = 0
    last = indices.size - 1
    for k in range(inviters.size):
        i = inviters[k]
        d = degree[i]
        if d > 0:
            pick = np.int64(draw[k] * d)
            out[count] = indices[min(indptr[i] + pick, last)]
            count += 1
    return out[:count].copy()


@compiled
def newcomers(unprompted, invited, draw, acceptance, status, prospect):
    """Unprompted arrivals and the invited who accept and are prospects, sorted, no repeats."""
    joined = np.empty(unprompted.size + invited.size, dtype=np.int64)
    count = 0
    for k in range(unprompted.size):
        joined[count] = unprompted[k]
        count += 1
    for k in range(invited.size):
        if draw[k] < acceptance and status[invited[k]] == prospect:
            joined[count] = invited[k]
            count += 1
    joined = np.sort(joined[:count])
    unique = 0
    for k in range(count):
        if k == 0 or joined[k] != joined[k - 1]:
            joined[unique] = joined[k]
            unique += 1
    return joined[:unique].copy()


# --- exponential smoothing (move_towards) ------------------------------------------------------
@compiled
def smooth_once(state, who, target, rate, mark):
    """``move_towards`` when no one repeats: ``state[i] += rate * (target - state[i])``.

    Returns ``(group, people)``: empty if it applied the moves; otherwise, when someone
    repeats, each answer's group and each group's person (nothing applied). ``mark`` is
    scratch, -1 everywhere on entry and on return.
    """
    n = who.size
    group = np.empty(n, dtype=np.int64)
    people = np.empty(n, dtype=np.int64)
    groups = 0
    for k in range(n):
        i = who[k]
        if mark[i] < 0:
            mark[i] = groups
            people[groups] = i
            groups += 1
        group[k] = mark[i]
    for g in range(groups):
        mark[people[g]] = -1
    if groups == n:
        for k in range(n):
            i = who[k]
            state[i] += rate[k] * (target[k] - state[i])
        return group[:0], people[:0]
    return group, people[:groups].copy()


@compiled
def smooth_sums(group, people, target, rate, logs):
    """Per person: the rate-weighted mean target and the sum of ``logs`` (``log1p(-rate)``).

    Summed in answer order, as ``np.bincount`` sums.
    """
    m = people.size
    weight = np.zeros(m)
    weighted = np.zeros(m)
    log_kept = np.zeros(m)
    for k in range(group.size):
        g = group[k]
        weight[g] += rate[k]
        weighted[g] += rate[k] * target[k]
        log_kept[g] += logs[k]
    mean_target = np.empty(m)
    for g in range(m):
        mean_target[g] = weighted[g] / (weight[g] if weight[g] > 0 else 1.0)
    return mean_target, log_kept


@compiled
def smooth_apply(state, people, mean_target, kept):
    """``state[people] += (1 - kept) * (mean_target - state[people])``."""
    for g in range(people.size):
        i = people[g]
        state[i] += (1.0 - kept[g]) * (mean_target[g] - state[i])


# --- stage gates (StageGates.advance) ----------------------------------------------------------
@compiled
def gates_due(open_rows, due, gate, day, last):
    """The open rows whose gate review (or final fix) ends by ``day``.

    Returns ``(due rows, rows reviewed, their gates, rows fixed after the last gate)``.
    """
    count = 0
    for r in open_rows:
        if due[r] <= day:
            count += 1
    rows = np.empty(count, dtype=np.int64)
    j = 0
    fixed = 0
    for r in open_rows:
        if due[r] <= day:
            rows[j] = r
            j += 1
            if gate[r] > last:
                fixed += 1
    review = np.empty(count - fixed, dtype=np.int64)
    g = np.empty(count - fixed, dtype=np.int64)
    done = np.empty(fixed, dtype=np.int64)
    a = 0
    b = 0
    for r in rows:
        if gate[r] > last:
            done[b] = r
            b += 1
        else:
            review[a] = r
            g[a] = gate[r]
            a += 1
    return rows, review, g, done


@compiled
def gates_found(review, g, found, hidden, found_at, found_total, rework_col, rework_days, cost):
    """Flaws found at the reviews: hidden ones go, counts and rework grow; returns the rework."""
    rework = np.empty(review.size)
    for k in range(review.size):
        r = review[k]
        n = 0
        for p in range(found.shape[1]):
            hidden[r, p] -= found[k, p]
            n += found[k, p]
        found_at[r, g[k]] += n
        found_total[g[k]] += n
        rework[k] = n * rework_days * cost[g[k]]
        rework_col[r] += rework[k]
    return rework


@compiled
def gates_moving(review, g, killed, rework, gate, last):
    """The reviewed concepts neither killed nor launched, and their next gates.

    Returns ``(launched, moving rows, their next gate, whether it is a gate, their rework)``.
    """
    n = review.size
    launched = np.empty(n, dtype=np.bool_)
    count = 0
    for k in range(n):
        launched[k] = g[k] == last and rework[k] == 0 and not killed[k]
        if not killed[k] and not launched[k]:
            count += 1
    moving = np.empty(count, dtype=np.int64)
    next_gate = np.empty(count, dtype=np.int64)
    in_gates = np.empty(count, dtype=np.bool_)
    moving_rework = np.empty(count)
    j = 0
    for k in range(n):
        if not killed[k] and not launched[k]:
            moving[j] = review[k]
            next_gate[j] = gate[review[k]] + 1
            in_gates[j] = next_gate[j] <= last
            moving_rework[j] = rework[k]
            j += 1
    return launched, moving, next_gate, in_gates, moving_rework


@compiled
def gates_move(
    moving,
    next_gate,
    in_gates,
    moving_rework,
    stall,
    day,
    durations,
    factor,
    last,
    gate,
    due,
    stalls,
):
    """Concepts move on: next gate, when it ends (rework, the gate's days, any stall)."""
    for j in range(moving.size):
        r = moving[j]
        extra = durations[min(next_gate[j], last)] * factor + stall[j] if in_gates[j] else 0.0
        gate[r] = next_gate[j]
        due[r] = day + moving_rework[j] + extra
        stalls[r] += stall[j] if in_gates[j] else 0.0


@compiled
def gates_decided(
    done, review, launched, killed, state, decision_day, day, accepted_code, killed_code
):
    """The day's decisions: accepted (fixed, then launched) and killed rows; their states."""
    n_launched = 0
    n_killed = 0
    for k in range(review.size):
        if launched[k]:
            n_launched += 1
        if killed[k]:
            n_killed += 1
    n_accepted = done.size + n_launched
    rows = np.empty(n_accepted + n_killed, dtype=np.int64)
    j = 0
    for r in done:
        rows[j] = r
        j += 1
    for k in range(review.size):
        if launched[k]:
            rows[j] = review[k]
            j += 1
    for k in range(review.size):
        if killed[k]:
            rows[j] = review[k]
            j += 1
    accepted = np.empty(rows.size, dtype=np.bool_)
    for j in range(rows.size):
        accepted[j] = j < n_accepted
        state[rows[j]] = accepted_code if accepted[j] else killed_code
        decision_day[rows[j]] = day
    return rows, accepted, n_accepted


@compiled
def still_open(open_rows, state, open_code):
    """The rows of ``open_rows`` still open."""
    count = 0
    for r in open_rows:
        if state[r] == open_code:
            count += 1
    out = np.empty(count, dtype=np.int64)
    j = 0
    for r in open_rows:
        if state[r] == open_code:
            out[j] = r
            j += 1
    return out


@compiled
def count_quality(points, quality, feasible, on_strategy, counts, steps):
    """``Community._count_quality``: the histogram (bins of 1/steps, ``np.rint``) grows in place.

    Returns the sum of the qualities (numpy's pairwise sum) and the counts feasible, on
    strategy, and both.
    """
    n = points.size
    values = np.empty(n)
    n_feasible = 0
    n_strategic = 0
    n_both = 0
    for k in range(n):
        p = points[k]
        values[k] = quality[p]
        counts[np.int64(np.rint(quality[p] * steps))] += 1
        if feasible[p]:
            n_feasible += 1
        if on_strategy[p]:
            n_strategic += 1
        if feasible[p] and on_strategy[p]:
            n_both += 1
    return pairwise_sum(values, n), n_feasible, n_strategic, n_both
