"""Free-text quiz answer grading.

Students type answers on phones, so the grader forgives what does not change meaning
(case, accents, punctuation, spacing, hyphens, word order, small typos, number words) and
how people write (abbreviations, initials, a qualifier, a sentence around the answer), and
stays strict where one small edit names a different thing: short answers, numbers, single
distinguishing words ("North" vs "South" Korea), real words one letter apart ("launch" vs
"lunch"), a negating prefix ("armament" vs "disarmament") and other countries ("Niger" vs
"Nigeria").

How an answer is judged, in order:

1. Empty or oversized input is refused up front ("empty", "too_long"); nothing raises.
2. Normalised equality with a reject entry is "rejected"; with an accept entry, "exact".
3. Otherwise the answer (and the forms the answer rules read it as) is compared with each
   alternative (and its name and initialism forms) word by word, order-insensitive: every
   content word of the alternative must be matched by an answer word under one of the
   word rules (`_pair`), and the answer may not add unexplained content words ("South
   America" is not "America"). Alternatives of at most `SHORT_ANSWER_LENGTH` characters must
   match exactly.
4. If a reject entry matches at least as well as the best accept entry, the answer is
   "rejected" (so "Chian" with reject "China" never passes as a typo of anything).

The named rules (`Grade.rule` says which made an answer right):

* ``typo``: a typo per word, more in long words; two letters swapped round a third
  ("Rebuplic") and a doubled letter in the wrong place ("tarrif") count as one. Between two
  real English words only a mechanical slip counts (swapped neighbours "untied", a doubled
  letter typed once or twice, British/American "defence"); any other edit names another
  word ("launch"/"lunch", "tablet"/"table", "order"/"border": refusal ``real_word``), as do
  the doer and the deed ("manager"/"management") and other derivations
  ("governance"/"government"). Inside a name of several words, one letter dropped, added
  or a vowel for a vowel is a typo even when it makes a word ("Ivory Cost", "Louis
  Paster"); a family name alone is not ("pastor").
* ``abbreviation``: standard abbreviations ("Ft." Fort, "N" North, "min" minimum, "Thos."
  Thomas, "La." Louisiana, "vs" v.), clipped words and contractions that are not words
  themselves ("Univ", "govt", "intl", "Const."), a state's postal code typed alone ("IL").
* ``initialism``: a run of two or more words written as its initials ("UNSC", "IUJ",
  "UN Security Council", "ASEAN" with Southeast as S-E); initials must be exact, and an
  initialism written in capitals in the key must be typed exactly ("IMF" is not "INF");
  initials spelt out ("United Nations" for "UN") unless the key lists their long form too.
* ``qualifier``: a country, region, continent or year added ("Hanoi, Vietnam",
  "Pyongyang, N. Korea", "Canberra ACT", "Eswatini, southern Africa"), never to an answer
  that is itself a country ("Japan, China" is a hedge) nor when it is a listed wrong
  answer, nor a city or region after a person ("Lincoln, Nebraska"); where an
  organisation sits ("International Criminal Court, The Hague", "Sciences Po Paris");
  "US", "UN" or "EU" in front of an institution; a gloss in brackets that names the same
  thing, its initials, a place or a symbol ("North Korea (DPRK)", "oxygen (O)"); a word
  that makes a common-noun answer more specific ("economic sanctions", "Korean
  armistice"), or a phrase after it ("annexation of Crimea"); a year or decade anywhere
  ("the 1494 Treaty of Tordesillas", "of the 1930s") unless the key names another year;
  "of" and a country after an institution ("the National Assembly of France") or after a
  numbered part ("Article 51 of the Charter"); any aside in brackets that neither hedges,
  contradicts a year of the key nor puts a place beside a place ("Friedman (Chicago
  school)"); "peace" or "border" inside an event's name ("Dayton Peace Accords"), how
  many before a plural name ("the four Geneva Conventions"), a country's possessive
  ("China's nine-dash line"), "Battle of" before a battle's place. Never a namesake city:
  a country must have a city of the name and a US, Canadian or Australian state must hold
  the largest one ("Cairo, Illinois", "Niamey, Nigeria"; GeoNames, `_city`).
  ``official_name``: another
  name of a country or city, as long or shorter than the answer typed ("Lao PDR",
  "Republic of South Korea", "Osterreich", "Bombay"), from pycountry and two small tables
  of what it does not know (`_COUNTRY_NAMES`, `_CITY_NAMES`).
* ``sentence``: the answer inside a sentence ("it ended with no agreement", "it was de
  Gaulle who founded the Fifth Republic", "Jefferson made the Louisiana Purchase") as long
  as the sentence neither negates it nor names a relative or rival ("it was Kim Jong-un's
  father", "they rejected concessions"); "not"/"without" before an answer that starts with
  "no" ("they did not reach an agreement"); a generic noun after it ("a wait and see
  approach", "oxygen gas"); a clause after a comma ("the vice president, who breaks
  ties").
* ``name``: a person's name (two to four capitalised words, a given name or a word that
  is not English first, particles such as "de", "von", "bin" kept with the family name)
  with a middle name left out or added, a first name as its initial, clipped or a
  nickname ("Ben Franklin", "Maggie Thatcher"; the `nicknames` package), spelt as it
  sounds ("Steven"/"Stephen", "Ghandi", "Mun"/"Moon"), by the family name alone
  ("Macron", "de Gaulle"; family name first for common East Asian family names: "Deng";
  not a patronymic: "Salman" is not "Mohammed bin Salman"), with a title in front,
  with its country ("Japanese PM Abe", "South Korean President Moon"), or described after
  a comma ("Abraham Lincoln, 16th president"). A family name shared with a listed wrong
  answer is ambiguous and refused ("Curie" when "Pierre Curie" is listed).
* ``swap``: two neighbouring letters swapped in a short word ("teh", "Jea-in"), also in a
  whole answer of three or four letters when that makes no other word, place or
  initialism ("Iarn", "opne"; not "Mail" for "Mali", "RKO" for "ROK").
* ``lookalike``: letter O for digit 0 in a word with digits ("H20" for "H2O"); capital I
  for small l in a short formula ("HCI"); numbers in any form of one value ("Elizabeth 2",
  "the Second", "13th", "XIII", "l812").
* ``word_form`` and ``synonym``: another form of the key word (Snowball stems:
  "abductions" for "abductees", "seceding" for "secession", "vetoed" for "veto";
  "Japanese" for "Japan"; a derived adjective or member noun: "Cubist" for "Cubism",
  "meiotic division" for "meiosis", "oligopolistic market" for "oligopoly"; a gerund and
  its object: "appeasing Hitler"), a kind of thing after it ("the Python language", "Arab
  Spring protests"), a phrase for it ("sending them back" for "return"), "not" or "non"
  for a negative prefix ("not admissible", "non-reactive" for "unreactive"), a head noun
  for another inside a name ("Boxer Revolt", "Sherman Antitrust law", "Mutual Defense
  Pact"; never "treaty" for "agreement"), a name's generic words in its own language
  ("Tratado de Tordesillas", "Guerra de las Malvinas", "Los Andes"; `_FOREIGN_WORDS`),
  or another name of a person, place, body, event, document or era from WordNet 3.0
  ("the Iron Chancellor", "World Court", "the Sun King"; `_aliases`): only the key's
  most frequent sense, never a country (pycountry decides those: "Persia" is not
  "Iran") and never a name inside the other ("Catherine" is not "Catherine the Great").
* refusals that beat all of them: ``negation``, ``real_word`` (also a word with "re-"
  in front: "renegotiations"; one letter replaced between real words: "capitol"),
  ``proper_noun`` (a typed country or region name is that place: "Laos" is not "Lagos",
  "Indiana" is not "India"; a place word after a country or person: "Mexico City", "Ho Chi
  Minh City"; a common word typed for a name of one word: "Pluto" for "Plato", "Money"
  for "Monet"; an element symbol for a formula in capitals: "Co" for "CO"; a given name
  before a family name the key lists alone for someone else: "Indira Gandhi"),
  ``number``; opposite prefixes inside a word ("hyperdeflation" for "hyperinflation");
  ``other_name``: the answer is, as a whole, the usual WordNet name of someone or something
  else ("James Mill", "Tasman" for Tasmania), a family name inflected ("Mills"), or the father
  for the son ("Johann Strauss Sr." for Johann Strauss II).

When a listed wrong answer matches too, the nearer one wins: fewer edits (a vowel for a
vowel and a doubled letter count less), then fewer words explained away, then an
alternative as written before a derived form; a tie is refused.

Short proper nouns get less typo room than other words (round 6, `_proper_typo_ok`): in a
capitalised answer key, a name of five or six letters that is not an English word keeps
its first letter ("Sienna" is not "Vienna"), a replaced letter must be a neighbouring key,
a vowel or a sound-alike ("Osama" is not "Obama", "Boston" is not "Bolton"), and a name of
five letters may not lose its last one ("Lago" is not "Lagos"). Two forms of a root of
three letters are different words ("arms" is not "armed"; "end" still stands for
"ending").

A wrong answer that came close carries a `Miss` saying how; `explain` words it, with or
without giving the answer away.

Known limits (measured by ``parley bench grader``): common-noun synonyms are not known
("ceasefire" for "armistice", "customs duty" for "tariff": WordNet's were tried and
accepted as many wrong answers as right ones); other names WordNet lacks ("Madiba",
"Great Slump", "Guerra de las Malvinas"); homophones beyond the edit budget ("counsel"
for "council"); a wrong year after a name the key gives without one ("Simla Agreement of
1914") and a namesake's region the table does not contradict pass; a real neighbour that
is not an English headword passes unless listed in `reject`, so quiz authors should list
likely confusions as rejects (``parley quiz lint`` lists them). Small words such as "on"
are ignored, so "on the table" matches an alternative "table".

The module is pure: no network, no Discord, no database. Word lists and the two data files
beside it (`data/`, built by the scripts named there) load once, on first use.
"""

from __future__ import annotations

import dataclasses
import functools
import gzip
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pycountry
import snowballstemmer
from english_words import get_english_words_set
from nicknames import NickNamer
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

