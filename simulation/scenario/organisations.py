"""Several organisations in one scenario: ``[[organisations]]`` entries, by name.

A scenario without ``[[organisations]]`` has one firm, made of its top-level tables. With them,
each entry is an organisation with a ``name`` and a ``role`` (``firm``: it runs a community
and decides its ideas) that starts from the top-level tables and changes only what it writes
under them (``marketers``, ``organisation``, ``policies``, ``decision``)::

    [[organisations]]
    name = "recogniser"
    [organisations.policies.recognition]
    kind = "feature"

    [[organisations]]
    name = "payer"
    [organisations.policies.reward]
    kind = "per_idea"

A ``co_owner`` shares the projects of a firm (``partner``, default the first firm) as one more
co-owner agent of that firm; it sets only the co-owner keys of the firm's organisation table
(``organisation.co_owners_on_team``, ``organisation.support_loss``, ...)::

    [[organisations]]
    name = "housing"
    role = "co_owner"
    partner = "firm"
    [organisations.organisation]
    co_owners_on_team = false

Key paths reach into an organisation by name: ``organisations.payer.policies.reward.amount``
(``--set``, experiment factors, the dashboard). Setting a top-level key changes every
organisation that does not set it itself. The community, consumers, ideas and run tables are
shared: all firms recruit from one population and work on one market.
"""

from __future__ import annotations

from dataclasses import replace
from functools import reduce
from typing import Any

from simulation.scenario.parameters import (
    CO_OWNER_KEYS,
    FIRM_TABLES,
    FOCAL,
    ROLES,
    OrganisationEntry,
    OrganisationParams,
    Scenario,
)
from simulation.scenario.values import ScenarioError, merge_tables, set_plain_values

ENTRY_KEYS = ("name", "role", "partner")


def organisation_scenarios(scenario: Scenario) -> list[tuple[str, str, Scenario]]:
    """Each firm as ``(name, "firm", scenario as it runs it)``, in the file's order.

    A scenario without ``[[organisations]]`` gives one firm named ``firm``. Co-owners are not
    in this list: see :func:`named_co_owners`.
    """
    if not scenario.organisations:
        return [(FOCAL, "firm", scenario)]
    shared = replace(scenario, organisations=())
    return [
        (e.name, e.role, set_plain_values(shared, dict(e.settings), f"organisations.{e.name}"))
        for e in scenario.organisations
        if e.role == "firm"
    ]


def named_co_owners(scenario: Scenario) -> dict[str, list[tuple[str, OrganisationParams]]]:
    """Firm name -> its named co-owners as ``(name, their co-owner settings)``.

    A co-owner's settings are its partner's organisation table with the co-owner's own keys.
    """
    firms = {name: firm for name, _, firm in organisation_scenarios(scenario)}
    out: dict[str, list[tuple[str, OrganisationParams]]] = {name: [] for name in firms}
    for e in scenario.organisations:
        if e.role == "co_owner":
            partner = partner_of(e, scenario)
            own = set_plain_values(firms[partner], dict(e.settings), f"organisations.{e.name}")
            out[partner].append((e.name, own.organisation))
    return out


def partner_of(entry: OrganisationEntry, scenario: Scenario) -> str:
    """The firm a co-owner shares projects with (its ``partner``, else the first firm)."""
    firms = [e.name for e in scenario.organisations if e.role == "firm"]
    return entry.partner or (firms[0] if firms else "")


def is_entry_key(key: str) -> bool:
    """Whether ``key`` reaches into an organisation (``organisations.NAME.table.key``)."""
    return key.startswith("organisations.")


def plain_key(key: str) -> str:
    """The key path inside an organisation (``organisations.NAME.a.b`` -> ``a.b``), else ``key``.

    >>> plain_key("organisations.payer.policies.reward.kind"), plain_key("run.days")
    ('policies.reward.kind', 'run.days')
    """
    if not is_entry_key(key):
        return key
    return key.split(".", 2)[2] if key.count(".") >= 2 else ""


def entry_name(key: str) -> str:
    """The organisation a key path reaches into (``""`` for a top-level key)."""
    return key.split(".")[1] if is_entry_key(key) else ""


def flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested TOML tables as ``{key.path: value}``.

    >>> flatten({"policies": {"reward": {"kind": "per_idea"}}})
    {'policies.reward.kind': 'per_idea'}
    """
    out: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[prefix + key] = value
    return out


def merge_entries(base: list[Any], top: list[Any]) -> list[Any]:
    """``extends`` for ``[[organisations]]``: entries of the same name merge, new ones append."""
    out = list(base)
    names = [e.get("name") if isinstance(e, dict) else None for e in out]
    for entry in top:
        name = entry.get("name") if isinstance(entry, dict) else None
        if name is not None and name in names:
            i = names.index(name)
            out[i] = merge_tables(out[i], entry)
        else:
            out.append(entry)
            names.append(name)
    return out


def build_entries(items: Any, scenario: Scenario, source: str) -> tuple[OrganisationEntry, ...]:
    """Validate ``[[organisations]]`` as read from TOML against the top-level ``scenario``."""
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ScenarioError(
            'expected a list of tables: [[organisations]] with name = "..." and its own tables',
            source=source,
            key="organisations",
        )
    entries: list[OrganisationEntry] = []
    for i, item in enumerate(items):
        name = item.get("name")
        if not isinstance(name, str) or not name:
            raise ScenarioError(
                'every organisation needs a name, e.g. name = "rival"',
                source=source,
                key=f"organisations[{i}].name",
            )
        where = f"organisations.{name}"
        _check_name(name, [e.name for e in entries], source, where)
        role = item.get("role", "firm")
        if role not in ROLES:
            raise ScenarioError(
                f"'{role}' is not a role; choose one of: {', '.join(ROLES)}",
                source=source,
                key=f"{where}.role",
            )
        partner = item.get("partner", "")
        if not isinstance(partner, str):
            raise ScenarioError(
                'expected the name of a firm, e.g. partner = "firm"',
                source=source,
                key=f"{where}.partner",
            )
        entry = OrganisationEntry(name, role, partner=partner)
        values = flatten({k: v for k, v in item.items() if k not in ENTRY_KEYS})
        for key, value in values.items():
            entry = set_setting(entry, key, value, scenario, source)
        entries.append(entry)
    check_entries(tuple(entries), source)
    return tuple(entries)


def check_entries(entries: tuple[OrganisationEntry, ...], source: str) -> None:
    """Rules across entries: at least one firm; a co-owner's partner is one of the firms."""
    firms = [e.name for e in entries if e.role == "firm"]
    for e in entries:
        where = f"organisations.{e.name}"
        if e.role == "firm" and e.partner:
            raise ScenarioError(
                'only a co-owner has a partner; remove partner or set role = "co_owner"',
                source=source,
                key=f"{where}.partner",
            )
        if e.role != "co_owner":
            continue
        if not firms:
            raise ScenarioError(
                "a co-owner needs a firm to share projects with: add an [[organisations]] "
                'entry with role = "firm"',
                source=source,
                key=f"{where}.role",
            )
        if e.partner and e.partner not in firms:
            raise ScenarioError(
                f"no firm named '{e.partner}' (firms: {', '.join(firms)})",
                source=source,
                key=f"{where}.partner",
            )


def set_entry_key(scenario: Scenario, key: str, value: Any, source: str) -> Scenario:
    """Set ``organisations.NAME.<key path>`` (or ``.role``) in ``scenario``."""
    _, _, rest = key.partition(".")
    name, _, path = rest.partition(".")
    names = [e.name for e in scenario.organisations]
    if name not in names:
        known = ", ".join(names) if names else "none: this scenario has no [[organisations]]"
        raise ScenarioError(
            f"no organisation named '{name}' (organisations: {known})", source=source, key=key
        )
    if not path:
        raise ScenarioError(
            f"name a key of the organisation, e.g. {key}.policies.reward.kind",
            source=source,
            key=key,
        )
    i = names.index(name)
    entry = scenario.organisations[i]
    if path == "role":
        if value not in ROLES:
            raise ScenarioError(
                f"'{value}' is not a role; choose one of: {', '.join(ROLES)}",
                source=source,
                key=key,
            )
        entry = replace(entry, role=value)
        for setting, setting_value in entry.settings:  # its keys must suit the new role
            set_setting(entry, setting, setting_value, replace(scenario, organisations=()), source)
    elif path == "partner":
        if not isinstance(value, str):
            raise ScenarioError("expected the name of a firm", source=source, key=key)
        entry = replace(entry, partner=value)
    elif path == "name":
        raise ScenarioError("an organisation's name cannot be set", source=source, key=key)
    else:
        entry = set_setting(entry, path, value, replace(scenario, organisations=()), source)
    entries = list(scenario.organisations)
    entries[i] = entry
    check_entries(tuple(entries), source)
    return replace(scenario, organisations=tuple(entries))


def set_setting(
    entry: OrganisationEntry, path: str, value: Any, scenario: Scenario, source: str
) -> OrganisationEntry:
    """``entry`` with its own value at ``path``, checked and typed as the top-level key is."""
    key = f"organisations.{entry.name}.{path}"
    head = path.split(".")[0]
    if entry.role == "co_owner" and path not in CO_OWNER_KEYS:
        raise ScenarioError(
            "a co-owner sets only its own co-owner keys: "
            + ", ".join(CO_OWNER_KEYS)
            + " (the firm's other keys belong to the firm)",
            source=source,
            key=key,
        )
    if head not in FIRM_TABLES:
        raise ScenarioError(
            f"'{head}' is shared by every organisation; set it at the top level, or set one of "
            f"an organisation's own tables: {', '.join(FIRM_TABLES)}",
            source=source,
            key=key,
        )
    try:
        typed = reduce(getattr, path.split("."), set_plain_values(scenario, {path: value}, source))
    except ScenarioError as err:
        raise ScenarioError(err.detail, source=source, key=key) from None
    settings = dict(entry.settings)
    settings[path] = typed
    return replace(entry, settings=tuple(settings.items()))


def _check_name(name: str, taken: list[str], source: str, key: str) -> None:
    if "." in name or not name.strip() or name != name.strip():
        raise ScenarioError(
            f"'{name}' cannot be a name: use letters, digits, '_' or '-' (key paths use '.')",
            source=source,
            key=key,
        )
    if name in taken:
        raise ScenarioError(
            f"two organisations are named '{name}'; give each its own name",
            source=source,
            key=key,
        )
