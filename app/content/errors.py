"""The one error the pipeline raises: every problem found, so a curator can fix them all in one pass."""

from __future__ import annotations


class ContentError(Exception):
    """The curated content or the source text is not valid; `problems` says each thing that is wrong."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))
