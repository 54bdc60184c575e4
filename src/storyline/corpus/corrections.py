"""Corrections that last: user merges, splits, renames and ignores recorded as :class:`Rule` records.

A rule names its entities by id AND by names (canonical name, type, main aliases), so it still
finds them when the registry is rebuilt from the same articles in a fresh store, where ids may
differ. :func:`apply_rules` replays saved rules after every re-ingest; replaying is idempotent
(a rule already in effect reports ``already``; one whose entities are not there yet reports
``unresolved`` and is kept for the next replay). A merged-away id keeps resolving to the
survivor through the registry's redirects, so bookmarked ids still work.

The four operations (:func:`merge`, :func:`split`, :func:`rename`, :func:`ignore`) apply the
correction to the registry at once and return the rule for the store to save.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from storyline.corpus.names import key_of, parse_name
from storyline.corpus.registry import EntityRegistry

RuleOp = Literal["merge", "split", "rename", "ignore"]
OPS: tuple[str, ...] = ("merge", "split", "rename", "ignore")

#: How many of an entity's aliases a reference keeps, most frequent first.
REF_ALIASES = 8


class CorrectionError(ValueError):
    """A correction that cannot be made (unknown entity, alias not found, bad rule)."""


@dataclass(slots=True)
class EntityRef:
    """An entity named by id and by names, so that a rebuilt registry can find it again."""

    id: str | None = None
    name: str | None = None
    type: str | None = None
    aliases: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EntityRef:
        return cls(data.get("id"), data.get("name"), data.get("type"), list(data.get("aliases", [])))


@dataclass(slots=True)
class Rule:
    """One user correction: ``op`` with its arguments, and when it was made."""

    op: str  # merge | split | rename | ignore
    args: dict[str, Any]
    created_at: str  # ISO 8601, UTC

    @property
    def key(self) -> str:
        """A stable id for the rule: the same correction made twice has the same key."""
        text = json.dumps({"op": self.op, "args": self.args}, sort_keys=True)
        return "r_" + hashlib.blake2b(text.encode("utf-8"), digest_size=6).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return {"op": self.op, "args": self.args, "created_at": self.created_at}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rule:
        if data.get("op") not in OPS:
            raise CorrectionError(f"unknown rule op {data.get('op')!r}; expected one of {', '.join(OPS)}")
        return cls(data["op"], dict(data.get("args", {})), str(data.get("created_at", "")))


@dataclass(slots=True)
class RuleOutcome:
    """What replaying a rule did: ``applied``, ``already`` (in effect) or ``unresolved``."""

    rule: Rule
    status: str
    detail: str = ""
    entity_id: str | None = None


# ---- making corrections ------------------------------------------------------------------------


def merge(registry: EntityRegistry, a: str, b: str, now: str | None = None) -> Rule:
    """Merge entity ``b`` into ``a`` (ids or names); ``b``'s id then redirects to ``a``."""
    keep, other = _existing(registry, a), _existing(registry, b)
    rule = Rule(
        "merge",
        {"into": ref_of(registry, keep).to_dict(), "other": ref_of(registry, other).to_dict()},
        _now(now),
    )
    _apply_or_raise(registry, rule)
    return rule


def split(registry: EntityRegistry, entity: str, alias: str, now: str | None = None) -> Rule:
    """Move ``alias`` (and the mentions made with it) out of ``entity`` into an entity of its own."""
    eid = _existing(registry, entity)
    rule = Rule("split", {"entity": ref_of(registry, eid).to_dict(), "alias": alias}, _now(now))
    outcome = _apply_or_raise(registry, rule)
    if outcome.status != "applied":
        raise CorrectionError(f"{entity}: no alias {alias!r} to split off ({outcome.detail})")
    return rule


def rename(registry: EntityRegistry, entity: str, new_name: str, now: str | None = None) -> Rule:
    """Give ``entity`` a canonical name that later mentions will not change."""
    eid = _existing(registry, entity)
    rule = Rule("rename", {"entity": ref_of(registry, eid).to_dict(), "name": new_name}, _now(now))
    _apply_or_raise(registry, rule)
    return rule


def ignore(registry: EntityRegistry, name: str, kind: str | None = None, now: str | None = None) -> Rule:
    """Stop resolving ``name`` (of ``kind``, or of any type); its entities are flagged ignored."""
    rule = Rule("ignore", {"name": name, "type": kind}, _now(now))
    _apply_or_raise(registry, rule)
    return rule


# ---- replaying ------------------------------------------------------------------------------


def apply_rules(registry: EntityRegistry, rules: Iterable[Rule | dict[str, Any]]) -> list[RuleOutcome]:
    """Replay saved rules in order (oldest first is how they were made); idempotent."""
    outcomes = []
    for rule in rules:
        outcomes.append(apply_rule(registry, rule if isinstance(rule, Rule) else Rule.from_dict(rule)))
    return outcomes


def apply_rule(registry: EntityRegistry, rule: Rule) -> RuleOutcome:
    """Apply one rule to the registry."""
    if rule.op == "merge":
        return _apply_merge(registry, rule)
    if rule.op == "split":
        return _apply_split(registry, rule)
    if rule.op == "rename":
        return _apply_rename(registry, rule)
    if rule.op == "ignore":
        return _apply_ignore(registry, rule)
    raise CorrectionError(f"unknown rule op {rule.op!r}")


