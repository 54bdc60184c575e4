"""Ingest: read inputs, clean, run the per-article stages, store, then update the corpus stages.

Articles are written in batches, each in one transaction. An article already stored (same
id) is skipped, so ingesting the same input twice changes nothing and a killed run resumes.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from storyline.clean import load_vocabulary, short_line_keys
from storyline.ingest.errors import IngestError
from storyline.ingest.sources import Limits, iter_inputs
from storyline.model import RawDocument
from storyline.process import Analyzed, Prepared, analyze, prepare
from storyline.store import Store
from storyline.store import schema as t
from storyline.store.rows import article_rows
from storyline.store.store import raw_id

ProgressFn = Callable[[int], None]


@dataclass(slots=True)
class IngestReport:
    """What an ingest did: counts, and every rejected input with its reason."""

    read: int = 0
    added: int = 0
    already_stored: int = 0
    rejected: list[IngestError] = field(default_factory=list)
    corpus: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class IngestOptions:
    jobs: int = 1
    batch_size: int = 64
    engine: str = "local"  # local | dask
    scheduler: str | None = None
    limits: Limits = field(default_factory=Limits)


def ingest(
    inputs: Iterable[str],
    store: Store,
    options: IngestOptions | None = None,
    on_progress: ProgressFn | None = None,
    on_error: Callable[[IngestError], None] | None = None,
) -> IngestReport:
    """Ingest every input into ``store`` and bring the corpus stages up to date."""
    from storyline.corpus.update import CHUNK, CorpusUpdater

    options = options or IngestOptions()
    report = IngestReport()
    items = iter_inputs(inputs, options.limits)
    batches = _new_article_batches(items, store, options.batch_size, report, on_error)
    corpus = CorpusUpdater(store)
    stored = 0
    with _runner(options) as run:
        for all_prepared, all_analyzed in run(batches):
            prepared, analyzed = _drop_failed(all_prepared, all_analyzed, report, on_error)
            if prepared:
                _save_batch(store, prepared, analyzed)
            report.added += len(prepared)
            stored += len(prepared)
            if on_progress:
                on_progress(len(prepared))
            # With workers, corpus work runs on full chunks while they parse the batches in flight;
            # the results are those of one pass at the end (same articles, same order, same chunks).
            if stored >= CHUNK and (options.jobs > 1 or options.engine == "dask"):
                corpus.run_full_chunks()
                stored = 0
    report.corpus = corpus.finish()
    return report


def _new_article_batches(
    items: Iterator[RawDocument | IngestError],
    store: Store,
    size: int,
    report: IngestReport,
    on_error: Callable[[IngestError], None] | None,
) -> Iterator[list[Prepared]]:
    """Batches of prepared articles not yet in the store (duplicates recorded as extra sources)."""
    seen: set[str] = set()
    while True:
        chunk = list(itertools.islice(items, size))
        if not chunk:
            return
        raws: list[RawDocument] = []
        for item in chunk:
            if isinstance(item, IngestError):
                report.rejected.append(item)
                if on_error:
                    on_error(item)
            else:
                report.read += 1
                raws.append(item)
        from storyline.process import article_id

        ids = [article_id(r) for r in raws]
        known = store.known_ids(ids)
        fresh: list[RawDocument] = []
        extra_sources = []
        for raw, aid in zip(raws, ids, strict=True):
            if aid in known or aid in seen:
                report.already_stored += 1
                extra_sources.append({"article_id": aid, "source": raw.source, "locator": raw.locator or ""})
                continue
            seen.add(aid)
            fresh.append(raw)
        if extra_sources:
            with store.transaction() as conn:
                store.insert_ignore(conn, t.article_sources, extra_sources)
        if fresh:
            yield _prepare_batch(fresh, store)


def _prepare_batch(raws: list[RawDocument], store: Store) -> list[Prepared]:
    """Clean a batch, using line repetition across each outlet's articles (stored and in this batch)."""
    vocab = load_vocabulary()
    keys = [short_line_keys(r.text, vocab) if r.outlet else set() for r in raws]
    by_outlet: dict[str, Counter[str]] = defaultdict(Counter)
    for raw, article_keys in zip(raws, keys, strict=True):
        if raw.outlet:
            by_outlet[raw.outlet].update(article_keys)
    boilerplate: dict[str, set[str]] = {}
    for outlet, counts in by_outlet.items():
        stored = store.outlet_line_counts(outlet, counts)
        boilerplate[outlet] = {
            k for k, n in counts.items() if n + stored.get(k, 0) >= vocab.outlet_repeat_min
        }
    prepared = []
    for raw, article_keys in zip(raws, keys, strict=True):
        outlet_set = boilerplate.get(raw.outlet or "", set())
        p = prepare(raw, outlet_set & article_keys)
        p.raw.extra.setdefault("_line_keys", sorted(article_keys))
        prepared.append(p)
    return prepared


