"""Temporal closure and UzZaman & Allen's temporal awareness (TempEval-3), as the SemEval-2015 scorer uses it.

Every interval X has a start point ``X_s`` and an end point ``X_e`` with ``X_s < X_e``. Interval
relations (TimeML TLINK types) are conjunctions of point relations (``=`` or ``<``). Points that
are equal share a class (union-find); ``<`` edges join classes; a point relation is known when the
classes coincide (``=``) or one reaches the other (``<``/``>``). This is complete for the
``=``/``<`` point algebra, which covers every relation the timeline conversion produces.

:func:`reduce_relations` follows ``relation_to_timegraph.create_timegraph_from_weight_sorted_relations``:
relations are added in file order; exact repeats are dropped; a relation between two intervals
that are both already in the graph is *redundant* when the graph already entails it and
*violated* when the graph contradicts it (then it is not added); anything else is added.
The kept ("reduced") set is the non-redundant, non-violated relations plus the violated ones.
:func:`temporal_awareness` counts, for each side, how many of its reduced relations the other side
states literally (in either direction) or entails.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

Relation = tuple[str, str, str]  # (x, y, relType)

INVERSE = {
    "BEFORE": "AFTER",
    "AFTER": "BEFORE",
    "IBEFORE": "IAFTER",
    "IAFTER": "IBEFORE",
    "BEGINS": "BEGUN_BY",
    "BEGUN_BY": "BEGINS",
    "ENDS": "ENDED_BY",
    "ENDED_BY": "ENDS",
    "INCLUDES": "IS_INCLUDED",
    "IS_INCLUDED": "INCLUDES",
    "DURING": "DURING_INV",
    "IDENTITY": "SIMULTANEOUS",
    "SIMULTANEOUS": "SIMULTANEOUS",
}

# Point constraints of "X rel Y": (point of X or Y, op, point), with s/e = start/end.
_POINTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "BEFORE": (("xe", "<", "ys"),),
    "AFTER": (("ye", "<", "xs"),),
    "IBEFORE": (("xe", "=", "ys"),),
    "IAFTER": (("ye", "=", "xs"),),
    "BEGINS": (("xs", "=", "ys"), ("xe", "<", "ye")),
    "BEGUN_BY": (("xs", "=", "ys"), ("ye", "<", "xe")),
    "ENDS": (("xe", "=", "ye"), ("ys", "<", "xs")),
    "ENDED_BY": (("xe", "=", "ye"), ("xs", "<", "ys")),
    "INCLUDES": (("xs", "<", "ys"), ("ye", "<", "xe")),
    "IS_INCLUDED": (("ys", "<", "xs"), ("xe", "<", "ye")),
    "SIMULTANEOUS": (("xs", "=", "ys"), ("xe", "=", "ye")),
    "IDENTITY": (("xs", "=", "ys"), ("xe", "=", "ye")),
}


def normalise_reltype(rel: str) -> str:
    """Upper-case; DURING and DURING_INV count as SIMULTANEOUS (the TempEval-3 default)."""
    rel = rel.upper()
    return "SIMULTANEOUS" if rel in ("DURING", "DURING_INV") else rel


class PointGraph:
    """Time points with ``=`` (merged classes) and ``<`` (edges between classes)."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self._after: dict[str, set[str]] = {}  # class -> classes known to be later

    def __contains__(self, point: str) -> bool:
        return point in self._parent

    def add_point(self, point: str) -> None:
        if point not in self._parent:
            self._parent[point] = point
            self._after[point] = set()

    def _find(self, p: str) -> str:
        root = p
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[p] != root:
            self._parent[p], p = root, self._parent[p]
        return root

    def _reaches(self, a: str, b: str) -> bool:
        seen, stack = {a}, [a]
        while stack:
            for nxt in self._after[stack.pop()]:
                if nxt == b:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return False

    def relation(self, a: str, b: str) -> str | None:
        """``"="``, ``"<"``, ``">"``, or None when the graph does not tell."""
        if a not in self._parent or b not in self._parent:
            return None
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return "="
        if self._reaches(ra, rb):
            return "<"
        if self._reaches(rb, ra):
            return ">"
        return None

    def add(self, a: str, op: str, b: str) -> None:
        """Record ``a op b`` (``op`` is ``"<"`` or ``"="``); the caller checks consistency first."""
        ra, rb = self._find(a), self._find(b)
        if op == "<":
            self._after[ra].add(rb)
            return
        if ra == rb:
            return
        self._parent[rb] = ra
        self._after[ra] |= self._after.pop(rb)
        for later in self._after.values():
            if rb in later:
                later.discard(rb)
                later.add(ra)
        self._after[ra].discard(ra)


