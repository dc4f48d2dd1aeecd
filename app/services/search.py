"""Running a search over the served dataset: where the work runs (inline or in the thread pool) and on which
connection. The engines and the query logic are app/search's."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import State

from app.errors import ConnectionLostError
from app.models.registry import ENTITY_KINDS, Registry
from app.search.engines import search_backend
from app.search.evaluation import RANKED, Answer
from app.search.forms import Forms
from app.search.interface import searchable_types
from app.search.service import SearchOutcome, search, search_async
from app.search.suggest import SuggestIndex
from app.services.catalog import Catalog
from app.web.metrics import SEARCH


async def run_search(
    state: State,
    text: str,
    *,
    types: list[str],
    limit: int,
    offset: int,
    marks: tuple[str, str],
    code: str | None = None,
) -> SearchOutcome:
    """Search the dataset being served (the app's `state`: its engine, search engine, speller and dataset
    version), on a connection of its own.

    On the embedded engine a query that matches runs inline (an FTS query takes a fraction of a millisecond,
    less than a thread hop); one that needs typo correction, whose cost grows with the lexicon, runs in the
    thread pool, so that it never holds up the event loop, as does the first search of a dataset version, which
    reads the lexicon and builds its forms (tens of milliseconds). On PostgreSQL a query runs on the event loop, one
    round trip on the search pool's asynchronous connections, once the lexicon is read; reading it, and typo
    corrections (a pass over the lexicon), run in the thread pool."""

    def run_once(correct: bool) -> SearchOutcome | None:
        with state.engine.connect() as connection:
            version = _served_version(state, connection)
            return search(
                connection,
                state.search_backend,
                state.speller,
                version,
                text,
                types=types,
                limit=limit,
                offset=offset,
                marks=marks,
                code=code,
                correct=correct,
                facet_types=state.searchable_types,
            )

    def run(correct: bool = True) -> SearchOutcome | None:
        try:
            return run_once(correct)
        except ConnectionLostError:  # asked once more on another connection, as on the search pool
            return run_once(correct)

    started = time.perf_counter()
    forms = _loaded_forms(state)  # None until a first search of this version has read the lexicon, in a thread
    pool = state.search_pool
    outcome: SearchOutcome | None = None
    if forms is not None and pool is not None and pool.serves_this_loop():
        outcome = await search_async(
            pool,
            state.search_backend,
            forms,
            text,
            types=types,
            limit=limit,
            offset=offset,
            marks=marks,
            code=code,
            facet_types=state.searchable_types,
        )
    elif forms is not None and state.engine.dialect.name == "sqlite":
        outcome = run(correct=False)
    if outcome is None:  # a word to correct, the lexicon to read, or a server database off the pool's loop
        outcome = await run_in_threadpool(run)
        assert outcome is not None  # with correction allowed there is always an outcome
    SEARCH.labels("search").observe(time.perf_counter() - started)
    return outcome


def _loaded_forms(state: State) -> Forms | None:
    """The served version's forms if the lexicon is in memory (a search then needs no pass to build them)."""
    stamp = state.dataset_version.latest
    return state.speller.loaded_forms(str(stamp.version)) if stamp is not None else None


async def run_suggest(state: State, prefix: str, *, types: list[str], limit: int) -> list[dict[str, Any]]:
    """Completions of `prefix` from the served dataset's names: inline on the embedded engine once the index is
    in memory (two binary searches), in the thread pool on a server database and while the index loads."""

    def run() -> list[dict[str, Any]]:
        with state.engine.connect() as connection:
            index: SuggestIndex = state.suggester.index(connection, _served_version(state, connection))
        return index.suggest(prefix, types, limit)

    started = time.perf_counter()
    stamp = state.dataset_version.latest
    loaded = stamp is not None and state.suggester.loaded(str(stamp.version))
    items = run() if state.engine.dialect.name == "sqlite" and loaded else await run_in_threadpool(run)
    SEARCH.labels("suggest").observe(time.perf_counter() - started)
    return items


def _served_version(state: State, connection: Connection) -> str:
    """The dataset version being served: the cached stamp, or read from the database."""
    stamp = state.dataset_version.latest
    if stamp is not None:
        return str(stamp.version)
    with Session(connection) as session:
        return Catalog(session, state.entity_kinds).dataset().version


def judged_search(engine: Engine, kinds: Registry = ENTITY_KINDS) -> Callable[[str], Answer]:
    """Search as `micromet eval` judges it: the served dataset, every type, the first page of 10 hits."""
    backend = search_backend(engine.dialect.name, searchable_types(kinds))
    speller = backend.speller()
    with Session(engine) as session:
        version = Catalog(session, kinds).dataset().version

    def ask(text: str) -> Answer:
        with engine.connect() as connection:
            outcome = search(
                connection,
                backend,
                speller,
                version,
                text,
                types=[],
                limit=RANKED,
                offset=0,
                marks=("", ""),
                facet_types=searchable_types(kinds),
            )
        assert outcome is not None  # with correction allowed there is always an outcome
        return Answer([f"{hit['type']}/{hit['slug']}" for hit in outcome.hits], outcome.total)

    return ask
