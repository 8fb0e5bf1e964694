"""Numbering markers of the genre: 第一章 第一条 一、 （一） 1. 1、 （1） ① 1)."""
from __future__ import annotations

import re

from .text import cn_number

STYLES = [
    ("chapter", re.compile(r"^第([一二三四五六七八九十百零〇\d]+)(?:章|部分)\s*")),
    ("article", re.compile(r"^第([一二三四五六七八九十百零〇\d]+)[条节]\s*")),
    ("cn", re.compile(r"^([一二三四五六七八九十]+)[、．.]\s*")),
    ("pcn", re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]\s*")),
    ("num", re.compile(r"^(\d{1,3})(?:[、．]|\.(?!\d))\s*")),
    ("pnum", re.compile(r"^[（(](\d{1,3})[）)]\s*")),
    ("circ", re.compile(r"^([①-⑳])\s*")),
    ("rnum", re.compile(r"^(\d{1,3})[)）]\s*")),
]
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def match_marker(text: str):
    for style, rx in STYLES:
        m = rx.match(text)
        if m:
            raw = m.group(1)
            n = CIRCLED.index(raw) + 1 if style == "circ" else cn_number(raw)
            if n is None:
                continue
            return style, n, text[:m.end()].strip(), text[m.end():]
    return None
