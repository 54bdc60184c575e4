"""Rows for one analysed article, table by table (the per-article half of the store)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from storyline.model import precision_of

if TYPE_CHECKING:
    from storyline.process import Analyzed, Prepared


def article_rows(prepared: Prepared, analyzed: Analyzed, raw_digest: str) -> dict[str, Any]:
    """Every row one article contributes, keyed by table name (plus ``article``/``raw_input``/``source``)."""
    from storyline.process import quote_id

    raw, a, aid = prepared.raw, analyzed.analysis, prepared.article_id
    assert a is not None, f"{aid}: a failed analysis is never stored"
    published = a.published
    article = {
        "id": aid,
        "raw_id": raw_digest,
        "source": raw.source,
        "locator": raw.locator,
        "kind": raw.kind,
        "url": raw.url,
        "title": prepared.cleaned.title or raw.title,
        "outlet": raw.outlet,
        "input_text": raw.text,
        "text": a.text,
        "offset_map": [list(m) for m in prepared.cleaned.offset_map],
        "sentences": [list(s) for s in a.sentences],
        "terms": a.terms,
        "extra": {k: v for k, v in raw.extra.items() if not k.startswith("_")},
        "metadata_date": raw.metadata_date,
        "html_date": raw.html_date,
        "crawl_date": raw.crawl_date,
        "dateline": a.dateline.to_dict() if a.dateline else None,
        "published": published.value,
        "published_precision": published.precision or precision_of(published.value),
        "published_confidence": float(published.confidence),
        "published_evidence": [e.to_dict() for e in published.evidence],
        "model": analyzed.model,
        "corpus_done": False,
    }
    return {
        "article": article,
        "raw_input": {
            "id": raw_digest,
            "kind": raw.kind,
            "encoding": raw.encoding,
            "size": len(raw.raw),
            "raw": raw.raw,
        },
        "source": {"article_id": aid, "source": raw.source, "locator": raw.locator or ""},
        "removed_lines": [
            {"article_id": aid, "line_no": r.line_no, "text": r.text, "reason": r.reason} for r in a.removed
        ],
        "timexes": [{"article_id": aid, "idx": i, **x.to_dict()} for i, x in enumerate(a.timexes)],
        "events": [{"article_id": aid, "idx": i, **e.to_dict()} for i, e in enumerate(a.events)],
        "local_entities": [
            {
                "article_id": aid,
                "cluster": e.cluster,
                "name": e.name,
                "label": e.label,
                "titles": list(e.titles),
                "entity_id": None,
            }
            for e in a.entities
        ],
        "mentions": [
            {
                "article_id": aid,
                "idx": i,
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "label": m.label,
                "cluster": m.cluster,
            }
            for i, m in enumerate(a.mentions)
        ],
        "quotes": [
            {
                "id": quote_id(aid, q),
                "article_id": aid,
                "idx": i,
                "start": q.start,
                "end": q.end,
                "text": q.text,
                "kind": q.kind,
                "cue": q.cue,
                "cue_start": q.cue_start,
                "cue_end": q.cue_end,
                "speaker": q.speaker.to_dict() if q.speaker else None,
                "speaker_cluster": q.speaker.cluster if q.speaker else None,
                "confidence": float(q.confidence),
                "date": q.date,
                "note": q.note,
                "parts": [[s, e] for s, e in q.parts or [(q.start, q.end)]],
            }
            for i, q in enumerate(a.quotes)
        ],
    }
