"""The firm's kernels: its answers, the pending queue and the stage gates' day."""

from __future__ import annotations

import numpy as np

from simulation.model.kernels.compiling import compiled
from simulation.model.kernels.sorting import merge_sorted
from simulation.model.kernels.summation import pairwise_sum

# --- the firm's answers and its queue ----------------------------------------------------------
# the flags an author hears with an answer: the rows of ``answer``'s ``flags``, in this order
HEARD = ("replied", "explained", "badge", "credited", "silent", "first_post", "read")


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
    authors,
    flags,
    outcome,
    start,
):
    """What the authors of ``ids`` hear (``Organisation.answer``); records the firm's response.

    ``table[promoted, accepted]`` holds the feedback flags (reply, explanation, badge, credit)
    of the recognition policy; an ignored idea gets none. For the ideas with a consumer author
    it writes, from entry ``start`` on, the author to ``authors``, the flags of :data:`HEARD`
    to the rows of ``flags`` (replied, explained, badge, credited, silent, first post, read)
    and the outcome (NaN if undecided) to ``outcome``: the day's answers are gathered in these
    buffers, which the caller keeps large enough (one entry per idea of ``ids`` is enough), in
    place of eight new arrays per call and their concatenation at the day's end. ``ids`` are
    distinct (an idea is answered once at a time). Returns the number of entries filled in all.
    """
    j = start
    for k in range(ids.size):
        i = ids[k]
        replied = False
        explained = False
        badge = False
        credited = False
        if not ignored:
            p = 1 if promoted[k] else 0
            a = 1 if accepted[k] else 0
            replied = table[p, a, 0]
            explained = table[p, a, 1]
            badge = table[p, a, 2]
            credited = table[p, a, 3]
            if awards_newcomers and pool_first_post[i] and pool_response[i] == none:
                badge = True
        if silent_frame:
            replied = False
            explained = False
        if pool_response[i] == none:  # an idea's first answer is its response
            pool_response[i] = code if (replied or explained) else silent_code
        if pool_author[i] >= 0:
            authors[j] = pool_author[i]
            flags[0, j] = replied
            flags[1, j] = explained
            flags[2, j] = badge
            flags[3, j] = credited
            flags[4, j] = decided[k] and not accepted[k] and not replied
            flags[5, j] = pool_first_post[i]
            flags[6, j] = not ignored
            outcome[j] = (1.0 if accepted[k] else 0.0) if decided[k] else np.nan
            j += 1
    return j