__all__ = [
    "ACCEPT_THRESHOLD",
    "LONG_WORD_MIN_RATIO",
    "MAX_ALTERNATIVES",
    "MAX_ANSWER_LENGTH",
    "MAX_TOKENS",
    "NEAR_MISS_SCORE",
    "RULES",
    "SHORT_ANSWER_LENGTH",
    "Grade",
    "Miss",
    "MissKind",
    "Reason",
    "explain",
    "explain_miss",
    "grade",
    "normalise",
    "same_word_family",
    "warm_up",
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

NEAR_MISS_SCORE = 50.0
"""A wrong answer at least this similar to an accepted one gets a `Miss` (what was close)."""

Reason = Literal["exact", "fuzzy", "rejected", "empty", "too_long", "no_match"]

RULES = (
    "exact",
    "tokens",
    "typo",
    "abbreviation",
    "initialism",
    "qualifier",
    "official_name",
    "sentence",
    "name",
    "swap",
    "lookalike",
    "word_form",
    "synonym",
)
"""Names of the rules that accept an answer; `Grade.rule` joins the ones used with "+"
("tokens": every word present, only order, case, filler or spacing differed)."""

MissKind = Literal[
    "listed_wrong",
    "different_word",
    "missing_word",
    "extra_word",
    "hedge",
    "negation",
    "real_word",
    "proper_noun",
    "number",
    "other_name",
]


@dataclass(frozen=True, slots=True)
class Miss:
    """How a wrong answer missed: `given` is the student's word(s) at fault, `expected` the
    answer's (empty when there is none), `answer` the closest accepted alternative."""

    kind: MissKind
    given: str
    expected: str
    answer: str


@dataclass(frozen=True, slots=True)
class Grade:
    """The verdict on one answer.

    `score` is the similarity (0-100) to the closest accepted alternative, reported even
    when the answer is wrong so the bot can say "close, but no"; `correct` is the verdict.
    `matched` is the accepted alternative that made the answer correct, else None. `rule`
    names the rule(s) that recognised a right answer ("listed_wrong" for a listed wrong
    one); `miss` says what was close in a wrong one, for `explain`.
    """

    correct: bool
    score: float
    matched: str | None
    reason: Reason
    rule: str | None = None
    miss: Miss | None = None


def _q(text: str) -> str:
    return f"“{text}”"


def explain(grade: Grade, *, reveal: bool) -> str | None:
    """One teaching sentence on a narrow miss, or None when there is nothing useful to say.

    With `reveal` False (a retry, or a race still open) the sentence never contains the
    answer's words; it only points at what the student wrote.
    """
    return None if grade.correct else explain_miss(grade.miss, reveal=reveal)


def explain_miss(miss: Miss | None, *, reveal: bool) -> str | None:
    """`explain` for a `Miss` kept apart from its grade (a stored attempt, a verdict)."""
    if miss is None:
        return None
    given, expected = _q(miss.given), _q(miss.expected)
    if miss.kind == "listed_wrong":
        return "That is a common wrong answer" + (
            f": the answer is {_q(miss.answer)}." if reveal and miss.answer else "."
        )
    if miss.kind == "different_word":
        if reveal:
            return f"Close: you wrote {given} where the answer has {expected} ({_q(miss.answer)})."
        return f"Close: {given} names something else; the rest of your answer fits."
    if miss.kind == "missing_word":
        if reveal:
            return f"Close: the answer also names {expected} ({_q(miss.answer)})."
        return "Close: the answer has more to it than that."
    if miss.kind == "extra_word":
        return f"Close, but {given} does not belong in the answer."
    if miss.kind == "hedge":
        return f"Give one answer: {given} makes it a hedge."
    if miss.kind == "negation":
        if reveal:
            return f"Careful: {given} is the opposite of {expected}."
        return f"Careful: {given} says the opposite (check its prefix)."
    if miss.kind == "real_word":
        if reveal:
            return f"{given} is a different word from {expected}, not a typo of it."
        return f"{given} is a word of its own, so it is not read as a typo."
    if miss.kind == "proper_noun":
        if reveal:
            return f"You named {given.title()}; the answer is {expected.title()}."
        return f"{given.title()} is a different place."
    if miss.kind == "other_name":
        if reveal:
            return f"{given} is someone or something else: the answer is {_q(miss.answer)}."
        return f"{given} is the name of someone or something else."
    if reveal:
        return f"Check the number: you wrote {given}, the answer has {expected}."
    return f"Check the number: {given} is not it."


# --------------------------------------------------------------------------- normalise

_NORMALISE_INPUT_LIMIT = 8 * MAX_ANSWER_LENGTH

# Apostrophes join ("People's" -> "peoples", "P'yongyang" -> "pyongyang").
_APOSTROPHES = dict.fromkeys(map(ord, "'\u2018\u2019\u02bc\u02bb`\u00b4\u2032"), None)
# Letters NFKD does not decompose.
_LETTER_FOLDS = str.maketrans(
    {"đ": "d", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th", "ð": "d"}
)
_TRAILING_PLUS = re.compile(r"\+(?![\s+]*\w)")  # "OPEC+" names another group
_TRAILING_MINUS = re.compile(r"(?<=\w)-(?![\s-]*\w)")  # "O-" is O negative, not "O"
_DOTTED_ACRONYM = re.compile(r"\b(?:[a-z]\.)+[a-z]\b\.?")
_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")
_THOUSANDS_SEP = re.compile(r"(?<=\d),(?=\d{3}\b)")
_LEADING_ARTICLES = frozenset({"the", "a", "an"})
# "The" in the languages names are often written in, before a name of two words or more.
_FOREIGN_ARTICLES = frozenset(
    {"la", "le", "el", "il", "lo", "los", "las", "les", "der", "die", "das"}
)


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
_TENS["fourty"] = 40  # the commonest misspelling of a number word
_GLUED_COMPOUND = re.compile(
    r"^("
    + "|".join(_TENS)
    + r")("
    + "|".join(k for k in _UNITS if k != "zero")
    + r"|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)$"  # "twentyfirst"
)
_SCALES = {"hundred": 100, "thousand": 1000}
# A number with its unit glued on: "200nm", "12km", "5bn".
_GLUED_UNIT = re.compile(r"^(\d+(?:\.\d+)?)(km|nm|mi|kg|cm|mm|ft|lb|lbs|mph|kph|bn)$")


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
        m = _GLUED_COMPOUND.match(tok) or _GLUED_UNIT.match(tok)
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
        if (
            tok in ("oh", "o")
            and out
            and out[-1].isdigit()
            and 10 <= int(out[-1]) <= 99
            and i > 0
            and _is_number_word(tokens[i - 1])
            and i + 1 < n
            and tokens[i + 1] in _UNITS
        ):
            out.append("0")  # a year said aloud: "nineteen oh three"
            i += 1
            continue
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


_UNIT_ORDINALS = {
    w: i
    for i, w in enumerate(
        _words("first second third fourth fifth sixth seventh eighth ninth"), start=1
    )
}


def _compound_ordinals(tokens: list[str]) -> list[str]:
    """ "thirty-eighth" (by now "30 eighth") -> "38th"."""
    out: list[str] = []
    for tok in tokens:
        if (
            out
            and tok in _UNIT_ORDINALS
            and out[-1].isdigit()
            and len(out[-1]) == 2
            and out[-1].endswith("0")
            and out[-1] != "10"
        ):
            out[-1] = f"{int(out[-1]) + _UNIT_ORDINALS[tok]}th"
        else:
            out.append(tok)
    return out


# Combining forms of a people's name ("Russo-Japanese War" is the "Russian-Japanese war").
_COMBINING_FORMS = {
    "russo": "russian",
    "sino": "chinese",
    "franco": "french",
    "anglo": "english",
    "austro": "austrian",
    "italo": "italian",
    "greco": "greek",
    "graeco": "greek",
    "indo": "indian",
    "turco": "turkish",
    "turko": "turkish",
    "hispano": "spanish",
    "luso": "portuguese",
    "germano": "german",
    "serbo": "serbian",
    "nippo": "japanese",
    "afro": "african",
}


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
    s = _TRAILING_PLUS.sub(" plus ", s.replace("&", " and ")).replace("+", " and ")
    s = _TRAILING_MINUS.sub(" minus ", s)
    s = s.replace("w/o", " without ").replace("w/", " with ")
    s = _DOTTED_ACRONYM.sub(lambda m: m.group(0).replace(".", ""), s)
    s = _THOUSANDS_SEP.sub("", s)
    s = _DECIMAL_POINT.sub("\x00", s)
    s = "".join(ch if ch.isalnum() or ch == "\x00" else " " for ch in s)
    s = s.replace("\x00", ".")
    # Letter runs first, so "t e n" becomes "ten" and then "10" in this same pass.
    tokens = _words_to_digits(_split_glued_numbers(_merge_letter_runs(s.split())))
    tokens = _compound_ordinals(tokens)
    while len(tokens) > 1 and tokens[0] in _LEADING_ARTICLES:
        tokens = tokens[1:]
    out = " ".join(tokens)
    if len(out) > _NORMALISE_INPUT_LIMIT:
        # Keep whole words within the limit so normalising the output again changes nothing.
        cut = out[: _NORMALISE_INPUT_LIMIT + 1]
        out = cut.rsplit(" ", 1)[0] if " " in cut else out[:_NORMALISE_INPUT_LIMIT]
    return out


# --------------------------------------------------------------------------- word knowledge
#
# Four kept libraries supply what the rules need to know about words, each loaded once, on
# first use: snowballstemmer (word forms), english-words' GCIDE list (is this a real English
# word, so not a typo?), pycountry (country and region names, official long forms) and
# nicknames (English given names and their nicknames: "Maggie" is "Margaret"). Two tables
# built from WordNet and GeoNames ship beside this module (`data/`; see `_aliases`, `_city`).


@functools.cache
def _stemmer() -> Any:
    return snowballstemmer.stemmer("english")


@functools.cache
def _dictionary() -> frozenset[str]:
    """Lower-case English headwords (GCIDE, about 114,000): a real word is not a typo."""
    return frozenset(get_english_words_set(["gcide"], lower=True, alpha=True))


_INFLECTIONS = ("s", "es", "ed", "d", "ing")


def warm_up() -> None:
    """Load the word lists now (about 0.2 s), so the first graded answer is not the slow one.
    Safe to call from a worker thread; later calls cost nothing."""
    _stemmer()
    _dictionary()
    _places()
    _given_names()
    _nickname_pairs()
    _aliases()
    _cities_text()
    _place_countries()


def _is_word(tok: str) -> bool:
    """Whether `tok` is an English word, headword or simple inflection of one."""
    if len(tok) < 3 or not tok.isalpha():
        return False
    words = _dictionary()
    if tok in words:
        return True
    if tok.endswith(("ies", "ied")) and len(tok) > 5 and tok[:-3] + "y" in words:
        return True  # "studies", "ratified"
    return any(
        tok.endswith(suffix)
        and len(tok) - len(suffix) >= 3
        and tok[: -len(suffix)] in words
        and (suffix != "d" or tok[-2] == "e")  # "rushd" is not "rush" + "d"
        for suffix in _INFLECTIONS
    )


@dataclass(frozen=True, slots=True)
class _Places:
    names: frozenset[str]
    """Normalised country names (short, common and official) and region names."""
    countries: frozenset[str]
    """Normalised country names only (short, common, official)."""
    tokens: frozenset[str]
    """Single words that are a whole country name ("niger", "nigeria", "iceland")."""
    words: frozenset[str] = frozenset()
    """Single words that are a whole place name, a country or a region that is not also an
    English word ("laos", "indiana", "lagos"): a typed place name is that place, never a
    typo of another."""
    same: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    """A country's or city's name (spaces removed) -> its other names ("laopdr" ->
    "laos", ...)."""


_PLACE_ALIASES = (
    *("usa", "us", "uk", "america", "korea", "britain", "great britain", "england", "scotland"),
    *("wales", "russia", "laos", "syria", "burma", "holland", "ivory coast", "vatican"),
)
# Names pycountry does not know: the short English names of countries it lists by a formal
# name, and the names a country's own people use ("Osterreich", "Bharat"), by ISO code.
_COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "AT": ("Osterreich",),
    "BR": ("Brasil",),
    "BN": ("Brunei",),
    "CD": ("DR Congo", "DRC", "Democratic Republic of the Congo", "Congo-Kinshasa"),
    "CG": ("Republic of the Congo", "Congo-Brazzaville"),
    "CH": ("Schweiz", "Suisse", "Svizzera"),
    "CI": ("Ivory Coast",),
    "CN": ("Zhongguo",),
    "CV": ("Cape Verde",),
    "CZ": ("Czech Republic",),
    "DE": ("Deutschland",),
    "ES": ("Espana",),
    "FM": ("Micronesia",),
    "GB": ("UK", "Britain", "Great Britain"),
    "GR": ("Hellas",),
    "IE": ("Eire", "Republic of Ireland"),
    "IN": ("Bharat",),
    "IT": ("Italia",),
    "JP": ("Nippon", "Nihon"),
    "KP": ("DPRK", "DPR Korea"),
    "KR": ("ROK",),
    "LA": ("Laos", "Lao PDR"),
    "MK": ("Macedonia",),
    "MM": ("Burma", "Republic of the Union of Myanmar"),
    "NL": ("Holland", "Nederland"),
    "PL": ("Polska",),
    "PS": ("Palestine",),
    "RU": ("Russia",),
    "SE": ("Sverige",),
    "SZ": ("Swaziland",),
    "TL": ("East Timor",),
    "TR": ("Turkey",),
    "US": ("USA", "US", "America", "United States of America"),
    "VA": ("Vatican", "Vatican City", "Holy See"),
}
# Cities by their other names in English and their own ("Bombay", "Peking", "Wien").
_CITY_NAMES: tuple[tuple[str, ...], ...] = (
    ("Mumbai", "Bombay"),
    ("Beijing", "Peking"),
    ("Kolkata", "Calcutta"),
    ("Chennai", "Madras"),
    ("Yangon", "Rangoon"),
    ("Dhaka", "Dacca"),
    ("Guangzhou", "Canton"),
    ("Kyiv", "Kiev"),
    ("Vienna", "Wien"),
    ("Munich", "Munchen"),
    ("Cologne", "Koln"),
    ("Rome", "Roma"),
    ("Florence", "Firenze"),
    ("Venice", "Venezia"),
    ("Naples", "Napoli"),
    ("Prague", "Praha"),
    ("Warsaw", "Warszawa"),
    ("Moscow", "Moskva"),
    ("Lisbon", "Lisboa"),
    ("Bern", "Berne"),
    ("The Hague", "Den Haag"),
    ("Brussels", "Bruxelles", "Brussel"),
    ("Saint Petersburg", "Sankt Peterburg", "Sankt Petersburg"),
    ("Pyongyang", "Pjongjang", "Pyeongyang"),
    ("Seoul", "Soul"),
)
_CONTINENTS = frozenset(
    [
        *_words("europe asia africa america americas oceania antarctica"),
        *_words("caribbean balkans scandinavia pacific atlantic mediterranean"),
        *("latin america", "central asia", "west africa", "east africa", "central america"),
        *("north america", "south america", "east asia", "southeast asia", "middle east"),
        *("pacific ocean", "atlantic ocean", "indian ocean", "arctic ocean", "southern ocean"),
    ]
)
_STATE_WORDS = frozenset(_words("republic kingdom state federal commonwealth principality of the"))
# Long forms that name a different country than their last words suggest.
_NOT_OFFICIAL = frozenset({"republic of china"})


@functools.cache
def _places() -> _Places:
    names: set[str] = set(_PLACE_ALIASES)
    countries: set[str] = set(_PLACE_ALIASES)
    same: dict[str, set[str]] = {}

    def same_names(group: set[str]) -> None:
        for n in group:
            same.setdefault(n.replace(" ", ""), set()).update(group - {n})

    for country in pycountry.countries:
        short = {
            normalise(str(n))
            for n in (country.name, getattr(country, "common_name", None))
            if n and "," not in str(n)
        }
        long_form = getattr(country, "official_name", None)
        long_names = {normalise(str(long_form))} if long_form else set()
        if "," in country.name:  # "Korea, Republic of" -> "republic of korea"
            head, _, tail = country.name.partition(",")
            long_names.add(normalise(f"{tail} {head}"))
            names.add(normalise(head))  # "Iran", "Bolivia", "Korea"
            countries.add(normalise(head))
        for n in short | long_names:
            names.add(n)
            countries.add(n)
            if len(n.split()) >= 2:  # "dprk", "rok", "prc", "usa", "uae"
                for initials in (
                    "".join(w[0] for w in n.split() if w not in _STOPWORDS),
                    "".join(w[0] for w in n.split() if w not in ("the", "and")),
                ):
                    names.add(initials)
                    countries.add(initials)
        extra = {normalise(n) for n in _COUNTRY_NAMES.get(country.alpha_2, ())}
        for n in extra:
            names.add(n)
            countries.add(n)
        same_names((short | long_names | extra) - _NOT_OFFICIAL)
    for city in _CITY_NAMES:
        same_names({normalise(n) for n in city})
    for sub in pycountry.subdivisions:
        names.add(normalise(str(sub.name)))
        names.add(str(sub.code).rpartition("-")[2].casefold())  # "Springfield, IL"
        head, dash, kind = str(sub.name).partition("-")
        if dash and kind.islower() and " " not in head:
            names.add(normalise(head))  # "Gangwon" for "Gangwon-teukbyeoljachido"
    tokens = frozenset(n for n in countries if " " not in n and n.isalpha() and len(n) > 3)
    # Region names that are English words ("South", "Central") name no place by themselves.
    words = tokens | {
        n for n in names if " " not in n and n.isalpha() and len(n) > 3 and not _is_word(n)
    }
    return _Places(
        frozenset(names),
        frozenset(countries),
        tokens,
        words,
        {k: tuple(sorted(v)) for k, v in same.items()},
    )


_DERIVATIONS = ("ance", "ence", "ment", "ness", "ity", "ism", "ship", "hood")


def _other_derivation(a: str, b: str) -> bool:
    """Two real words built on one stem with different derivational endings name different
    things ("governance", "government"); inflections and "-ion"/"-ee" do not count."""
    if not (_is_word(a) and _is_word(b)):
        return False
    ends = [next((d for d in _DERIVATIONS if w.removesuffix("s").endswith(d)), "") for w in (a, b)]
    return ends[0] != ends[1] and all(ends)  # "independent" is a form of "independence"


def _same_root(a: str, b: str) -> bool:
    """Two forms of one word: equal roots, or long roots one letter apart at the end
    ("economy"/"economic")."""
    ra, rb = _root(a), _root(b)
    if ra == rb and len(ra) <= 3:
        # A root this short is ambiguous: "end"/"ending" share it, "arms"/"armed" do not
        # (a noun and a verb); only the bare root stands for one of its forms.
        return min(a, b, key=len) in (ra, ra + "e")
    if ra == rb or (ra[:-1] == rb[:-1] and {ra[-1:], rb[-1:]} == {"f", "v"}):  # relief/relieve
        return True
    short, long_ = sorted((ra, rb), key=len)
    if len(short) >= 6 and len(long_) == len(short) + 1 and long_.startswith(short):
        return True  # "economy"/"economic"
    if (
        len(short) >= 4
        and _deriv_root(ra) == _deriv_root(rb)
        and any(w.endswith(("ing", "ed", "e")) for w in (a, b))
    ):
        return True  # "secession"/"seceding", "concession"/"concede"; not "recess"
    shorter = min(a, b, key=len)
    if shorter.endswith("y") and len(shorter) <= 5 and not max(a, b, key=len).startswith(shorter):
        return False  # "gravy" is not a form of "gravity"
    return (
        len(short) >= 5
        and len(long_) <= len(short) + 2
        and long_.startswith(short)
        and (long_[len(short) :] in _ROOT_ENDINGS or long_[len(short)] == short[-1])
    )


# What a Snowball root may gain in another form of the word ("independ" -> "independ-ent").
_ROOT_ENDINGS = frozenset(
    _words("i e a o s al an ic er or ee es ed ly ent ant ion ian ist ism ive ity ize ise at um ti")
)


_WORD_ENDINGS = frozenset(
    [
        "",
        *_words(
            """
        s es ed d ing ion ions ation ations ition ee ees er ers or ors ment ments al ally ly
        ty ity ities ies y ic ics ical ism isms ist ists ive ian ians an ans ese ish e i um
        ance ence ent ents ant ants ency ancy ship ness hood ize ise ized ised izing ising
        ization isation able ible ia ament ication ification ience ure age ying ied
        f ve ved ving ous
        """
        ),
    ]
)


def _compatible_endings(a: str, b: str) -> bool:
    """Whether two real words read as forms of one word: after a shared beginning, each ends
    in an inflection or a common derivational ending ("minimal"/"minimum",
    "sovereign"/"sovereignty"); "literal"/"literate" do not."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    for k in range(n, max(n - 4, 2), -1):
        ends = [w[k:] for w in (a, b)]
        ends = [e[1:] if e[:1] and k > 0 and e[:1] == a[k - 1] else e for e in ends]
        if all(e in _WORD_ENDINGS for e in ends):
            return True
    return False


def _deriv_root(root: str) -> str:
    """A root less a noun-forming "-ion", with "-ss" read as the verb's "-d"
    ("secess" -> "seced", "annexat" -> "annex")."""
    for suffix in ("ation", "ition", "at", "ion"):
        if root.endswith(suffix) and len(root) - len(suffix) >= 4:
            root = root[: -len(suffix)]
            break
    return root[:-2] + "d" if root.endswith("ss") else root


# A noun and the adjective or member noun derived from it ("Cubism"/"Cubist",
# "meiosis"/"meiotic", "oligopoly"/"oligopolistic", "deflation"/"deflationary",
# "conductor"/"conductive", "Himalayas"/"Himalayan"): the noun's ending, and what the
# derived word ends in instead.
_DERIVED_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ism", ("ist", "ists", "istic", "")),
    ("osis", ("otic",)),
    ("asis", ("atic",)),
    ("y", ("ic", "ical", "istic", "ational")),
    ("ion", ("ional", "ionary")),
    ("or", ("ive",)),
    ("as", ("an",)),
    ("acy", ("ate",)),
)


def _derived(a: str, b: str) -> bool:
    """Whether one word is the other's derived adjective or member noun (either way round),
    on a stem of at least four letters."""
    for x, y in ((a, b), (b, a)):
        for noun_end, derived_ends in _DERIVED_ENDINGS:
            stem = x.removesuffix(noun_end)
            if stem == x or len(stem) < (3 if noun_end in ("ism", "osis") else 4):
                continue  # "Cub-ism", "mei-osis"; "act-or" is not "act-ive"
            if any(y == stem + end for end in derived_ends if stem + end != x):
                return True
    return False


def same_word_family(a: str, b: str) -> bool:
    """Whether two lower-case words are forms of one word ("concession"/"concessions",
    "Korea"/"Korean"), as the grader's word-form rule sees them."""
    if a == b:
        return True
    if min(len(a), len(b)) >= 4 and _same_root(a, b):
        return True
    tokens = _places().tokens
    return (b in tokens and _demonym_of(a) == b) or (a in tokens and _demonym_of(b) == a)


_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_POS = {ch: (r, c) for r, row in enumerate(_KEYBOARD_ROWS) for c, ch in enumerate(row)}


def _adjacent_keys(x: str, y: str) -> bool:
    px, py = _KEY_POS.get(x), _KEY_POS.get(y)
    return px is not None and py is not None and abs(px[0] - py[0]) <= 1 and abs(px[1] - py[1]) <= 1


def _slip(ans: str, tgt: str) -> bool:
    """Whether one edit from `tgt` to `ans` is a mechanical slip even though both are real
    words: swapped neighbours ("untied"), a doubled or dropped letter ("furry", "sout"), or
    a neighbouring key. An inserted or replaced unrelated letter is a different word
    ("launch" for "lunch", "tablet" for "table")."""
    if len(ans) == len(tgt):
        diff = [i for i in range(len(tgt)) if ans[i] != tgt[i]]
        if len(diff) == 2:
            i, j = diff
            if {ans[-2:], tgt[-2:]} == {"re", "er"} and j == len(tgt) - 1 == i + 1:
                return True  # "amphitheater" / "amphitheatre", "center" / "centre"
            return j == i + 1 and ans[i] == tgt[j] and ans[j] == tgt[i]
        # One letter replaced is a different word ("punch" is not "lunch"), except the
        # British and American spellings ("defence", "organisation").
        if len(diff) != 1:
            return False
        pair = {ans[diff[0]], tgt[diff[0]]}
        return pair == {"s", "z"} or (
            pair == {"s", "c"} and diff[0] == len(tgt) - 2 and tgt.endswith("e")
        )  # "defence"/"defense"; "marsh" is not "march"
    if len(ans) == len(tgt) - 1:
        # A letter left out of a longer word ("Koran" for "Korean"), but not the first
        # ("order" for "border"); in short words it is another word ("tale", "table").
        if ans[0] != tgt[0] or len(tgt) < 6:
            return False
        # A doubled letter typed once is a slip; any other letter dropped between two real
        # words names the other word ("lunch" is not "launch").
        return any(
            tgt[i] == tgt[i + 1] and tgt[:i] + tgt[i + 1 :] == ans for i in range(len(tgt) - 1)
        )
    if len(ans) == len(tgt) + 1:
        for i in range(1, len(ans)):  # a letter typed before the word is another word
            if ans[:i] + ans[i + 1 :] == tgt:
                extra = ans[i]
                near = ans[i - 1 : i] + ans[i + 1 : i + 2]
                return extra in near  # a doubled letter; "insert" is not "inert"
    return False


@functools.lru_cache(maxsize=16384)
def _root(tok: str) -> str:
    """A word's root for word-form matching: the Snowball stem, less a final "e"
    ("abductees" -> "abduct", "abductions" -> "abduct")."""
    stem: str = _stemmer().stemWord(tok)
    return stem[:-1] if stem.endswith("e") and len(stem) > 4 else stem


# --------------------------------------------------------------------------- tables

_STOPWORDS = frozenset({"the", "a", "an", "of", "in", "at", "on", "to", "for", "from", "and", "by"})
# Generic words that never change *which* thing is named. An answer may add them
# ("the Hanoi summit", "PM Shinzo Abe", "South Korean government"), and an alternative
# that contains them does not require them ("the abduction issue" accepts "abductions").
_FILLER = frozenset(
    _words(
        """
    summit summits government administration president prime minister pm mr leader leaders
    dr mrs ms sir jr sr chairman mount secretary senator chancellor
    city country capital issue issues facility site plant reactor complex planet element
    mt mtn govt
    was were is are reached only just key
    january february march april may june july august september october november december
    """
    )
)
# Words that wrap an answer in a sentence ("it ended with no deal", "they agreed to a
# freeze", "I think Hanoi"): dropped when left over, never when the answer needs them.
_FRAME = frozenset(
    _words(
        """
    it its they them their he she his her we our i you this that there these those id
    was were is are be been being had has have did do does would will could should can
    ended ending ends with by agreed agree to answer think believe guess probably maybe
    called named known as so then also about through via building making creating sending
    giving offering using way because yes im sure kept keep remain remained stayed
    pretty basically mainly mostly like said officially actually definitely obviously
    clearly surely really literally honestly
    offered offer offering need needed needs wanted want wants demanded demand asked sought
    proposed propose walked left up made discovered invented wrote created founded
    led now called
    say says got get went came finished happened what which who where when name must might
    """
    )
)
_ADVERBS = frozenset(
    _words(
        "obviously clearly surely really definitely probably maybe basically actually"
        " honestly literally officially certainly"
    )
)
_PRONOUN_START = frozenset(
    _words("it its they he she we i im this that thats there theres by the answer making kept")
)
# Generic nouns a student adds after the answer ("a wait and see approach", "the armistice
# agreement"): harmless when left over, never optional in an alternative.
_TRAILING_NOUNS = frozenset(
    _words(
        "approach talks policy strategy campaign agreement treaty meeting regime side"
        " organization organisation gas element negotiations meetings discussions level"
        " range mountains mts reaction energy source support resistance movement pact accord"
        " process system method measures effort efforts action mountain proceedings islets"
        " countries nations bloc group metal program programme map"
        " language team national conference protests protest reforms reform case affair"
        " scandal pigment family animals organisms division market rule state period era"
        " material force trials uprising style doctrine theory principle memory area"
        " diplomacy temple ideology civilization civilisation site times age shore"
        " consortium race decision ruling negotiators balance protein secretariat trade deal"
        " problem delegation pass holdings hormone enzyme bomb ship vessel missile battery"
        " disease virus gland organ planet instrument novel poem painting opera symphony"
        " compound molecule acid script alphabet game bone genocide famine currency effect"
        " star galaxy moon comet nebula constellation"
    )
)


@functools.lru_cache(maxsize=4096)
def _misspelt_filler(tok: str) -> bool:
    """A generic word or title of six letters or more with a typo ("minster", "presdent")."""
    if len(tok) < 5 or tok in _HEDGES:
        return False
    return any(
        len(w) >= 6 and OSA.distance(tok, w, score_cutoff=2) == 1 for w in (*_FILLER, *_HONORIFICS)
    )


_EVENT_NOUNS = frozenset(
    _words("agreement treaty accord accords pact convention conference talks meeting summit")
)
# The kind of measure named after someone, optional beside the name ("Gini", "Richter").
_CONCEPT_HEADS = frozenset(_words("coefficient index ratio scale effect good goods"))
_EVENT_HEADS = frozenset(
    _words(
        "battle siege treaty peace congress conference massacre invasion accords accord crisis"
        " affair incident"
    )
)


_MONTHS = frozenset(
    _words(
        "january february march april may june july august september october november december"
        " jan feb mar apr jun jul aug sep sept oct nov dec"
    )
)


def _beside_month(tokens: list[str], i: int) -> bool:
    return any(0 <= k < len(tokens) and tokens[k] in _MONTHS for k in (i - 1, i + 1))


def _is_demonym(tok: str) -> bool:
    return len(tok) > 4 and _demonym_of(tok) is not None


def _possessive(tok: str) -> bool:
    """A name with its "'s" ("lincolns", "chinas"): not an English word itself."""
    return (
        len(tok) >= 4 and tok.endswith("s") and not _is_word(tok) and tok[:-1].isalpha()
    )  # "FDR's New Deal"


def _trailing_noun(tok: str) -> bool:
    if tok.endswith("ies") and tok[:-3] + "y" in _TRAILING_NOUNS:
        return True  # "policies"
    return tok in _TRAILING_NOUNS or (tok.endswith("s") and tok[:-1] in _TRAILING_NOUNS)


_PARTIAL_CREDIT_MIN_RATIO = 50.0  # word pairs less alike than this are simply unmatched
# Words that turn an otherwise matching answer into a different claim or a hedge.
_HEDGES = frozenset({"or", "not", "no", "nor", "never", "neither", "except", "without", "but"})
# Prefixes that turn a word into its opposite ("armament" / "disarmament").
_NEGATING_PREFIXES = ("dis", "de", "un", "non", "in", "im", "il", "ir", "anti", "counter", "a")

# Standard abbreviations and clipped words (both directions): only what a word's letters
# cannot tell by themselves. Clipped forms ("univ", "intl", "govt") are found by
# `_clipped` without a table.
_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "ft": ("fort", "feet", "foot"),
    "st": ("saint", "street"),
    "mt": ("mount", "mountain", "mont", "monte"),
    "mtn": ("mountain",),
    "mts": ("mountains",),
    "r": ("river",),
    "l": ("lake",),
    "is": ("island",),
    "n": ("north",),
    "s": ("south",),
    "e": ("east",),
    "w": ("west",),
    "uni": ("university",),
    "eu": ("european",),
    "gov": ("government", "governor"),
    "min": ("minimum", "minister"),
    "max": ("maximum",),
    "km": ("kilometres", "kilometers", "kilometre", "kilometer"),
    "mi": ("miles", "mile"),
    "kg": ("kilograms", "kilogram"),
    "pres": ("president",),
    "gen": ("general",),
    "sec": ("secretary",),
    "prof": ("professor",),
    "dr": ("doctor",),
    "ave": ("avenue",),
    "rd": ("road",),
    "pt": ("point", "port"),
    "co": ("company", "county"),
    "corp": ("corporation",),
    "fed": ("federal", "federation"),
    "rep": ("republic", "representative", "representation"),
    "op": ("operation",),
    "dem": ("democratic",),
    "hq": ("headquarters",),
    "nuke": ("nuclear",),
    "nukes": ("nuclear", "weapons"),
    "mil": ("military",),
    "jr": ("junior",),
    "sr": ("senior",),
    "lt": ("lieutenant",),
    "sgt": ("sergeant",),
    "col": ("colonel",),
    "approx": ("approximately",),
    "inst": ("institute", "institution"),
    "nth": ("north",),
    "sth": ("south",),
    "nat": ("national",),
    "org": ("organization", "organisation"),
    "assn": ("association",),
    "natl": ("national",),
    "intl": ("international",),
    "vs": ("v", "versus"),
    "versus": ("v", "vs"),
    "bd": ("board",),
    "art": ("article", "articles"),
    "sq": ("square",),
    "proc": ("proclamation",),
    "cong": ("congress",),
    "coop": ("cooperation", "co-operation"),
    "arts": ("articles",),
    "amdt": ("amendment",),
    "amend": ("amendment",),
    "fr": ("french", "father", "france"),
    "treas": ("treasury", "treasurer"),
    "thos": ("thomas",),
    "jas": ("james",),
    "wm": ("william",),
    "chas": ("charles",),
    "geo": ("george",),
    "benj": ("benjamin",),
    "jos": ("joseph",),
    "robt": ("robert",),
    "ala": ("alabama",),
    "ariz": ("arizona",),
    "ark": ("arkansas",),
    "calif": ("california",),
    "colo": ("colorado",),
    "conn": ("connecticut",),
    "fla": ("florida",),
    "ga": ("georgia",),
    "ill": ("illinois",),
    "ind": ("indiana",),
    "kan": ("kansas",),
    "ky": ("kentucky",),
    "la": ("louisiana",),
    "md": ("maryland",),
    "mass": ("massachusetts",),
    "mich": ("michigan",),
    "minn": ("minnesota",),
    "miss": ("mississippi",),
    "mo": ("missouri",),
    "mont": ("montana",),
    "neb": ("nebraska",),
    "nev": ("nevada",),
    "okla": ("oklahoma",),
    "ore": ("oregon",),
    "pa": ("pennsylvania",),
    "tenn": ("tennessee",),
    "tex": ("texas",),
    "vt": ("vermont",),
    "va": ("virginia",),
    "wash": ("washington",),
    "wis": ("wisconsin",),
    "wyo": ("wyoming",),
    "int": ("international",),
    "dept": ("department",),
    "tech": ("technology", "technical", "technological"),
    "admin": ("administration",),
    "info": ("information",),
    "econ": ("economic", "economics", "economy"),
    "sci": ("science", "sciences"),
    "dev": ("development",),
    "env": ("environment", "environmental"),
    "sen": ("senator", "senate"),
    "govt": ("government",),
    "isl": ("island",),
    "pen": ("peninsula",),
    "lk": ("lake",),
    "sept": ("september",),
    "bldg": ("building",),
    "ctr": ("center", "centre"),
    "mgmt": ("management",),
    "assoc": ("association",),
    "comm": ("commission", "committee", "communications"),
    "conf": ("conference",),
    "cttee": ("committee",),
    "ch": ("chapter", "church"),
    "chap": ("chapter",),
}
# The generic words of names as students write them in the name's own language ("Tratado
# de Tordesillas", "Guerra de las Malvinas", "Los Andes", "Deutscher Bundestag"): each read
# in English, its small words dropped. Proper names themselves are left alone.
_FOREIGN_WORDS = {
    **dict.fromkeys(_words("tratado traite trattato vertrag"), "treaty"),
    **dict.fromkeys(_words("guerra guerre krieg"), "war"),
    **dict.fromkeys(_words("unternehmen operacion operazione"), "operation"),
    **dict.fromkeys(_words("batalla bataille battaglia schlacht"), "battle"),
    **dict.fromkeys(_words("revolucion revolution rivoluzione revolucao revoluce"), "revolution"),
    **dict.fromkeys(_words("republica republique repubblica republik"), "republic"),
    **dict.fromkeys(_words("imperio impero kaiserreich"), "empire"),
    **dict.fromkeys(_words("reino royaume regno konigreich"), "kingdom"),
    **dict.fromkeys(_words("rio fleuve riviere fiume fluss"), "river"),
    **dict.fromkeys(_words("lago lac"), "lake"),
    **dict.fromkeys(_words("monte mont"), "mount"),
    **dict.fromkeys(_words("isla islas ile iles isola isole insel inseln ilha ilhas"), "islands"),
    **dict.fromkeys(_words("mar mer mare meer"), "sea"),
    **dict.fromkeys(_words("canal kanal"), "canal"),
    **dict.fromkeys(_words("deutscher deutsche deutschen"), "german"),
    **dict.fromkeys(_words("francais francaise"), "french"),
    **dict.fromkeys(_words("espanol espanola"), "spanish"),
    **dict.fromkeys(_words("sur sud"), "south"),
    **dict.fromkeys(_words("norte nord"), "north"),
    **dict.fromkeys(_words("mercado marche"), "market"),
    **dict.fromkeys(_words("comun commun"), "common"),
    **dict.fromkeys(_words("acuerdo accord accordo abkommen"), "agreement"),
    **dict.fromkeys(_words("paz paix pace frieden"), "peace"),
    **dict.fromkeys(_words("muro mur mauer"), "wall"),
    **dict.fromkeys(_words("cappella capilla chapelle kapelle"), "chapel"),
}
_FOREIGN_SMALL_WORDS = frozenset(
    _words("el la los las le les l del de des du di della delle degli der die das dem den von")
)


