"""The stand-in for engines that have no search implementation (anything but SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import Connection
from sqlmodel import Session

from app.errors import ServiceUnavailableError
from app.search.interface import EngineResults, Speller
from app.search.query import SearchPlan
from app.search.spelling import DifflibSpeller


class UnsupportedSearch:
    """Seeding works (documents are stored, no index is built); searching answers a clear 503."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect

    def rebuild(self, session: Session) -> None:
        """Nothing to build: the documents are kept for the engine that will index them."""

    def search(
        self,
        connection: Connection,
        plan: SearchPlan,
        types: list[str],
        limit: int,
        offset: int,
        code: str | None = None,
        *,
        partial: bool | None = False,
    ) -> EngineResults:
        raise ServiceUnavailableError(f"Search is not available on the {self.dialect} engine yet.")

    def speller(self) -> Speller:
        """Never consulted (search fails first); the in-process speller keeps the interface whole."""
        return DifflibSpeller()
