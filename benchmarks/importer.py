#!/usr/bin/env python3
"""How long the importer takes: the reference plan, and synthetic plans 10×, 25× and 50×
its size, to show that the time grows linearly with the document.

    .venv/bin/python benchmarks/importer.py            # 7 runs per size
    .venv/bin/python benchmarks/importer.py --runs 3 --scales 1 10 50

A synthetic plan of scale k is the reference with every action and its tasks repeated k
times inside its domain, renumbered (actions 1…13k, tasks （1）… restarting under each
action, as many plans number them), and the declared
counts in 总体要求 changed to match, so the parse is as clean as the reference's.  Each run
parses the bytes in memory (``parse_bytes``), so disk speed does not count.  Prints the
median of the runs and the ratio time(k×) / (k · time(1×)): about 1 means linear.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cfcity.plans.importer import parse_bytes  # noqa: E402

REFERENCE = ROOT / "cfcity" / "data" / "huantai-2022-33-child-friendly-city-action-plan.txt"
ACTION = re.compile(r"^(\d+)\.(.*)$")
TASK = re.compile(r"^（(\d+)）(.*)$")
DOMAIN = re.compile(r"^（[一二三四五六七八九十]+）")


def synthetic(scale: int) -> str:
    """The reference with every action (and its tasks) repeated ``scale`` times."""
    lines = REFERENCE.read_text(encoding="utf-8").splitlines()
    start = lines.index("二、重点任务") + 1
    end = lines.index("三、组织实施")
    head, body, tail = lines[:start], lines[start:end], lines[end:]
    # group the body: domain heading → [action heading, task lines…]…
    domains: list[tuple[str, list[tuple[str, list[str]]]]] = []
    for line in body:
        if DOMAIN.match(line):
            domains.append((line, []))
        elif ACTION.match(line):
            domains[-1][1].append((ACTION.match(line).group(2), []))
        else:
            domains[-1][1][-1][1].append(TASK.match(line).group(2))
    out = []
    action_no = task_no = 0
    for heading, actions in domains:
        out.append(heading)
        for _copy in range(scale):
            for title, tasks in actions:
                action_no += 1
                out.append(f"{action_no}.{title}")
                for i, text in enumerate(tasks, start=1):
                    task_no += 1
                    # numbered through the plan up to the reference's size; beyond that the
                    # genre restarts under each action (（1）… (999) is the marker's limit)
                    out.append(f"（{task_no if scale == 1 else i}）{text}")
    head = [ln.replace("着力实施13大行动，落实42项任务", f"着力实施{action_no}大行动，落实{task_no}项任务")
            for ln in head]
    return "\n".join(head + out + tail) + "\n"


def measure(data: bytes, runs: int, bar) -> tuple[float, int, int]:
    times = []
    plan = None
    for _ in range(runs):
        t0 = time.perf_counter()
        plan = parse_bytes(data, "synthetic.txt")
        times.append(time.perf_counter() - t0)
        bar.update(1)
    return statistics.median(times), len(plan.tasks()), len(plan.warnings)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Time the plan importer (median of N runs).")
    ap.add_argument("--runs", type=int, default=7, help="runs per size (default 7)")
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 10, 25, 50])
    args = ap.parse_args(argv)
    from tqdm import tqdm

    scales = sorted(set(args.scales) | {1})
    docs = {k: (REFERENCE.read_bytes() if k == 1 else synthetic(k).encode("utf-8")) for k in scales}
    parse_bytes(docs[1], "warm-up.txt")  # imports and regex compilation out of the timing
    results = {}
    with tqdm(total=args.runs * len(scales), desc="parsing", unit="run", file=sys.stderr) as bar:
        for k in scales:
            results[k] = measure(docs[k], args.runs, bar)
    base = results[1][0]
    print(f"\nImporter benchmark — median of {args.runs} runs, Python {sys.version.split()[0]}\n")
    print("| size | lines | KB | tasks | warnings | median ms | ms per task | time / (k·time 1×) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for k in scales:
        med, tasks, warns = results[k]
        data = docs[k]
        nlines = data.count(b"\n") + 1
        print(f"| {k}× | {nlines} | {len(data) / 1024:.0f} | {tasks} | {warns} | "
              f"{med * 1000:.1f} | {med * 1000 / max(tasks, 1):.3f} | {med / (k * base):.2f} |")
    if 50 in results:
        print(f"\nlinearity: time(50×) / (50 · time(1×)) = {results[50][0] / (50 * base):.2f}"
              "  (≈1 linear; >1 worse than linear)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
