"""The names a scenario chooses from, declared once: policy kinds and response styles.

Both the scenario (the allowed values of each ``kind`` key) and the model (the registry of
policy classes, the marketers' answers) read these enums, so neither copies the other and the
scenario never imports the model. Each policy family also says which scenario key chooses its
kind and which table holds its parameters (:data:`POLICY_FAMILIES`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ResponseStyle(StrEnum):
    """How a marketer answers a reviewed idea."""

    SILENT = "silent"
    REPLY = "reply"
    EXPLAIN = "explain"


class RewardKind(StrEnum):
    """Reward schemes: cash ones, and early access to what the firm builds (no cash)."""

    NONE = "none"
    PER_IDEA = "per_idea"
    PER_ACCEPTED = "per_accepted"
    CONTEST = "contest"
    EARLY_ACCESS = "early_access"


class RecognitionKind(StrEnum):
    """Non-cash recognition programmes."""

    NONE = "none"
    REPLY = "reply"
    FEATURE = "feature"
    INFLUENCE = "influence"


class ControlKind(StrEnum):
    """Control over the result: open, framed, or the closed "test machine"."""

    OPEN = "open"
    FRAMED = "framed"
    CLOSED = "closed"


class ExpectationKind(StrEnum):
    """Expectation setting."""

    NONE = "none"
    UPFRONT = "upfront"


class TeamKind(StrEnum):
    """Who sits on the decision team."""

    INTERNAL = "internal"
    COCREATION = "cocreation"


class TriageKind(StrEnum):
    """Which ideas the marketers read first."""

    MOST_VOTED = "most_voted"
    OLDEST = "oldest"
    NEWCOMERS = "newcomers_first"
    RANDOM = "random"
    MIXED = "mixed"


class AdaptationKind(StrEnum):
    """How the organisation adapts during a run: not at all, its staff, or its cash scheme."""

    FIXED = "fixed"
    STAFF_TO_QUEUE = "staff_to_queue"
    STOP_CASH = "stop_cash"


@dataclass(frozen=True)
class PolicyFamily:
    """One family of policies: its kinds, the key that chooses one, the table of its parameters."""

    name: str
    kinds: type[StrEnum]
    key: str  # e.g. "policies.reward.kind"
    table: str  # e.g. "policies.reward"


POLICY_FAMILIES: dict[str, PolicyFamily] = {
    family.name: family
    for family in (
        PolicyFamily("reward", RewardKind, "policies.reward.kind", "policies.reward"),
        PolicyFamily(
            "recognition", RecognitionKind, "policies.recognition.kind", "policies.recognition"
        ),
        PolicyFamily("control", ControlKind, "policies.control.kind", "policies.control"),
        PolicyFamily(
            "expectations", ExpectationKind, "policies.expectations.kind", "policies.expectations"
        ),
        PolicyFamily("decision", TeamKind, "decision.team", "decision"),
        PolicyFamily("triage", TriageKind, "policies.triage.kind", "policies.triage"),
        PolicyFamily(
            "adaptation", AdaptationKind, "policies.adaptation.kind", "policies.adaptation"
        ),
    )
}
