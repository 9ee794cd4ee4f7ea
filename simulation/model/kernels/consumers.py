"""The consumers' kernels: arrivals, taking part, posts, answers heard, drift and exits."""

from __future__ import annotations

import numpy as np

from simulation.model.kernels.compiling import compiled


# --- participation -------------------------------------------------------------------------
@compiled
def update_active_friends(
    rows, member, last_active, since, active_this_week, active_friends, indptr, indices
):
    """Keep each consumer's count of friends active this week (``ConsumerPopulation.bond``).

    A consumer is active this week if a member who took part on day ``since`` or later; the
    friends of each of ``rows`` whose flag changed gain or lose one.
    """
    for i in rows:
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
    members,
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
    """Drift, then exits (``ConsumerPopulation.end_of_day``): ``(leavers, members who stay)``.

    ``members``: the members' rows in index order.
    ``draw``: one uniform number per member, in index order (``rng.random(members)``).
    ``rates``: recognition kept, interest recovery, satisfaction kept, exit base, inactive,
    dissatisfaction and friends-left hazards.
    """
    kept_recognition, recovery, kept_satisfaction = rates[0], rates[1], rates[2]
    base, inactive, dissatisfied, friends = rates[3], rates[4], rates[5], rates[6]
    for i in range(recognition.size):  # in index order: a loop the compiler vectorises
        recognition[i] *= kept_recognition
        intrinsic[i] += recovery * (intrinsic_base[i] - intrinsic[i])
        satisfaction[i] *= kept_satisfaction
    leaving = np.zeros(draw.size, dtype=np.int64)
    staying = np.empty(members.size, dtype=np.int64)
    count = 0
    stay = 0
    for k in range(members.size):
        i = members[k]
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
        else:
            staying[stay] = i
            stay += 1
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
    return leavers, staying[:stay].copy()


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


# --- arrivals ----------------------------------------------------------------------------------
@compiled
def flagged(rows, flag):
    """The ``rows`` whose ``flag`` is set, in their order (``rows[flag[rows]]``)."""
    out = np.empty(rows.size, dtype=np.int64)
    count = 0
    for i in rows:
        if flag[i]:
            out[count] = i
            count += 1
    return out[:count].copy()


@compiled
def leave_tree(tree, rows):
    """Take ``rows`` (0-based) out of a Fenwick tree of prospects (``prospect_tree``)."""
    n = tree.size - 1
    for r in rows:
        i = r + 1
        while i <= n:
            tree[i] -= 1
            i += i & -i


@compiled
def kth_prospects(tree, positions):
    """Row of the k-th prospect (0-based, in index order) for each k of ``positions``.

    What indexing ``np.flatnonzero(status == prospect)`` with ``positions`` gives, found by
    descending the Fenwick tree instead of listing every prospect.
    """
    n = tree.size - 1
    top = 1
    while top * 2 <= n:
        top *= 2
    out = np.empty(positions.size, dtype=np.int64)
    for k in range(positions.size):
        left = positions[k] + 1  # prospects still to pass, this one included
        at = 0
        step = top
        while step > 0:
            if at + step <= n and tree[at + step] < left:
                at += step
                left -= tree[at]
            step //= 2
        out[k] = at  # the 1-based position at + 1, as a row
    return out


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
