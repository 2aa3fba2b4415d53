"""One broken fixture per check rule, each asserting the exact message (file, item, field)."""

from __future__ import annotations

import pytest

from bot.content.check import check_scenario
from bot.content.loader import load_scenario
from bot.content.problems import ContentError

from .conftest import BROKEN, MINI_SEEDS, PackBuilder

SEED = "tests/content/fixtures/seeds/mini.txt"

# case (folder under fixtures/broken/) -> every problem the check must report, in order
CASES: dict[str, list[str]] = {
    # schema, reported through the loader
    "mc-answer-not-a-choice": [
        "minimal/quiz.yaml: item q-1: field 'answer': 'Sideways' is not one of the choices"
    ],
    "choices-not-distinct": [
        "minimal/quiz.yaml: item q-1: field 'choices': choices must differ from each other"
    ],
    "reject-also-accepted": [
        "minimal/quiz.yaml: item q-2: field 'reject': also accepted: 'The Dam'"
    ],
    "missing-field": ["minimal/quiz.yaml: item q-4: field 'explanation': Field required"],
    "bad-type-tag": [
        "minimal/quiz.yaml: item q-4: field 'type': Input tag 'essay' found using 'type' does "
        "not match any of the expected tags: 'multiple_choice', 'short_answer', "
        "'which_actor', 'true_false'"
    ],
    "unknown-key": [
        "minimal/actors.yaml: actor beta: field 'colour': Field required",
        "minimal/actors.yaml: actor beta: field 'color': Extra inputs are not permitted",
    ],
    "weight-for-indifferent": [
        "minimal/objectives.yaml: objective gamma/dam: field 'weight': "
        "must be 0 when wants is 'indifferent'"
    ],
    "speaking-time-wrong-kind": [
        "minimal/round_plan.yaml: phase #4: field 'speaking_time': "
        "a vote phase does not pass the floor"
    ],
    "key-in-two-files": [
        "minimal/scenario.yaml: field 'title': already defined in minimal/extra.yaml"
    ],
    # identity and source
    "id-not-folder": ["minimal/scenario.yaml: field 'id': must match the folder name 'minimal'"],
    "source-differs": [
        "minimal/scenario.yaml: source: field 'author': "
        "differs from tests/content/fixtures/seeds/mini.yaml"
    ],
    # cards against the article
    "quote-not-verbatim": [
        f"minimal/briefs/alpha.yaml: card a-1: field 'quote': not found verbatim in ¶2 of {SEED}"
    ],
    "footer-cited": [
        f"minimal/cards.yaml: card pub-2: field 'paragraph': ¶6 of {SEED} is footer "
        "and can never be cited"
    ],
    "author-note-as-analysis": [
        f"minimal/cards.yaml: card pub-2: field 'paragraph': ¶5 of {SEED} is author note, "
        "not analysis (set kind: author_note)"
    ],
    "duplicate-card-id": [
        "minimal/briefs/alpha.yaml: card a-1: field 'id': duplicate card id 'a-1'"
    ],
    "unknown-card": [
        "minimal/briefs/alpha.yaml: brief alpha, red line #1: field 'cards[0]': unknown card 'a-9'"
    ],
    "unused-card": ["minimal/cards.yaml: card pub-3: cited by nothing: cite it or drop it"],
    "misquote-in-claim": [
        "minimal/briefs/alpha.yaml: brief alpha, situation #1: field 'text': "
        f'quoted "ended with a deal" is not in ¶1 of {SEED}'
    ],
    "unbalanced-quotes": [
        "minimal/briefs/alpha.yaml: brief alpha, interest #1: field 'text': "
        "unbalanced double quotes"
    ],
    # briefs
    "missing-position": [
        "minimal/briefs/alpha.yaml: brief alpha: field 'positions': no position on 'fishing'"
    ],
    "duplicate-position": [
        "minimal/briefs/alpha.yaml: brief alpha, position dam: field 'agenda': "
        "second position on 'dam'"
    ],
    "brief-for-unknown-actor": [
        "minimal/briefs/delta.yaml: brief delta: no actor 'delta' to give this brief to"
    ],
    "self-relation": [
        "minimal/briefs/alpha.yaml: brief alpha, ally #1: field 'actors[0]': "
        "must name another actor, not the brief's own"
    ],
    "page-too-long": [
        "minimal/briefs/alpha.yaml: brief alpha: field 'interests': "
        "1672 characters: more than one phone page (1500)"
    ],
    # coverage of the article
    "paragraph-cited-by-no-brief": [f"minimal: field 'briefs': ¶4 of {SEED} is cited by no brief"],
    "paragraph-without-quiz": [f"minimal/quiz.yaml: field 'quiz': ¶4 of {SEED} has no quiz item"],
    # quiz
    "quiz-paragraph-not-analysis": [
        f"minimal/quiz.yaml: item q-4: field 'paragraph': ¶5 of {SEED} is author note, "
        "not analysis (analysis: ¶1–¶4)"
    ],
    "which-actor-unknown": ["minimal/quiz.yaml: item q-3: field 'answer': unknown actor 'delta'"],
    "duplicate-quiz-id": ["minimal/quiz.yaml: item q-1: field 'id': duplicate quiz id 'q-1'"],
    "unknown-topic": [
        "minimal/quiz.yaml: item q-1: field 'topic': unknown topic 'ending' (declare it in topics)"
    ],
    # objectives, decision rule, history, debrief
    "missing-objective": [
        "minimal/objectives.yaml: field 'objectives': no objective for 'gamma' on 'fishing'"
    ],
    "unknown-agenda-in-objective": [
        "minimal/objectives.yaml: objective beta/dams: field 'agenda': unknown agenda item 'dams'",
        "minimal/objectives.yaml: field 'objectives': no objective for 'beta' on 'dam'",
    ],
    "decision-rule-unknown-actor": [
        "minimal/scenario.yaml: decision rule: field 'must_agree[1]': unknown actor 'delta'"
    ],
    "history-outcome-missing": [
        "minimal/scenario.yaml: history: field 'outcome': no outcome for 'fishing'"
    ],
    "too-few-reflection-prompts": [
        "minimal/scenario.yaml: field 'reflection_prompts': has 2 prompts; a debrief takes 3–5"
    ],
    # actors and class sizes
    "alias-collision": [
        "minimal/actors.yaml: actor beta: field 'aliases[0]': 'Alphaland' already names actor "
        "'alpha'"
    ],
    "small-class-leaves-out-decider": [
        "minimal/actors.yaml: small class order: field '2': leaves out 'beta', whose vote "
        "decides (decision_rule)"
    ],
    # round plan
    "plan-too-long": [
        "minimal/round_plan.yaml: field 'round_plan': lasts 51 min 0 s; "
        "the default plan must fit 50 minutes"
    ],
    "speaking-time-too-long": [
        "minimal/round_plan.yaml: phase #2: field 'speaking_time': "
        "3 delegations × 120 s = 360 s, more than the phase's 300 s"
    ],
    "self-pair": [
        "minimal/round_plan.yaml: phase #3: field 'pairs[0]': a pair needs two different actors"
    ],
}


