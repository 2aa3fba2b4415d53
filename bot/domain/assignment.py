"""Who plays which actor: balanced delegations for a class of 2 or of 60.

One rule underlies self-pick caps, the random deal and late joiners, so the three modes agree:
with ``n`` players and ``k`` actors in play every delegation gets ``n // k`` members and the first
``n % k`` actors in order of play get one more. The deal-makers come first in the order of play,
so the extra students go where the negotiation is decided.

Seats make "at most one student per place" something a database can enforce: delegation ``a``
with cap ``c`` has seats ``0 … c-1``; a claim takes the lowest free seat, and a unique
(session, actor, seat) constraint turns two simultaneous claims on one seat into one winner.
"""

from __future__ import annotations

import random
import secrets
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence

SEED_LOW, SEED_HIGH = 100_000, 999_999
"""Seeds the facilitator sees and may type back: six digits are easy to read out."""


def new_seed() -> int:
    """A fresh six-digit seed for a random deal."""
    return SEED_LOW + secrets.randbelow(SEED_HIGH - SEED_LOW + 1)


def seat_caps(n_players: int, actors: Sequence[str]) -> dict[str, int]:
    """How many members each actor may have so that delegations differ by at most one."""
    if not actors:
        return {}
    base, extra = divmod(max(n_players, 0), len(actors))
    return {actor: base + (1 if i < extra else 0) for i, actor in enumerate(actors)}


def lowest_free_seat(taken: Collection[int], cap: int | None = None) -> int | None:
    """The lowest seat number not in ``taken`` (below ``cap`` if given), else ``None``."""
    seat = 0
    while seat in taken:
        seat += 1
    if cap is not None and seat >= cap:
        return None
    return seat


def smallest_delegation(counts: Mapping[str, int], actors: Sequence[str]) -> str:
    """The actor with the fewest members; ties go to the earlier actor in order of play."""
    if not actors:
        raise ValueError("no actors to choose from")
    return min(enumerate(actors), key=lambda pair: (counts.get(pair[1], 0), pair[0]))[1]


def deal(
    players: Iterable[int],
    actors: Sequence[str],
    seed: int,
    pinned: Mapping[int, str] | None = None,
) -> dict[int, str]:
    """A balanced random deal of ``players`` over ``actors``, reproducible from ``seed``.

    Players are sorted before shuffling, so the same class and seed always give the same deal,
    whatever order students joined in. ``pinned`` players (a facilitator who plays) keep their
    actor and count towards its size.
    """
    if not actors:
        raise ValueError("no actors to deal")
    pinned = dict(pinned or {})
    counts: Counter[str] = Counter(a for a in pinned.values() if a in actors)
    order = sorted(set(players) - set(pinned))
    random.Random(seed).shuffle(order)
    result = dict(pinned)
    for player in order:
        actor = smallest_delegation(counts, actors)
        result[player] = actor
        counts[actor] += 1
    return result


def is_balanced(counts: Mapping[str, int], actors: Sequence[str]) -> bool:
    """Every actor in play has a size within one of every other."""
    sizes = [counts.get(a, 0) for a in actors]
    return not sizes or max(sizes) - min(sizes) <= 1
