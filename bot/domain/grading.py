"""Free-text quiz answer grading.

Students type answers on phones, so the grader forgives what does not change meaning
(case, accents, punctuation, spacing, hyphens, word order, small typos, number words) and
stays strict where one small edit names a different thing: short answers, numbers, and
single distinguishing words ("North" vs "South" Korea, "minimum" vs "maximum" pressure).

How an answer is judged, in order:

1. Empty or oversized input is refused up front ("empty", "too_long"); nothing raises.
2. Normalised equality with a reject entry is "rejected"; with an accept entry, "exact".
3. Otherwise each alternative is compared token by token (order-insensitive). Every
   content token of the alternative must be matched by an answer token within a small
   per-token edit budget (see `_token_ok`), numbers must match exactly, and the answer may
   not add unexplained content words ("South America" is not "America"). Alternatives of
   at most `SHORT_ANSWER_LENGTH` characters must match exactly.
4. If a reject entry matches at least as well as the best accept entry, the answer is
   "rejected" (so "Chian" with reject "China" never passes as a typo of anything).

Known limits (measured by ``parley bench grader``): synonyms are not known ("kidnappings"
for "abductions"); extra context words other than generic filler fail ("Hanoi, Vietnam");
homophones beyond the edit budget fail ("counsel" for "council"); a real neighbour one
letter away passes unless listed in `reject` ("Iceland" for "Ireland", "tablet" for
"table"), so quiz authors should list likely confusions as rejects. Small words such as
"on" are ignored, so "on the table" matches an alternative "table".

The module is pure: no I/O, no Discord, no database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

__all__ = [
    "ACCEPT_THRESHOLD",
    "LONG_WORD_MIN_RATIO",
    "MAX_ALTERNATIVES",
    "MAX_ANSWER_LENGTH",
    "MAX_TOKENS",
    "SHORT_ANSWER_LENGTH",
    "Grade",
    "Reason",
    "grade",
    "normalise",
]

MAX_ANSWER_LENGTH = 500
"""Longest raw answer (in characters) that is graded at all; longer ones are "too_long".

