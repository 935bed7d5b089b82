"""Possible duplicate aid items across provinces.

Two REGISTER rows of one period from different provinces are a possible duplicate when
they have the same donor (compared without case, diacritics or punctuation) and
near-identical titles, or the same approval decision (number and date).

The search is blocked, never all-pairs: rows are grouped by donor (then by decision);
inside a donor block identical titles fall together by key, and near-identical ones
are found by comparing each distinct title with its `WINDOW` neighbours in sorted
order (forwards and reversed), so the work grows as n·k, not n².

k rows with the same title give k−1 links (each row linked once, with the first row of
another province), never k²; two near-identical titles give one link. The links are then
joined into groups (`merge_parts`): each matching row comes once, with its group's ID, the
group's size and why it matches, so the result grows with the rows, never with their square.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from ..text import fold as _fold

fold = lru_cache(maxsize=65536)(_fold)

NEAR = 92.0  # minimum title similarity (0–100) for "near-identical"
WINDOW = 8  # neighbours compared in each sorted order

SAME_DONOR_TITLE, SAME_DECISION = "donor-title", "decision"
REASON_LABEL = {
    SAME_DONOR_TITLE: "Cùng nhà tài trợ, tên gần giống / Same donor, near-identical title",
    SAME_DECISION: "Cùng số và ngày quyết định / Same decision number and date",
}

_NON_WORD = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")


class Candidate(NamedTuple):
    """What the search needs to know about one row."""

    province: str  # the province code as submitted (rows of one province never pair)
    period: str
    donor: str | None
    title: str | None
    decision: str | None = None
    decision_date: date | None = None


class DuplicateMember(NamedTuple):
    """Row `row` (an index into the candidates) may be the same aid item as the other rows of its group."""

    row: int
    group: int  # 1, 2, …: the rows of one group may all be one aid item
    size: int  # rows in the group
    reasons: tuple[str, ...]  # why this row matches another of its group
    score: float  # its best title similarity to another row of the group, 0–100


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


def find_duplicates(rows: Sequence[Candidate], near: float = NEAR, window: int = WINDOW) -> list[DuplicateMember]:
    """Possible duplicates across provinces among `rows`, as groups: one member per matching row."""
    return merge_parts([search_part(rows, 0, 1, near, window)])


def search_part(
    rows: Sequence[Candidate], part: int, parts: int, near: float = NEAR, window: int = WINDOW
) -> dict[tuple[int, int], tuple[tuple, float, frozenset]]:
    """One share of the search, so `parts` processes can split it: the donor blocks whose rank is
    `part` modulo `parts` (and, for part 0, the decisions). Combine the shares with `merge_parts`.

    :returns: pair (a, b) → (cluster key, score, reasons); cluster keys order the groups.
    """
    province = [row.province for row in rows]
    found: dict[tuple[int, int], tuple[tuple, float, frozenset]] = {}

    by_donor: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_decision: dict[tuple[str, str, date | None], list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        if row.donor and row.title:
            by_donor[(row.period, fold(row.donor))].append(i)
        if part == 0 and row.decision:
            by_decision[(row.period, decision_key(row.decision), row.decision_date)].append(i)

    for rank, key in enumerate(sorted(by_donor)):
        members = by_donor[key]
        if rank % parts != part or len({province[i] for i in members}) < 2:
            continue
        titles = [title_key(rows[i].title) for i in members]
        for n, links in enumerate(_title_links(province, members, titles, near, window)):
            for a, b, score in links:
                pair = (a, b) if a < b else (b, a)
                if pair not in found:
                    found[pair] = ((0, rank, n), score, frozenset((SAME_DONOR_TITLE,)))
    shared = [k for k, members in by_decision.items() if len(members) > 1]
    for rank, decided in enumerate(sorted(shared, key=lambda k: (k[0], k[1], k[2] or date.min))):
        members = by_decision[decided]
        if len({province[i] for i in members}) >= 2:
            for a, b in _anchor_pairs(province, members):
                pair = (a, b) if a < b else (b, a)
                found[pair] = ((1, rank, 0), similarity(rows[a].title, rows[b].title), frozenset((SAME_DECISION,)))
    return found


def merge_parts(parts: Iterable[dict]) -> list[DuplicateMember]:
    """The links of every share of the search joined into groups, numbered in a stable order.

    A row linked to two others (a near-identical title and a shared decision) makes one group of all
    three; each row's reasons and score are the union and the best of its own links.
    """
    links: dict[tuple[int, int], tuple[tuple, float, frozenset]] = {}
    for share in parts:
        for pair, (cluster, score, reasons) in share.items():
            known = links.get(pair)
            links[pair] = (
                (cluster, score, reasons)
                if known is None
                else (min(known[0], cluster), max(known[1], score), known[2] | reasons)
            )
    parent: dict[int, int] = {}

    def find(i: int) -> int:
        parent.setdefault(i, i)
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[int, tuple] = {}  # a member row → the smallest cluster key of its links
    why: dict[int, set] = defaultdict(set)
    best: dict[int, float] = defaultdict(float)
    for (a, b), (cluster, score, reasons) in links.items():
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
        for i in (a, b):
            first[i] = min(first.get(i, cluster), cluster)
            why[i] |= reasons
            best[i] = max(best[i], score)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in first:
        groups[find(i)].append(i)
    ordered = sorted(groups.values(), key=lambda members: (min(first[i] for i in members), min(members)))
    out = []
    for number, members in enumerate(ordered, start=1):
        for i in sorted(members):
            reasons = tuple(r for r in (SAME_DONOR_TITLE, SAME_DECISION) if r in why[i])
            out.append(DuplicateMember(i, number, len(members), reasons, best[i]))
    return out


def _title_links(
    province: list[str], members: list[int], keys: list[str], near: float, window: int
) -> list[list[tuple[int, int, float]]]:
    """Pairs (a, b, score) of one donor block, clustered: identical titles, and near-identical ones.

    Rows with the same title key give k−1 anchor pairs (score 100). Two distinct titles whose
    similarity reaches `near` give one pair between their first rows of different provinces.
    """
    from rapidfuzz import fuzz

    by_title: dict[str, list[int]] = defaultdict(list)
    for i, key in zip(members, keys, strict=True):
        if key:
            by_title[key].append(i)
    titles = sorted(by_title)
    parent = {t: t for t in titles}

    def find(t: str) -> str:
        while parent[t] != t:
            parent[t] = parent[parent[t]]
            t = parent[t]
        return t

    links: dict[tuple[str, str], tuple[tuple[int, int], float]] = {}  # titles → (their rows' pair, score)
    scorer = fuzz.token_sort_ratio
    for order in (titles, sorted(titles, key=lambda t: t[::-1])):
        for n, t in enumerate(order):
            for other in order[n + 1 : n + 1 + window]:
                score = scorer(t, other, score_cutoff=near)
                if score:
                    pair = (t, other) if t < other else (other, t)
                    rows = None if pair in links else _cross_pair(province, by_title[pair[0]], by_title[pair[1]])
                    if rows:
                        links[pair] = (rows, round(score, 1))
                        parent[find(other)] = find(t)
    clusters: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
    for t in titles:
        same = by_title[t]
        if len(same) > 1 and len({province[i] for i in same}) >= 2:
            clusters[find(t)].extend([(a, b, 100.0) for a, b in _anchor_pairs(province, same)])
    for (t, _), ((a, b), score) in links.items():
        clusters[find(t)].append((a, b, score))
    return [clusters[root] for root in sorted(clusters)]


def _cross_pair(province: list[str], left: list[int], right: list[int]) -> tuple[int, int] | None:
    """The first rows of `left` and `right` that come from different provinces, if any."""
    for a in left:
        for b in right:
            if province[a] != province[b]:
                return a, b
    return None


def _anchor_pairs(province: list[str], members: list[int]) -> list[tuple[int, int]]:
    """k−1 cross-province pairs for a group of k rows: each row once, with the first row of another province."""
    ordered = sorted(sorted(members), key=province.__getitem__)  # by province, then row
    first_of: dict[str, int] = {}
    for i in ordered:
        first_of.setdefault(province[i], i)
    anchor = ordered[0]
    home = province[anchor]
    out = []
    for i in ordered[1:]:
        if province[i] != home:
            out.append((anchor, i))
        else:
            other = next(j for p, j in first_of.items() if p != home)
            out.append((other, i))
    return out