@dataclass
class TimeGraph:
    """Intervals over a :class:`PointGraph`."""

    points: PointGraph = field(default_factory=PointGraph)

    def has_interval(self, x: str) -> bool:
        return f"{x}_s" in self.points

    def add_interval(self, x: str) -> None:
        if not self.has_interval(x):
            self.points.add_point(f"{x}_s")
            self.points.add_point(f"{x}_e")
            self.points.add(f"{x}_s", "<", f"{x}_e")

    @staticmethod
    def _constraints(x: str, y: str, rel: str) -> list[tuple[str, str, str]]:
        names = {"xs": f"{x}_s", "xe": f"{x}_e", "ys": f"{y}_s", "ye": f"{y}_e"}
        return [(names[a], op, names[b]) for a, op, b in _POINTS[rel]]

    def check(self, x: str, y: str, rel: str) -> str:
        """``"true"`` (entailed), ``"false"`` (contradicted) or ``"unknown"``."""
        rel = normalise_reltype(rel)
        if rel not in _POINTS or not (self.has_interval(x) and self.has_interval(y)):
            return "unknown"
        verdicts = []
        for a, op, b in self._constraints(x, y, rel):
            known = self.points.relation(a, b)
            verdicts.append("unknown" if known is None else ("true" if known == op else "false"))
        if "false" in verdicts:
            return "false"
        return "true" if all(v == "true" for v in verdicts) else "unknown"

    def entails(self, x: str, y: str, rel: str) -> bool:
        return self.check(x, y, rel) == "true"

    def add(self, x: str, y: str, rel: str) -> None:
        rel = normalise_reltype(rel)
        self.add_interval(x)
        self.add_interval(y)
        for a, op, b in self._constraints(x, y, rel):
            if self.points.relation(a, b) != op:
                self.points.add(a, op, b)


@dataclass
class Reduction:
    """The outcome of adding relations one by one."""

    graph: TimeGraph
    kept: list[Relation] = field(default_factory=list)  # added: neither redundant nor violated
    redundant: list[Relation] = field(default_factory=list)
    violated: list[Relation] = field(default_factory=list)

    @property
    def final(self) -> list[Relation]:
        """The relations that are scored: kept plus violated (as TempEval-3 does)."""
        return self.kept + self.violated


def reduce_relations(relations: Iterable[Relation]) -> Reduction:
    """Build the time graph in order, sorting each relation into kept / redundant / violated."""
    out = Reduction(TimeGraph())
    seen: set[Relation] = set()
    for x, y, rel in relations:
        rel = normalise_reltype(rel)
        if (x, y, rel) in seen:
            continue
        seen.add((x, y, rel))
        if rel not in _POINTS:
            out.violated.append((x, y, rel))
            continue
        if x == y and rel not in ("SIMULTANEOUS", "IDENTITY"):
            out.violated.append((x, y, rel))
            continue
        if out.graph.has_interval(x) and out.graph.has_interval(y):
            verdict = out.graph.check(x, y, rel)
            if verdict == "true":
                out.redundant.append((x, y, rel))
                continue
            if verdict == "false":
                out.violated.append((x, y, rel))
                continue
        out.graph.add(x, y, rel)
        out.kept.append((x, y, rel))
    return out


@dataclass(frozen=True, slots=True)
class AwarenessCounts:
    """Counts of one comparison: precision side (system) and recall side (gold)."""

    p_match: int
    p_total: int
    r_match: int
    r_total: int


def _stated(relations: Iterable[Relation]) -> set[Relation]:
    """Every relation as written and reversed (``get_triples``)."""
    out: set[Relation] = set()
    for x, y, rel in relations:
        rel = normalise_reltype(rel)
        out.add((x, y, rel))
        if x != y:
            out.add((y, x, INVERSE.get(rel, rel)))
    return out


def _verified(rel: Relation, stated: set[Relation], graph: TimeGraph) -> bool:
    return rel in stated or graph.entails(*rel)


def temporal_awareness(gold: Sequence[Relation], system: Sequence[Relation]) -> AwarenessCounts:
    """Temporal awareness counts of ``system`` against ``gold`` (one document or timeline)."""
    gold_red, sys_red = reduce_relations(gold), reduce_relations(system)
    gold_stated, sys_stated = _stated(gold), _stated(system)
    p_match = sum(_verified(r, gold_stated, gold_red.graph) for r in sys_red.final)
    r_match = sum(_verified(r, sys_stated, sys_red.graph) for r in gold_red.final)
    return AwarenessCounts(p_match, len(sys_red.final), r_match, len(gold_red.final))
