"""The facilitator's round plan (bot.domain.round_plan): edits, refusals, warnings, storage."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.loader import DEFAULT_CONTENT_DIR, load_scenario
from bot.content.models import Scenario
from bot.domain.round_plan import (
    MAX_PHASES,
    PHASE_KINDS,
    PlanError,
    PlannedPhase,
    PlanWarning,
    RoundPlan,
    parse_kind,
)
from bot.errors import UserFacingError

HANOI_KINDS = [
    "preparation",
    "opening_statements",
    "caucus",
    "plenary",
    "final_statements",
    "vote",
    "debrief",
]


@pytest.fixture(scope="module")
def hanoi() -> Scenario:
    return load_scenario(DEFAULT_CONTENT_DIR / "hanoi-2019")


@pytest.fixture
def plan(hanoi: Scenario) -> RoundPlan:
    return RoundPlan.from_scenario(hanoi)


def kinds(plan: RoundPlan) -> list[str]:
    return [phase.kind for phase in plan.phases]


def test_the_hanoi_default_plan(plan: RoundPlan) -> None:
    assert kinds(plan) == HANOI_KINDS
    assert [p.duration // 60 for p in plan.phases] == [6, 6, 10, 15, 4, 3, 6]
    assert plan.total_duration == 50 * 60
    assert plan.offsets() == (0, 360, 720, 1320, 2220, 2460, 2640)
    assert plan.phase(2).speaking_time == 60
    assert plan.phase(3).pairs == (("us", "dprk"), ("rok", "japan"), ("china", "russia"))
    assert plan.fits(50 * 60)
    assert not plan.fits(45 * 60)


def test_hanoi_plan_has_no_warnings_for_a_full_class_of_fifty_minutes(
    plan: RoundPlan, hanoi: Scenario
) -> None:
    assert plan.warnings(period_seconds=50 * 60, actors=hanoi.play_order) == ()


def test_remove_move_and_retime_return_new_plans(plan: RoundPlan) -> None:
    edited = plan.remove(3).set_duration(3, 20 * 60).move(5, 1)
    assert kinds(plan) == HANOI_KINDS  # the original is untouched
    assert kinds(edited) == [
        "vote",
        "preparation",
        "opening_statements",
        "plenary",
        "final_statements",
        "debrief",
    ]
    assert edited.phase(4).duration == 20 * 60
    assert edited.total_duration == 50 * 60 - 10 * 60 + 5 * 60


@pytest.mark.parametrize(
    ("position", "to", "expected"),
    [(1, 3, ["b", "c", "a"]), (3, 1, ["c", "a", "b"]), (2, 2, ["a", "b", "c"])],
)
def test_move_puts_the_phase_at_the_target_position(
    position: int, to: int, expected: list[str]
) -> None:
    plan = RoundPlan(
        tuple(PlannedPhase("plenary", title, "Talk.", 60) for title in ("a", "b", "c"))
    )
    assert [p.title for p in plan.move(position, to).phases] == expected


def test_add_appends_with_defaults(plan: RoundPlan) -> None:
    added = plan.add("preparation", 120, position=1)
    assert added.phase(1).kind == "preparation"
    assert added.phase(1).duration == 120
    assert added.phase(1).title == "Preparation"  # copied from the plan's own preparation
    assert added.phase(1).goal == plan.phase(1).goal
    assert len(added) == 8


def test_add_copies_a_phase_of_the_same_kind(plan: RoundPlan) -> None:
    added = plan.add("final statements", 180)
    assert added.phase(8).speaking_time == 40
    assert added.phase(8).goal == plan.phase(5).goal
    caucus = plan.add("caucuses", 300, position=5)
    assert caucus.phase(5).pairs == plan.phase(3).pairs


def test_add_a_kind_not_in_the_plan_uses_module_defaults() -> None:
    plan = RoundPlan((PlannedPhase("plenary", "Plenary", "Talk.", 600),))
    added = plan.add("opening_statements", 300).add("vote", 120, title="Final vote")
    assert added.phase(2) == PlannedPhase(
        "opening_statements",
        "Opening statements",
        "When your turn comes, tell the room where you stand.",
        300,
        speaking_time=60,
    )
    assert added.phase(3).title == "Final vote"
    assert added.phase(3).goal == "One vote per delegation per proposal."


def test_titles_and_goals_are_kept_on_one_line(plan: RoundPlan) -> None:
    renamed = plan.set_title(1, "  Read\n your   brief ").set_goal(1, "Plan\tthe day.")
    assert renamed.phase(1).title == "Read your brief"
    assert renamed.phase(1).goal == "Plan the day."


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("preparation", "preparation"),
        ("Prep", "preparation"),
        ("opening statements", "opening_statements"),
        ("Opening-Statements", "opening_statements"),
        ("opening_statements", "opening_statements"),
        ("caucuses", "caucus"),
        ("Bilateral caucuses", "caucus"),
        ("final", "final_statements"),
        ("closing statements", "final_statements"),
        ("VOTE", "vote"),
        ("voting", "vote"),
        ("debrief", "debrief"),
    ],
)
def test_parse_kind(text: str, kind: str) -> None:
    assert parse_kind(text) == kind


def test_every_kind_parses_from_its_own_name() -> None:
    assert [parse_kind(kind) for kind in PHASE_KINDS] == list(PHASE_KINDS)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda p: p.remove(9), "There is no phase 9: the plan has 7 phases (1–7)."),
        (lambda p: p.remove(0), "There is no phase 0: the plan has 7 phases (1–7)."),
        (lambda p: p.move(1, 8), "There is no phase 8: the plan has 7 phases (1–7)."),
        (lambda p: p.set_duration(8, 60), "There is no phase 8: the plan has 7 phases (1–7)."),
        (lambda p: p.add("vote", 60, position=9), "A phase can go at positions 1–8, not 9."),
        (
            lambda p: p.add("lunch", 60),
            "Unknown phase kind 'lunch'. Choose one of: preparation, opening statements, caucus, "
            "plenary, final statements, vote, debrief.",
        ),
        (lambda p: p.set_duration(1, 0), "A phase duration must be between 1 s and 6 h."),
        (
            lambda p: p.set_duration(1, 6 * 3600 + 1),
            "A phase duration must be between 1 s and 6 h.",
        ),
        (
            lambda p: p.set_speaking_time(1, 30),
            "A preparation phase does not pass the floor, so it has no speaking time.",
        ),
        (
            lambda p: p.set_speaking_time(6, 30),
            "A vote phase does not pass the floor, so it has no speaking time.",
        ),
        (
            lambda p: p.set_speaking_time(2, None),
            "An opening statements phase needs a speaking time per delegation.",
        ),
        (lambda p: p.set_speaking_time(2, 0), "A speaking time must be between 1 s and 6 h."),
        (lambda p: p.set_title(1, " \n "), "A phase needs a title."),
        (lambda p: p.set_goal(1, ""), "A phase needs a goal."),
        (
            lambda p: p.set_title(1, "x" * 121),
            "A phase title can be at most 120 characters (this one has 121).",
        ),
    ],
)
def test_edits_that_cannot_run_are_refused_with_a_reason(
    edit: Callable[[RoundPlan], object], message: str, plan: RoundPlan
) -> None:
    with pytest.raises(PlanError) as caught:
        edit(plan)
    assert str(caught.value) == message
    assert isinstance(caught.value, UserFacingError)


def test_the_last_phase_cannot_be_removed() -> None:
    plan = RoundPlan((PlannedPhase("plenary", "Plenary", "Talk.", 600),))
    with pytest.raises(PlanError) as caught:
        plan.remove(1)
    assert str(caught.value) == (
        "A round plan needs at least one phase: add another before removing this one."
    )
    with pytest.raises(PlanError, match="at least one phase"):
        RoundPlan(())


def test_a_plan_has_at_most_twenty_phases() -> None:
    plan = RoundPlan(tuple(PlannedPhase("plenary", "P", "Talk.", 60) for _ in range(MAX_PHASES)))
    with pytest.raises(PlanError) as caught:
        plan.add("vote", 60)
    assert str(caught.value) == "A round plan can have at most 20 phases."


def test_the_plenary_may_set_a_floor_time_per_speaker(plan: RoundPlan) -> None:
    assert plan.set_speaking_time(4, 90).phase(4).speaking_time == 90
    assert plan.set_speaking_time(4, 90).set_speaking_time(4, None).phase(4).speaking_time is None


def test_pairs_only_on_caucus() -> None:
    with pytest.raises(PlanError, match=r"^Only a caucus phase has caucus pairs\.$"):
        PlannedPhase("plenary", "P", "Talk.", 60, pairs=(("us", "dprk"),))


# --- warnings --------------------------------------------------------------------------------


def test_a_plan_longer_than_the_period_is_a_warning_not_an_error(plan: RoundPlan) -> None:
    assert plan.warnings(period_seconds=45 * 60) == (
        PlanWarning(
            "over_period", "The plan takes 50 min, 5 min more than your 45 min period.", None
        ),
    )


def test_a_vote_before_any_plenary_is_a_warning(plan: RoundPlan) -> None:
    warnings = plan.move(6, 2).warnings()
    assert warnings == (
        PlanWarning(
            "vote_before_plenary",
            "Phase 2 (Vote) comes before any plenary, where proposals are tabled: "
            "there may be nothing to vote on.",
            2,
        ),
    )


def test_no_vote_and_phases_after_the_debrief_are_warnings(plan: RoundPlan) -> None:
    warnings = plan.remove(6).move(6, 1).warnings()
    assert [(w.code, w.position) for w in warnings] == [("no_vote", None), ("after_debrief", 1)]
    assert warnings[0].message == "There is no vote phase: the session will end without an outcome."
    assert warnings[1].message == "Phase 1 (Debrief) is a debrief, but other phases follow it."


def test_statement_phases_warn_when_turns_shrink(plan: RoundPlan, hanoi: Scenario) -> None:
    shorter = plan.set_duration(2, 4 * 60)
    assert shorter.warnings(actors=hanoi.play_order) == (
        PlanWarning(
            "statements_shortened",
            "Phase 2 (Opening statements): 6 delegations × 1 min = 6 min, but the phase lasts "
            "4 min; each turn will be shortened to 40 s.",
            2,
        ),
    )
    # Four delegations (a class of four) fit in the same four minutes.
    assert shorter.warnings(actors=hanoi.actors_for_class_size(4)) == ()


def test_statement_phases_warn_when_some_delegations_will_not_speak(plan: RoundPlan) -> None:
    warnings = plan.set_duration(5, 60).warnings(actors=["us", "dprk", "rok", "japan", "china"])
    assert warnings == (
        PlanWarning(
            "statements_cut",
            "Phase 5 (Final statements): 5 delegations × 40 s = 3 min 20 s, but the phase lasts "
            "1 min; only 4 of them will have a turn (15 s each).",
            5,
        ),
    )


def test_a_plenary_floor_time_longer_than_the_plenary_is_a_warning(plan: RoundPlan) -> None:
    warnings = plan.set_speaking_time(4, 20 * 60).warnings()
    assert [w.code for w in warnings] == ["floor_longer_than_phase"]
    assert warnings[0].message == (
        "Phase 4 (Plenary on the deliverables): the floor time per speaker (20 min) is longer "
        "than the phase."
    )


# --- storage ---------------------------------------------------------------------------------


def test_round_trip_through_json(plan: RoundPlan) -> None:
    edited = plan.add("plenary", 300, title="Second plenary").remove(1)
    stored = json.dumps(edited.to_list())
    assert RoundPlan.from_list(json.loads(stored)) == edited
    assert json.loads(stored)[1] == {
        "kind": "caucus",
        "title": "Bilateral caucuses",
        "goal": "Meet your partner delegation in private and find out what they can accept.",
        "duration": 600,
        "speaking_time": None,
        "pairs": [["us", "dprk"], ["rok", "japan"], ["china", "russia"]],
    }


edits = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.sampled_from(PHASE_KINDS), st.integers(1, 3600)),
        st.tuples(st.just("remove"), st.integers(0, 25), st.just(0)),
        st.tuples(st.just("move"), st.integers(0, 25), st.integers(0, 25)),
        st.tuples(st.just("set_duration"), st.integers(0, 25), st.integers(0, 7000)),
    ),
    max_size=30,
)


@given(edits)
def test_any_edit_sequence_keeps_a_valid_plan_and_an_exact_total(
    operations: list[tuple[str, object, int]],
) -> None:
    plan = RoundPlan((PlannedPhase("plenary", "Plenary", "Talk.", 900),))
    for name, first, second in operations:
        before = plan
        try:
            if name == "add":
                plan = plan.add(str(first), second)
            elif name == "remove":
                plan = plan.remove(int(str(first)))
            elif name == "move":
                plan = plan.move(int(str(first)), second)
            else:
                plan = plan.set_duration(int(str(first)), second)
        except PlanError:
            assert plan is before
            continue
        assert 1 <= len(plan) <= MAX_PHASES
        assert plan.total_duration == sum(p.duration for p in plan.phases)
        if name == "move":
            assert sorted(map(repr, plan.phases)) == sorted(map(repr, before.phases))
        assert RoundPlan.from_list(json.loads(json.dumps(plan.to_list()))) == plan
