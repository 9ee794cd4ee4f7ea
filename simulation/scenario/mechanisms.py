"""Mechanisms and the switches that turn each one off.

Every mechanism that could carry an answer to a belief is switched off by ordinary scenario
parameters (``off``: ``--set`` overrides), so a report can show how much of an effect each one
carries (attribution: the effect with everything on, and with each mechanism off in turn, same
seeds), and researchers can sweep the switches like any other parameter.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mechanism:
    """One mechanism of the model and how to switch it off."""

    key: str
    label: str  # a reader's name for it: "crowding-out of intrinsic interest"
    off: tuple[str, ...]  # ``key=value`` overrides that switch it off
    meaning: str  # what it does, in one sentence
    sources: str  # whom it rests on


MECHANISMS: dict[str, Mechanism] = {
    m.key: m
    for m in (
        Mechanism(
            "crowding_out",
            "crowding-out",
            ("consumers.crowding_out=0",),
            "Taking part under a cash scheme wears down intrinsic interest.",
            "Deci, Koestner & Ryan 1999",
        ),
        Mechanism(
            "cash_pull",
            "finance (the pull of cash)",
            ("consumers.weight_money=0", "consumers.cash_idea_rate=0"),
            "Cash on offer pulls members in and draws extra, paid-for ideas.",
            "Cerasoli, Nicklin & Ford 2014",
        ),
        Mechanism(
            "feedback",
            "feedback raises interest",
            ("consumers.feedback_boost=0",),
            "A reply, an explanation or a badge raises the author's intrinsic interest.",
            "Deci, Koestner & Ryan 1999",
        ),
        Mechanism(
            "recognition",
            "recognition (replies and badges)",
            ("consumers.weight_recognition=0",),
            "Recognition received is a benefit of taking part.",
            "Joyce & Kraut 2006; Gallus 2017",
        ),
        Mechanism(
            "peer_recognition",
            "peer recognition (the audience)",
            ("policies.recognition.peer_value=0",),
            "Up-votes and builds received are recognition, so a larger audience rewards more.",
            "Kraut & Resnick 2012; Restivo & van de Rijt 2012",
        ),
        Mechanism(
            "first",
            "first (early access)",
            ("policies.reward.access_value=0",),
            "Recent contributors get early access to what the firm builds (no cash).",
            "practitioners' five F's (a scenario assumption)",
        ),
        Mechanism(
            "friendship",
            "friendship",
            ("consumers.weight_bond=0", "consumers.exit_friends=0"),
            "Friends active in the community pull one in; friends who left push one out.",
            "Ren & Kraut (community model)",
        ),
        Mechanism(
            "influence",
            "expected influence",
            ("consumers.weight_influence=0",),
            "The chance of acceptance a member expects is a benefit of taking part.",
            "Huang, Singh & Srinivasan 2014",
        ),
        Mechanism(
            "silence",
            "the sting of silence",
            ("consumers.silent_penalty=0",),
            "An idea rejected or left unread without a word lowers satisfaction, newcomers' most.",
            "Piezunka & Dahlander 2019; Halfaker et al. 2013",
        ),
        Mechanism(
            "disconfirmation",
            "disconfirmation",
            ("consumers.disconfirmation_weight=0",),
            "An answer better (worse) than expected raises (lowers) satisfaction.",
            "Oliver 1980",
        ),
        Mechanism(
            "dialogue",
            "dialogue",
            ("marketers.dialogue_steps=0",),
            "Explaining a decision first works the idea over with its author.",
            "von Hippel 1994; Poetz & Schreier 2012",
        ),
        Mechanism(
            "need_learning",
            "learning needs in dialogue",
            ("marketers.learning=0",),
            "Each dialogue may teach the firm a need it did not know; it judges ideas with it.",
            "von Hippel 1994",
        ),
        Mechanism(
            "assimilation",
            "assimilation (the expectation path)",
            ("consumers.expectation_weight=0",),
            "Who expected more rates the same decision higher.",
            "Oliver 1980; Schiebler, Lee & Brodbeck 2025",
        ),
        Mechanism(
            "fairness",
            "fairness of the process",
            ("consumers.fairness_bonus=0",),
            "An explained decision, or one by criteria stated up front, satisfies more.",
            "Franke, Keinz & Klausberger 2013",
        ),
        Mechanism(
            "flaw_growth",
            "flaws grow with novelty and ruggedness",
            ("decision.flaws_novelty=0", "decision.flaws_ruggedness=0"),
            "Novel concepts on rugged problems carry more hidden flaws.",
            "Grim et al. 2019",
        ),
        Mechanism(
            "test_gate",
            "testing finds what reviews missed",
            ("decision.test_detection=0",),
            "The test gate surfaces flaws whatever the team covers, at a late, high rework cost.",
            "Stecklein et al. 2004",
        ),
        Mechanism(
            "build_capacity",
            "finite development capacity",
            ("decision.build_slots=0",),
            "Accepted ideas wait for a free development slot before they launch.",
            "Bettiga & Lamberti 2019",
        ),
        Mechanism(
            "misreading",
            "misread constraints",
            ("policies.control.misreading=0",),
            "Consumers read some disclosed constraints the wrong way round.",
            "Huang, Singh & Srinivasan 2014 (framing); the error rate is a modelling choice",
        ),
        Mechanism(
            "anchoring",
            "a frame narrows search",
            ("policies.control.anchoring=0",),
            "The brief anchors new ideas at the current product, so novelty falls.",
            "Acar, Tarakci & van Knippenberg 2019",
        ),
        Mechanism(
            "autonomy",
            "control costs autonomy",
            ("policies.control.autonomy_cost=0",),
            "Taking part under a controlling brief wears down intrinsic interest.",
            "Deci & Ryan 2000",
        ),
        Mechanism(
            "novelty_value",
            "novelty is worth something",
            ("ideas.novelty_weight=0",),
            "An accepted idea is valued for its novelty as well as its quality.",
            "Poetz & Schreier 2012",
        ),
        Mechanism(
            "coordination",
            "coordination cost",
            ("decision.coordination=0",),
            "Every extra member of the decision team slows each gate review.",
            "Bettiga & Lamberti 2019",
        ),
    )
}
