"""Located problems: what every user-facing error in policykb is made of."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one place of one file, told in plain Chinese."""

    path: str
    line: int
    column: int
    message: str
    hint: str | None = None
    code: str = "error"

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}:{self.column}: 错误: {self.message}"
        if self.hint:
            text += f"（提示：{self.hint}）"
        return text

    def as_dict(self) -> dict:
        return asdict(self)


class PolicyError(Exception):
    """Raised when the data cannot become a Corpus; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(f"{len(self.problems)} 个错误")

    def report(self) -> str:
        lines = [str(p) for p in self.problems]
        lines.append(f"共 {len(self.problems)} 个错误。")
        return "\n".join(lines)

    def as_json(self) -> str:
        return json.dumps([p.as_dict() for p in self.problems], ensure_ascii=False, indent=2)
