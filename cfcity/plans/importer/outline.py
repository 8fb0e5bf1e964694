"""Logical lines → an outline of numbered items, whatever the numbering convention.

Each marker style (一、 （一） 1. （1） ① 第一章 …) takes the depth at which it first
appears: a style seen before closes the deeper items and continues its own level, a new
style opens a deeper level.  This reads 一、/（一）/1./（1） as well as 一、/1、/(1) or
第一章/一、/（一）.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lines import Line
from .markers import match_marker

@dataclass
class Node:
    style: str
    number: int
    marker: str  # the marker as written, e.g. "（一）"
    text: str  # the line after the marker
    line: Line
    body: list[Line] = field(default_factory=list)  # unnumbered lines under it
    children: list["Node"] = field(default_factory=list)
    parent: "Node | None" = None

    @property
    def lineno(self) -> int:
        return self.line.number

    def depth_below(self) -> int:
        return 1 + max((c.depth_below() for c in self.children), default=0)

    def title(self) -> str:
        """Heading: the text up to the first full stop when it is short, else the text."""
        t = self.text.strip()
        m = re.match(r"^(.{2,40}?)[。：:]", t)
        return m.group(1) if m else t

    def full_text(self, with_marker=False) -> str:
        """Own text, unnumbered lines and children, one item a line."""
        parts = [(self.marker + self.text) if with_marker else self.text]
        parts += [b.text for b in self.body]
        parts += [c.full_text(with_marker=True) for c in self.children]
        return "\n".join(p for p in parts if p)

    def mark_used(self):
        self.line.used = True
        for b in self.body:
            b.used = True
        for c in self.children:
            c.mark_used()


@dataclass
class Outline:
    preamble: list[Line]
    roots: list[Node]


def build(lines: list[Line], stop=None) -> Outline:
    """``stop(line)`` may end the outline early (closing parts such as 抄送 stay out)."""
    preamble: list[Line] = []
    roots: list[Node] = []
    stack: list[Node] = []
    for ln in lines:
        if "\t" in ln.text:
            continue  # table rows are read by tables.py
        mk = match_marker(ln.text)
        if mk is None:
            (stack[-1].body if stack else preamble).append(ln)
            continue
        style, number, marker, rest = mk
        node = Node(style, number, marker, rest.strip(), ln)
        styles = [n.style for n in stack]
        if style in styles:
            del stack[styles.index(style):]
        if stack:
            node.parent = stack[-1]
            stack[-1].children.append(node)
        else:
            roots.append(node)
        stack.append(node)
    return Outline(preamble, roots)
