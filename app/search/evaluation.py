"""Judging search against a relevance set: recall@3, MRR and nDCG@5 over queries a reader would type.

The set (`tests/search/judgments.yaml`) lists each query with the `type/slug` of what answers it; a query with no
relevant item must answer no hits. `micromet eval` prints the figures and each miss; the tests hold them to floors.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

RECALL_AT = 3
NDCG_AT = 5
RANKED = 10
"""How many hits each query is judged on (MRR counts a relevant item down to this rank)."""


class Judgment(BaseModel):
    """One query and what answers it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    query: str = Field(min_length=1)
    kind: str = Field(description="exact, abbreviation, form, spelling, typo, lay, question, partial or none.")
    relevant: tuple[str, ...] = Field(description="`type/slug` of each relevant item; empty: no hit is right.")
    holdout: bool = Field(default=False, description="Kept out of tuning: checks that the tuning generalizes.")


def load_judgments(path: Path) -> list[Judgment]:
    return [Judgment.model_validate(row) for row in yaml.safe_load(path.read_text(encoding="utf-8"))]


@dataclass(frozen=True)
class Answer:
    """What search answered a query: the ranked `type/slug`s (first page) and the total."""

    ranked: list[str]
    total: int


@dataclass(frozen=True)
class Judged:
    """One query's figures."""

    judgment: Judgment
    answer: Answer
    recall: float
    reciprocal_rank: float
    ndcg: float

    @property
    def missed(self) -> bool:
        return self.recall < 1.0


@dataclass(frozen=True)
class Scores:
    """Means over a set of judged queries."""

    queries: int
    recall: float
    mrr: float
    ndcg: float


def judge(judgment: Judgment, answer: Answer) -> Judged:
    """A query with no relevant item scores 1 when it answers nothing and 0 otherwise; any other is judged on
    its ranking: recall@3, the reciprocal rank of the first relevant hit, and binary nDCG@5."""
    relevant = set(judgment.relevant)
    if not relevant:
        right = float(answer.total == 0)
        return Judged(judgment, answer, right, right, right)
    top = answer.ranked[:RANKED]
    recall = len(relevant & set(top[:RECALL_AT])) / len(relevant)
    rank = next((position for position, item in enumerate(top, start=1) if item in relevant), None)
    gains = sum(1 / math.log2(position + 1) for position, item in enumerate(top[:NDCG_AT], 1) if item in relevant)
    ideal = sum(1 / math.log2(position + 1) for position in range(1, min(len(relevant), NDCG_AT) + 1))
    return Judged(judgment, answer, recall, 1 / rank if rank else 0.0, gains / ideal)


def scores(judged: Iterable[Judged]) -> Scores:
    rows = list(judged)
    count = len(rows) or 1
    return Scores(
        queries=len(rows),
        recall=sum(row.recall for row in rows) / count,
        mrr=sum(row.reciprocal_rank for row in rows) / count,
        ndcg=sum(row.ndcg for row in rows) / count,
    )


def evaluate(judgments: list[Judgment], ask: Callable[[str], Answer]) -> list[Judged]:
    """Ask every query and judge its answer."""
    return [judge(judgment, ask(judgment.query)) for judgment in judgments]


def report(judged: list[Judged]) -> list[str]:
    """The lines `micromet eval` prints: the figures over all queries and over the held-out ones, then each miss."""
    overall, held_out = scores(judged), scores(row for row in judged if row.judgment.holdout)
    lines = [
        f"queries: {overall.queries} ({held_out.queries} held out of tuning)",
        f"recall@{RECALL_AT}: {overall.recall:.3f}",
        f"mrr: {overall.mrr:.3f}",
        f"ndcg@{NDCG_AT}: {overall.ndcg:.3f}",
        f"held out: recall@{RECALL_AT} {held_out.recall:.3f}, mrr {held_out.mrr:.3f}, "
        f"ndcg@{NDCG_AT} {held_out.ndcg:.3f}",
    ]
    misses = [row for row in judged if row.missed]
    lines.append(f"misses: {len(misses)}")
    for row in misses:
        expected = ", ".join(row.judgment.relevant) or "no hits"
        got = ", ".join(row.answer.ranked[:RECALL_AT]) or "no hits"
        kind = f"{row.judgment.kind}, held out" if row.judgment.holdout else row.judgment.kind
        lines.append(f"  {row.judgment.query!r} [{kind}] expected {expected}; top {RECALL_AT}: {got}")
    return lines