def _drop_failed(
    batch: list[Prepared],
    analyzed: list[Analyzed],
    report: IngestReport,
    on_error: Callable[[IngestError], None] | None,
) -> tuple[list[Prepared], list[Analyzed]]:
    """The articles whose analysis succeeded; each failed one is reported by name and skipped."""
    kept: tuple[list[Prepared], list[Analyzed]] = ([], [])
    for p, a in zip(batch, analyzed, strict=True):
        if a.analysis is not None:
            kept[0].append(p)
            kept[1].append(a)
            continue
        where = f"{p.raw.source}@{p.raw.locator}" if p.raw.locator else p.raw.source
        error = IngestError(where, f"analysis failed ({a.error}); the article was not stored")
        report.rejected.append(error)
        if on_error:
            on_error(error)
    return kept


def _save_batch(store: Store, batch: list[Prepared], analyzed: list[Analyzed]) -> None:
    """Write one batch of articles and their per-article records in one transaction."""
    rows = [article_rows(p, a, raw_id(p.raw.raw)) for p, a in zip(batch, analyzed, strict=True)]
    outlet_counts: dict[str, Counter[str]] = defaultdict(Counter)
    for p in batch:
        if p.raw.outlet:
            outlet_counts[p.raw.outlet].update(p.raw.extra.pop("_line_keys", []))
        else:
            p.raw.extra.pop("_line_keys", None)
    with store.transaction() as conn:
        fresh_ids = set(p.article_id for p in batch) - store.known_ids([p.article_id for p in batch], conn)
        # an article another writer stored meanwhile still gets this input as one more source
        store.insert_ignore(conn, t.article_sources, [r["source"] for r in rows])
        rows = [r for r in rows if r["article"]["id"] in fresh_ids]
        if not rows:
            return
        store.insert_ignore(conn, t.raw_inputs, [r["raw_input"] for r in rows])
        for r in rows:
            result = conn.execute(t.articles.insert().values(**r["article"]))
            key = result.inserted_primary_key
            assert key is not None
            seq = key[0]
            store.index_text(conn, [(seq, r["article"]["title"] or "", r["article"]["text"])])
        for table in t.PER_ARTICLE_TABLES:
            table_rows = [row for r in rows for row in r[table.name]]
            if table_rows:
                conn.execute(table.insert(), table_rows)
        for outlet, counts in outlet_counts.items():
            store.add_outlet_lines(conn, outlet, dict(counts))


class _runner:
    """Runs ``analyze`` over batches here, in worker processes, or on Dask; yields in input order."""

    def __init__(self, options: IngestOptions) -> None:
        self.options = options
        self.pool: Any = None

    def __enter__(
        self,
    ) -> Callable[[Iterator[list[Prepared]]], Iterator[tuple[list[Prepared], list[Analyzed]]]]:
        if self.options.engine == "dask":
            from storyline.engines.dask_engine import DaskRunner

            self.pool = DaskRunner(self.options.scheduler, self.options.jobs, in_flight_batches(self.options))
            return self.pool.run
        if self.options.jobs > 1:
            self.pool = ProcessPoolExecutor(max_workers=self.options.jobs, initializer=_init_worker)
            return self._run_pool
        return self._run_here

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown()

    @staticmethod
    def _run_here(batches: Iterator[list[Prepared]]) -> Iterator[tuple[list[Prepared], list[Analyzed]]]:
        for batch in batches:
            yield batch, analyze(batch)

    def _run_pool(self, batches: Iterator[list[Prepared]]) -> Iterator[tuple[list[Prepared], list[Analyzed]]]:
        pending: list[tuple[list[Prepared], Future[list[Analyzed]]]] = []
        limit = in_flight_batches(self.options)
        for batch in batches:
            pending.append((batch, self.pool.submit(analyze, batch)))
            while len(pending) >= limit:
                done_batch, future = pending.pop(0)
                yield done_batch, future.result()
        for done_batch, future in pending:
            yield done_batch, future.result()


def in_flight_batches(options: IngestOptions) -> int:
    """Batches on the workers at a time: enough to keep them busy while this process runs a chunk of
    corpus work (about a chunk's worth of articles), and never fewer than two per worker."""
    from storyline.corpus.update import CHUNK

    return max(2 * options.jobs, -(-CHUNK // max(1, options.batch_size)) + options.jobs)


def _init_worker() -> None:
    from storyline.nlp import load_nlp

    load_nlp()
