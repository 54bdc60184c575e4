"""User corrections of the entity registry (CLI and web UI): made now, stored as rules, replayed later.

``storyline entities merge A B`` | ``split ENTITY ALIAS`` | ``rename ENTITY NAME`` | ``ignore NAME``.
Each correction is applied to the registry at once and saved in ``entity_rules``; after every
ingest the rules are replayed (idempotently), so corrections survive re-runs and rebuilds.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storyline.corpus import corrections
from storyline.corpus.entity_store import EntityStage
from storyline.store import Store
from storyline.store import schema as t

ARITY = {"merge": 2, "split": 2, "rename": 2, "ignore": 1}
USAGE = {
    "merge": "entities merge A B   (B is merged into A)",
    "split": "entities split ENTITY ALIAS",
    "rename": "entities rename ENTITY NEW-NAME",
    "ignore": "entities ignore NAME",
}


class EditError(ValueError):
    """A correction that cannot be made, with what to do instead."""


def apply_edit(store: Store, action: str, args: list[str]) -> str:
    """Apply one correction, record it as a rule, and say what was done."""
    if action not in ARITY:
        raise EditError(f"unknown correction {action!r}; use one of: {', '.join(ARITY)}")
    if len(args) != ARITY[action]:
        raise EditError(f"usage: storyline {USAGE[action]}")
    with store.corpus_lock() as conn:
        stage = EntityStage.load(store, conn)
        registry = stage.registry
        try:
            if action == "merge":
                rule = corrections.merge(registry, args[0], args[1])
            elif action == "split":
                rule = corrections.split(registry, args[0], args[1])
            elif action == "rename":
                rule = corrections.rename(registry, args[0], args[1])
            else:
                rule = corrections.ignore(registry, args[0])
        except (corrections.CorrectionError, KeyError) as error:
            raise EditError(str(error).strip("'\"")) from None
        conn.execute(t.entity_rules.insert().values(op=rule.op, args=rule.args, created_at=rule.created_at))
        stage.save(store, conn)
    return f"{action}: done and recorded as a rule ({' '.join(repr(a) for a in args)})"


def stored_rules(conn: Connection) -> list[corrections.Rule]:
    rows = conn.execute(sa.select(t.entity_rules).order_by(t.entity_rules.c.id))
    return [corrections.Rule(op=r.op, args=dict(r.args), created_at=r.created_at) for r in rows]


def replay_rules(store: Store, conn: Connection) -> int:
    """Replay every stored rule on the registry; return how many were (re)applied."""
    rules = stored_rules(conn)
    if not rules:
        return 0
    stage = EntityStage.load(store, conn)
    outcomes = corrections.apply_rules(stage.registry, rules)
    stage.save(store, conn)
    return sum(1 for o in outcomes if o.status == "applied")