Real answers to these questions are a few words; a paste of a paragraph is not an answer,
and refusing it early bounds the work done per message."""

MAX_TOKENS = 32
"""Most words an answer may have after normalisation; longer ones are "too_long". Accepted
and rejected alternatives are cut to this many words too. Bounds the token-matching cost
(quadratic in words) so one call stays in the low milliseconds even on hostile input."""

MAX_ALTERNATIVES = 25
"""Only the first this-many accept and reject entries are used (bounds work per call)."""

SHORT_ANSWER_LENGTH = 4
"""Alternatives this short (letters and digits, ignoring spaces) must match exactly:
one edit in "ROK", "US" or "Abe" usually names something else."""

ACCEPT_THRESHOLD = 75.0
"""Minimum overall similarity (0-100) once every token rule is satisfied. The token rules
do the real work (their weakest pass is 80: one wrong letter in a five-letter word); this
backstop only stops answers with a typo in every short word ("wat men" for "war man")."""

LONG_WORD_MIN_RATIO = 80.0
"""A word of 8+ letters with two or three typos must still be this similar (fuzz.ratio)."""

Reason = Literal["exact", "fuzzy", "rejected", "empty", "too_long", "no_match"]


@dataclass(frozen=True, slots=True)
class Grade:
    """The verdict on one answer.

    `score` is the similarity (0-100) to the closest accepted alternative, reported even
    when the answer is wrong so the bot can say "close, but no"; `correct` is the verdict.
    `matched` is the accepted alternative that made the answer correct, else None.
    """

    correct: bool
    score: float
    matched: str | None
    reason: Reason


# --------------------------------------------------------------------------- normalise

_NORMALISE_INPUT_LIMIT = 8 * MAX_ANSWER_LENGTH

# Apostrophes join ("People's" -> "peoples", "P'yongyang" -> "pyongyang").
_APOSTROPHES = dict.fromkeys(map(ord, "'\u2018\u2019\u02bc\u02bb`\u00b4\u2032"), None)
# Letters NFKD does not decompose.
_LETTER_FOLDS = str.maketrans(
    {"đ": "d", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th", "ð": "d"}
)
_DOTTED_ACRONYM = re.compile(r"\b(?:[a-z]\.)+[a-z]\b\.?")
_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")
_THOUSANDS_SEP = re.compile(r"(?<=\d),(?=\d{3}\b)")
_LEADING_ARTICLES = frozenset({"the", "a", "an"})


def _words(text: str) -> list[str]:
    return text.split()


_UNITS = {w: i for i, w in enumerate(_words("zero one two three four five six seven eight nine"))}
_TEENS = {
    w: 10 + i
    for i, w in enumerate(
        _words("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen")
    )
}
_TENS = {
    w: 20 + 10 * i
    for i, w in enumerate(_words("twenty thirty forty fifty sixty seventy eighty ninety"))
}
_GLUED_COMPOUND = re.compile(
    r"^(" + "|".join(_TENS) + r")(" + "|".join(k for k in _UNITS if k != "zero") + r")$"
)
_SCALES = {"hundred": 100, "thousand": 1000}


def _fold_char(ch: str) -> str:
    """Map one NFKD character to plain text: drop marks and invisible controls."""
    cat = unicodedata.category(ch)
    if cat in ("Mn", "Me", "Mc", "Cf", "Cc", "Cs", "Co", "Cn"):
        # Combining marks (accents), zero-width and bidi controls, control characters,
        # lone surrogates and unassigned code points carry no answer content.
        return " " if ch in "\t\n\r\x0b\x0c" else ""
    if cat == "Nd" and not ch.isascii():
        return str(unicodedata.decimal(ch))  # Arabic-Indic and other decimal digits
    return ch


def _split_glued_numbers(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for tok in tokens:
        m = _GLUED_COMPOUND.match(tok)
        out.extend([m.group(1), m.group(2)] if m else [tok])
    return out


def _is_number_word(tok: str) -> bool:
    return tok in _UNITS or tok in _TEENS or tok in _TENS or tok in _SCALES


def _words_to_digits(tokens: list[str]) -> list[str]:
    """Replace runs of English number words with digits ("twenty one" -> "21").

    A small grammar: a unit may follow a ten ("twenty one") and scales may follow a
    smaller number ("two thousand and nineteen"). Anything else ends the number, so
    "twenty eighteen" stays two numbers rather than becoming 38.
    """
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        starts_with_article = tok in ("a", "an") and i + 1 < n and tokens[i + 1] in _SCALES
        if not (_is_number_word(tok) or starts_with_article):
            out.append(tok)
            i += 1
            continue
        total = current = 0
        last: str | None = None
        j = i
        if starts_with_article:
            current, last, j = 1, "unit", i + 1
        while j < n:
            w = tokens[j]
            if w in _UNITS and last in (None, "ten", "hundred", "thousand"):
                current += _UNITS[w]
                last = "unit"
            elif w in _TEENS and last in (None, "hundred", "thousand"):
                current += _TEENS[w]
                last = "teen"
            elif w in _TENS and last in (None, "hundred", "thousand"):
                current += _TENS[w]
                last = "ten"
            elif w == "hundred" and last in (None, "unit", "teen", "ten") and current < 100:
                current = (current or 1) * 100
                last = "hundred"
            elif w == "thousand" and last != "thousand" and total == 0:
                total = (current or 1) * 1000
                current = 0
                last = "thousand"
            elif (
                w == "and"
                and last in ("hundred", "thousand")
                and j + 1 < n
                and (tokens[j + 1] in _UNITS or tokens[j + 1] in _TEENS or tokens[j + 1] in _TENS)
            ):
                pass
            else:
                break
            j += 1
        out.append(str(total + current))
        i = j
    return out


def _merge_letter_runs(tokens: list[str]) -> list[str]:
    """Join runs of single letters: "u s a" -> "usa" (a lone "n" in "n korea" stays)."""
    out: list[str] = []
    run: list[str] = []
    for tok in [*tokens, ""]:
        if len(tok) == 1 and "a" <= tok <= "z":
            run.append(tok)
            continue
        if len(run) >= 2:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if tok:
            out.append(tok)
    return out


def normalise(text: str) -> str:
    """Reduce an answer to a canonical, space-separated, lower-case ASCII-ish form.

    Removes case, accents, zero-width and bidi controls, punctuation and emoji; joins
    apostrophes and dotted or spaced acronyms ("U.S.", "u s" -> "us"); turns hyphens into
    spaces ("Jae-in" -> "jae in"); writes number words as digits; drops leading articles.
    Input and output are capped at 4,000 characters. Idempotent; never raises on a `str`.
    """
    s = text[:_NORMALISE_INPUT_LIMIT]
    s = unicodedata.normalize("NFKD", s.casefold())
    s = "".join(_fold_char(ch) for ch in s)
    s = s.casefold().translate(_APOSTROPHES).translate(_LETTER_FOLDS)
    s = s.replace("&", " and ").replace("+", " and ")
    s = _DOTTED_ACRONYM.sub(lambda m: m.group(0).replace(".", ""), s)
    s = _THOUSANDS_SEP.sub("", s)
    s = _DECIMAL_POINT.sub("\x00", s)
    s = "".join(ch if ch.isalnum() or ch == "\x00" else " " for ch in s)
    s = s.replace("\x00", ".")
    # Letter runs first, so "t e n" becomes "ten" and then "10" in this same pass.
    tokens = _words_to_digits(_split_glued_numbers(_merge_letter_runs(s.split())))
    while len(tokens) > 1 and tokens[0] in _LEADING_ARTICLES:
        tokens = tokens[1:]
    out = " ".join(tokens)
    if len(out) > _NORMALISE_INPUT_LIMIT:
        # Keep whole words within the limit so normalising the output again changes nothing.
        cut = out[: _NORMALISE_INPUT_LIMIT + 1]
        out = cut.rsplit(" ", 1)[0] if " " in cut else out[:_NORMALISE_INPUT_LIMIT]
    return out


def _key(normalised: str) -> str:
    """Spacing-insensitive identity: "moon jaein" == "moon jae in"."""
    return normalised.replace(" ", "")


# --------------------------------------------------------------------------- matching

_STOPWORDS = frozenset({"the", "a", "an", "of", "in", "at", "on", "to", "for", "from", "and", "by"})
# Generic words that never change *which* thing is named. An answer may add them
# ("the Hanoi summit", "PM Shinzo Abe", "South Korean government"), and an alternative
# that contains them does not require them ("the abduction issue" accepts "abductions").
_FILLER = frozenset(
    _words(
        """
    summit summits government administration president prime minister pm mr leader leaders
    city country capital issue issues facility site plant reactor complex
    was were is are reached only just key
    january february march april may june july august september october november december
    """
    )
)
_PARTIAL_CREDIT_MIN_RATIO = 50.0  # word pairs less alike than this are simply unmatched
# Words that turn an otherwise matching answer into a different claim or a hedge.
_HEDGES = frozenset({"or", "not", "no", "nor", "never", "neither", "except", "without", "but"})


def _has_digit(tok: str) -> bool:
    # Tokens are alphanumeric (or a decimal like "4.5"), so "not all letters" means "has a
    # digit". str.isalpha runs in C; this is on the hot path.
    return not tok.isalpha()


def _edit_budget(length: int) -> int:
    """Typos forgiven in one word of the alternative: about one per seven letters."""
    if length >= 13:
        return 3
    if length >= 8:
        return 2
    return 1


def _token_ok(ans: str, tgt: str) -> bool:
    """Whether answer word `ans` may stand for alternative word `tgt`.

    Numbers and one-letter words must be equal. Two-letter words allow only one inserted
    letter ("eun" for "un", never "il" for "un"). Three-letter words allow one edit that
    keeps the first letter ("ave" for "abe", "wat" for "war"). Longer words allow
    one edit (optimal string alignment, so a swap of neighbours is one edit); words of
    eight letters or more allow `_edit_budget` edits if still `LONG_WORD_MIN_RATIO` alike.
    """
    if ans == tgt:
        return True
    n = len(tgt)
    if n <= 1 or abs(len(ans) - n) > _edit_budget(n):
        return False
    if _has_digit(ans) or _has_digit(tgt):
        return False
    if n == 2:
        return len(ans) == 3 and tgt in ans
    if n == 3:
        return ans[:1] == tgt[:1] and OSA.distance(ans, tgt, score_cutoff=1) <= 1
    distance = OSA.distance(ans, tgt, score_cutoff=_edit_budget(n) + 1)
    if distance <= 1:
        return True
    # Several edits are forgiven only in long words, and only while the words still share
    # most letters: "Singapur" (82) passes, "Pyongsong" for "Pyongyang" (78) does not.
    return distance <= _edit_budget(n) and fuzz.ratio(ans, tgt) >= LONG_WORD_MIN_RATIO


def _content(tokens: list[str]) -> list[str]:
    kept = [t for t in tokens if t not in _STOPWORDS]
    return kept or tokens


def _merge_splits(ans: list[str], tgt: list[str]) -> tuple[list[str], list[str]]:
    """Re-join words one side split and the other did not ("pyong yang", "southkorea")."""
    ans, tgt = list(ans), list(tgt)
    for _ in range(4):
        changed = False
        for t in tgt:
            if t in ans:
                continue
            for i in range(len(ans) - 1):
                joined = ans[i] + ans[i + 1]
                if (
                    _token_ok(joined, t)
                    and not _token_ok(ans[i], t)
                    and not _token_ok(ans[i + 1], t)
                ):
                    ans[i : i + 2] = [joined]
                    changed = True
                    break
        for a in ans:
            if a in tgt:
                continue
            for j in range(len(tgt) - 1):
                joined = tgt[j] + tgt[j + 1]
                if (
                    _token_ok(a, joined)
                    and not _token_ok(a, tgt[j])
                    and not _token_ok(a, tgt[j + 1])
                ):
                    tgt[j : j + 2] = [joined]
                    changed = True
                    break
        if not changed:
            break
    return ans, tgt


@dataclass(frozen=True, slots=True)
class _Match:
    passes: bool
    score: float


def _compare(ans_tokens: list[str], alternative: str) -> _Match:
    """Score `ans_tokens` against one normalised alternative, and say if it passes."""
    alt_tokens = alternative.split()
    ans, tgt = _merge_splits(_content(ans_tokens), _content(alt_tokens))
    target_is_number = all(_has_digit(t) for t in tgt)
    required = [t for t in tgt if t not in _FILLER] or tgt
    short = len("".join(required)) <= SHORT_ANSWER_LENGTH

    # Greedy one-to-one assignment: acceptable pairs first, then by similarity. Pairs that
    # break a token rule still count towards the score ("South Korea" is 80% of "North
    # Korea", useful as "close, but no") but make the alternative fail.
    pairs: list[tuple[bool, float, int, int]] = []
    for i, a in enumerate(ans):
        for j, t in enumerate(tgt):
            ratio = fuzz.ratio(a, t)
            ok = _token_ok(a, t) and (not short or a == t or t not in required)
            if ok or (ratio >= _PARTIAL_CREDIT_MIN_RATIO and t in required):
                pairs.append((ok, ratio, i, j))
    pairs.sort(key=lambda p: (not p[0], -p[1], p[2], p[3]))
    used_a: set[int] = set()
    used_t: set[int] = set()
    matched_weight = 0.0
    total_weight = 0.0
    passes = True
    for ok, ratio, i, j in pairs:
        if i in used_a or j in used_t:
            continue
        used_a.add(i)
        used_t.add(j)
        weight = len(ans[i]) + len(tgt[j])
        matched_weight += ratio * weight
        total_weight += weight
        passes = passes and ok

    for j, t in enumerate(tgt):
        if j in used_t:
            continue
        if t in _FILLER and t not in required:
            continue  # optional generic word of the alternative
        passes = False
        total_weight += 2 * len(t)
    for i, a in enumerate(ans):
        if i in used_a:
            continue
        harmless = (
            (a in _FILLER or a in _STOPWORDS)
            or (target_is_number and not _has_digit(a) and a not in _HEDGES)
            or (len(a) == 1 and a.isalpha() and len(ans) >= 3)
        )
        if not harmless:
            passes = False
            total_weight += 2 * len(a)

    score = matched_weight / total_weight if total_weight else 0.0
    return _Match(passes=passes and score >= ACCEPT_THRESHOLD, score=score)


def _prepare(alternatives: Sequence[str]) -> list[tuple[str, str]]:
    """(original, normalised) pairs for usable alternatives, capped in number and size."""
    out: list[tuple[str, str]] = []
    for alt in list(alternatives)[:MAX_ALTERNATIVES]:
        if not isinstance(alt, str):
            continue
        norm = " ".join(normalise(alt[:MAX_ANSWER_LENGTH]).split()[:MAX_TOKENS])
        if norm:
            out.append((alt, norm))
    return out


def _raw_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def grade(answer: str, accept: Sequence[str], reject: Sequence[str] = ()) -> Grade:
    """Grade a free-text `answer` against accepted and known-wrong alternatives.

    Never raises for string input; bad input yields `correct=False` with a reason.
    Abbreviations are accepted only when listed in `accept` ("USA" is not "United
    States" unless the quiz author says so).
    """
    if not isinstance(answer, str) or not answer.strip():
        return Grade(False, 0.0, None, "empty")
    if len(answer) > MAX_ANSWER_LENGTH:
        return Grade(False, 0.0, None, "too_long")

    norm = normalise(answer)
    accepts = _prepare(accept)
    rejects = _prepare(reject)
    if not norm:
        # Nothing gradeable left (emoji, punctuation). Allow an alternative that is itself
        # made only of symbols to match literally, so such alternatives still work.
        raw = _raw_key(answer)
        for alt in list(reject)[:MAX_ALTERNATIVES]:
            if isinstance(alt, str) and _raw_key(alt) == raw and not normalise(alt):
                return Grade(False, 0.0, None, "rejected")
        for alt in list(accept)[:MAX_ALTERNATIVES]:
            if isinstance(alt, str) and _raw_key(alt) == raw and not normalise(alt):
                return Grade(True, 100.0, alt, "exact")
        return Grade(False, 0.0, None, "empty")

    tokens = norm.split()
    if len(tokens) > MAX_TOKENS:
        return Grade(False, 0.0, None, "too_long")

    key = _key(norm)
    acc = [(alt, _compare(tokens, n), _key(n) == key) for alt, n in accepts]
    best_acc_score = max((m.score for _, m, _ in acc), default=0.0)

    if any(_key(n) == key for _, n in rejects):
        return Grade(False, round(best_acc_score, 1), None, "rejected")
    for alt, _, exact in acc:
        if exact:
            return Grade(True, 100.0, alt, "exact")

    passing = [(alt, m) for alt, m, _ in acc if m.passes]
    best_alt, best = max(passing, key=lambda p: p[1].score, default=(None, None))
    rej_scores = [m.score for m in (_compare(tokens, n) for _, n in rejects) if m.passes]
    best_rej = max(rej_scores, default=None)
    score = round(best_acc_score, 1)

    if best_rej is not None and (best is None or best_rej >= best.score):
        return Grade(False, score, None, "rejected")
    if best is None or best_alt is None:
        return Grade(False, score, None, "no_match")
    return Grade(True, round(best.score, 1), best_alt, "fuzzy")
