"""Tests for the quiz answer grader (bot.domain.grading).

Pinned cases document the intended behaviour; hypothesis properties guard the contract
(never raises, accepted alternatives pass, rejects never pass, score in range); the data
set gate keeps precision and recall from regressing.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.bench.grader import DEFAULT_DATA, evaluate, load_cases, load_markers
from bot.domain.grading import (
    MAX_ALTERNATIVES,
    MAX_ANSWER_LENGTH,
    MAX_TOKENS,
    Grade,
    Reason,
    grade,
    normalise,
)

DATA_DIR = Path(__file__).parent / "data"
REASONS = {"exact", "fuzzy", "rejected", "empty", "too_long", "no_match"}
KINDS = {
    "typo",
    "reorder",
    "abbrev",
    "case",
    "accent",
    "number",
    "near_miss",
    "wrong_actor",
    "other",
    # kinds added with grader_heldout_2.jsonl (issue 16)
    "initialism",
    "qualifier",
    "sentence",
    "name",
    "swap",
    "lookalike",
    "word_form",
    "negation",
    "proper_noun",
    "real_word",
    "synonym",
}

Question = tuple[list[str], list[str]]

HANOI: Question = (["Hanoi", "Ha Noi"], ["Singapore", "Pyongyang"])
NK: Question = (
    ["North Korea", "DPRK", "Democratic People's Republic of Korea"],
    ["South Korea", "ROK"],
)
SK: Question = (["South Korea", "ROK", "Republic of Korea"], ["North Korea", "DPRK"])
MOON: Question = (["Moon Jae-in"], ["Kim Jong-un", "Shinzo Abe"])
ABE: Question = (["Shinzo Abe", "Abe"], ["Moon Jae-in"])
JAPAN: Question = (["Japan"], ["China", "Russia"])
YONGBYON: Question = (["Yongbyon", "Yongbyon nuclear facility"], ["Punggye-ri"])
RELIEF: Question = (["sanctions relief", "relief from sanctions"], ["more sanctions"])
CHINA_RUSSIA: Question = (["China and Russia"], [])
US: Question = (["United States", "US", "USA"], ["Russia"])
YEAR: Question = (["2019"], ["2018"])
FOUR: Question = (["4", "four"], [])
TWENTY_ONE: Question = (["twenty-one"], [])
NO_AGREEMENT: Question = (["no agreement", "no deal"], ["agreement", "deal"])
PRESSURE: Question = (["maximum pressure"], [])
UNSC: Question = (["UN Security Council", "Security Council"], [])
END_OF_WAR: Question = (["end-of-war declaration"], [])


# --------------------------------------------------------------------------- pinned


ACCEPTED = [
    ("Hanoi", HANOI),
    ("HANOI!!", HANOI),
    ("Hà Nội", HANOI),
    ("in Hanoi", HANOI),
    ("the Hanoi summit", HANOI),
    ("Hanio", HANOI),
    ("Ha\u200bnoi", HANOI),  # zero-width space
    ("\u202bHanoi\u202c", HANOI),  # right-to-left embedding
    ("\u2067Hanoi\u2069\u200e", HANOI),  # isolate + left-to-right mark
    ("north korea", NK),
    ("D.P.R.K.", NK),
    ("Noth Korea", NK),
    ("Democratic People’s Republic of Korea", NK),
    ("Korea, North", NK),
    ("R.O.K.", SK),
    ("Moon Jae-in", MOON),
    ("moon jaein", MOON),
    ("moon jae in", MOON),
    ("Moon Jae\u2011in", MOON),  # non-breaking hyphen
    ("Jae-in Moon", MOON),
    ("Shinzo Abbe", ABE),
    ("Shinzō Abe", ABE),
    ("Abe Shinzo", ABE),
    ("PM Shinzo Abe", ABE),
    ("japan.", JAPAN),
    ("Japan 🇯🇵", JAPAN),
    ("Yongbion", YONGBYON),
    ("Yŏngbyŏn", YONGBYON),
    ("Yong Byon", YONGBYON),
    ("sanctons relief", RELIEF),
    ("relief sanctions", RELIEF),
    ("relief of the sanctions", RELIEF),
    ("Russia and China", CHINA_RUSSIA),
    ("china & russia", CHINA_RUSSIA),
    ("U.S.", US),
    ("u s", US),
    ("U.S.A.", US),
    ("Unites States", US),
    ("ＵＳ", US),  # full-width letters
    ("2019", YEAR),
    ("in 2019.", YEAR),
    ("٢٠١٩", YEAR),  # Arabic-Indic digits
    ("two thousand and nineteen", YEAR),
    ("four", FOUR),
    ("4 key deliverables", FOUR),
    ("21", TWENTY_ONE),
    ("twenty one", TWENTY_ONE),
    ("Twentyone", TWENTY_ONE),
    ("No deal.", NO_AGREEMENT),
    ("nodeal", NO_AGREEMENT),
    ("no agreemnt", NO_AGREEMENT),
    ("maximum presure", PRESSURE),
    ("U.N. Security Council", UNSC),
    ("end of the war declaration", END_OF_WAR),
]

REJECTED = [
    ("Singapore", HANOI),
    ("Hanoi or Singapore", HANOI),
    ("Hainan", HANOI),
    ("South Korea", NK),
    ("ROK", NK),
    ("S. Korea", NK),
    ("Sotuh Korea", NK),  # a typo of the reject, not of the answer
    ("Korea", NK),
    ("DRPK", NK),  # short answers are exact only
    ("North Korea", SK),
    ("DPRK", SK),
    ("Democratic People's Republic of Korea", SK),
    ("Ban Ki-moon", MOON),
    ("Moon Chung-in", MOON),
    ("Shintaro Abe", ABE),
    ("Akie Abe", ABE),
    ("Abbe", ABE),
    ("China", JAPAN),
    ("Chian", JAPAN),  # closer to the reject "China"
    ("Japan and China", JAPAN),
    ("Punggye ri", YONGBYON),
    ("nuclear facility", YONGBYON),
    ("more sanctions", RELIEF),
    ("tighter sanctions", RELIEF),
    ("China", CHINA_RUSSIA),
    ("China and Japan", CHINA_RUSSIA),
    ("UK", US),
    ("USSR", US),
    ("United Kingdom", US),
    ("South America", (["America"], [])),
    ("2018", YEAR),
    ("2091", YEAR),
    ("20019", YEAR),
    ("2019 or 2018", YEAR),
    ("14", FOUR),
    ("fourteen", FOUR),
    ("4.5", FOUR),
    ("twenty-two", TWENTY_ONE),
    ("twenty first", TWENTY_ONE),
    ("agreement", NO_AGREEMENT),
    ("an agreement", NO_AGREEMENT),
    ("big deal", NO_AGREEMENT),
    ("minimum pressure", PRESSURE),
    ("National Security Council", UNSC),
    ("war declaration", END_OF_WAR),
    ("declaration of war", END_OF_WAR),
    ("Pyeongchang", (["Pyongyang"], [])),
    ("Pyongsong", (["Pyongyang"], [])),
    ("progress", (["process"], [])),
    ("USA", (["United States"], [])),  # initials of the listed name only
]


@pytest.mark.parametrize(("answer", "question"), ACCEPTED, ids=[a for a, _ in ACCEPTED])
def test_accepts(answer: str, question: Question) -> None:
    accept, reject = question
    result = grade(answer, accept, reject)
    assert result.correct, result
    assert result.matched in accept
    assert result.reason in ("exact", "fuzzy")


@pytest.mark.parametrize(("answer", "question"), REJECTED, ids=[a for a, _ in REJECTED])
def test_rejects(answer: str, question: Question) -> None:
    accept, reject = question
    result = grade(answer, accept, reject)
    assert not result.correct, result
    assert result.matched is None


def test_reject_entry_wins_even_if_also_accepted() -> None:
    assert grade("Hanoi", ["Hanoi"], ["hanoi"]).reason == "rejected"


def test_fuzzy_closeness_to_a_reject_is_reported_as_rejected() -> None:
    assert grade("Chian", ["Japan"], ["China"]).reason == "rejected"


def test_near_miss_gets_a_high_score_but_is_wrong() -> None:
    """The score says "close"; the verdict still says "wrong"."""
    result = grade("South Korea", ["North Korea"])
    assert not result.correct
    assert result.reason == "no_match"
    assert 70 <= result.score < 100


def test_exact_and_fuzzy_reasons_and_scores() -> None:
    assert grade("Moon Jae-in", ["moon jaein"]) == Grade(
        True, 100.0, "moon jaein", "exact", "exact"
    )
    fuzzy = grade("Yongbion", ["Yongbyon"])
    assert fuzzy.reason == "fuzzy"
    assert 80 <= fuzzy.score < 100


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("", "empty"),
        ("   \t\n", "empty"),
        ("\u200b\u200e\u202e", "empty"),
        ("👍🤷", "empty"),
        ("?!…", "empty"),
        ("x" * 10_000, "too_long"),
        ("Hanoi " * 2_000, "too_long"),
        ("🙂" * 10_000, "too_long"),
        (" ".join(["hanoi"] * (MAX_TOKENS + 1)), "too_long"),
        ("هانوي", "no_match"),  # right-to-left script: graded, simply not a match
        ("האנוי", "no_match"),
    ],
    ids=[
        "empty",
        "blank",
        "invisible",
        "emoji",
        "punct",
        "10k",
        "spam",
        "emoji10k",
        "words",
        "arabic",
        "hebrew",
    ],
)
def test_bad_input_never_raises(answer: str, reason: Reason) -> None:
    result = grade(answer, ["Hanoi"], ["Singapore"])
    assert result == Grade(False, 0.0, None, reason) or (
        reason == "no_match" and not result.correct and result.reason == reason
    )


def test_answer_at_the_length_limit_is_still_graded() -> None:
    answer = "Hanoi" + " " * (MAX_ANSWER_LENGTH - 5)
    assert grade(answer, ["Hanoi"]).correct
    assert grade(answer + " ", ["Hanoi"]).reason == "too_long"


def test_no_alternatives_means_no_match() -> None:
    assert grade("Hanoi", []) == Grade(False, 0.0, None, "no_match")


def test_symbol_only_alternatives_match_literally() -> None:
    assert grade("🇯🇵", ["🇯🇵"]).correct
    assert not grade("🇯🇵", ["🇯🇵"], ["🇯🇵"]).correct
    assert not grade("🇰🇷", ["🇯🇵"]).correct


def test_non_string_alternatives_are_ignored() -> None:
    assert grade("Hanoi", [None, "Hanoi"]).correct  # type: ignore[list-item]
    assert grade(None, ["Hanoi"]).reason == "empty"  # type: ignore[arg-type]


def test_only_the_first_alternatives_are_used() -> None:
    """A cap bounds work per call; quiz authors list a handful of alternatives."""
    padding = [f"filler {i}" for i in range(MAX_ALTERNATIVES)]
    assert not grade("Hanoi", [*padding, "Hanoi"]).correct
    assert grade("Hanoi", ["Hanoi", *padding]).correct


# --------------------------------------------------------------------------- normalise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  The  Korean War! ", "korean war"),
        ("Moon Jae-in", "moon jae in"),
        ("U.S.", "us"),
        ("u s a", "usa"),
        ("the U.S", "us"),
        ("N. Korea", "n korea"),
        ("People’s", "peoples"),
        ("P'yŏngyang", "pyongyang"),
        ("Hà Nội", "ha noi"),
        ("Ha\u200bnoi\u200e", "hanoi"),
        ("ＵＳＡ", "usa"),
        ("twenty-one", "21"),
        ("seventy", "70"),
        ("one hundred", "100"),
        ("a hundred", "100"),
        ("two thousand and nineteen", "2019"),
        ("twenty eighteen", "20 18"),
        ("one or two", "1 or 2"),
        ("zero", "0"),
        ("1,000", "1000"),
        ("4.5", "4.5"),
        ("٢٠١٩", "2019"),
        ("China & Russia", "china and russia"),
        ("a deal", "deal"),
        ("a", "a"),
        ("Đà Nẵng", "da nang"),
        ("", ""),
        ("👍", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


# --------------------------------------------------------------------------- properties

_any_text = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()), max_size=MAX_ANSWER_LENGTH + 50
)
_huge_text = st.builds(lambda s, n: s * n, st.text(max_size=20), st.integers(1, 2_000))
_answer_like = st.text(
    alphabet=st.sampled_from("abcdeHNSKOR kore-.'’ \u200b\u202e0123456789éŏ🙂"), max_size=40
)
_alternatives = st.lists(st.one_of(_answer_like, _any_text), max_size=6)


def _key(text: str) -> str:
    return normalise(text).replace(" ", "")


def _raw(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    answer=st.one_of(_any_text, _huge_text, _answer_like),
    accept=_alternatives,
    reject=_alternatives,
)
def test_never_raises_and_score_in_range(answer: str, accept: list[str], reject: list[str]) -> None:
    result = grade(answer, accept, reject)
    assert 0.0 <= result.score <= 100.0
    assert result.reason in REASONS
    assert result.correct == (result.reason in ("exact", "fuzzy"))
    assert (result.matched is not None) == result.correct
    if result.correct:
        assert result.matched in accept


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(_any_text, _huge_text, _answer_like))
def test_normalise_never_raises_and_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.strip()
    assert "  " not in once


@settings(max_examples=300, deadline=None)
@given(
    before=st.lists(_answer_like, max_size=3),
    alternative=st.one_of(_answer_like, _any_text),
    after=st.lists(_answer_like, max_size=3),
    reject=_alternatives,
)
def test_an_accepted_alternative_always_grades_correct(
    before: list[str], alternative: str, after: list[str], reject: list[str]
) -> None:
    assume(alternative.strip() and len(alternative) <= MAX_ANSWER_LENGTH)
    assume(len(normalise(alternative).split()) <= MAX_TOKENS)
    # A reject that *is* the alternative (same normalised text) wins by design.
    reject = [r for r in reject if _key(r) != _key(alternative) and _raw(r) != _raw(alternative)]
    result = grade(alternative, [*before, alternative, *after], reject)
    assert result.correct, result


@settings(max_examples=300, deadline=None)
@given(
    accept=_alternatives,
    before=st.lists(_answer_like, max_size=3),
    known_wrong=st.one_of(_answer_like, _any_text),
    after=st.lists(_answer_like, max_size=3),
)
def test_a_reject_entry_never_grades_correct(
    accept: list[str], before: list[str], known_wrong: str, after: list[str]
) -> None:
    assert not grade(known_wrong, accept, [*before, known_wrong, *after]).correct


@settings(max_examples=200, deadline=None)
@given(
    answer=st.sampled_from(["Hanoi", "North Korea", "Moon Jae-in", "sanctions relief", "2019"]),
    case=st.sampled_from([str.upper, str.lower, str.title, str.casefold]),
    pad=st.sampled_from(["", " ", ".", "!", "\u200b", "\u200e", " ?"]),
)
def test_case_and_trailing_noise_do_not_matter(answer: str, case: object, pad: str) -> None:
    assert callable(case)
    assert grade(pad + case(answer) + pad, [answer]).correct


# --------------------------------------------------------------------------- data set


def test_data_set_is_well_formed() -> None:
    names = sorted(p.name for p in DATA_DIR.glob("grader_*.jsonl"))
    assert len(names) >= 20, names
    for name in names:
        rows = [json.loads(line) for line in (DATA_DIR / name).read_text("utf-8").splitlines()]
        for row in rows:
            assert set(row) == {"answer", "accept", "reject", "expected", "kind"}, row
            assert isinstance(row["answer"], str)
            assert row["accept"] and all(isinstance(a, str) for a in row["accept"])
            assert all(isinstance(r, str) for r in row["reject"])
            assert isinstance(row["expected"], bool)
            assert row["kind"] in KINDS
        assert len({(r["answer"], tuple(r["accept"]), tuple(r["reject"])) for r in rows}) == len(
            rows
        )
    main = [line for line in DEFAULT_DATA.read_text("utf-8").splitlines() if line.strip()]
    assert len(main) >= 300


def test_precision_and_recall_gate() -> None:
    """The gate the README quotes. Main set: 704 cases; see bot/bench/grader.py."""
    result = evaluate(DEFAULT_DATA)
    grader, baseline = result["grader"], result["baseline"]
    assert grader["precision"] >= 0.98, grader["misclassified"]
    assert grader["recall"] >= 0.95, grader["misclassified"]
    assert grader["accuracy"] > baseline["accuracy"]
    assert grader["precision"] > baseline["precision"]


def test_holdout_gate() -> None:
    """Cases written after the grader was designed; a looser gate, never tuned against."""
    result = evaluate(DATA_DIR / "grader_holdout.jsonl")
    grader, baseline = result["grader"], result["baseline"]
    assert grader["precision"] >= 0.95, grader["misclassified"]
    assert grader["recall"] >= 0.93, grader["misclassified"]
    assert grader["accuracy"] > baseline["accuracy"]


# Today's figures (README, "How well it does"), less two points of accepted answers and plus
# one point of false accepts: a regression guard, not a target. Sets 2 to 8 and the round-7
# tuning sets have all been tuned on; they guard the rules that came from them.
TUNED_SET_FIGURES = [
    ("grader_heldout_2.jsonl", 0.963, 0.000),
    ("grader_heldout_3.jsonl", 0.969, 0.019),
    ("grader_heldout_4.jsonl", 0.973, 0.041),
    ("grader_heldout_5.jsonl", 0.986, 0.021),
    ("grader_heldout_6.jsonl", 0.971, 0.005),
    ("grader_heldout_7.jsonl", 0.949, 0.010),
    ("grader_heldout_8.jsonl", 0.951, 0.007),
    ("grader_heldout_9.jsonl", 0.949, 0.013),
    ("grader_tuning_7a.jsonl", 0.959, 0.000),
    ("grader_tuning_7b.jsonl", 0.976, 0.007),
    ("grader_tuning_7c.jsonl", 0.932, 0.016),
    ("grader_tuning_7d.jsonl", 0.942, 0.000),
    ("grader_tuning_7e.jsonl", 0.960, 0.000),
    ("grader_tuning_7f.jsonl", 0.938, 0.008),
    ("grader_tuning_7g.jsonl", 0.954, 0.023),
    ("grader_tuning_7h.jsonl", 0.908, 0.018),
    ("grader_tuning_7i.jsonl", 0.937, 0.008),
    ("grader_tuning_7j.jsonl", 0.987, 0.000),
    ("grader_tuning_10a.jsonl", 0.956, 0.000),
    ("grader_tuning_10b.jsonl", 0.955, 0.008),
    ("grader_tuning_10c.jsonl", 0.923, 0.000),
    ("grader_tuning_10d.jsonl", 0.905, 0.008),
    ("grader_tuning_10e.jsonl", 0.883, 0.015),
    ("grader_tuning_10f.jsonl", 0.962, 0.008),
    ("grader_heldout_10.jsonl", 0.917, 0.012),
    ("grader_heldout_11.jsonl", 0.955, 0.009),
    ("grader_heldout_12.jsonl", 0.966, 0.012),
    ("grader_heldout_13.jsonl", 0.932, 0.006),
    ("grader_heldout_14.jsonl", 0.945, 0.012),
    ("grader_heldout_15.jsonl", 0.919, 0.016),
    ("grader_heldout_16.jsonl", 0.946, 0.011),
    ("grader_heldout_17.jsonl", 0.931, 0.006),
    ("grader_heldout_18.jsonl", 0.915, 0.011),
    ("grader_heldout_19.jsonl", 0.920, 0.006),
    ("grader_heldout_20.jsonl", 0.924, 0.003),
    ("grader_heldout_21.jsonl", 0.911, 0.008),
]


@pytest.mark.parametrize(("name", "accepted", "false_accepts"), TUNED_SET_FIGURES)
def test_tuned_sets_hold_their_figures(name: str, accepted: float, false_accepts: float) -> None:
    result = evaluate(DATA_DIR / name)
    grader = result["grader"]
    assert grader["accept_rate"] >= accepted - 0.02, grader["misclassified"]
    assert grader["false_accept_rate"] <= false_accepts + 0.01, grader["misclassified"]
    for baseline in (result["baseline"], *result["baselines"].values()):
        assert grader["f1"] > baseline["f1"]


def test_the_held_out_set_holds_its_measured_figure() -> None:
    """Set 22, written after the round-22 freeze and measured once: 84.4 % accepted, 3.7 %
    false accepts. A regression guard below that figure, not the target (97 % / 1 %), which
    is not met."""
    result = evaluate(DATA_DIR / "grader_heldout_22.jsonl")
    grader = result["grader"]
    assert grader["accept_rate"] >= 0.824, grader["misclassified"]
    assert grader["false_accept_rate"] <= 0.047, grader["misclassified"]
    for baseline in (result["baseline"], *result["baselines"].values()):
        assert grader["f1"] > baseline["f1"]
        assert grader["false_accept_rate"] < baseline["false_accept_rate"]


@pytest.mark.parametrize(("name", "markers", "answers"), [("21", 3, 791), ("22", 2, 810)])
def test_independent_markers_of_the_held_out_sets(name: str, markers: int, answers: int) -> None:
    """Sets 21 and 22 labelled again by markers who saw neither their labels nor the grader
    (README, "How far a marker who knows the subject gets"): what knowledge and judgement
    reach on the same answers, 99.8-100 % accepted at 0.5-0.6 % false accepts, where the
    grader got 89.2 % / 1.1 % and 84.4 % / 3.7 % at their freezes."""
    path = DATA_DIR / f"grader_heldout_{name}.jsonl"
    labels = load_markers(path, load_cases(path))
    assert len(labels) == markers and all(len(marks) == answers for marks in labels)
    result = evaluate(path)
    for marker in result["markers"]:
        assert marker["accept_rate"] >= 0.99 and marker["false_accept_rate"] <= 0.01
        assert marker["accept_rate"] - result["grader"]["accept_rate"] >= 0.05
    assert result["markers_agree"] >= 0.99


def test_the_grader_data_files_are_well_formed() -> None:
    """The two tables the grader ships (built by scripts/build_*.py) parse as it reads them,
    and each carries its licence beside it."""
    import re

    from bot.domain import grading

    cities = grading._cities_text().strip("\n").split("\n")
    assert len(cities) > 10_000
    for line in cities:
        name, biggest, codes = line.split("|")
        assert name == grading.normalise(name), line
        assert re.fullmatch(r"[A-Z]{2}", biggest), line
        assert biggest in codes.split(), line
    assert grading._city("cairo") == "EG|EG"
    synsets = grading._aliases().strip("\n").split("\n")
    assert len(synsets) > 7_000
    for line in synsets:
        names = line.split("|")
        assert len(names) >= 2, line
        assert all(n.removeprefix("*") == grading.normalise(n.removeprefix("*")) for n in names)
    assert any(
        "*world court" in line for line in grading._synsets_of("international court of justice")
    )
    data = grading._ALIASES_FILE.parent
    assert (data / "wordnet_aliases.LICENSE").read_text().startswith("WordNet Release 3.0")
    assert "GeoNames" in (data / "city_countries.LICENSE").read_text()