def _english_form(tokens: list[str]) -> list[str] | None:
    """The answer with its foreign generic words in English, or None if it has none."""
    if not any(t in _FOREIGN_WORDS for t in tokens) and not (
        len(tokens) >= 2 and tokens[0] in ("los", "las", "les")
    ):
        return None
    out = [_FOREIGN_WORDS.get(t, t) for t in tokens if t not in _FOREIGN_SMALL_WORDS]
    return out or None


# Phrases a student writes for the key word of an answer ("sending back" for "return"),
# matched on word roots.
_PHRASE_SYNONYMS: tuple[tuple[tuple[str, ...], str], ...] = tuple(
    (tuple(_root(w) for w in phrase.split()), target)
    for phrase, target in (
        ("send back", "return"),
        ("give back", "return"),
        ("hand back", "return"),
        ("bring back", "return"),
        ("call off", "cancel"),
        ("pull out", "withdraw"),
        ("walk away", "withdraw"),
        ("walk out", "withdraw"),
        ("kidnap", "abduct"),
        ("kidnapping", "abduction"),
        ("kidnapped", "abducted"),
        ("shut down", "dismantle"),
        ("tear down", "dismantle"),
        ("get rid of", "dismantle"),
        ("ease", "relief"),
        ("lift", "relief"),
        ("talk", "negotiation"),
        ("straight", "strait"),
        ("counsel", "council"),
    )
)


# --------------------------------------------------------------------------- word pairs


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


def _undoubled(tok: str) -> str:
    return re.sub(r"(.)\1+", r"\1", tok)


def _typo_ok(ans: str, tgt: str) -> bool:
    """Whether `ans` is a plausible typo of `tgt` (both letters only, not equal).

    One-letter words must be equal. Two-letter words allow only one inserted letter ("eun"
    for "un", never "il" for "un"). Three-letter words allow one edit that keeps the first
    letter ("ave" for "abe", "wat" for "war"). Longer words allow one edit (optimal string
    alignment, so a swap of neighbours is one edit); words of eight letters or more allow
    `_edit_budget` edits if still `LONG_WORD_MIN_RATIO` alike.
    """
    if ("ph" in ans) != ("ph" in tgt) and len(tgt) >= 5:
        a, t = ans.replace("ph", "f"), tgt.replace("ph", "f")
        if a == t or (a != ans and _typo_ok(a, t)):
            return True  # "f" for "ph" is how it sounds: "floem", "Filippines"
    n = len(tgt)
    if n <= 1 or abs(len(ans) - n) > _edit_budget(n):
        return False
    if n == 2:
        return len(ans) == 3 and tgt in ans
    if n == 3:
        return ans[:1] == tgt[:1] and OSA.distance(ans, tgt, score_cutoff=1) <= 1
    distance = OSA.distance(ans, tgt, score_cutoff=_edit_budget(n) + 1)
    if distance <= 1:
        return True
    if n >= 5 and _undoubled(ans) == _undoubled(tgt):
        return True  # the doubled letter in the wrong place: "tarrif", "Phillipines"
    if n >= 6 and len(ans) == n and sorted(ans) == sorted(tgt):
        diff = [i for i in range(n) if ans[i] != tgt[i]]
        if len(diff) == 2 and diff[1] - diff[0] == 2:
            return True  # two letters swapped around a third: "Rebuplic"
        if n >= 8 and distance <= 2:
            return True  # two pairs of neighbours swapped, no letter wrong: "abosulte"
    # Several edits are forgiven only in long words, and only while the words still share
    # most letters: "Singapur" (82) passes, "Pyongsong" for "Pyongyang" (78) does not.
    return distance <= _edit_budget(n) and fuzz.ratio(ans, tgt) >= LONG_WORD_MIN_RATIO


_SOUND_ALIKE = frozenset(
    frozenset(p)
    for p in ("gj", "ck", "cs", "sz", "cz", "kq", "fv", "ie", "pb", "td", "gq", "vw", "uw")
)


def _proper_typo_ok(ans: str, tgt: str) -> bool:
    """Extra care for a typo in a short proper noun, where one edit often names another
    place or person: the first letter must be kept in names of five or six letters
    ("Sienna" is not "Vienna") and the last letter may not be dropped from a name of five
    ("Lago" is not "Lagos"; "Hanoy" for "Hanoi" is still a typo), and a letter replaced in
    them must be a neighbouring key, a vowel or a sound-alike ("Osama" is not "Obama",
    "Boston" is not "Bolton"; "Nijer" is "Niger"). Shorter names are
    already held to one edit inside the word by `_typo_ok` and `SHORT_ANSWER_LENGTH`."""
    if 5 <= len(tgt) <= 6 and ans[:1] != tgt[:1] and {ans[:1], tgt[:1]} != {"c", "k"}:
        return False  # "Kanada" is still Canada
    if 5 <= len(tgt) <= 7 and len(ans) == len(tgt):
        diff = [(x, y) for x, y in zip(ans, tgt, strict=True) if x != y]
        if len(diff) == 1 and not (
            _adjacent_keys(*diff[0])
            or set(diff[0]) <= set("aeiouy")
            or frozenset(diff[0]) in _SOUND_ALIKE
        ):
            # "Osama" is not "Obama": neither a slip of the finger nor a sound-alike
            # ("Nijer" for "Niger", "Hanoy" for "Hanoi").
            return False
    if (
        5 <= len(tgt) <= 6
        and len(ans) == len(tgt) + 1
        and ans.startswith(tgt)
        and ans[-1] not in (tgt[-1], "e")  # "Kurile" is "Kuril"
        and not (ans[-1] == "h" and tgt[-1] in "aeiou")  # "Petrah" is "Petra"
        and not _inflection_of(ans, tgt)
    ):
        return False  # "Uralsk" is not "Urals": a letter added at the end makes another name
    return not (
        5 <= len(tgt) <= 6
        and len(ans) == len(tgt) - 1
        and tgt.startswith(ans)
        and not tgt.endswith("e")  # "Danub" for "Danube"; "Lago" is not "Lagos"
    )


def _other_place(ans: str, tgt: str) -> bool:
    """Whether place name `ans` names another place than `tgt`: a typed place name is
    that place, unless it is the same name spelt as it sounds ("Columbia" for "Colombia")
    or the country of a demonym ("Korea war" for "Korean War")."""
    if _name_key(ans) == _name_key(tgt) or _demonym_of(tgt) == ans:
        return False
    return OSA.distance(ans, tgt, score_cutoff=3) <= 2 or tgt.startswith(ans[:4])


def _swapped(ans: str, tgt: str) -> bool:
    """Two neighbouring letters swapped in a short word ("teh", "nu" for "un")."""
    if len(ans) != len(tgt) or not 2 <= len(tgt) <= 4 or ans == tgt:
        return False
    diff = [i for i in range(len(tgt)) if ans[i] != tgt[i]]
    if len(diff) != 2 or diff[1] != diff[0] + 1:
        return False
    i, j = diff
    return ans[i] == tgt[j] and ans[j] == tgt[i]


