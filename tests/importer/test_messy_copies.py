"""Web and PDF copies of the reference, made messy on purpose, give the same plan.

Each copy hard-wraps every paragraph at a fixed width (as PDF text does), puts page numbers
between lines, inserts stray spaces inside words and numbers, and is saved as GB18030.
The plan read from it must equal the plan read from the clean text, except for line
numbers and where a paragraph break falls in free text.
"""
import json
import random
from pathlib import Path

import pytest

from cfcity.plans.importer import parse_bytes, to_dict

REFERENCE = Path(__file__).resolve().parents[2] / "cfcity" / "data" / "huantai-2022-33-child-friendly-city-action-plan.txt"


def _comparable(d):
    if isinstance(d, dict):
        return {k: _comparable(v) for k, v in d.items() if k not in ("line", "source", "warnings")}
    if isinstance(d, list):
        return [_comparable(x) for x in d]
    if isinstance(d, str):
        return d.replace("\n", "")
    return d


def messy_copy(lines: list[str], seed: int, width: int) -> list[str]:
    rnd = random.Random(seed)
    out, n = [], 0
    for line in lines:
        line = line.replace("[bookmark: _GoBack]", "")
        if not line.strip():
            continue
        for i in range(0, len(line), width):
            piece = line[i:i + width]
            if rnd.random() < 0.08:
                k = rnd.randrange(1, max(2, len(piece)))
                piece = piece[:k] + " " + piece[k:]
            out.append(piece)
            n += 1
            if n % 30 == 0:
                out.append(rnd.choice([f"— {n // 30} —", f"- {n // 30} -", f"第 {n // 30} 页"]))
    return out


@pytest.fixture(scope="module")
def reference():
    src = REFERENCE.read_text(encoding="utf-8").splitlines()
    return src, _comparable(to_dict(parse_bytes(REFERENCE.read_bytes(), REFERENCE.name)))


@pytest.mark.parametrize("seed,width", [(1, 18), (2, 22), (3, 25), (4, 28), (5, 31), (6, 34), (7, 40), (8, 28)])
def test_messy_copy_gives_the_same_plan(reference, seed, width):
    src, expected = reference
    text = "\n".join(messy_copy(src, seed, width))
    plan = parse_bytes(text.encode("gb18030"), "copy.txt")
    got = _comparable(to_dict(plan))
    for key in expected:
        assert json.dumps(got[key], ensure_ascii=False) == json.dumps(expected[key], ensure_ascii=False), key
    assert plan.source["encoding"] == "gb18030"
    page_warnings = [w for w in plan.warnings if "页码" in w.message]
    assert len(page_warnings) == 1  # reported once, with the lines
    # nothing else was left over
    assert [w.message for w in plan.warnings if w is not page_warnings[0]] == []