def test_minimal_pack_is_sound(build_pack: PackBuilder) -> None:
    assert check_scenario(build_pack(None), MINI_SEEDS) == []


def test_every_fixture_has_a_case() -> None:
    on_disk = {p.name for p in BROKEN.iterdir() if p.is_dir()}
    assert on_disk - {"missing-brief", "duplicate-key-in-file"} == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_fixture_reports_exactly(case: str, build_pack: PackBuilder) -> None:
    problems = check_scenario(build_pack(case), MINI_SEEDS)
    assert [str(p) for p in problems] == CASES[case]


def test_missing_brief_is_named_among_its_consequences(build_pack: PackBuilder) -> None:
    messages = [str(p) for p in check_scenario(build_pack("missing-brief"), MINI_SEEDS)]
    assert "minimal: field 'briefs': no brief for actor 'gamma'" in messages
    # its card g-1 went with it: what cited it is named too, not silently passed
    assert any(m.startswith("minimal/") and "unknown card 'g-1'" in m for m in messages), messages


def test_duplicate_key_within_a_file_is_a_yaml_error(build_pack: PackBuilder) -> None:
    (problem,) = check_scenario(build_pack("duplicate-key-in-file"), MINI_SEEDS)
    assert problem.file == "minimal/topics.yaml"
    assert problem.message.startswith("invalid YAML:")
    assert "found duplicate key 'topics'" in problem.message
    assert "line 2, column 1" in problem.message


def test_loader_error_names_file_item_and_field(build_pack: PackBuilder) -> None:
    with pytest.raises(ContentError) as raised:
        load_scenario(build_pack("mc-answer-not-a-choice"))
    (problem,) = raised.value.problems
    assert (problem.file, problem.item, problem.field) == (
        "minimal/quiz.yaml",
        "item q-1",
        "answer",
    )
    assert str(raised.value) == CASES["mc-answer-not-a-choice"][0]