@compiled
def marketers_read(state, kind, kind_cost, queue_size):
    """The marketers' day of reading (``Organisation.marketers_read``), in their reading order.

    ``state`` holds each marketer's time left over, capacity and review noise (one row each);
    the time column is updated in place. ``kind`` is each marketer's response-style code and
    ``kind_cost`` the review time one idea takes in each style. Replaces ``Marketer.step``'s
    arithmetic as numpy did it over the team (``want = (time + 1e-9) // cost``, the cumulative
    stretches of the queue clipped to what is left, ``time -= taken * cost``, ``time %= cost``
    where the queue ran dry), value for value. Returns the ideas each marketer takes, then one
    entry per idea taken (in queue order): its reviewer's noise and style code.
    """
    n = kind.size
    taken = np.empty(n, dtype=np.int64)
    before = 0  # ideas wanted by the marketers who read earlier
    for k in range(n):
        cost = kind_cost[kind[k]]
        time = state[k, 0] + state[k, 1]
        want = np.int64((time + 1e-9) // cost)
        taken[k] = min(max(queue_size - before, 0), want)
        before += want
        time -= taken[k] * cost
        if time >= cost - 1e-9:  # the queue ran dry: unused time does not pile up
            time %= cost
        state[k, 0] = time
    total = 0
    for k in range(n):
        total += taken[k]
    noise = np.empty(total)
    code = np.empty(total, dtype=np.int64)
    j = 0
    for k in range(n):
        for _ in range(taken[k]):
            noise[j] = state[k, 2]
            code[j] = kind[k]
            j += 1
    return taken, noise, code


@compiled
def review(
    ids, draws, noise, firm_view, point, threshold, review_day, status, day, concept, rejected
):
    """The marketers' estimates of ``ids`` (``marketer.review``); returns which are promoted.

    Each estimate is the firm's view of the idea plus the reviewer's error, ``draws * noise``
    (the standard normal draws made by the caller); an idea clearing ``threshold`` becomes a
    concept, any other is rejected, and every one is marked reviewed today. Replaces the numpy
    gather, product, sum, comparison and ``np.where`` of the same order.
    """
    promote = np.empty(ids.size, dtype=np.bool_)
    for k in range(ids.size):
        i = ids[k]
        review_day[i] = day
        promote[k] = firm_view[point[i]] + draws[k] * noise[k] >= threshold
        status[i] = concept if promote[k] else rejected
    return promote


@compiled
def record_times(counts, day, submitted, rows):
    """Days from submission to decision of ``rows`` added to the histogram ``counts``.

    Replaces ``np.add.at(counts, day - submitted[rows], 1)``. When a time does not fit, nothing
    is added and the size the histogram must grow to (twice the longest time, plus one) is
    returned; otherwise 0.
    """
    longest = -1
    for r in rows:
        longest = max(longest, day - submitted[r])
    if longest >= counts.size:
        return 2 * longest + 1
    for r in rows:
        counts[day - submitted[r]] += 1
    return 0


@compiled
def decided_ideas(ids, accepted, status, decision_day, day, accepted_code, killed_code, author):
    """The ideas decided today (``Organisation.decide``): status and decision day set.

    Replaces ``np.where`` over ``accepted``, two scatters and two gathers. Returns the
    consumer authors of the accepted ideas, in the order decided.
    """
    count = 0
    for k in range(ids.size):
        i = ids[k]
        status[i] = accepted_code if accepted[k] else killed_code
        decision_day[i] = day
        if accepted[k] and author[i] >= 0:
            count += 1
    authors = np.empty(count, dtype=np.int64)
    j = 0
    for k in range(ids.size):
        if accepted[k] and author[ids[k]] >= 0:
            authors[j] = author[ids[k]]
            j += 1
    return authors


@compiled
def accepted_figures(quality, kept, hidden, rows):
    """The accepted concepts' figures (``Organisation.count_decisions``).

    ``quality``: the qualities accepted today, sorted (``np.sort``); ``kept``: those accepted
    before, sorted. Returns ``kept`` with today's merged in (each before any equal one, as
    ``np.insert`` at ``np.searchsorted``), today's sum (numpy's pairwise sum) and the flaws
    still hidden in ``rows`` (``hidden[rows].sum()``). Qualities are never NaN.
    """
    merged = merge_sorted(kept, quality)
    escaped = 0
    for r in rows:
        for p in range(hidden.shape[1]):
            escaped += hidden[r, p]
    return merged, pairwise_sum(quality, quality.size), escaped


@compiled
def expire(day, status, since, cutoff, waiting, ignored):
    """The ideas waiting since ``since``, split at ``cutoff`` (``Organisation.expire``).

    Those submitted by ``cutoff`` waited too long: their status becomes ``ignored``. Replaces
    :func:`pending` followed by a gather, a comparison, two masks and a scatter. Returns
    ``(expired, still waiting)``, each oldest first.
    """
    ids = pending(day, status, since, waiting)
    n_old = 0
    for i in ids:
        if day[i] <= cutoff:
            n_old += 1
    old = np.empty(n_old, dtype=np.int64)
    still = np.empty(ids.size - n_old, dtype=np.int64)
    a = 0
    b = 0
    for i in ids:
        if day[i] <= cutoff:
            old[a] = i
            status[i] = ignored
            a += 1
        else:
            still[b] = i
            b += 1
    return old, still


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
def gates_moving(review, g, passed, vetoed, rework, gate, last):
    """The reviewed concepts killed, launched, or moving on to their next gates.

    A concept is killed at the concept gate when it does not pass the screen (``passed``) and
    at any gate a stakeholder vetoes it (``vetoed``; empty when no one can veto); replaces
    ``(g == 0) & ~passed | vetoed``. Returns ``(killed, launched, moving rows, their next gate,
    whether it is a gate, their rework)``.
    """
    n = review.size
    killed = np.empty(n, dtype=np.bool_)
    launched = np.empty(n, dtype=np.bool_)
    count = 0
    for k in range(n):
        killed[k] = (g[k] == 0 and not passed[k]) or (vetoed.size > 0 and vetoed[k])
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
    return killed, launched, moving, next_gate, in_gates, moving_rework


@compiled
def gates_close(
    moving,
    next_gate,
    in_gates,
    moving_rework,
    stall,
    day,
    durations,
    factor,
    last,
    done,
    review,
    launched,
    killed,
    open_rows,
    concepts,
    slots,
    build_days,
    accepted_code,
    killed_code,
    open_code,
):
    """The end of the gates' day: concepts move on, the day's decisions, launches, what is open.

    Concepts moving on get their next gate and when it ends (rework, the gate's days, any
    stall); the accepted (fixed after the last gate, then launched) and the killed are decided
    today and the accepted queued for development (:func:`schedule_launches`); the rows still
    open are kept. ``concepts`` holds the pipeline's columns (idea, gate, due, stall, state,
    decision day, launch day). Returns the decided rows, their ideas, which were accepted and
    the rows still open.
    """
    idea, gate, due, stalls, state, decision_day, launch_day = concepts
    for j in range(moving.size):
        r = moving[j]
        extra = durations[min(next_gate[j], last)] * factor + stall[j] if in_gates[j] else 0.0
        gate[r] = next_gate[j]
        due[r] = day + moving_rework[j] + extra
        stalls[r] += stall[j] if in_gates[j] else 0.0
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
    ideas = np.empty(rows.size, dtype=np.int64)
    for j in range(rows.size):
        accepted[j] = j < n_accepted
        state[rows[j]] = accepted_code if accepted[j] else killed_code
        decision_day[rows[j]] = day
        ideas[j] = idea[rows[j]]
    schedule_launches(rows[:n_accepted], day, slots, launch_day, build_days)
    count = 0
    for r in open_rows:
        if state[r] == open_code:
            count += 1
    still_open = np.empty(count, dtype=np.int64)
    j = 0
    for r in open_rows:
        if state[r] == open_code:
            still_open[j] = r
            j += 1
    return rows, ideas, accepted, still_open


@compiled
def schedule_launches(rows, day, slots, launch_day, build_days):
    """``StageGates.schedule_launches``: first decided, first built, in the slot free first.

    With no slots development is unlimited. Replaces a Python loop of ``slots.argmin()`` (the
    first of equal slots) and ``max(float(day), slots[slot])``.
    """
    if slots.size == 0:
        for r in rows:
            launch_day[r] = day + build_days
        return
    for r in rows:
        slot = 0
        for s in range(1, slots.size):
            if slots[s] < slots[slot]:
                slot = s
        start = slots[slot] if slots[slot] > day else float(day)
        slots[slot] = start + build_days
        launch_day[r] = start + build_days


@compiled
def count_quality(points, quality, feasible, on_strategy, counts, steps):
    """``Community._count_quality``: the histogram (bins of 1/steps, ``np.rint``) grows in place.

    Also the promoted ideas' figures of ``Organisation.close_review`` (there in place of
    ``np.bincount`` of ``np.rint(quality * steps)`` and ``quality.sum()``).

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


# --- concepts admitted to the gates (StageGates.admit) -------------------------------------------
@compiled
def flaw_rate(novelty, flaws_novelty, flaws_per_concept, rugged, share):
    """Mean hidden flaws of concepts of the given novelty, divided by ``share``.

    ``flaws_per_concept * max(1 + flaws_novelty * (2 * novelty - 1), 0) * rugged / share``, in
    numpy's order (``np.maximum`` keeps a ``-0.0`` and a NaN as numpy does); replaces the five
    numpy calls of ``StageGates.flaw_rate`` and the division of ``StageGates.admit``.
    """
    rate = np.empty(novelty.size)
    for k in range(novelty.size):
        novel = 1.0 + flaws_novelty * (2.0 * novelty[k] - 1.0)
        if not (novel >= 0.0 or np.isnan(novel)):
            novel = 0.0
        rate[k] = flaws_per_concept * novel * rugged / share
    return rate