def _adjacent_swap(ans: str, tgt: str) -> bool:
    """Two neighbouring letters swapped, nothing else changed."""
    if len(ans) != len(tgt):
        return False
    diff = [i for i in range(len(tgt)) if ans[i] != tgt[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and ans[diff[0]] == tgt[diff[1]]


def _negated(ans: str, tgt: str) -> bool:
    """One word is the other with a negating prefix ("disarmament" / "armament")."""
    short, long_ = (ans, tgt) if len(ans) < len(tgt) else (tgt, ans)
    if len(short) < 4:
        return False
    for prefix in _NEGATING_PREFIXES:
        if long_ == prefix + short or long_ == prefix + "-" + short:
            return prefix != "a" or len(short) >= 5
        if (
            len(prefix) >= 2
            and len(short) >= 6
            and long_.startswith(prefix)
            and OSA.distance(long_[len(prefix) :], short, score_cutoff=2) <= 1
            and OSA.distance(long_, short, score_cutoff=2) > 1
        ):
            return True  # with a typo: "disarmamant"
    # One negating prefix for another, or for a different start ("disunification" for
    # "reunification"): the words share their ending but start differently.
    for prefix in _NEGATING_PREFIXES:
        if len(prefix) < 2 or ans.startswith(prefix) == tgt.startswith(prefix):
            continue
        if (
            len(ans) >= 8
            and len(tgt) >= 8
            and ans[-6:] == tgt[-6:]
            and ans[:2] != tgt[:2]
            and all(w.startswith(_SWAPPABLE_PREFIXES) for w in (ans, tgt))
        ):
            return True
    # Opposite prefixes inside a word ("hyperdeflation" for "hyperinflation", "export" for
    # "import"): the same start and ending around "in"/"de", "im"/"ex" or "in"/"ex".
    for a, b in (("in", "de"), ("im", "ex"), ("in", "ex")):
        for x, y in ((ans, tgt), (tgt, ans)):
            k = x.find(a)
            while k != -1:
                if len(x) >= 6 and x[:k] + b + x[k + 2 :] == y:
                    return True
                k = x.find(a, k + 1)
    return False


_SWAPPABLE_PREFIXES = tuple(p for p in (*_NEGATING_PREFIXES, "re") if len(p) >= 2)


def _clipped(ans: str, tgt: str) -> bool:
    """A clipped word ("univ" for "university") or a contraction ("govt", "intl") that is
    not itself an English word or a country."""
    if len(ans) < 3 or len(tgt) < 5 or len(tgt) - len(ans) < 2 or ans[0] != tgt[0]:
        return False
    if _is_word(ans) or ans in _places().tokens:
        return False
    if tgt.startswith(ans):
        return len(tgt) >= 6  # a clipped word: only inside a longer answer (see `_compare`)
    if ans[-1] != tgt[-1] or sum(ch in "aeiou" for ch in ans[1:]) > 1:
        return False  # a contraction drops vowels: "govt", "natl"; "Autria" is a typo
    if ans in _given_names():
        return False  # "Anne" is a name of its own, not "Antoine" contracted
    it = iter(tgt)
    return all(ch in it for ch in ans)  # a subsequence keeping first and last letters


def _name_key(tok: str) -> str:
    """A rough sound key for first names: "stephen"/"steven", "muhammad"/"mohammed";
    Korean romanisations ("Mun"/"Moon")."""
    s = (
        tok.replace("oo", "u")
        .replace("eo", "o")
        .replace("ph", "f")
        .replace("v", "f")
        .replace("ck", "k")
        .replace("c", "k")
    )
    s = s.replace("y", "i").replace("h", "")
    out = s[:1]
    for ch in s[1:]:
        if ch in "aeiou" or ch == out[-1:]:
            continue
        out += ch
    return out


# Adjectives of countries that are not the country's name plus an ending.
_IRREGULAR_DEMONYMS = {
    "british": "britain",
    "french": "france",
    "dutch": "netherlands",
    "swiss": "switzerland",
    "greek": "greece",
    "spanish": "spain",
    "swedish": "sweden",
    "danish": "denmark",
    "finnish": "finland",
    "polish": "poland",
    "turkish": "turkey",
    "irish": "ireland",
    "scottish": "scotland",
    "welsh": "wales",
    "english": "england",
    "filipino": "philippines",
    "thai": "thailand",
    "burmese": "burma",
    "lao": "laos",
    "vietnamese": "vietnam",
    "peruvian": "peru",
    "norwegian": "norway",
}


def _demonym_of(ans: str) -> str | None:
    """The country word `ans` is the adjective of ("japanese" -> "japan"), longest first."""
    if ans in _IRREGULAR_DEMONYMS:
        return _IRREGULAR_DEMONYMS[ans]
    tokens = _places().tokens
    best: str | None = None
    for cut in range(1, 4):
        stem = ans[:-cut]
        for base in (stem, stem + "a", stem + "e"):
            if base in tokens and ans != base and (best is None or len(base) > len(best)):
                best = base
    return best


_DIGIT_LOOKALIKES = str.maketrans({"o": "0"})  # "Cl2" (chlorine) is not "C12"
_NUMBER_WORDS = {
    100: "hundred",
    **{v: k for k, v in _UNITS.items()},
    **{v: k for k, v in _TEENS.items()},
    **{v: k for k, v in _TENS.items()},
}


def _same_decimal(a: str, b: str) -> bool:
    try:
        return a != b and float(a) == float(b)
    except ValueError:
        return False


def _number_word(digits: str) -> str:
    return _NUMBER_WORDS.get(int(digits), digits) if len(digits) <= 3 else digits


_LETTER_LOOKALIKES = str.maketrans({"1": "l", "0": "o"})
_ORDINAL_WORDS = {
    w: i
    for i, w in enumerate(
        _words(
            "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"
            " thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
            " twentieth"
        ),
        start=1,
    )
}
_ORDINAL_DIGITS = re.compile(r"([\dl]*\d[\dl]*)(?:st|nd|rd|th)?")
_ROMAN_NUMERAL = re.compile(r"x{0,3}(?:ix|iv|v?i{0,3})")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}


def _is_ordinal(tok: str) -> bool:
    return tok in _ORDINAL_WORDS or tok.endswith(("st", "nd", "rd", "th"))


@functools.lru_cache(maxsize=4096)
def _number_value(tok: str) -> int | None:
    """The whole number a word writes, in digits ("13", "13th", "l812" with an l for a
    1), as an ordinal ("thirteenth") or in roman numerals of two letters or more ("XIII";
    not "Xi", a name)."""
    if tok in _ORDINAL_WORDS:
        return _ORDINAL_WORDS[tok]
    if tok == "dozen":
        return 12  # "a dozen"
    m = _ORDINAL_DIGITS.fullmatch(tok)
    if m:
        return int(m.group(1).replace("l", "1"))
    if len(tok) >= 2 and tok != "xi" and _ROMAN_NUMERAL.fullmatch(tok):
        total = 0
        for i, ch in enumerate(tok):
            value = _ROMAN_VALUES[ch]
            nxt = _ROMAN_VALUES[tok[i + 1]] if i + 1 < len(tok) else 0
            total += -value if value < nxt else value
        return total
    return None


_ROMAN_LETTERS = re.compile(r"i{2,3}|iv|vi{1,3}|ix")


@functools.lru_cache(maxsize=65536)
def _pair(ans: str, tgt: str) -> tuple[str | None, str | None]:
    """(rule that lets answer word `ans` stand for alternative word `tgt`, or None;
    refusal that says why not, or None). Refusals win over every acceptance."""
    if ans == tgt:
        return "exact", None
    if _COMBINING_FORMS.get(tgt) == ans or _COMBINING_FORMS.get(ans) == tgt:
        return "demonym", None
    if len(ans) == len(tgt) >= 5 and ans[:-2] == tgt[:-2] and {ans[-2:], tgt[-2:]} == {"re", "er"}:
        return "typo", None  # American and British spelling: "amphitheater", "centre"
    value_ans, value_tgt = _number_value(ans), _number_value(tgt)
    if (
        value_tgt is not None
        and not tgt.isdigit()
        and set(ans) & set("l1")
        and set(ans) <= set("ivxl1")
        and _number_value(ans.replace("l", "i").replace("1", "i")) == value_tgt
    ):
        return "lookalike", None  # "Henry Vlll", "Louis XlV"
    if value_tgt is not None and not tgt.isdigit() and ans == "xi":
        value_ans = 11  # "Title XI" is not "Title IX"
    if value_ans is not None and value_tgt is None and tgt in _ROMAN_VALUES:
        value_tgt = _ROMAN_VALUES[tgt]  # "Napoleon 1st" for "Napoleon I"
    if value_tgt is not None and value_ans is None and ans in _ROMAN_VALUES:
        value_ans = _ROMAN_VALUES[ans]  # "Amendment I" for "First Amendment"
    if value_ans is not None and value_tgt is not None:
        # "Elizabeth 2" / "the Second" for "II", "13th" / "XIII" for "Thirteenth"
        if value_ans != value_tgt:
            return None, "number"
        if _is_ordinal(ans) != _is_ordinal(tgt) and (ans.isdigit() or tgt.isdigit()):
            return "ordinal", None  # "13" for "13th": the same only inside a name
        return "lookalike", None
    if set(ans) <= set("il") and ans.replace("l", "i") == tgt:
        return "lookalike", None  # "World War ll"
    if "l" in tgt and len(tgt) <= 5 and ans == tgt.replace("l", "i") and not _is_word(tgt):
        return "lookalike", None  # capital I for small l in a formula: "HCI", "NaCI"
    if ans in _NAME_PARTICLES and tgt in _NAME_PARTICLES and len(ans) > 1 and len(tgt) > 1:
        return "name_fold", None  # "Vasco de Gama" for "Vasco da Gama"
    if _ROMAN_LETTERS.fullmatch(ans) and _ROMAN_LETTERS.fullmatch(tgt):
        return None, "number"  # "III" is not "II"
    if tgt.isdigit() and ans.isalpha() and len(ans) >= 5:
        word = _NUMBER_WORDS.get(int(tgt)) if len(tgt) <= 3 else None
        if word is not None and len(ans) >= 5 and _typo_ok(ans, word) and not _is_word(ans):
            return "typo", None  # "elevn" for "11"
    if tgt.isalpha() and _has_digit(ans) and ans.translate(_LETTER_LOOKALIKES) == tgt:
        return "lookalike", None  # "p1utonium"
    if (
        _has_digit(tgt)
        and len(ans) == len(tgt)
        and all(x == y or (x == "1" and y == "l") for x, y in zip(ans, tgt, strict=True))
    ):
        return "lookalike", None  # "NH4C1" for "NH4Cl" (a letter for a digit is not)
    if _same_decimal(ans, tgt):
        return "lookalike", None  # "7.0" for "7"
    if _has_digit(ans) or _has_digit(tgt):
        if (
            ans.isalnum()
            and tgt.isalnum()
            and ans.translate(_DIGIT_LOOKALIKES) == tgt.translate(_DIGIT_LOOKALIKES)
        ):
            return "lookalike", None  # "H2O" written "H20", "2O19"
        return None, "number"
    if tgt in _ABBREVIATIONS.get(ans, ()) or ans in _ABBREVIATIONS.get(tgt, ()):
        return "abbreviation", None
    if len(ans) <= 1 or len(tgt) <= 1:
        return None, None
    if _negated(ans, tgt):
        return None, "negation"
    places = _places()
    if ans in places.tokens and tgt in places.tokens:
        return None, "proper_noun"  # "Niger" / "Nigeria", "Iceland" / "Ireland"
    if _other_count(ans, tgt):
        return None, "real_word"  # "tricameral" is not "bicameral"
    if len(tgt) >= 5 and ans == "re" + tgt:
        return None, "real_word"  # "renegotiations" is not "negotiations"
    if ans in places.words and _other_place(ans, tgt):
        return None, "proper_noun"  # "Laos" is not "Lagos", "Indiana" is not "India"
    if _derived(ans, tgt):
        return "derived", None  # "Cubist" for "Cubism", "meiotic" for "meiosis"
    same_root = min(len(ans), len(tgt)) >= 3 and _same_root(ans, tgt)
    ends = [w.removesuffix("s")[-2:] for w in (ans, tgt)]
    agents = [e in ("er", "or") for e in ends]
    # The doer is not the deed nor the one it is done to: "employer"/"employee",
    # "manager"/"management", "governor"/"government".
    agent_vs_patient = (
        agents[0] != agents[1]
        and not _inflection_of(ans, tgt)
        and not _inflection_of(tgt, ans)
        and ans[:4] == tgt[:4]
        and _is_word(ans)
        and (_is_word(tgt) or _root(ans)[:5] == _root(tgt)[:5])
    )
    if agent_vs_patient:
        return None, "real_word"  # "employer" is not "employee"
    if (
        same_root
        and min(len(ans), len(tgt)) >= 6
        and ans.endswith(("ing", "ed"))
        and tgt.removesuffix("s").endswith("ion")
        and _deriv_root(_root(ans)) == _deriv_root(_root(tgt))
    ):
        return "word_form", None  # "seceded" for "secession", "conceding" for "concession"
    if same_root and _one_letter_apart(_uninflected(ans), _uninflected(tgt)):
        return None, "real_word"  # "capitol(s)" is not a form of "capital"
    if same_root and _is_word(ans) and _is_word(tgt) and not _compatible_endings(ans, tgt):
        return None, "real_word"  # "literal" is not "literate", "irreverent" not "irreversible"
    if same_root and _other_derivation(ans, tgt):
        return None, "real_word"  # "governance" is not "government"
    if same_root or _inflection_of(ans, tgt) or _inflection_of(tgt, ans):
        return "word_form", None
    if _head_synonym(ans, tgt):
        return "head", None
    if tgt in places.tokens and _demonym_of(ans) == tgt:
        return "word_form", None  # "the Japanese government" for "Japan"
    if ans in places.tokens and len(tgt) > len(ans) and _demonym_of(tgt) == ans:
        return "demonym", None  # "Korea war" for "Korean War" (see `_compare`)
    if _swapped(ans, tgt) and not _is_word(ans):
        return "swap", None  # "teh", "Iarn"
    if _typo_ok(ans, tgt):
        if _is_word(ans) and OSA.distance(ans, tgt, score_cutoff=3) >= 2:
            return None, "real_word"  # "utilitarianism" is not "totalitarianism"
        if _is_word(ans) and _is_word(tgt) and not _slip(ans, tgt):
            return None, "real_word"  # "launch" is not a typo of "lunch"
        return "typo", None
    if _swapped(ans, tgt) and not _is_word(ans):
        return "swap", None
    if _clipped(ans, tgt) or _clipped(tgt, ans):
        prefix = tgt.startswith(ans) or ans.startswith(tgt)
        return ("clip" if prefix else "abbreviation"), None
    if (
        min(len(ans), len(tgt)) == 3
        and ans[0] + ans[-1] == tgt[0] + tgt[-1]
        and _name_key(ans) == _name_key(tgt)
        and any(pair in ans + tgt for pair in ("oo", "ee", "eo", "ou"))
    ):
        return "name_fold", None  # Korean romanisations: "Mun" / "Moon", "Yun" / "Yoon"
    if (
        min(len(ans), len(tgt)) >= 4
        and _name_key(ans) == _name_key(tgt)
        and OSA.distance(ans, tgt, score_cutoff=3) <= 2
        and fuzz.ratio(ans, tgt) >= 66
    ):
        return "name_fold", None
    return None, None


# Head nouns a student may use for one another after a proper name ("Boxer Revolt",
# "Sherman Antitrust law", "Korean conflict", "Paris Accord"): "treaty" and "pact" are not
# both in one group ("Paris Agreement" is not the "Treaty of Paris").
_HEAD_SYNONYMS = tuple(
    frozenset(_words(group))
    for group in (
        "agreement accord accords deal pact",
        "treaty pact convention",
        "coefficient index ratio",
        "era age times period epoch",
        "islands isles archipelago",
        "loch lake lough",
        "falls waterfalls waterfall",
        "massacre shootings shooting killings",
        "shoal reef",
        "death plague",
        "incident crisis affair",
        "papers essays",
        "revolt rebellion uprising insurrection revolution",
        "war conflict",
        "act law",
        "scandal affair",
        "area region zone",
        "dynasty empire",
    )
)


def _head_synonym(ans: str, tgt: str) -> bool:
    return ans != tgt and any(ans in g and tgt in g for g in _HEAD_SYNONYMS)


_COUNT_PREFIXES = ("uni", "mono", "bi", "di", "tri", "quadri", "quad", "multi", "poly")


def _other_count(ans: str, tgt: str) -> bool:
    """Another number prefix on the same word ("tricameral" for "bicameral", "multilateral"
    for "bilateral", "polyatomic" for "diatomic")."""
    if not (ans.startswith(_COUNT_PREFIXES) and tgt.startswith(_COUNT_PREFIXES)):
        return False
    for p in _COUNT_PREFIXES:
        for q in _COUNT_PREFIXES:
            if p != q and ans.startswith(p) and tgt.startswith(q):
                rest = ans[len(p) :]
                if len(rest) >= 4 and rest == tgt[len(q) :]:
                    return True
    return False


def _inflection_of(ans: str, tgt: str) -> bool:
    """`ans` is `tgt` with an inflection or as its demonym ("vetoed", "Iranian"): the one
    kind of change a short answer allows."""
    if len(tgt) >= 4 and tgt.endswith("y") and ans in (tgt[:-1] + "ies", tgt[:-1] + "ied"):
        return True  # "studies", "ratified"
    if len(tgt) < 3 or not ans.startswith(tgt):
        return False
    suffix = ans[len(tgt) :]
    if suffix == "d" and not tgt.endswith("e"):
        return False  # "Chadd" is not an inflection of "Chad"
    # a people's ending, not any letters: "Iranian", "Chadian", "Israeli"; "Guamm" is a typo
    return suffix in _INFLECTIONS or (suffix.endswith(_DEMONYM_ENDINGS) and _demonym_of(ans) == tgt)


_DEMONYM_ENDINGS = ("n", "ese", "ish", "i", "ic", "er", "ite")


# Words that sound alike and stand for the generic part of a name ("Dead See", "Bering
# Straight").
_HOMOPHONES = frozenset(
    frozenset(pair.split("/"))
    for pair in [
        "see/sea",
        "straight/strait",
        "straights/straits",
        "isle/aisle",
        "plain/plane",
        "ark/arc",
        "affect/effect",
    ]
)


def _proper_slip(ans: str, tgt: str) -> bool:
    """One letter dropped, added or a vowel for a vowel: in a name of several words, a typo
    even when it makes an English word ("Ivory Cost", "Louis Paster", "Ban Ki-mon")."""
    if frozenset((ans, tgt)) in _HOMOPHONES:
        return True
    if len(tgt) < 3 or abs(len(ans) - len(tgt)) > 1 or ans[:1] != tgt[:1]:
        return False
    if len(ans) == len(tgt):
        diff = [(x, y) for x, y in zip(ans, tgt, strict=True) if x != y]
        both_words = _is_word(ans) and _is_word(tgt)  # "Panic Wars" is not "Punic Wars"
        return len(diff) == 1 and set(diff[0]) <= _VOWELS and not both_words
    return OSA.distance(ans, tgt, score_cutoff=2) == 1


def _uninflected(tok: str) -> str:
    """A word less a plural or verb ending when what is left is a word ("capitals")."""
    for suffix in ("es", "s", "ed", "ing"):
        base = tok.removesuffix(suffix)
        if base != tok and len(base) >= 4 and base in _dictionary():
            return base
    return tok


def _one_letter_apart(a: str, b: str) -> bool:
    """Two real words of one length with one letter replaced inside: "capital"/"capitol"."""
    return (
        len(a) == len(b)
        and sum(x != y for x, y in zip(a, b, strict=True)) == 1
        and a[-1] == b[-1]
        and _is_word(a)
        and _is_word(b)
    )


def _consonant_swap(ans: str, tgt: str) -> bool:
    """One consonant replaced by another ("magma"/"magna")."""
    if len(ans) != len(tgt):
        return False
    diff = [(x, y) for x, y in zip(ans, tgt, strict=True) if x != y]
    return len(diff) == 1 and not set(diff[0]) & _VOWELS and set(diff[0]) != {"s", "z"}


def _token_ok(ans: str, tgt: str) -> bool:
    """Whether answer word `ans` may stand for alternative word `tgt` on its own (used to
    re-join split words; context-dependent rules such as clipping do not count)."""
    rule, _ = _pair(ans, tgt)
    return rule in ("exact", "typo", "lookalike", "word_form", "swap")


# Titles and honorifics that may stand in front of a person's name.
_HONORIFICS = frozenset(
    _words(
        """
    president pres prime minister pm premier chancellor leader chairman chairwoman chair
    lieutenant sergeant corporal major tun god goddess prophet
    secretary general gen vice deputy foreign supreme dictator emperor empress king queen
    prince princess pope sir dame lord lady madame madam mme monsieur mr mrs ms miss dr
    doctor prof professor rev reverend father sister brother saint st imam ayatollah rabbi
    sheikh sultan emir shah tsar czar kaiser pandit mahatma daw u el libertador comrade
    marshal admiral colonel col captain capt commander senator sen governor gov mayor
    ambassador judge justice chief founder former late great crown cj comandante mwalimu
    archduke duke duchess count countess baron earl viscount marquess marquis commodore titan
    special representative envoy generalissimo protector
    """
    )
)
# Words that name the kind of place: after a country or a person's name they make another
# place ("Mexico City", "Ho Chi Minh City", "Niger River").
_PLACE_NOUNS = frozenset(
    _words("city town river lake sea ocean island islands desert state province region")
)
_ORGANISATION_QUALIFIERS = frozenset(_words("un eu nato us usa uk"))


# Small words that are the answer when an alternative contains one ("off the table").
_PARTICLES = frozenset({"on", "off", "in", "out", "up", "down", "over", "under"})


def _is_year(tok: str) -> bool:
    return len(tok) == 4 and tok.isdigit() and "1000" <= tok <= "2099"


def _is_decade(tok: str) -> bool:
    """ "1930s"."""
    return len(tok) == 5 and tok.endswith("0s") and _is_year(tok[:4])


# Words in front of an answer that change what it claims rather than narrow it ("partial
# denuclearization", "failed talks", "they rejected concessions"), matched on roots.
_MEANING_MODIFIERS = frozenset(
    _words(
        """
    no not non anti partial partly limited incomplete half semi quasi pseudo fake false
    failed former ex reverse counter less more fewer without lack lacking minus
    reject refuse oppose avoid prevent stop block deni deny against nor never neither
    north south east west
    """
    )
)


@functools.lru_cache(maxsize=4096)
def _modifier_ok(tok: str) -> bool:
    """A word that may stand in front of a common-noun answer to make it more specific
    ("economic growth", "complete denuclearization", "Korean armistice"): an English word
    or a demonym, never one that changes the claim, a hedge or a place's own name."""
    if tok in _HEDGES or not tok.isalpha() or len(tok) < 3:
        return False
    if tok in _MEANING_MODIFIERS or _root(tok) in _MEANING_MODIFIERS:
        return False
    places = _places()
    if tok in places.words or tok in places.tokens or _demonym_of(tok) is not None:
        return False  # "Canadian dollar" is another currency
    if any(country.startswith(tok) for country in places.tokens if len(tok) >= 5):
        return False  # "Philippine peso"
    return _is_word(tok)


def _content(tokens: list[str], keep: frozenset[str] = frozenset()) -> list[str]:
    kept = [t for t in tokens if t not in _STOPWORDS or t in keep]
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
                    and ans[i + 1] not in _PLACE_NOUNS  # "Green Island" is not "Greenland"
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


# --------------------------------------------------------------------------- one comparison


@dataclass(frozen=True, slots=True)
class _Match:
    passes: bool
    score: float
    rules: frozenset[str] = frozenset()
    wrong: tuple[tuple[str, str, str], ...] = ()
    """(answer word, alternative word, why) for pairs that were close but not allowed."""
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    edits: float = 0.0
    """How far the answer's words are from the alternative's (typos and word forms), to
    break a tie between an accepted and a listed wrong answer."""
    loose: int = 0
    """Answer words a rule explained away rather than matched."""


_VOWELS = frozenset("aeiouy")


def _pair_cost(rule: str | None, ans: str, tgt: str) -> float:
    """Edits between two matched words: a typo counts its edits (a vowel for a vowel half:
    "Slovania" is nearer "Slovenia" than "Slovakia"); other relaxations half an edit."""
    if rule in (None, "exact", "lookalike"):
        return 0.0
    if rule != "typo":
        return 0.5
    if tgt.isdigit() and ans.isalpha():
        tgt = _number_word(tgt)
    short, long_ = sorted((ans, tgt), key=len)
    if len(long_) == len(short) + 1 and any(
        long_[i] == long_[i + 1] and long_[:i] + long_[i + 1 :] == short
        for i in range(len(long_) - 1)
    ):
        return 0.25  # a doubled letter typed once or a letter doubled: "fision", "seccession"
    cost = float(OSA.distance(ans, tgt))
    if len(ans) == len(tgt):
        cost -= 0.5 * sum(
            1 for x, y in zip(ans, tgt, strict=True) if x != y and x in _VOWELS and y in _VOWELS
        )
    return cost


_ADJECTIVE_ENDINGS = ("ble", "ive", "al", "ic", "ous", "ful", "less", "ary", "ent", "ant")


@functools.lru_cache(maxsize=4096)
def _stopword_swap(tok: str) -> bool:
    """A small word typed with two letters swapped ("teh"), never a word or hedge itself."""
    if tok in _HEDGES or tok in _STOPWORDS or tok in _FRAME or _is_word(tok):
        return False
    return any(_swapped(tok, s) for s in _STOPWORDS if len(s) == len(tok))


_SENTENCE_OPENERS = frozenset(
    _words("it its it s they he she we i im this that thats there theres officially so yes")
)
_SENTENCE_VERBS = frozenset(
    _words(
        """
    is was are were be been has have had did does do made led won began took gave got went
    came ran wrote built signed founded picks picked runs ran started moved became
    protects protect guarantees guarantee gives says means allows requires sets lets
    holds keeps makes leads owns controls rules governs decides handles oversees manages
    deals handled managed
    """
    )
)
# Words that make a sentence about something else: a negation, or a relative or rival of
# the person or thing named ("it was Kim Jong-un's father").
_SENTENCE_BREAKERS = frozenset(
    _words(
        """
    not no never nor neither isnt wasnt arent werent dont doesnt didnt cant wont couldnt
    but except instead rather than or either
    father mother son daughter brother sister wife husband successor predecessor deputy
    rival ally opponent enemy uncle aunt nephew niece grandson granddaughter grandfather
    grandmother cousin vice former ex before after
    """
    )
)


def _reads_as_sentence(tokens: list[str]) -> bool:
    return tokens[0] in _SENTENCE_OPENERS or any(
        t in _SENTENCE_VERBS or (t.endswith("ed") and _is_word(t)) for t in tokens
    )


def _sentence_word_ok(tok: str) -> bool:
    return (
        tok not in _SENTENCE_BREAKERS
        and tok not in _HEDGES
        and _root(tok) not in _MEANING_MODIFIERS
        and _root(tok) not in _CONTRARY_VERBS
    )


# Verbs that deny what follows them ("they rejected concessions"), as Snowball roots.
_CONTRARY_VERBS = frozenset(
    _words("reject refus oppos avoid prevent stop block deni fail cancel abandon drop")
)


def _compare(
    ans_tokens: list[str], alt: _Alt, keep: frozenset[str] = frozenset(), raw_words: int = 0
) -> _Match:
    """Score `ans_tokens` against one prepared alternative, and say if it passes. Stopwords
    in `keep` count as content words."""
    ans, tgt = _merge_splits(_content(ans_tokens, keep), _content(alt.tokens, keep))
    target_is_number = all(_has_digit(t) for t in tgt)
    # The kind of event named is optional beside its proper name: "Waterloo" for "Battle
    # of Waterloo", "Yalta" for "Yalta Conference".
    named_event = alt.proper and not alt.person and alt.rule is None
    optional = _FILLER | (_EVENT_HEADS | _CONCEPT_HEADS if named_event else frozenset())
    required = [t for t in tgt if t not in optional or (t == "dr" and not alt.person)] or tgt
    # The generic word written out makes the answer as long as the key it matches: "Moh
    # scale" is one letter off "Mohs scale", not off "Mohs".
    written = [t for t in tgt if t in required or t in ans]
    short = len("".join(written)) <= SHORT_ANSWER_LENGTH
    short_name = not short and len("".join(required)) <= SHORT_ANSWER_LENGTH

    # Greedy one-to-one assignment: acceptable pairs first, then by similarity. Pairs that
    # break a token rule still count towards the score ("South Korea" is 80% of "North
    # Korea", useful as "close, but no") but make the alternative fail.
    pairs: list[tuple[bool, float, int, int, str | None, str | None]] = []
    for i, a in enumerate(ans):
        for j, t in enumerate(tgt):
            ratio = fuzz.ratio(a, t)
            rule, refusal = _pair(a, t)
            if rule == "ordinal":
                # "21st" is not "21", but "Amendment 13" is the "13th Amendment".
                rule, refusal = (None, "number") if target_is_number else ("lookalike", None)
            if rule == "name_fold" and not (
                alt.person
                or (alt.capitalised and j == 0 and len(tgt) >= 2 and t not in _NOT_NAME_STARTS)
            ):
                rule = None  # sound-alike spelling is for people's names, not places
            if (
                rule is None
                and refusal is None
                and j == 0
                and len(tgt) >= 2
                and alt.capitalised
                and len(a) >= 3
                and t.startswith(a)
            ):
                rule = "name_fold"  # a short first name: "Abe Lincoln"
            if (
                j == 0
                and len(tgt) >= 2
                and alt.capitalised
                and rule is None
                and t in _nickname_pairs().get(a, ())
            ):
                rule, refusal = "name_fold", None  # a nickname: "Maggie Thatcher"
            if (
                rule is None
                and alt.person
                and j == 0
                and len(tgt) >= 2
                and len(t) >= 5
                and fuzz.ratio(a, t) >= 80
                and not _gendered_pair(a, t)
                and not _negated(a, t)
            ):
                rule, refusal = "name_fold", None  # the name in another language: "Augustus"
            if (
                rule is None
                and alt.person
                and j == 0
                and len(tgt) >= 2
                and _KOREAN_FAMILIES.get(a) is not None
                and _KOREAN_FAMILIES.get(a) == _KOREAN_FAMILIES.get(t)
                and _family_first(alt.original.split())
            ):
                rule, refusal = "name_fold", None  # "Yi Myung-bak" for "Lee Myung-bak"
            if (
                rule is None
                and alt.person
                and (alt.rule is None or len(alt.original.split()[0].strip(".")) == 1)
                and len(t) == 1
                and j < len(tgt) - 1
                and a.startswith(t)
                and len(a) >= 3
            ):
                # The middle name of an initial: "Ulysses Simpson Grant".
                rule, refusal = "name_fold", None
            if (
                rule in ("typo", "word_form")
                and alt.capitalised
                and not _proper_typo_ok(a, t)
                and (len(required) == 1 or not _is_word(t))
                and not (alt.person and j == 0 and len(tgt) >= 2)  # "Isacc Newton"
            ):
                rule = None  # "Sienna" for "Vienna", "Lago" for "Lagos"; "Nort Korea" is a typo
            if (
                rule == "word_form"
                and alt.proper
                and (len(required) == 1 or not _is_word(t))
                and not _inflection_of(a, t)
                and not _inflection_of(t, a)
                and not (_is_word(a) and _is_word(t) and len(t) >= 8)  # "Impressionist"
            ):
                # "Saint Helena" is not "Saint Helens", "Malts" not "Malta"; "Pyongyan" is a typo
                rule = "typo" if _typo_ok(a, t) and not _is_word(a) else None
            if rule == "head" and not (alt.proper and len(tgt) >= 2):
                rule = None  # "law" is not "act" outside a name
            if rule == "demonym" and len(required) < 2:
                rule = None  # "Korea" alone is not "Korean"
            if (
                rule == "clip"
                and len(required) < 2
                and (len(a) < 4 or (alt.proper and not _is_word(t)))
            ):
                rule = None  # "Univ" alone is "university"; "Pyong" alone is not "Pyongyang"
            if (
                (refusal == "real_word" or (rule is None and refusal is None))
                and alt.proper
                and len(required) >= 2
                and _proper_slip(a, t)
                and (not _consonant_swap(a, t) or frozenset((a, t)) in _HOMOPHONES)
                and not (len(a) == len(t) + 1 and a.startswith(t))  # "Daytona Accords"
            ):
                rule, refusal = "typo", None  # "Ivory Cost", "Louis Paster", "Kim Il-song"
            if (
                refusal == "real_word"
                and alt.person
                and j == 0
                and len(tgt) >= 2
                and len(a) >= 4
                and _name_key(a) == _name_key(t)
            ):
                rule, refusal = "name_fold", None  # a first name as it sounds: "Marc Twain"
            if (
                rule in ("typo", "name_fold")
                and alt.rule == "name"
                and len(tgt) == 1
                and _is_word(a)
            ):
                rule, refusal = None, "real_word"  # "pastor" alone is not "Pasteur"
            if (
                rule == "typo"
                and alt.proper
                and _is_word(a)
                and not _is_word(t)
                and _consonant_swap(a, t)
            ):
                rule, refusal = None, "real_word"  # "Magma Carta" is not "Magna Carta"
            if (
                rule == "typo"
                and len(ans) == 1
                and len(required) == 1
                and alt.capitalised
                and _is_word(a)
                and not _is_word(t)
            ):
                rule, refusal = None, "real_word"  # "Pluto" is not "Plato", "Money" not "Monet"
            if (
                t in alt.exact_only
                and a != t
                and rule != "lookalike"
                and not (
                    len(t) >= 5
                    and rule == "typo"
                    and _adjacent_swap(a, t)
                    and any(x != y and x in _VOWELS for x, y in zip(a, t, strict=True))
                )
            ):
                # "INF" is not "IMF", "UNHRC" not "UNHCR"; an acronym read as a word keeps
                # its letters with a vowel swapped: "STRAT" is still "START"
                rule = None
            if (
                short_name
                and a != t
                and rule is not None
                and ((len(a) >= 4 and a in _places().names) or _city(a) is not None)
            ):
                rule = None  # the short name is another place: "Mount Fiji", "Battle of Alta"
            if (
                short
                and a != t
                and t in required
                and rule not in ("lookalike", None)
                and not (rule == "word_form" and _inflection_of(a, t))
                and not (
                    rule == "swap"
                    and len(t) == 4
                    and a not in _places().names
                    and a not in _given_names()  # "Etan" is a name, not "Etna"
                )
                and not (rule == "typo" and t.isdigit())  # "elevn" for "11"
            ):
                rule = None  # short answers must be exact ("ROK" is not "ROC")
            ok = rule is not None and refusal is None
            if ok or (t in required and (ratio >= _PARTIAL_CREDIT_MIN_RATIO or refusal)):
                pairs.append((ok, ratio, i, j, rule, refusal))
    pairs.sort(key=lambda p: (not p[0], -p[1], p[2], p[3]))
    used_a: set[int] = set()
    used_t: set[int] = set()
    matched_at: dict[int, int] = {}
    matched_weight = 0.0
    total_weight = 0.0
    passes = True
    rules: set[str] = set()
    wrong: list[tuple[str, str, str]] = []
    edits = 0.0
    for ok, ratio, i, j, rule, refusal in pairs:
        if i in used_a or j in used_t:
            continue
        used_a.add(i)
        used_t.add(j)
        matched_at[j] = i
        weight = len(ans[i]) + len(tgt[j])
        # An allowed relaxation counts as a full match, so the score ranks alternatives by
        # how much of them was found rather than by how they were written.
        if ok and rule == "typo" and tgt[j].isdigit() and ans[i].isalpha():
            ratio = fuzz.ratio(ans[i], _number_word(tgt[j]))  # "elevn" against "eleven"
        if ok and rule == "typo" and sorted(ans[i]) == sorted(tgt[j]):
            ratio = max(ratio, 85.0)  # letters swapped, none wrong: "Vietman"
        if ok and rule == "typo" and ("ph" in ans[i]) != ("ph" in tgt[j]):
            folded = fuzz.ratio(ans[i].replace("ph", "f"), tgt[j].replace("ph", "f"))
            ratio = max(ratio, folded)  # "floem" is "phloem" as it sounds
        matched_weight += (100.0 if ok and rule != "typo" else ratio) * weight
        total_weight += weight
        if ok and rule is not None:
            rules.add(rule)
            edits += _pair_cost(rule, ans[i], tgt[j])
        else:
            passes = False
            wrong.append((ans[i], tgt[j], refusal or "different"))

    missing: list[str] = []
    for j, t in enumerate(tgt):
        if j in used_t:
            continue
        if t in optional and t not in required:
            continue  # optional generic word of the alternative
        passes = False
        missing.append(t)
        total_weight += 2 * len(t)
    extra: list[str] = []
    loose = 0  # answer words the rules explained away ("it was", "Pandit", "economic")
    sentence = len(ans_tokens) >= 3 or ans_tokens[0] in _PRONOUN_START
    spans = sorted(matched_at.values())
    # A whole sentence around the answer ("it was de Gaulle who founded the Fifth
    # Republic", "Jefferson made the Louisiana Purchase"): the answer's words together,
    # everything else words that neither negate nor name a relative of it.
    in_sentence = (
        len(ans_tokens) >= 3
        and raw_words >= 3
        and _reads_as_sentence(ans_tokens)
        and len(used_t) == len(tgt)
        and bool(spans)
        and spans[-1] - spans[0] + 1 == len(spans)
    )
    names_country = " ".join(tgt) in _places().countries
    multiword_name = alt.proper and len(tgt) >= 2 and not _PLACE_NOUNS.intersection(tgt)
    one_word_name = alt.capitalised and len(tgt) == 1 and not names_country
    for i, a in enumerate(ans):
        if i in used_a:
            continue
        if a in _PLACE_NOUNS and i > 0 and (alt.person or names_country or multiword_name):
            passes = False  # "Mexico City" for "Mexico", "Ho Chi Minh City"
            wrong.append((" ".join(ans), " ".join(tgt), "proper_noun"))
            total_weight += 2 * len(a)
            continue
        if (a in _FILLER and (a != "dr" or alt.person)) or (a in _STOPWORDS and a not in keep):
            continue  # "DR Congo" is not "Congo"
        if _has_digit(a) and a.translate(_LETTER_LOOKALIKES) in _STOPWORDS:
            continue  # "Republic 0f Korea"
        if _misspelt_filler(a):
            loose += 1
            rules.add("typo")  # "Prime Minster Abe"
            continue
        if target_is_number and not _has_digit(a) and a not in _HEDGES:
            continue
        if target_is_number and a.isdigit() and int(a) <= 31 and _beside_month(ans, i):
            continue  # "July 4, 1776" for "1776"
        if len(a) == 1 and a.isalpha() and len(ans) >= 3 and not alt.person:
            continue
        if (a in _ADVERBS or (a in _OBJECT_PRONOUNS and a != "us")) and len(ans) >= 2:
            loose += 1
            rules.add("sentence")  # "the mitochondria obviously"
            continue
        if sentence and a in _FRAME:
            loose += 1
            rules.add("sentence")
            continue
        if ans_tokens[0] == "by" and a.endswith("ing") and i == 0 and len(ans) >= 2:
            loose += 1
            rules.add("sentence")  # "by dismantling Yongbyon"
            continue
        if (
            _trailing_noun(a)
            and not (named_event and a in _EVENT_NOUNS and _EVENT_HEADS.intersection(tgt))
            and not (
                # "Lisbon Strategy" is not the Treaty of Lisbon: another kind of thing
                named_event
                and _EVENT_HEADS.intersection(tgt) - set(ans)
                and a not in _EVENT_NOUNS | _EVENT_HEADS | {"negotiations", "deal"}
            )
            and len(ans) >= 2
            and all(_trailing_noun(w) or w in _FILLER for w in ans[i:])
            and i > 0
        ):
            loose += 1
            rules.add("sentence")
            continue
        if _stopword_swap(a):
            loose += 1
            rules.add("swap")
            continue
        first, last = matched_at.get(0), matched_at.get(len(tgt) - 1)
        if (
            _is_ordinal(a)
            and i + 1 < len(ans)
            and ans[i + 1] in _FILLER
            and not target_is_number
            and not any(ch.isdigit() for t in tgt for ch in t)
        ):
            loose += 1
            rules.add("sentence")  # "the first summit in Singapore"
            continue
        if (
            a in ("peace", "border")
            and alt.proper
            and _EVENT_NOUNS.union({"war"}).intersection(tgt).intersection(ans)
            and first is not None
            and i != first
        ):
            loose += 1
            rules.add("qualifier")  # "Dayton Peace Accords", "Sino-Indian border war"
            continue
        if (
            _number_value(a) is not None
            and not _is_ordinal(a)
            and not target_is_number
            and first is not None
            and i + 1 == first
            and tgt[-1].endswith("s")
            and not any(ch.isdigit() for t in tgt for ch in t)
        ):
            loose += 1
            rules.add("qualifier")  # how many: "the four Geneva Conventions"
            continue
        if (
            not alt.proper
            and first is not None
            and i < first
            and a.endswith("s")
            and a[:-1] in _places().countries
        ):
            loose += 1
            rules.add("qualifier")  # "China's nine-dash line"
            continue
        if (
            len(tgt) == 1
            and not alt.proper
            and tgt[0].endswith(_ADJECTIVE_ENDINGS)
            and first is not None
            and i == first + 1 == len(ans) - 1
            and _is_word(a)
            and a not in _HEDGES
            and _root(a) not in _MEANING_MODIFIERS
        ):
            loose += 1
            rules.add("sentence")  # what the adjective describes: "irreversible changes"
            continue
        if (
            one_word_name
            and i == 0
            and first == 1
            and len(ans) == 2
            and not alt.person
            and a.isalpha()
            and len(a) >= 6
            and a not in _given_names()
            and a not in _PLACE_NOUNS
            and a not in _HONORIFICS
            and a not in _OCCUPATIONS
            and (_is_word(a) or len(a) >= 10)
            and a not in _HEDGES
            and _root(a) not in _MEANING_MODIFIERS
            and _demonym_of(a) is None
            and a not in _places().names
        ):
            loose += 1
            rules.add("qualifier")  # what it is: "the supercontinent Pangea"
            continue
        if (
            a in _EVENT_HEADS
            and alt.proper
            and not _EVENT_HEADS.intersection(tgt)
            and matched_at.get(0) is not None
            and i < matched_at[0]
            and not names_country
        ):
            loose += 1
            rules.add("qualifier")  # "Battle of Dien Bien Phu" for "Dien Bien Phu"
            continue
        first, last = matched_at.get(0), matched_at.get(len(tgt) - 1)
        # "Tsar Peter the Great": an epithet name is a person's too.
        epithet = (
            (" the " in alt.original or " of " in alt.original)
            and len(tgt) >= 2
            and tgt[0] in _given_names()
        )  # "Peter the Great", "Joan of Arc"
        one_name = (
            alt.capitalised
            and len(tgt) == 1
            and tgt[0] not in _HONORIFICS
            and tgt[0] not in _places().names
            and tgt[0] not in _places().tokens
        )
        titled = alt.person or (alt.proper and epithet)
        before = first is not None and i < first
        described = i + 1 < len(ans) and (ans[i + 1] in _HONORIFICS or ans[i + 1] in _OCCUPATIONS)
        if (
            titled
            and before
            and (a in _HONORIFICS or a in _OCCUPATIONS or (_is_demonym(a) and described))
        ) or (
            one_name
            and before
            and i + 1 == first
            and (a in _HONORIFICS or (a in _OCCUPATIONS and a not in _RELATIVES and len(ans) == 2))
        ):
            loose += 1
            rules.add("name")  # "Pandit Nehru", "the Norwegian painter Edvard Munch"
            continue
        if (
            alt.person
            and alt.rule is None
            and len(tgt) >= 2
            and first == i + 1
            and i == 0
            and (a in _given_names() or (not _is_word(a) and a.isalpha() and len(a) >= 4))
        ):
            loose += 1
            rules.add("name")  # a first name the key leaves out: "Thomas Woodrow Wilson"
            continue
        if (
            alt.proper
            and not alt.person
            and alt.rule is None
            and len(tgt) >= 2
            and tgt[-1] in _EPONYM_HEADS
            and first == i + 1
            and ans[first] == tgt[0]
            and a in _given_names()
        ):
            loose += 1
            rules.add("name")  # the first name of whom it is named after: "Jimmy Carter doctrine"
            continue
        if (
            (alt.proper or len(tgt) >= 2)
            and not alt.person
            and len(tgt) >= 2
            and before
            and _possessive(a)
            and not names_country
            and not any(_typo_ok(a, h) for h in _EVENT_HEADS)  # "Congres of Berlin"
        ):
            loose += 1
            rules.add("qualifier")  # "Lincoln's Emancipation Proclamation", "China's"
            continue
        if (
            alt.proper
            and not alt.person
            and alt.rule is None
            and len(tgt) == 1  # "English Bill of Rights" is another bill
            and before
            and _is_demonym(a)
            and not names_country
        ):
            loose += 1
            rules.add("qualifier")  # "the German Bundesrat", "French Impressionism"
            continue
        if (
            a in _ORGANISATION_QUALIFIERS
            and not names_country
            and first is not None
            and (i < first or alt.institution)
        ):
            loose += 1
            rules.add("qualifier")  # "the US House of Representatives", "UN General Assembly"
            continue
        if not alt.proper and first is not None and i < first and _modifier_ok(a):
            loose += 1
            rules.add("qualifier")  # a more specific form: "economic sanctions"
            continue
        if (
            alt.capitalised
            and alt.rule is None
            and len(tgt) >= 2
            and (
                not _is_word(a)
                or a in _given_names()
                or a in _PATRONYMICS
                or (alt.person and len(a) >= 4 and a not in _MEANING_MODIFIERS)
            )
            and a not in _HEDGES
            and first is not None
            and last is not None
            and first < i < last
            and a.isalpha()
        ):
            loose += 1
            rules.add("name")  # a middle name added: "Donald John Trump"
            continue
        if (
            alt.person
            and alt.rule is None
            and len(tgt) >= 2
            and first is not None
            and last is not None
            and tgt[0] not in _HONORIFICS
            and i > last
            and len(ans) - last <= 3
            and (
                (
                    i == len(ans) - 1
                    and a.isalpha()
                    and len(a) >= 4
                    and not _is_word(a)
                    and a not in _GENERIC_NAME_ENDS
                    and not _trailing_noun(a)
                    # not after an English first name: "John Marshall Harlan" is his grandson
                    and (tgt[0] not in _given_names() or _ROMANCE_FIRST.intersection(tgt))
                )
                or (a in ("y", "i") and i == len(ans) - 2)
            )
        ):
            loose += 1
            rules.add("name")  # a second family name: "Augusto Pinochet Ugarte", "Gaudí i Cornet"
            continue
        if (
            len(tgt) == 1
            and first is not None
            and i > first
            and ans[first].endswith("ing")
            and ans[first] != tgt[0]
            and len(ans) - first <= 3
            and a not in _HEDGES
            and not _MEANING_MODIFIERS.intersection(ans)
        ):
            loose += 1
            rules.add("sentence")  # what was done: "appeasing Hitler", "containing communism"
            continue
        if in_sentence and _sentence_word_ok(a) and not (target_is_number and _has_digit(a)):
            loose += 1
            rules.add("sentence")
            continue
        passes = False
        extra.append(a)
        total_weight += 2 * len(a)

    score = matched_weight / total_weight if total_weight else 0.0
    return _Match(
        passes=passes and score >= ACCEPT_THRESHOLD,
        score=min(score, 100.0),
        rules=frozenset(rules),
        wrong=tuple(wrong),
        missing=tuple(missing),
        extra=tuple(extra),
        edits=edits,
        loose=loose,
    )


# --------------------------------------------------------------------------- alternatives


@dataclass(frozen=True, slots=True)
class _Alt:
    original: str
    tokens: list[str]
    rule: str | None = None
    """The rule that produced this form of the alternative ("initialism", "name")."""
    exact_only: frozenset[str] = frozenset()
    capitalised: bool = False
    proper: bool = False
    """A name (a capitalised word other than a small one): "Republic of Korea"."""
    person: bool = False
    """A person's name ("Kofi Annan"), so titles may stand in front of it."""
    institution: bool = False
    """A name of several words that is neither a person nor a country ("International
    Criminal Court"), so where it sits may follow it ("…, The Hague")."""


def _is_capitalised(text: str) -> bool:
    """Every word capitalised, bar the particles of a family name ("Charles de Gaulle")."""
    groups = text.split()
    return (
        len(groups) >= 1
        and groups[0][:1].isupper()
        and groups[-1][:1].isupper()
        and all(g[:1].isupper() or g in _NAME_PARTICLES for g in groups)
    )


_NAME_SUFFIXES = frozenset({"jr", "sr"})
# Small words inside family names: "de Gaulle", "von der Leyen", "bin Salman", "da Silva".
_PATRONYMICS = frozenset(_words("bin ibn ben bint"))  # "Salman" alone is the father
_NAME_PARTICLES = frozenset(
    _words("de da do dos das di del della der den van von la le du bin ibn al el ben ter ten y")
)
# Last words that make a capitalised name a thing, not a person ("Galapagos Islands").
_GENERIC_NAME_ENDS = frozenset(
    _words(
        """
    island islands river mountains mountain lake sea ocean desert crisis war treaty agreement
    accord pact council court union university college institute school agency organization
    organisation bank fund party movement revolution empire dynasty republic kingdom state
    states city canal bay gulf strait peninsula range plateau valley basin delta falls
    forest conference convention declaration doctrine plan act bill summit talks assembly
    rocks islets atoll reef aires square trench strait straits canal line wall gate palace
    tower bridge park street road avenue spring summer autumn winter curve incident
    accords wars agreements conventions declarations trials amphitheatre amphitheater
    communique mahal temple mosque cathedral church shrine jinja monastery abbey castle museum
    stadium airport station harbour harbor plant reactor facility zone perimeter reservoir
    corridor heights
    """
    )
)
# First words that make a capitalised alternative a place, a title or an institution rather
# than a person's name ("Mount Everest", "Saint Lucia", "New Delhi", "Queen Elizabeth").
_NOT_NAME_STARTS = frozenset(
    _words(
        """
    mount mt saint st sainte fort ft lake cape port new san santa sao los las el la le al
    north south east west upper lower great little old united royal grand isle sierra costa
    puerto rio sri university college institute republic kingdom gulf bay river sea the
    general
    """
    )
)


@functools.cache
def _given_names() -> frozenset[str]:
    """English given names and their nicknames (the `nicknames` package, about 2,000)."""
    namer = NickNamer()
    names = set(namer.nickname_lookup) | set(namer.canonical_lookup) | _MORE_GIVEN_NAMES
    return frozenset(n for n in names if n.isalpha() and len(n) >= 2)


# Given names the nicknames list lacks that are also English words, so that "Adam Smith"
# reads as a person (names that are not English words are recognised without a list).
_MORE_GIVEN_NAMES = frozenset(
    _words("adam otto dag colin hans pedro paolo said amir raj lars nils nina winston gordon")
)


@functools.cache
def _nickname_pairs() -> dict[str, frozenset[str]]:
    """Given name -> the names it may stand for ("abe" -> "abraham", "michael" -> "mike")."""
    namer = NickNamer()
    related: dict[str, set[str]] = {}
    for canonical, nicks in namer.nickname_lookup.items():
        for nick in nicks:
            related.setdefault(canonical, set()).add(nick)
            related.setdefault(nick, set()).add(canonical)
    return {k: frozenset(v) for k, v in related.items()}


def _name_groups(original: str) -> list[str]:
    """The words of a capitalised name, periods dropped ("John F. Kennedy" -> "F"), a
    "Jr." or "Sr." at the end left off."""
    groups = [g.strip(".,") for g in original.split()]
    groups = [g for g in groups if g]
    while len(groups) > 2 and groups[-1].casefold() in _NAME_SUFFIXES:
        groups = groups[:-1]
    # A family name keeps its particles: ["Charles", "de Gaulle"].
    merged: list[str] = []
    for g in groups:
        if len(merged) > 1 and merged[-1].split()[-1] in _NAME_PARTICLES:
            merged[-1] = f"{merged[-1]} {g}"
        else:
            merged.append(g)
    return merged


def _person_like(groups: list[str]) -> bool:
    """Whether capitalised words read as a person's name rather than a place, a title or
    an institution: two to four name words, none a small word, not a known place, and a
    given name first or no common English word at either end ("Deng Xiaoping")."""
    if not 2 <= len(groups) <= 4:
        return False
    if not all(g.replace("-", "").replace("'", "").replace(" ", "").isalpha() for g in groups):
        return False
    words = [normalise(g) for g in groups]
    if words[0] in _NOT_NAME_STARTS or any(w in _STOPWORDS for w in words):
        return False
    if not all(w.replace(" ", "").isalpha() for w in words):
        return False  # "Fourteen Points" reads "14 points": a number is no name
    if groups[0].isupper() and len(groups[0]) >= 2:
        return False  # "UN Secretary-General"
    places = _places()
    if " ".join(words) in places.names or words[-1].replace(" ", "") in places.tokens:
        return False
    first, last = words[0].split()[0], words[-1].split()[-1]
    if last in _GENERIC_NAME_ENDS:
        return False
    if any(" " in g for g in groups[1:]):
        return True  # a family name with its particle: "Otto von Bismarck"
    if first in _HONORIFICS:  # "Mahatma Gandhi", "Queen Victoria"; not "Vice President"
        return not all(w in _HONORIFICS for t in words for w in t.split())
    return first in _given_names() or not _is_word(first) or (len(last) >= 4 and not _is_word(last))


# The commonest Chinese, Korean and Vietnamese family names in their usual romanisations:
# a name that starts with one is written family name first ("Deng Xiaoping", "Ban Ki-moon").
_EAST_ASIAN_FAMILY_NAMES = frozenset(
    _words(
        """
    kim lee yi park pak choi choe jung chung kang cho jo yoon yun jang chang lim im han oh seo
    shin kwon hwang ahn song hong moon mun roh noh rhee ban chun jeon
    wang zhang liu chen yang zhao huang zhou wu xu sun hu zhu gao lin he guo ma luo liang
    zheng xie tang feng deng xi mao jiang wen bo li hua lu cai peng dong yuan pan du ye
    ho ngo nguyen tran le pham phan vo vu dang bui do duong ly truong
    chiang tsai goh tan ong lim ng chan wong cheung leung lau chow
    """
    )
)


# Korean family names in their usual romanisations (Revised, McCune-Reischauer, customary).
_KOREAN_FAMILIES = {
    spelling: group[0]
    for group in (
        ("lee", "yi", "rhee", "ri", "i"),
        ("park", "pak", "bak"),
        ("choi", "choe"),
        ("jung", "chung", "jeong", "jeung"),
        ("kang", "gang"),
        ("cho", "jo"),
        ("yoon", "yun"),
        ("roh", "noh", "no"),
        ("moon", "mun"),
        ("kim", "gim"),
        ("shin", "sin"),
        ("lim", "im", "rim"),
        ("ryu", "yoo", "yu"),
        ("jang", "chang"),
        ("jeon", "chun", "chon", "jun"),
        ("kwon", "gwon"),
    )
    for spelling in group
}


def _gendered_pair(a: str, b: str) -> bool:
    """ "Louis" and "Louise", "Paul" and "Paula": two people's names."""
    short, long_ = sorted((a, b), key=len)
    return long_.startswith(short) and long_[len(short) :] in ("a", "e", "ine", "ette", "ina")


def _korean_given_name(group: str) -> bool:
    """A Korean given name written with a hyphen, the second syllable in lower case
    ("Jae-in", "Ki-moon"); "Berners-Lee" is an English double-barrelled family name."""
    head, dash, tail = group.partition("-")
    return bool(dash) and tail[:1].islower() and len(head) <= 5


def _family_first(groups: list[str]) -> bool:
    """East Asian order, family name first: "Moon Jae-in", "Deng Xiaoping", "Xi Jinping"."""
    if _korean_given_name(groups[-1]):
        return True
    first = normalise(groups[0])
    return len(groups) in (2, 3) and first in _EAST_ASIAN_FAMILY_NAMES


def _name_forms(original: str) -> list[list[str]]:
    """A person's name without its middle name, with the first name as an initial, or by
    the family name alone: "Michael MacArthur Bosack" -> "Michael Bosack", "M. Bosack",
    "M. MacArthur Bosack", "Bosack"; "Deng Xiaoping" -> "Deng"."""
    if not _is_capitalised(original):
        return []
    groups = _name_groups(original)
    if len(groups) < 2:
        return []
    if not all(g.replace("-", "").replace(" ", "").isalpha() for g in groups):
        return []
    if len(groups[-1]) < 3:
        return []
    person = _person_like(groups)
    if not person and not _korean_given_name(groups[-1]):
        return []
    if _family_first(groups):
        # "Moon Jae-in": family name first, so "Moon J." and "Moon" are forms of it,
        # "M. Jae-in" is not.
        forms = [[groups[0]]]
        if _korean_given_name(groups[-1]):
            forms.append([groups[0], groups[-1][0]])
        return [[t for g in f for t in normalise(g).split()] for f in forms]
    forms = [[groups[0][0], *groups[1:]]]
    middle_words = [w for g in groups[1:-1] for w in normalise(g).split()]
    if len(groups) == 3 or (len(groups) > 3 and not any(_is_word(w) for w in middle_words)):
        # Only a middle *name* may be left out: "United Nations Security Council" keeps all.
        middles = [g[0] for g in groups[1:-1]]
        forms += [[groups[0], groups[-1]], [groups[0][0], groups[-1]]]
        forms.append([groups[0], *middles, groups[-1]])
        if person and len(groups) == 3 and " " not in groups[-1]:
            forms.append(groups[1:])  # the first name left out: "Stuart Mill"
    if person and "-" in groups[0] and not _korean_given_name(groups[0]):
        # One half of a double first name: "Jacques Dessalines" for "Jean-Jacques".
        halves = groups[0].split("-")
        if all(h[:1].isupper() and h.isalpha() for h in halves):
            forms += [[half, groups[-1]] for half in halves if len(half) >= 3]
    patronymic = groups[-1].split()[0] in _PATRONYMICS
    if person and not patronymic and not _ROMAN_LETTERS.fullmatch(groups[-1].casefold()):
        forms.append([groups[-1]])  # the family name alone: "Macron", "Putin"
        bare = groups[-1].split()[-1]
        if bare != groups[-1]:
            forms.append([bare])  # "Bismarck" for "Otto von Bismarck"
            forms.append([groups[0], bare])  # "Otto Bismarck"
    if groups != original.split():
        forms.append(groups)  # "John F Kennedy", "Martin Luther King"
    # Normalise word by word: initials stay apart ("m bosack"; letter runs would glue
    # "j f" into "jf") and an initial "A" is not read as an article.
    return [[t for g in form for t in normalise(g).split()] for form in forms]


_TWO_LETTER_WORDS = frozenset(
    _words("no on in is it at as an or of to be we us he me my so do go up by if oh ok")
)
# Compass words written as one that keep both initials in an acronym ("ASEAN").
_COMPASS = {"northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw"}
_MAX_INITIALISM_FORMS = 4  # per alternative: bounds the work a hostile answer can cause


def _initialism_forms(tokens: list[str], wanted: set[str]) -> list[tuple[list[str], str]]:
    """Forms of an alternative with a run of two or more words written as its initials
    ("UN Security Council" for "United Nations Security Council", "IUJ"), limited to the
    initials the answer actually contains (`wanted`)."""
    out: list[tuple[list[str], str]] = []
    n = len(tokens)
    if n < 2 or n > 12 or not wanted:
        return out
    for i in range(n):
        for j in range(i + 2, n + 1):
            run = tokens[i:j]
            if any(_has_digit(t) for t in run) or run[0] in _STOPWORDS:
                continue
            for letters in {
                "".join(t[0] for t in run),
                "".join(t[0] for t in run if t not in _STOPWORDS),
                "".join(_COMPASS.get(t, t[0]) for t in run if t not in _STOPWORDS),
            }:
                if len(letters) >= 2 and letters in wanted:
                    out.append(([*tokens[:i], letters, *tokens[j:]], letters))
    return out[:_MAX_INITIALISM_FORMS]


def _prepare(alternatives: Sequence[str]) -> list[_Alt]:
    """Usable alternatives, normalised, capped in number and size, with their name forms."""
    out: list[_Alt] = []
    for alt in list(alternatives)[:MAX_ALTERNATIVES]:
        if not isinstance(alt, str):
            continue
        text = alt[:MAX_ANSWER_LENGTH]
        tokens = normalise(text).split()[:MAX_TOKENS]
        if not tokens:
            continue
        capitalised = _is_capitalised(text)
        proper = any(g[:1].isupper() for g in text.split() if g.casefold() not in _STOPWORDS)
        groups = _name_groups(text)
        person = capitalised and (_person_like(groups) or _korean_given_name(groups[-1]))
        content = [t for t in tokens if t not in _STOPWORDS]
        institution = (
            proper
            and not person
            and len(content) >= 2
            and " ".join(tokens) not in _places().names
            and not _names_country(tokens)
        )
        # Initialisms written in capitals must be exact: "IMF" is not "INF".
        exact = frozenset(
            normalise(g)
            for g in text.split()
            if g.isupper()
            and g.isalpha()
            and 2 <= len(g) <= 8
            and not _ROMAN_LETTERS.fullmatch(g.casefold())
        )
        out.append(
            _Alt(
                alt,
                tokens,
                None,
                exact,
                capitalised=capitalised,
                proper=proper,
                person=person,
                institution=institution,
            )
        )
        for marker in ("v", "vs", "versus"):
            if marker in tokens[1:-1]:
                # A court case by its first party: "Dred Scott" for "Dred Scott v. Sandford".
                party = tokens[: tokens.index(marker)]
                if "of" not in party and party[0] not in _GOVERNMENT_PARTIES:
                    # not "Regents of the University of California", not "United States"
                    out.append(_Alt(alt, party, "name", capitalised=capitalised, proper=proper))
                break
        for form in _name_forms(text):
            if form != tokens:
                out.append(
                    _Alt(alt, form, "name", capitalised=capitalised, proper=proper, person=person)
                )
    # A family name listed alone is that person's: "Indira Gandhi" is not the "Gandhi" of
    # "Mahatma Gandhi".
    family_names = {a.tokens[-1] for a in out if a.person and len(a.tokens) >= 2}
    return [
        dataclasses.replace(a, person=True)
        if len(a.tokens) == 1 and a.capitalised and a.tokens[0] in family_names
        else a
        for a in out
    ]


_NEGATORS = frozenset(_words("not without never didnt didn t failed"))
_NEGATED_VERBS = frozenset(
    _words("did do does was were reach reached make made sign signed get got come came to an a")
)


def _negated_forms(tokens: list[str]) -> list[_Form]:
    """Read "without a deal" and "they did not reach an agreement" as "no deal" and "no
    agreement", for alternatives that start with "no"."""
    for k, tok in enumerate(tokens):
        if tok in _NEGATORS:
            rest = tokens[k + 1 :]
            while rest and (rest[0] in _NEGATED_VERBS or rest[0] in _NEGATORS):
                rest = rest[1:]
            if rest:
                return [_Form([*tokens[:k], "no", *rest], "sentence")]
            break
    return []


_NEGATIVE_PREFIXES = ("in", "un", "non", "im", "il", "ir")


def _not_forms(tokens: list[str], alts: list[_Alt]) -> list[_Form]:
    """ "not admissible", "non-reactive" and "not legally binding" as "inadmissible",
    "unreactive" and "non-binding", when an alternative has that negative word."""
    wanted = {t for a in alts for t in a.tokens} | {
        a.tokens[k] + a.tokens[k + 1]
        for a in alts
        for k in range(len(a.tokens) - 1)
        if a.tokens[k] == "non"
    }
    out: list[_Form] = []
    for k, tok in enumerate(tokens[:-1]):
        if tok not in ("not", "non"):
            continue
        j = k + 1
        while j < len(tokens) - 1 and (tokens[j] in ("a", "an") or tokens[j].endswith("ly")):
            j += 1  # "not a conductor", "not legally binding"
        word = tokens[j]
        for prefix in _NEGATIVE_PREFIXES:
            if prefix + word in wanted:
                out.append(_Form([*tokens[:k], prefix + word, *tokens[j + 1 :]], "synonym"))
                break
    return out


def _spelt_out_forms(tokens: list[str], alts: list[_Alt]) -> list[_Form]:
    """The answer as the initials of its words when an alternative is those initials
    ("United Nations" for "UN", "International Criminal Court" for a listed "ICC")."""
    wanted = {a.tokens[0] for a in alts if len(a.tokens) == 1 and a.tokens[0] in a.exact_only}
    # Initials whose long form is listed too are read from that form ("ECHR" stands for
    # more than one European body; the listed "European Court of Human Rights" decides).
    wanted -= {
        initials
        for a in alts
        if len(a.tokens) >= 2 and a.rule is None
        for initials in (
            "".join(_COMPASS.get(t, t[0]) for t in a.tokens if t not in _STOPWORDS),
            "".join(t[0] for t in a.tokens),
        )
    }
    if len(tokens) < 2 or not wanted:
        return []
    content = [t for t in tokens if t.isalpha()]
    candidates = {
        "".join(t[0] for t in content),
        "".join(t[0] for t in content if t not in _STOPWORDS),
        "".join(_COMPASS.get(t, t[0]) for t in content if t not in _STOPWORDS),
    }
    return [_Form([c], "initialism") for c in sorted(candidates & wanted)]


def _with_initialisms(alts: list[_Alt], ans_tokens: list[str]) -> list[_Alt]:
    wanted = {t for t in ans_tokens if t.isalpha() and 2 <= len(t) <= 8}
    out = list(alts)
    for alt in alts:
        if alt.rule is not None:
            continue
        for tokens, letters in _initialism_forms(alt.tokens, wanted):
            if len(letters) < 3 and not alt.proper and letters in _TWO_LETTER_WORDS:
                continue  # "NO" is not "nitrous oxide"; "IR" is "international relations"
            out.append(
                _Alt(
                    alt.original,
                    tokens,
                    "initialism",
                    frozenset({letters}),
                    proper=True,
                    institution=alt.institution,
                )
            )
    return out


# --------------------------------------------------------------------------- answer forms


@dataclass(frozen=True, slots=True)
class _Form:
    tokens: list[str]
    rule: str | None = None
    qualifier: str | None = None
    scope: Literal["any", "located", "institution", "common", "described", "landmark", "person"] = (
        "any"
    )
    raw_words: int = 0
    """Words in the answer as typed (spaces only: "Jae-won" is one)."""
    """Which alternatives the form may match: "institution" (a location after the name of
    an organisation: "ICC, The Hague"), "common" (a phrase after a common noun or an
    institution: "annexation of Crimea"), or any."""


def _place_words(text: str) -> str:
    """A qualifier as a place name: small words dropped, "N. Korea" read as "north korea"."""
    words = [w for w in text.split() if w not in _STOPWORDS]
    out = []
    for w in words:
        expansions = _ABBREVIATIONS.get(w, ())
        out.append(expansions[0] if len(w) <= 2 and expansions else w)
    return " ".join(out)


_OBJECT_PRONOUNS = frozenset(_words("it them him her us"))
_PLACE_KINDS = frozenset(
    _words("island isle city town state province region country nation ruins site continent")
)
_CLAUSE_WORDS = frozenset(
    _words("who which that because since as when where whose while like such eg")
)
_TAIL_PREPOSITIONS = frozenset(
    _words(
        "of from in on at near against over between during through via within across into by to"
        " under"
    )
)


def _local_place(norm: str) -> bool:
    """A region or city rather than a country or continent ("Nebraska")."""
    return norm in _places().names and norm not in _places().countries and norm not in _CONTINENTS


_REGION_WORDS = frozenset(
    _words("north south east west northern southern eastern western central sub saharan the")
)


_OCCUPATIONS = frozenset(
    _words(
        """
    novelist writer author poet playwright painter artist sculptor composer musician
    scientist physicist chemist biologist mathematician inventor engineer philosopher
    economist historian explorer activist leader politician statesman diplomat envoy
    general soldier emperor king queen president minister founder student pupil teacher
    disciple son daughter wife husband astronaut physician doctor lawyer journalist
    boxer athlete singer actor actress swimmer sprinter runner footballer player
    chancellor general admiral monarch pharaoh dictator revolutionary reformer
    suffragette campaigner abolitionist monk abbot friar nun saint conquistador
    architect astronomer geographer navigator sailor theologian psychologist sociologist
    anthropologist geologist botanist naturalist filmmaker director photographer pianist
    violinist conductor jurist judge senator governor mayor premier prophet pope bishop
    missionary aviator pilot commander sultan shah tsar czar prince princess empress
    industrialist entrepreneur businessman banker merchant traveller traveler scholar
    linguist essayist dramatist cartoonist illustrator economist thinker theorist
    """
    )
)


# Occupations that name someone else's relative ("son of Odin", "student of Socrates").
_RELATIVES = frozenset(
    _words("son daughter wife husband student pupil disciple brother sister father mother")
)


def _describes(raw_tail: str, tail_tokens: list[str]) -> bool:
    """A description after a person's name: "16th president", "the US envoy", "Italian
    painter", "Kim Il-sung's son"."""
    return (
        bool(_HONORIFICS.intersection(tail_tokens) or _OCCUPATIONS.intersection(tail_tokens))
        or raw_tail.strip().casefold().startswith(("the ", "a ", "an "))
        or (len(tail_tokens) <= 3 and _trailing_noun(tail_tokens[-1]))  # "Jupiter's moon"
        or any(_demonym_of(t) is not None and len(t) > 4 for t in tail_tokens)
    )


_COPULAS = frozenset(_words("is are was were"))
_KIND_WORDS = frozenset(
    _words("month festival feast holiday religion language kingdom empire dynasty province")
)
# Spanish and Portuguese first names the English list also holds: their bearers carry two
# family names ("Salvador Allende Gossens").
_ROMANCE_FIRST = frozenset(_words("salvador gabriel simon pablo carlos luis manuel fernando"))
_HONORIFICS_AFTER = frozenset(_words("san sama sensei kun chan ssi nim"))
_ACTS_ON_PLACES = frozenset(
    _words(
        "attack attacks bombing bombings invasion siege raid sack fall liberation occupation"
        " annexation partition blockade"
    )
)
# What is named after a person ("Carter Doctrine", "Marshall Plan", "Okun's law").
_EPONYM_HEADS = frozenset(
    _words(
        "doctrine plan act law declaration report principle theorem effect curve corollary affair"
        " good goods"
    )
)


def _year_range(tokens: list[str]) -> bool:
    """ "1870 71", "1914 1918": two years, the second maybe by its last two digits."""
    return (
        len(tokens) == 2
        and _is_year(tokens[0])
        and tokens[1].isdigit()
        and (len(tokens[1]) == 2 or _is_year(tokens[1]))
    )


_ORD_SUFFIXES = ("st", "nd", "rd", "th")


def _year_of_date(tokens: list[str]) -> str | None:
    """The year of a date written out ("6 August 1945", "August 6th 1945")."""
    years = [t for t in tokens if _is_year(t)]
    if len(years) != 1 or len(tokens) < 2 or not _MONTHS.intersection(tokens):
        return None
    rest = [t for t in tokens if t != years[0] and t not in _MONTHS and t != "of"]
    days = {str(d) for d in range(1, 32)} | {f"{d}{s}" for d in range(1, 32) for s in _ORD_SUFFIXES}
    return years[0] if len(rest) <= 1 and all(t in days for t in rest) else None


def _known_place(norm: str) -> bool:
    """A country, region, city code or continent, or part of a continent ("southern
    Africa")."""
    if norm in _places().names or norm in _CONTINENTS:
        return True
    words = norm.split()
    while words and words[0] in _REGION_WORDS:
        words = words[1:]
    return len(words) < len(norm.split()) and " ".join(words) in _CONTINENTS


def _without_countries(tokens: list[str]) -> list[str]:
    """The words less any country named in them, by name, possessive or people ("japans",
    "south korean"), so a title's country does not count as an extra word."""
    countries = _places().countries
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for n in (3, 2, 1):
            span = tokens[i : i + n]
            if len(span) < n:
                continue
            text = " ".join(span)
            demonym = _demonym_of(span[-1]) if len(span[-1]) > 4 else None
            if (
                text in countries
                or (text.endswith("s") and text[:-1] in countries)
                or (demonym is not None and " ".join([*span[:-1], demonym]) in countries)
            ):
                i += n
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def _answer_forms(answer: str, tokens: list[str]) -> list[_Form]:
    """The answer as written, and the forms the qualifier, official-name and synonym rules
    read it as ("Hanoi, Vietnam" -> "Hanoi")."""
    forms = [_Form(tokens, raw_words=len(answer.split()))]
    places = _places()
    norm = " ".join(tokens)
    if len(tokens) >= 3 and tokens[0] in _FOREIGN_ARTICLES and answer.split()[1][:1].isupper():
        forms.append(_Form(tokens[1:], "qualifier"))  # "La Sagrada Familia"; not "Los Alamos"
    # A qualifier after a comma: a country or a region ("Yokosuka, Kanagawa"); after the
    # name of an organisation, any place ("International Criminal Court, The Hague"); a
    # clause that explains ("the vice president, who breaks ties").
    dash = re.search(r"\s[-\u2013\u2014]\s", answer)
    if dash:
        head_tokens = normalise(answer[: dash.start()]).split()
        tail_norm = normalise(answer[dash.end() :])
        if head_tokens and tail_norm and not _HEDGES.intersection(tail_norm.split()):
            forms.append(_Form(head_tokens, "sentence", tail_norm))  # "Gresham's law - bad ..."
    if "," in answer:
        head, _, tail = answer.partition(",")
        tail_norm, head_tokens = _place_words(normalise(tail)), normalise(head).split()
        tail_tokens = tail_norm.split()
        tail_is_year = tail_norm.isdigit() and len(tail_norm) == 4
        date_year = _year_of_date(tail_tokens)
        if date_year is not None:
            tail_norm, tail_tokens, tail_is_year = date_year, [date_year], True
        hedged = _HEDGES.intersection(tail_tokens) and not tail.strip().isupper()  # "OR"
        if head_tokens and tail_tokens and not hedged:
            if tail_tokens[0] in _CLAUSE_WORDS:
                # The tail is kept as the qualifier so that a listed wrong answer in it
                # makes a hedge ("Hanoi, like Singapore").
                forms.append(_Form(head_tokens, "sentence", tail_norm))
            elif _known_place(tail_norm) or tail_is_year:
                forms.append(_Form(head_tokens, "qualifier", tail_norm))
            elif tail_tokens[0] in ("in", "at", "near") and _known_place(
                _place_words(normalise(answer.rpartition(",")[2]))
            ):
                forms.append(_Form(head_tokens, "qualifier", tail_norm))  # ", in Cambridge, MA"
            elif len(tail_tokens) <= 3 and _city(tail_norm) is not None:
                # The city a landmark or district is in ("Taj Mahal, Agra", "Wimbledon,
                # London"); never after a city ("Hanoi, Saigon" is a hedge).
                forms.append(_Form(head_tokens, "qualifier", tail_norm, "landmark"))
            elif _describes(tail, tail_tokens):
                # "Abraham Lincoln, 16th president": a description of a person or body.
                titled = _HONORIFICS.intersection(tail_tokens) or _OCCUPATIONS.intersection(
                    tail_tokens
                )
                rule = "name" if titled else "qualifier"
                forms.append(_Form(head_tokens, rule, tail_norm, "described"))
            else:
                forms.append(_Form(head_tokens, "qualifier", tail_norm, "institution"))
        if "," in tail:
            head2, _, tail2 = answer.rpartition(",")
            tail2_norm, head2_tokens = _place_words(normalise(tail2)), normalise(head2).split()
            if head2_tokens and (_known_place(tail2_norm) or tail2_norm.isdigit()):
                forms.append(_Form(head2_tokens, "qualifier", tail2_norm))
    # A phrase after the answer ("annexation of Crimea", "Mt. Everest in the Himalayas"); a
    # place after a name with "of" in it ("the Council of Europe in Strasbourg").
    tails = 0
    for k in range(1, len(tokens)):
        if tokens[k] not in _TAIL_PREPOSITIONS or tails == 2:
            continue
        tail_tokens = tokens[k + 1 :]
        if not tail_tokens or _HEDGES.intersection(tail_tokens):
            break
        tail_norm = " ".join(t for t in tail_tokens if t not in _STOPWORDS)
        # Where it is ("in the Himalayas") may follow any name; other phrases ("of Quebec")
        # only a common noun ("annexation of Crimea").
        located = tokens[k] in ("in", "at", "near", "between", "by", "to", "under")
        dated = all(_is_year(t) or _is_decade(t) for t in tail_norm.split()) or _year_range(
            tail_norm.split()
        )
        # what a name belongs to when that is numbered: "of the 14th Amendment"
        dated = dated or any(_number_value(t) is not None for t in tail_norm.split())
        scope: Literal["any", "located", "common"] = (
            "located" if located else "any" if dated else "common"
        )
        if tokens[k] == "on" and not dated:
            # where a named place is: "Olympus Mons on Mars"
            forms.append(_Form(tokens[:k], "qualifier", tail_norm, "described"))
        forms.append(_Form(tokens[:k], "qualifier", tail_norm, scope))
        if tokens[k] == "of" and tail_norm in places.countries:
            # "the National Assembly of France", "Liberal Democratic Party of Japan"
            forms.append(_Form(tokens[:k], "qualifier", tail_norm, "institution"))
        known_place = tail_norm in places.countries or _city(tail_norm) is not None
        named = len(tail_tokens) == 1 and answer.split()[-1][:1].isupper()
        if tokens[k] == "of" and (known_place or named):
            forms.append(
                _Form(tokens[:k], "qualifier", tail_norm, "person")
            )  # "Hannibal of Carthage", "Hippocrates of Kos"
        if tokens[k] == "of" and any(
            _number_value(t) is not None for t in tokens[max(0, k - 2) : k]
        ):
            # what a numbered part belongs to: "Article 51 of the Charter", "Title IX of ..."
            forms.append(_Form(tokens[:k], "qualifier", tail_norm))
        tails += 1
        if tokens[k] != "of":
            break
    # A description after a name without a comma: "Ibn Battuta the Moroccan explorer".
    if "the" in tokens[1:-1] and tokens[-1] in _OCCUPATIONS:
        k = tokens.index("the", 1)
        tail_tokens = tokens[k + 1 :]
        if len(tail_tokens) <= 3 and not _HEDGES.intersection(tail_tokens):
            forms.append(_Form(tokens[:k], "name", " ".join(tail_tokens), "described"))
    # A Japanese or Korean honorific after a name: "Megumi Yokota-san".
    if len(tokens) >= 2 and tokens[-1] in _HONORIFICS_AFTER:
        forms.append(_Form(tokens[:-1], "name", tokens[-1]))
    # What happened there before the place: "the attack on Pearl Harbor", "the bombing of
    # Hiroshima".
    if len(tokens) >= 3 and tokens[0] in _ACTS_ON_PLACES and tokens[1] in ("on", "of", "at"):
        forms.append(_Form(tokens[2:], "sentence", tokens[0]))
    # The answer after "is" or "was": "the father of medicine is Hippocrates".
    for k in range(len(tokens) - 2, 0, -1):
        if tokens[k] in _COPULAS:
            said, rest = tokens[:k], tokens[k + 1 :]
            if not _HEDGES.intersection(tokens) and all(
                t in _STOPWORDS or _is_word(t) for t in said
            ):
                forms.append(_Form(rest, "sentence", " ".join(said)))
            break
    # A first name before a possessive name: "Robert Schuman's declaration".
    for k in (1, 2):
        if (
            ("'s" in answer or "\u2019s" in answer)
            and len(tokens) > k + 1
            and all(t in _given_names() for t in tokens[:k])
            and _possessive(tokens[k])
        ):
            forms.append(_Form(tokens[k:], "name"))
    # Examples after the answer: "igneous rocks like basalt", "such as", "including".
    for k in range(1, len(tokens) - 1):
        if tokens[k] in ("like", "including", "eg") or tokens[k : k + 2] == ["such", "as"]:
            examples = tokens[k + 1 :] if tokens[k] != "such" else tokens[k + 2 :]
            if examples and not _HEDGES.intersection(examples):
                forms.append(_Form(tokens[:k], "sentence", " ".join(examples)))
            break
    # "Asia continent", "the Tigris river" are in the alias rule
    if len(tokens) >= 2 and tokens[-1] == "continent" and " ".join(tokens[:-1]) in _CONTINENTS:
        forms.append(_Form(tokens[:-1], "qualifier"))
    # "the island of Cuba", "the city of Paris"
    if len(tokens) >= 3 and tokens[1] == "of" and tokens[0] in _PLACE_KINDS:
        forms.append(_Form(tokens[2:], "qualifier"))
    # "the holy month of Ramadan", "the festival of Diwali"
    for k in (1, 2):
        if len(tokens) > k + 1 and tokens[k] == "of" and tokens[k - 1] in _KIND_WORDS:
            forms.append(_Form(tokens[k + 1 :], "qualifier", " ".join(tokens[:k])))
    # A title with a country or its people in front of a name ("Japanese PM Abe",
    # "South Korean President Moon", "president of south korea moon").
    if _HONORIFICS.intersection(tokens):
        stripped = _without_countries(tokens)
        if stripped and stripped != tokens:
            forms.append(_Form(stripped, "name"))
    # Another name of the same country or city ("Lao PDR", "Bombay", "Osterreich").
    # Only as short or shorter: "North Korea" does not name the long form.
    key = norm.replace(" ", "")
    for other in places.same.get(key, ()):
        if len(other.split()) <= len(tokens):
            forms.append(_Form(other.split(), "official_name"))
    # A country's name after generic state words ("Republic of Ireland").
    if norm not in _NOT_OFFICIAL and tokens[0] in _STATE_WORDS:
        rest = list(tokens)
        while rest and rest[0] in _STATE_WORDS:
            rest = rest[1:]
        if rest and " ".join(rest) in places.countries:
            forms.append(_Form(rest, "official_name"))
            for other in places.same.get("".join(rest), ()):
                if len(other.split()) <= len(tokens):
                    forms.append(_Form(other.split(), "official_name"))
    # A date with its era after a name ("the Battle of Thermopylae 480 BC").
    if len(tokens) >= 3 and tokens[-2].isdigit() and tokens[-1] in ("bc", "bce", "ad", "ce"):
        forms.append(_Form(tokens[:-2], "qualifier", " ".join(tokens[-2:]), "described"))
    # A year after the answer ("Singapore 2018") or in it ("the 1494 Treaty of Tordesillas").
    years = [t for t in tokens if _is_year(t)]
    if len(years) == 1 and len(tokens) >= 2:
        forms.append(_Form([t for t in tokens if t != years[0]], "qualifier", years[0]))
    # A country named after the answer without a comma ("Pyongyang North Korea").
    for cut in range(1, min(4, len(tokens))):
        tail_norm = " ".join(tokens[-cut:])
        if tokens[-cut - 1] in ("of", "for"):
            continue  # "Constitution of Japan" is another constitution
        if tail_norm in places.countries:
            forms.append(_Form(tokens[:-cut], "qualifier", tail_norm))
        elif tail_norm in places.names and len(tail_norm) > 3:
            # A city or region after an organisation's name ("Sciences Po Paris").
            forms.append(_Form(tokens[:-cut], "qualifier", tail_norm, "institution"))
        elif cut == 1 and tail_norm in places.names and answer.split()[-1].isupper():
            forms.append(_Form(tokens[:-cut], "qualifier", tail_norm))  # "Canberra ACT"
    # The name's generic words in its own language ("Tratado de Tordesillas").
    english = _english_form(tokens)
    if english is not None and english != tokens:
        forms.append(_Form(english, "synonym"))
    # A phrase for the key word ("sending back" -> "return", "sending them back").
    roots = [_root(t) for t in tokens if t not in _OBJECT_PRONOUNS]
    tokens = [t for t in tokens if t not in _OBJECT_PRONOUNS]
    for phrase, target in _PHRASE_SYNONYMS:
        n = len(phrase)
        for i in range(len(roots) - n + 1):
            if tuple(roots[i : i + n]) == phrase:
                forms.append(_Form([*tokens[:i], target, *tokens[i + n :]], "synonym"))
                break
    return forms


# --------------------------------------------------------------------------- verdict

_RULE_ORDER = (
    "initialism",
    "official_name",
    "qualifier",
    "name",
    "abbreviation",
    "sentence",
    "synonym",
    "word_form",
    "lookalike",
    "swap",
    "typo",
)


def _rule_name(rules: set[str]) -> str:
    """One name for the rules an acceptance used, most specific first ("qualifier+typo")."""
    renamed = {
        "clip": "abbreviation",
        "name_fold": "name",
        "demonym": "word_form",
        "derived": "word_form",
        "head": "synonym",
    }
    rules = {renamed.get(r, r) for r in rules}
    named = [r for r in _RULE_ORDER if r in rules]
    return "+".join(named) if named else "tokens"


@dataclass(frozen=True, slots=True)
class _Best:
    alt: _Alt
    form: _Form
    match: _Match


def _countries_in(tokens: list[str]) -> set[str]:
    countries = _places().countries
    n = len(tokens)
    return {
        " ".join(tokens[i:j])
        for i in range(n)
        for j in range(i + 1, min(n, i + 4) + 1)
        if " ".join(tokens[i:j]) in countries
    }


def _names_country(tokens: list[str]) -> bool:
    return bool(_countries_in(tokens))


def _best(
    forms: list[_Form], alts: list[_Alt], *, passing: bool, keep: frozenset[str] = frozenset()
) -> _Best | None:
    best: _Best | None = None
    person_item = any(alt.person for alt in alts)
    # Countries and years the key itself names: a qualifier must agree with them
    # ("Wellington, Australia" when "Wellington, New Zealand" is listed).
    key_countries = {c for alt in alts for c in _countries_in(alt.tokens)}
    key_years = {t for alt in alts for t in alt.tokens if _is_year(t)}
    raw_words = forms[0].raw_words if forms else 0
    for form in forms:
        if not form.tokens:
            continue
        for alt in alts:
            q = form.qualifier
            if (
                q is not None
                and q in _places().names
                and _names_country(alt.tokens)
                and not _city_of_its_country(alt.tokens, q)
            ):
                continue  # "China, Russia and Japan" is a list, not a qualified place
            if form.scope == "institution" and not alt.institution:
                continue  # "Lincoln, Nebraska" is a place, not the president
            if form.scope == "common" and alt.proper and not (alt.person and q in _places().names):
                continue  # "National Assembly of Quebec"; "Peter I of Russia" is fine
            if form.scope == "described" and not alt.proper:
                continue
            if (
                form.scope == "person"
                and q is not None
                and q not in _places().countries
                and _city(q) is None
                and (len(alt.tokens) != 1 or alt.tokens[0] in _given_names())
            ):
                continue  # an unknown place only after a single name: not "Mary of Teck"
            if form.scope == "person" and not (
                alt.person
                or (
                    alt.capitalised
                    and len(alt.tokens) == 1
                    and not _is_word(alt.tokens[0])  # "Constitution of Japan" is another
                    and alt.tokens[0] not in _places().names
                    and _city(alt.tokens[0]) is None
                )
            ):
                continue
            # A name given whole, then where it is: "Hagia Sophia, Istanbul" (a landmark whose
            # name reads like a person's), never "Lincoln, Nebraska" for Abraham Lincoln.
            whole = (
                alt.rule is None
                and len(alt.tokens) >= 2
                and _without_articles(form.tokens) == _without_articles(list(alt.tokens))
            )
            if form.scope == "landmark" and (
                (alt.person and not whole)
                or not alt.proper
                or _city(" ".join(_without_articles(alt.tokens))) is not None
                or (_names_country(alt.tokens) and not _city_of_its_country(alt.tokens, q))
            ):
                continue
            if (
                q is not None
                and key_countries
                and q in _places().countries
                and q not in key_countries
                and not key_countries.intersection(_places().same.get(q.replace(" ", ""), ()))
            ):
                continue  # "Wellington, Australia" when "Wellington, New Zealand" is listed
            if q is not None and key_years and _is_year(q) and q not in key_years:
                continue
            if (
                passing
                and q is not None
                and form.rule == "qualifier"
                and alt.rule is None
                and not alt.person
                and _namesake_city(_without_articles(alt.tokens), q)
            ):
                continue  # "Cairo, Illinois", "Niamey, Nigeria"
            if (
                q is not None
                and key_years
                and _is_decade(q)
                and q[:3] not in {y[:3] for y in key_years}
            ):
                continue  # "of the 1920s" when the key says 1933
            if (
                form.rule == "qualifier"
                and q is not None
                and (alt.person or (person_item and form.scope != "located"))
                and _local_place(q)
                and not (whole and form.scope in ("any", "landmark", "located"))
            ):
                continue  # "Lincoln, Nebraska" when the answer is a person
            m = _compare(form.tokens, alt, keep, raw_words)
            if passing and not m.passes:
                continue
            candidate = _Best(alt, form, m)
            if (
                best is None
                or (passing and _closeness(candidate) < _closeness(best))
                or (not passing and m.score > best.match.score)
            ):
                best = candidate
    return best


def _closeness(best: _Best) -> tuple[float, int, bool, float]:
    """Order two passing matches, nearest first: fewer edits, then fewer words explained
    away, then an alternative as written before a derived form (a name or initialism),
    then the higher score."""
    m = best.match
    return (m.edits, m.loose, best.alt.rule is not None, -m.score)


def _raw_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


_WHY_TO_MISS: dict[str, MissKind] = {
    "number": "number",
    "negation": "negation",
    "real_word": "real_word",
    "proper_noun": "proper_noun",
}


def _miss(best: _Best | None, score: float) -> Miss | None:
    """Why the closest accepted alternative did not pass, if it came close."""
    if best is None or score < NEAR_MISS_SCORE:
        return None
    m, alt = best.match, best.alt.original
    for given, expected, why in m.wrong:
        return Miss(_WHY_TO_MISS.get(why, "different_word"), given, expected, alt)
    hedges = [w for w in m.extra if w in _HEDGES]
    if hedges:
        return Miss("hedge", hedges[0], "", alt)
    if m.missing and not m.extra:
        return Miss("missing_word", "", " ".join(m.missing), alt)
    if m.extra and not m.missing:
        return Miss("extra_word", " ".join(m.extra), "", alt)
    if m.extra and m.missing:
        return Miss("different_word", " ".join(m.extra), " ".join(m.missing), alt)
    return None


def grade(answer: str, accept: Sequence[str], reject: Sequence[str] = ()) -> Grade:
    """Grade a free-text `answer` against accepted and known-wrong alternatives.

    Never raises for string input; bad input yields `correct=False` with a reason. The
    `rule` of a correct grade names how it was recognised; the `miss` of a wrong one says
    what was close (see `explain`).
    """
    if not isinstance(answer, str) or not answer.strip():
        return Grade(False, 0.0, None, "empty")
    if len(answer) > MAX_ANSWER_LENGTH:
        return Grade(False, 0.0, None, "too_long")

    norm = normalise(answer)
    if not norm:
        # Nothing gradeable left (emoji, punctuation). Allow an alternative that is itself
        # made only of symbols to match literally, so such alternatives still work.
        raw = _raw_key(answer)
        for alt in list(reject)[:MAX_ALTERNATIVES]:
            if isinstance(alt, str) and _raw_key(alt) == raw and not normalise(alt):
                return Grade(False, 0.0, None, "rejected", "listed_wrong")
        for alt in list(accept)[:MAX_ALTERNATIVES]:
            if isinstance(alt, str) and _raw_key(alt) == raw and not normalise(alt):
                return Grade(True, 100.0, alt, "exact", "exact")
        return Grade(False, 0.0, None, "empty")

    tokens = norm.split()
    if len(tokens) > MAX_TOKENS:
        return Grade(False, 0.0, None, "too_long")
    if answer.count("(") == 1 and answer.count(")") == 1:
        glossed = _grade_parenthesis(answer, accept, reject)
        if glossed is not None:
            return glossed
    parts = [p for p in _ALTERNATIVES_SPLIT.split(answer) if p.strip()]
    if len(parts) >= 2:
        # "Dokdo / Takeshima": two names of the one right answer, not a hedge.
        graded = [grade(part, accept, reject) for part in parts[:4]]
        if len(parts) <= 4 and all(g.correct for g in graded):
            first = graded[0]
            return Grade(True, first.score, first.matched, first.reason, first.rule)

    initial = _RAW_INITIAL.match(answer)
    initial_a = initial is not None and initial.group(1) in "Aa" and tokens[0] != "a"
    if initial_a:
        tokens = ["a", *tokens]  # "A. Abe": an initial, not the article
        norm = " ".join(tokens)
    key = norm.replace(" ", "")
    accepts = _with_initialisms(_prepare(accept), tokens)
    rejects = _with_initialisms(_prepare(reject), tokens)
    if _parties(tokens) is not None:
        # A whole case is compared with whole cases, not with a first party alone.
        accepts = [a for a in accepts if not _party_alone(a)]
        rejects = [a for a in rejects if not _party_alone(a)]
    if (
        set(tokens) & _BEFORE_CHRIST
        and any(all(t.isdigit() for t in a.tokens) for a in accepts)
        and not any(set(a.tokens) & _BEFORE_CHRIST for a in accepts)
    ):
        return Grade(False, 0.0, None, "no_match")  # "476 BC" is another year than 476
    key_units = {t for a in accepts for t in a.tokens if t in _UNITS_OF_MEASURE}
    units = {u for t in tokens for u in (t, *_ABBREVIATIONS.get(t, ())) if t in _UNITS_OF_MEASURE}
    if key_units and units and not units & key_units:
        return Grade(False, 0.0, None, "no_match")  # "212°C" when the key says °F
    forms = _answer_forms(answer, tokens) + _spelt_out_forms(tokens, [*accepts, *rejects])
    forms += _not_forms(tokens, accepts)
    code = answer.strip().rstrip(".")
    if code.isupper() and code.isalpha() and code in _state_codes():
        forms.append(_Form(_state_codes()[code].split(), "abbreviation"))  # "IL", "ON"
    if any(a.tokens[:1] == ["no"] for a in [*accepts, *rejects]):
        forms += _negated_forms(tokens)

    # A particle at either end of the key is part of the answer ("off the table", "Moon
    # Jae-in"); between two words it is a small word ("government in exile").
    at_end = any(
        t in _PARTICLES and k in (0, len(a.tokens) - 1)
        for a in accepts
        for k, t in enumerate(a.tokens)
    )
    keep = _PARTICLES if at_end else frozenset()
    if initial_a:
        keep = keep | {"a"}
    closest = _best(forms, accepts, passing=False, keep=keep)
    score = round(closest.match.score, 1) if closest else 0.0

    for entry in rejects:
        if entry.rule is None and "".join(entry.tokens) == key:
            miss = Miss("listed_wrong", entry.original, "", _first(accept))
            return Grade(False, score, None, "rejected", "listed_wrong", miss)
    if _other_symbol(answer, accept):
        return Grade(False, score, None, "no_match", None)
    for entry in accepts:
        if entry.rule is None and "".join(entry.tokens) == key:
            return Grade(True, 100.0, entry.original, "exact", "exact")

    # A qualifier that is itself a known wrong answer makes a hedge ("Hanoi, Singapore").
    forms = [
        f
        for f in forms
        if f.qualifier is None or _best([_Form(f.qualifier.split())], rejects, passing=True) is None
    ]
    best = _best(forms, accepts, passing=True, keep=keep)
    best_rej = _best(forms, rejects, passing=True, keep=keep)
    if best_rej is not None and (best is None or _closeness(best_rej) <= _closeness(best)):
        miss = Miss("listed_wrong", best_rej.alt.original, "", _first(accept))
        return Grade(False, score, None, "rejected", "listed_wrong", miss)
    if best is None:
        both = _two_names(tokens, accepts)
        if both is not None:
            return Grade(True, round(score, 1), both.original, "fuzzy", "synonym")
        named_law = _law_by_its_names(tokens, accepts)
        if named_law is not None:
            return Grade(True, round(score, 1), named_law.original, "fuzzy", "abbreviation")
        numbered = _numbered_alone(tokens, accepts)
        if numbered is not None:
            return Grade(True, round(score, 1), numbered.original, "fuzzy", "abbreviation")
        between = _between_forms(tokens, accepts)
        if (
            between is not None
            and _between_forms(tokens, rejects) is None
            and not _other_case(tokens, accepts)
        ):
            return Grade(True, round(score, 1), between.original, "fuzzy", "qualifier")
        other_name = _alias_of(tokens, accept[:MAX_ALTERNATIVES])
        if other_name is not None and _alias_of(tokens, reject[:MAX_ALTERNATIVES]) is None:
            return Grade(True, round(score, 1), other_name, "fuzzy", "synonym")
        return Grade(False, score, None, "no_match", None, _miss(closest, score))
    rules = set(best.match.rules)
    for rule in (best.alt.rule, best.form.rule):
        if rule is not None:
            rules.add(rule)
    key = best.alt.original
    if (
        _names_someone_else(tokens, accepts)
        or _other_generation(tokens, accepts)
        or (
            # A family name is not a word to inflect: "Mills" is not Mill.
            "word_form" in rules
            and len(tokens) == 1
            and best.alt.person
            and best.alt.tokens != tokens
            and not any(ch in answer for ch in "'\u2019")
        )
    ):
        miss = Miss("other_name", answer.strip(), "", key)  # "James Mill" is someone else
        return Grade(False, score, None, "no_match", None, miss)
    if _other_case(tokens, accepts):
        return Grade(False, score, None, "no_match", None, _miss(closest, score))
    listed = _lists_a_wrong_answer(tokens, accepts, reject)
    if listed is not None:
        return Grade(False, score, None, "no_match", None, Miss("hedge", listed, "", key))
    return Grade(True, round(best.match.score, 1), key, "fuzzy", _rule_name(rules))


_VERSUS = frozenset({"v", "vs", "versus"})
_GOVERNMENT_PARTIES = frozenset(_words("united us usa state people commonwealth regents board r"))


def _parties(tokens: list[str]) -> tuple[list[str], list[str]] | None:
    for i in range(1, len(tokens) - 1):
        if tokens[i] in _VERSUS:
            return tokens[:i], tokens[i + 1 :]
    return None


def _same_party(a: list[str], b: list[str]) -> bool:
    """Two ways of naming one party share a word, or one is the other's initials or too short
    to tell ("MD" for Maryland)."""
    if "".join(w[0] for w in a) in b or "".join(w[0] for w in b) in a:
        return True
    if (len(a) == 1 and len(a[0]) <= 3) or (len(b) == 1 and len(b[0]) <= 3):
        return True
    return any(x == y or (min(len(x), len(y)) >= 3 and _typo_ok(x, y)) for x in a for y in b)


def _party_alone(alt: _Alt) -> bool:
    return alt.rule == "name" and _parties(normalise(alt.original).split()) is not None


def _other_case(tokens: list[str], alts: list[_Alt]) -> bool:
    """A court case named with another party: "United States v. Ford" is another case than
    "United States v. Nixon" ("Ohio v. Mapp", the parties the other way round, is Mapp's)."""
    mine = _parties(_without_articles(tokens))
    if mine is None:
        return False
    cases = [p for a in alts if a.rule is None and (p := _parties(a.tokens)) is not None]
    return bool(cases) and not any(
        (_same_party(mine[0], first) and _same_party(mine[1], second))
        or (_same_party(mine[0], second) and _same_party(mine[1], first))
        for first, second in cases
    )


_ELDER = frozenset(_words("sr senior elder i"))
_YOUNGER = frozenset(_words("jr junior younger ii"))


def _other_generation(tokens: list[str], accepts: list[_Alt]) -> bool:
    """The father for the son: "Johann Strauss Sr." when the key is Johann Strauss II."""
    said = set(tokens[1:-1]) - {"i"} | set(tokens[-1:])  # "I" only as a numeral at the end
    keys = {t for a in accepts if a.rule is None for t in normalise(a.original).split()[1:]}
    return bool(
        (said & _ELDER and keys & _YOUNGER and not keys & _ELDER)
        or (said & _YOUNGER and keys & _ELDER and not keys & _YOUNGER)
    )


def _lists_a_wrong_answer(
    tokens: list[str], accepts: list[_Alt], reject: Sequence[str]
) -> str | None:
    """The listed wrong answer in a list, which makes it a hedge: "veins" in "veins and
    arteries" when veins are listed wrong (the key itself has no "and")."""
    if "and" not in tokens or not reject or any("and" in a.tokens for a in accepts):
        return None
    k = tokens.index("and")
    parts = [" ".join(tokens[:k]), " ".join(tokens[k + 1 :])]
    if not all(parts):
        return None
    return next((part for part in parts if grade(part, reject).correct), None)


def _two_names(tokens: list[str], alts: list[_Alt]) -> _Alt | None:
    """Two accepted names side by side: "ICPO-Interpol", "Dokdo Takeshima"."""
    written = {" ".join(_without_articles(a.tokens)): a for a in alts if a.rule is None}
    for i in range(1, len(tokens)):
        left = " ".join(_without_articles(tokens[:i]))
        right = " ".join(_without_articles(tokens[i:]))
        if left != right and left in written and right in written:
            return written[left]
    return None


_LAW_WORDS = frozenset(_words("act acts tariff bill law"))


def _law_by_its_names(tokens: list[str], alts: list[_Alt]) -> _Alt | None:
    """A law by the names it carries: "Smoot-Hawley" or "Smoot-Hawley Act" for the
    "Smoot-Hawley Tariff Act", "Magnitsky" for the "Magnitsky Act" (never a common word:
    "Stamp" is not the Stamp Act)."""
    answer = [t for t in _without_articles(tokens) if t not in _LAW_WORDS]
    if not answer or any(_is_word(t) or not t.isalpha() for t in answer):
        return None
    for alt in alts:
        words = _without_articles(alt.tokens)
        if (
            alt.rule is None
            and alt.proper
            and not alt.person
            and _LAW_WORDS.intersection(words)
            and [t for t in words if t not in _LAW_WORDS] == answer
            and len(words) > len(_without_articles(tokens))
        ):
            return alt
    return None


def _numbered_alone(tokens: list[str], alts: list[_Alt]) -> _Alt | None:
    """An ordinal alone for a numbered name of two words: "the 10th" for "Tenth Amendment"."""
    answer = _without_articles(tokens)
    if len(answer) != 1 or not _is_ordinal(answer[0]) or _number_value(answer[0]) is None:
        return None
    for alt in alts:
        words = _without_articles(alt.tokens)
        if (
            alt.rule is None
            and alt.proper
            and len(words) == 2
            and _is_ordinal(words[0])
            and _number_value(words[0]) == _number_value(answer[0])
        ):
            return alt
    return None


def _in_order(short: list[str], long_: list[str]) -> bool:
    """`short`'s words appear in `long_` in the same order."""
    it = iter(long_)
    return all(word in it for word in short)


def _between_forms(tokens: list[str], alts: list[_Alt]) -> _Alt | None:
    """An answer between a short and a long accepted form, keeping the long form's first and
    last words: "Fukushima nuclear plant" between "Fukushima" and "Fukushima Daiichi nuclear
    plant". Not "Republic of China" for "People's Republic of China"."""
    answer = _without_articles(tokens)
    if len(answer) < 2 or " ".join(answer) in _places().names:
        return None
    written = [a for a in alts if a.rule is None]
    known = {t for a in written for t in a.tokens}
    for k, word in enumerate(answer):
        if word not in known and len(word) >= 6:
            near = [t for t in known if len(t) >= 6 and _typo_ok(word, t)]
            if len(near) == 1:
                answer = [*answer[:k], near[0], *answer[k + 1 :]]  # "Youngstwon Sheet and Tube"
    for short in written:
        words = _without_articles(short.tokens)
        if not words or len(words) >= len(answer) or not _in_order(words, answer):
            continue
        for long_ in written:
            full = _without_articles(long_.tokens)
            if (
                len(full) > len(answer)
                and full[0] == answer[0]
                and full[-1] == answer[-1]
                and _in_order(answer, full)
            ):
                return long_
    return None


def _names_someone_else(tokens: list[str], accepts: list[_Alt]) -> bool:
    """The answer is, as a whole, the usual name of another person, place or thing in
    WordNet: "James Mill" for John Stuart Mill, "John Quincy Adams" for John Adams,
    "Tasman" for Tasmania, "Dali" for the Dáil. A part of an accepted name ("Adams") is left
    to the name rules, countries and their peoples to pycountry ("Indian" for India)."""
    answer = _without_articles(tokens)
    if not answer or not any(alt.proper for alt in accepts):
        return False
    name = " ".join(answer)
    lines = [line for line in _synsets_of(name) if "*" + name in line]
    if not lines or _demonym_of(name) is not None:
        return False
    countries = _places().countries
    keys: set[str] = set()
    for alt in accepts:
        words = _without_articles(alt.tokens)
        if set(answer) <= set(words) or " ".join(words) in countries:
            return False
        keys.add(" ".join(words))
    on_line = {n.lstrip("*"): n.startswith("*") for line in lines for n in line}
    for key in keys:
        starred = on_line.get(key)
        if starred or (starred is not None and " " in key):
            return False  # the key's own line: "Iron Chancellor" and Bismarck
        if " " in key and any(n != key and fuzz.ratio(key, n) >= 90 for n in on_line):
            return False  # the key spelt another way: "Jomo Kenyata" (not "Monet" for Monnet)
    if not keys.intersection(on_line):
        return True
    # A family name on the answer's line ("Mill" on James Mill's) is that person's only if
    # the key's full name is not someone else's usual name (a title is no full name: two
    # Commodores Perry).
    return any(
        " " in key
        and key.split()[0] not in _HONORIFICS
        and any("*" + key in line for line in _synsets_of(key))
        for key in keys
    )


_CITIES_FILE = Path(__file__).with_name("data") / "city_countries.txt.gz"
_SUBDIVISION_COUNTRIES = ("US", "CA", "AU")


@functools.cache
def _cities_text() -> str:
    """Lines "name|XX|XX YY ...": the country of the most populous city of a name, then every
    country with one (GeoNames, `scripts/build_city_countries.py`). Kept as one string and
    searched: only qualifiers read it, and a dict would cost the bot 1 MB more."""
    return "\n" + gzip.decompress(_CITIES_FILE.read_bytes()).decode("utf-8")


@functools.lru_cache(maxsize=4096)
def _city(name: str) -> str | None:
    """ "XX|XX YY ..." for a city name in the table, else None."""
    text = _cities_text()
    start = text.find(f"\n{name}|")
    if start < 0:
        return None
    start += len(name) + 2
    return text[start : text.find("\n", start)]


@functools.cache
def _place_countries() -> dict[str, tuple[str, bool]]:
    """A qualifier -> (its country's code, whether it is a state or province of it):
    "nigeria" -> ("NG", False), "illinois" and "il" -> ("US", True)."""
    places = _qualifier_places()
    return {name: next(iter(where)) for name, where in places.items() if len(where) == 1}


@functools.cache
def _qualifier_places() -> dict[str, frozenset[tuple[str, bool]]]:
    """Every place a qualifier may name: "georgia" -> the country and the US state."""
    out: dict[str, set[tuple[str, bool]]] = {"dc": {("US", True), ("CO", True)}}

    def add(name: str, place: tuple[str, bool]) -> None:
        out.setdefault(name, set()).add(place)  # "Korea" names two countries

    for sub in pycountry.subdivisions:
        if sub.country_code in _SUBDIVISION_COUNTRIES:
            add(normalise(str(sub.name)), (str(sub.country_code), True))
            add(str(sub.code).rpartition("-")[2].casefold(), (str(sub.country_code), True))
    for country in pycountry.countries:
        names = {country.name, getattr(country, "common_name", None)}
        names |= {getattr(country, "official_name", None), *_COUNTRY_NAMES.get(country.alpha_2, ())}
        if "," in country.name:
            head, _, tail = country.name.partition(",")
            names |= {head, f"{tail} {head}"}
        for name in names:
            if name and normalise(str(name)):
                add(normalise(str(name)), (country.alpha_2, False))
    return {name: frozenset(where) for name, where in out.items()}


_HOME_NATIONS = {"england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB"}


def _city_of_its_country(tokens: list[str], city: str | None) -> bool:
    """An institution "of" a country with a city of that country after it: "Bank of
    England, London", "University of Tokyo, Tokyo" (not a list of countries)."""
    if city is None or "of" not in tokens:
        return False
    country = " ".join(_without_articles(tokens[tokens.index("of") + 1 :]))
    code = _place_countries().get(country, (_HOME_NATIONS.get(country), False))[0]
    known = _city(city)
    return code is not None and known is not None and code in known.partition("|")[2].split()


def _namesake_city(city: list[str], qualifier: str) -> bool:
    """A qualifier that puts a famous city somewhere it is not: "Cairo, Illinois" (the
    largest Cairo is Egypt's), "Niamey, Nigeria" (no Niamey in Nigeria). A country must have
    a city of the name; a US, Canadian or Australian state must hold its largest. A name of
    two places must fit neither ("Athens, Georgia": not Greece's Athens, in either Georgia)."""
    known = _city(" ".join(city))
    where = _qualifier_places().get(qualifier, frozenset())
    if known is None or not where:
        return False
    biggest, _, countries = known.partition("|")
    return all(
        biggest != code if is_subdivision else code not in countries.split()
        for code, is_subdivision in where
    )


_ALIASES_FILE = Path(__file__).with_name("data") / "wordnet_aliases.txt.gz"


@functools.cache
def _aliases() -> str:
    """Other names from WordNet 3.0 (`scripts/build_wordnet_aliases.py`), one synset a line,
    names separated by "|", "*" before a name whose most frequent sense the line is. Kept as
    one string and searched only when nothing else matched (a dict would cost 2 MB)."""
    return "\n" + gzip.decompress(_ALIASES_FILE.read_bytes()).decode("utf-8") + "\n"


@functools.lru_cache(maxsize=4096)
def _synsets_of(name: str) -> tuple[tuple[str, ...], ...]:
    """The lines (as names, stars kept) on which `name` is one of the names."""
    text = _aliases()
    out: list[tuple[str, ...]] = []
    at = text.find(name)
    while at >= 0:
        end = at + len(name)
        before = text[at - 1] if text[at - 1] != "*" else text[at - 2]
        if before in "|\n" and text[end] in "|\n":
            start = text.rfind("\n", 0, at) + 1
            out.append(tuple(text[start : text.find("\n", end)].split("|")))
        at = text.find(name, end)
    return tuple(out)


def _without_articles(tokens: list[str]) -> list[str]:
    while tokens and tokens[0] in _LEADING_ARTICLES:
        tokens = tokens[1:]
    return tokens


# Kinds of place a name may carry where WordNet lists both ("Tigris" and "Tigris River").
_GEO_KINDS = frozenset(
    _words("river lake sea ocean mountains mountain mount island islands desert strait peninsula")
)


def _alias_of(tokens: list[str], alternatives: Sequence[str]) -> str | None:
    """The alternative the answer names by another name ("the Iron Chancellor" for "Otto von
    Bismarck", "World Court" for the ICJ), read from the alternative's most frequent sense.
    Not for countries (pycountry's names decide those: "Persia" is not "Iran"), nor a name
    inside the other ("Catherine" is not "Catherine the Great", "Ian Fleming" not "Fleming")."""
    answer = _without_articles(tokens)
    if len(answer) == 2 and answer[0] in _GEO_KINDS:
        answer = [answer[1], answer[0]]  # "the river Tigris"
    if not answer:
        return None
    senses = _synsets_of(" ".join(answer))
    if not senses:
        return None
    countries = _places().countries
    for alt in alternatives:
        if not isinstance(alt, str):
            continue
        key = _without_articles(normalise(alt[:MAX_ANSWER_LENGTH]).split())
        if not key or not any("*" + " ".join(key) in line for line in senses):
            continue
        if set(answer) <= set(key) or (
            set(key) <= set(answer) and not set(answer) - set(key) <= _GEO_KINDS
        ):
            continue  # "Fleming" is not Ian Fleming; "Tigris River" is the Tigris
        if " ".join(key) in countries or " ".join(answer) in countries:
            continue
        return alt
    return None


def _subsequence(short: str, long_: str) -> bool:
    """`short`'s letters appear in `long_` in order, ending on its last ("NPT" in "NNPT")."""
    it = iter(long_)
    return short[-1:] == long_[-1:] and all(ch in it for ch in short)


@functools.cache
def _state_codes() -> dict[str, str]:
    """Postal codes of US states, Canadian provinces and Australian states ("IL")."""
    return {
        str(sub.code).rpartition("-")[2]: normalise(str(sub.name))
        for country in ("US", "CA", "AU")
        for sub in pycountry.subdivisions.get(country_code=country) or ()  # type: ignore[no-untyped-call]
    }


_PERIODIC_TABLE = """
    H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge
    As Se Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm
    Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U
    Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og"""
_BEFORE_CHRIST = frozenset(_words("bc bce"))
_ELEMENT_SYMBOLS = frozenset(_PERIODIC_TABLE.split())


def _other_symbol(answer: str, accept: Sequence[str]) -> bool:
    """An element symbol typed for a formula in capitals ("Co", cobalt, for "CO")."""
    typed = answer.strip()
    return typed in _ELEMENT_SYMBOLS and any(
        isinstance(a, str)
        and a.strip() != typed
        and a.strip().casefold() == typed.casefold()
        and a.strip().isupper()
        for a in accept
    )


_ALTERNATIVES_SPLIT = re.compile(
    r"\s*/\s*|\s+or\s+|\s+(?:aka|a\.k\.a\.?|also known as)\s+", re.IGNORECASE
)
_UNITS_OF_MEASURE = frozenset(
    _words("c f k celsius fahrenheit kelvin km mi miles kg lb lbs kph mph percent")
)
_RAW_INITIAL = re.compile(r"\s*([A-Za-z])\.\s")
_PARENTHESIS = re.compile(r"\(([^()]*)\)")


def _grade_parenthesis(answer: str, accept: Sequence[str], reject: Sequence[str]) -> Grade | None:
    """An answer with a gloss in brackets ("North Korea (DPRK)", "oxygen (O)", "Hanoi
    (Vietnam)"): right when the words outside are right and the gloss names the same
    thing, its initials, a place or a symbol; None to grade the answer as written."""
    m = _PARENTHESIS.search(answer)
    if m is None:
        return None
    outside = (answer[: m.start()] + " " + answer[m.end() :]).strip()
    inner = m.group(1).strip()
    if not outside or not inner:
        return None
    out = grade(outside, accept, reject)
    if not out.correct:
        return None
    gloss = grade(inner, accept, reject)
    if gloss.reason == "rejected":
        return None  # "Hanoi (Singapore)" is a hedge
    inner_norm = normalise(inner)
    out_tokens = normalise(outside).split()
    initials = {
        "".join(t[0] for t in out_tokens),
        "".join(t[0] for t in out_tokens if t not in _STOPWORDS),
    }
    letters = "".join(w[0] for w in re.split(r"[\s-]+", outside) if w[:1].isalpha()).casefold()
    inner_key = inner_norm.replace(" ", "")
    fits = (
        gloss.correct
        or inner_key in initials
        or (3 <= len(inner_key) <= 6 and inner_key.isalpha() and _subsequence(inner_key, letters))
        or len(inner_norm.replace(" ", "")) <= 2
        or (inner.isupper() and inner.isalpha() and len(inner) <= 4)  # "the euro (EUR)"
        or all(_is_year(t) for t in inner_norm.split())
        or inner_norm in _places().same.get("".join(out_tokens), ())
        or (
            _known_place(inner_norm)
            and not (_names_country(inner_norm.split()) and _names_country(out_tokens))
        )
    )
    # Any other aside is harmless when it neither hedges nor contradicts a year of the key
    # ("Friedman (Chicago school)", "8 (Pluto isn't one anymore)", "Nakba (catastrophe)").
    key_years = {
        t for a in accept if isinstance(a, str) for t in normalise(a).split() if _is_year(t)
    }
    aside_years = {t for t in inner_norm.split() if _is_year(t)}
    aside = (
        not (_HEDGES - {"no", "without"}).intersection(inner_norm.split())
        # "Niger (Nigeria)": a place beside a place is judged above
        and not (
            (_known_place(inner_norm) or _names_country(inner_norm.split()))
            and (_known_place(normalise(outside)) or _names_country(out_tokens))
        )
        and not (key_years and aside_years and not aside_years <= key_years)
    )
    if not (fits or aside):
        return None
    rule = "+".join(dict.fromkeys([*(out.rule or "tokens").split("+"), "qualifier"]))
    return Grade(True, out.score, out.matched, out.reason, rule)


def _first(accept: Sequence[str]) -> str:
    return next((a for a in accept if isinstance(a, str) and a.strip()), "")
