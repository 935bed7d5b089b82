"""Possible duplicate aid items across provinces.

Two REGISTER rows of one period from different provinces are a possible duplicate when
they have the same donor (compared without case, diacritics or punctuation) and
near-identical titles, or the same approval decision (number and date).

The search is blocked, never all-pairs: rows are grouped by donor (then by decision);
inside a donor block identical titles fall together by key, and near-identical ones
are found by comparing each distinct title with its `WINDOW` neighbours in sorted
order (forwards and reversed), so the work grows as n·k, not n².

k rows with the same title give k−1 pairs (each row paired once, with the first row of
another province), never k² pairs; two near-identical titles give one pair.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .text import fold as _fold

fold = lru_cache(maxsize=65536)(_fold)

NEAR = 92.0  # minimum title similarity (0–100) for "near-identical"
WINDOW = 8  # neighbours compared in each sorted order

SAME_DONOR_TITLE, SAME_DECISION = "donor-title", "decision"
REASON_VI = {SAME_DONOR_TITLE: "Cùng nhà tài trợ, tên gần giống", SAME_DECISION: "Cùng số và ngày quyết định"}
REASON_EN = {SAME_DONOR_TITLE: "Same donor, near-identical title", SAME_DECISION: "Same decision number and date"}

_NON_WORD = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Candidate:
    """What the search needs to know about one row."""

    province: str  # the province code as submitted (rows of one province never pair)
    period: str
    donor: str | None
    title: str | None
    decision: str | None = None
    decision_date: date | None = None


@dataclass(frozen=True)
class DuplicatePair:
    """Rows `a` and `b` (indexes into the candidates) may be the same aid item."""

    a: int
    b: int
    reasons: tuple[str, ...]
    score: float  # title similarity, 0–100
    group: int  # pairs of one group describe one cluster of matching rows


@lru_cache(maxsize=65536)
def title_key(text: str | None) -> str:
    """A title for comparison: lower case, no diacritics, words separated by single spaces."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return _NON_WORD.sub(" ", bare).strip()


def decision_key(text: str) -> str:
    """A decision number for comparison: upper case, Đ as D, no spaces ("1234/QĐ-UBND" → "1234/QD-UBND")."""
    return _SPACES.sub("", text.upper().replace("Đ", "D"))


def similarity(a: str | None, b: str | None) -> float:
    """Title similarity 0–100, insensitive to case, diacritics and word order."""
    from rapidfuzz import fuzz

    return round(fuzz.token_sort_ratio(title_key(a), title_key(b)), 1)


def find_duplicates(rows: Sequence[Candidate], near: float = NEAR, window: int = WINDOW) -> list[DuplicatePair]:
    """Possible duplicates across provinces among `rows`, as pairs with a similarity score."""
    found: dict[tuple[int, int], list] = {}  # pair → [reasons, score, cluster number]
    clusters = 0

    def add(a: int, b: int, reason: str, score: float, cluster: int) -> None:
        pair = (a, b) if a < b else (b, a)
        if pair in found:
            found[pair][0].add(reason)
        else:
            found[pair] = [{reason}, score, cluster]

    by_donor: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_decision: dict[tuple[str, str, date | None], list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        donor = fold(row.donor) if row.donor else ""
        if donor and row.title:
            by_donor[(row.period, donor)].append(i)
        decision = decision_key(row.decision) if row.decision else ""
        if decision:
            by_decision[(row.period, decision, row.decision_date)].append(i)

    for key in sorted(by_donor):
        members = by_donor[key]
        if len({rows[i].province for i in members}) < 2:
            continue
        for links in _title_links(rows, members, near, window):
            clusters += 1
            for a, b, score in links:
                add(a, b, SAME_DONOR_TITLE, score, clusters)
    shared = [k for k, members in by_decision.items() if len(members) > 1]
    for key in sorted(shared, key=lambda k: (k[0], k[1], k[2] or date.min)):
        members = by_decision[key]
        if len({rows[i].province for i in members}) >= 2:
            clusters += 1
            for a, b in _anchor_pairs(rows, members):
                add(a, b, SAME_DECISION, similarity(rows[a].title, rows[b].title), clusters)

    renumber: dict[int, int] = {}
    out = []
    for (a, b), (reasons, score, cluster) in sorted(found.items(), key=lambda item: (item[1][2], item[0])):
        group = renumber.setdefault(cluster, len(renumber) + 1)
        ordered = tuple(r for r in (SAME_DONOR_TITLE, SAME_DECISION) if r in reasons)
        out.append(DuplicatePair(a, b, ordered, score, group))
    return out


def _title_links(rows, members: list[int], near: float, window: int) -> list[list[tuple[int, int, float]]]:
    """Pairs (a, b, score) of one donor block, clustered: identical titles, and near-identical ones.

    Rows with the same title key give k−1 anchor pairs (score 100). Two distinct titles whose
    similarity reaches `near` give one pair between their first rows of different provinces.
    """
    from rapidfuzz import fuzz

    by_title: dict[str, list[int]] = defaultdict(list)
    for i in members:
        key = title_key(rows[i].title)
        if key:
            by_title[key].append(i)
    titles = sorted(by_title)
    parent = {t: t for t in titles}

    def find(t: str) -> str:
        while parent[t] != t:
            parent[t] = parent[parent[t]]
            t = parent[t]
        return t

    links: list[tuple[str, str, float]] = []
    seen = set()
    for order in (titles, sorted(titles, key=lambda t: t[::-1])):
        for n, t in enumerate(order):
            for other in order[n + 1:n + 1 + window]:
                pair = (t, other) if t < other else (other, t)
                if pair in seen:
                    continue
                seen.add(pair)
                score = fuzz.token_sort_ratio(t, other, score_cutoff=near)
                if score:
                    pair_rows = _cross_pair(rows, by_title[t], by_title[other])
                    if pair_rows:
                        links.append((t, other, round(score, 1)))
                        parent[find(other)] = find(t)
    clusters: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
    for t in titles:
        same = by_title[t]
        if len(same) > 1 and len({rows[i].province for i in same}) >= 2:
            clusters[find(t)].extend((a, b, 100.0) for a, b in _anchor_pairs(rows, same))
    for t, other, score in links:
        a, b = _cross_pair(rows, by_title[t], by_title[other])
        clusters[find(t)].append((a, b, score))
    return [clusters[root] for root in sorted(clusters)]


def _cross_pair(rows, left: list[int], right: list[int]) -> tuple[int, int] | None:
    """The first rows of `left` and `right` that come from different provinces, if any."""
    for a in left:
        for b in right:
            if rows[a].province != rows[b].province:
                return a, b
    return None


def _anchor_pairs(rows, members: list[int]) -> list[tuple[int, int]]:
    """k−1 cross-province pairs for a group of k rows: each row once, with the first row of another province."""
    ordered = sorted(members, key=lambda i: (rows[i].province, i))
    first_of: dict[str, int] = {}
    for i in ordered:
        first_of.setdefault(rows[i].province, i)
    anchor = ordered[0]
    out = []
    for i in ordered[1:]:
        if rows[i].province != rows[anchor].province:
            out.append((anchor, i))
        else:
            other = next(j for p, j in first_of.items() if p != rows[i].province)
            out.append((other, i))
    return out