def _apply_merge(registry: EntityRegistry, rule: Rule) -> RuleOutcome:
    keep = resolve_ref(registry, EntityRef.from_dict(rule.args["into"]))
    other = resolve_ref(registry, EntityRef.from_dict(rule.args["other"]))
    if keep is None or other is None:
        missing = rule.args["into" if keep is None else "other"].get("name")
        return RuleOutcome(rule, "unresolved", f"no entity {missing!r} yet")
    if keep == other:
        return RuleOutcome(rule, "already", "one entity already", keep)
    return RuleOutcome(rule, "applied", f"merged {other} into {keep}", registry.merge(keep, other))


def _apply_split(registry: EntityRegistry, rule: Rule) -> RuleOutcome:
    alias = rule.args["alias"]
    eid = resolve_ref(registry, EntityRef.from_dict(rule.args["entity"]), avoid_alias=alias)
    if eid is None:
        return RuleOutcome(rule, "unresolved", f"no entity {rule.args['entity'].get('name')!r} yet")
    new_id = registry.split(eid, alias)
    if new_id is None:
        return RuleOutcome(rule, "already", f"{eid} has no alias {alias!r} to split off", eid)
    return RuleOutcome(rule, "applied", f"split {alias!r} off {eid} into {new_id}", new_id)


def _apply_rename(registry: EntityRegistry, rule: Rule) -> RuleOutcome:
    eid = resolve_ref(registry, EntityRef.from_dict(rule.args["entity"]))
    if eid is None:
        return RuleOutcome(rule, "unresolved", f"no entity {rule.args['entity'].get('name')!r} yet")
    entity = registry.entity(eid)
    new_name = rule.args["name"]
    if entity is not None and entity.name == new_name and entity.name_locked:
        return RuleOutcome(rule, "already", f"{eid} is named {new_name!r}", eid)
    registry.rename(eid, new_name)
    return RuleOutcome(rule, "applied", f"renamed {eid} to {new_name!r}", eid)


def _apply_ignore(registry: EntityRegistry, rule: Rule) -> RuleOutcome:
    name, kind = rule.args["name"], rule.args.get("type")
    already = registry.is_name_ignored(name, kind)
    flagged = registry.ignore(name, kind)
    status = "already" if already else "applied"
    return RuleOutcome(rule, status, f"ignoring {name!r}; entities flagged: {', '.join(flagged) or 'none'}")


# ---- references -------------------------------------------------------------------------------


def ref_of(registry: EntityRegistry, entity_id: str) -> EntityRef:
    """A reference to an entity by id, name, type and main aliases."""
    entity = registry.entity(entity_id)
    if entity is None:
        raise CorrectionError(f"no entity {entity_id!r}")
    aliases = sorted(entity.aliases, key=lambda a: (-entity.aliases[a], a))[:REF_ALIASES]
    return EntityRef(entity.id, entity.name, entity.type, aliases)


def resolve_ref(registry: EntityRegistry, ref: EntityRef, avoid_alias: str | None = None) -> str | None:
    """The entity a reference points to now: its id when that entity still bears one of its names,
    else the most mentioned entity of its type with its name or, failing that, one of its aliases.

    ``avoid_alias`` (for splits) passes over an entity that holds that alias alone - the part
    already split off - so that replaying a split finds the entity it was split from.
    """
    names = [n for n in [ref.name, *ref.aliases] if n]
    if ref.id is not None:
        entity = registry.entity(ref.id)
        if entity is not None and (not names or _bears(entity, names)):
            return entity.id
    for name in names:
        found = [
            eid
            for eid in registry.find(name, ref.type)
            if not (avoid_alias and _only_alias(registry, eid, avoid_alias))
        ]
        if found:
            return found[0]
    return None


def _bears(entity: Any, names: list[str]) -> bool:
    keys = {_key(a, entity.type) for a in [entity.name, *entity.aliases]}
    return any(_key(n, entity.type) in keys for n in names)


def _only_alias(registry: EntityRegistry, eid: str, alias: str) -> bool:
    entity = registry.entity(eid)
    if entity is None:
        return False
    key = _key(alias, entity.type)
    return all(_key(a, entity.type) == key for a in entity.aliases)


def _key(text: str, kind: str) -> str:
    parsed = parse_name(text, kind)
    return parsed.key if parsed else key_of(text, kind)


def _existing(registry: EntityRegistry, id_or_name: str) -> str:
    entity = registry.entity(id_or_name)
    if entity is not None:
        return entity.id
    found = registry.find(id_or_name)
    if not found:
        raise CorrectionError(f"no entity with id or name {id_or_name!r}")
    return found[0]


def _apply_or_raise(registry: EntityRegistry, rule: Rule) -> RuleOutcome:
    outcome = apply_rule(registry, rule)
    if outcome.status == "unresolved":
        raise CorrectionError(outcome.detail)
    return outcome


def _now(now: str | None) -> str:
    return now or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
