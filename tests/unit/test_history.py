import copy

import pytest

from owui_notebook.client import (
    InvalidHistoryError,
    check_history,
    repair_history,
    thread,
    validate_history,
)
from owui_notebook.client.turns import Turn, graft
from owui_notebook.client.types import Timings


def answer(turn, index, text):
    result = turn.result(
        index,
        content=text,
        usage={"prompt_tokens": 1, "completion_tokens": 2},
        timings=Timings(ttft=0.1, total=0.5, started_at=1.0),
        finish_reason="stop",
        stopped=False,
        error=None,
    )
    return turn.assistant_message(result, turn.models[index].upper())


def conversation():
    history = {"messages": {}, "currentId": None}
    t1 = Turn(prompt="hi", models=["a"], parent_id=None)
    history = graft(history, t1, [answer(t1, 0, "hello")])
    t2 = Turn(prompt="compare", models=["a", "b", "c"], parent_id=history["currentId"])
    history = graft(history, t2, [answer(t2, i, f"ans {i}") for i in range(3)])
    return history, t1, t2


def test_grafted_turns_form_a_valid_multi_model_tree():
    history, t1, t2 = conversation()
    assert validate_history(history) == []
    user = history["messages"][t2.user_id]
    assert user["parentId"] == t1.answer_ids[0]
    assert user["childrenIds"] == t2.answer_ids
    assert [history["messages"][i]["modelIdx"] for i in t2.answer_ids] == [0, 1, 2]
    assert [m["content"] for m in thread(history)] == ["hi", "hello", "compare", "ans 0"]
    assert validate_history({"chat": {"history": history}}) == []  # a whole chat record


@pytest.mark.parametrize(
    "breakage, expected",
    [
        (
            lambda h, t: h["messages"][t.answer_ids[0]].update(parentId=None),
            "no parent user message",
        ),
        (lambda h, t: h["messages"][t.user_id]["childrenIds"].pop(), "does not list child"),
        (lambda h, t: h["messages"][t.answer_ids[1]].update(done=False), "is not done"),
        (lambda h, t: h["messages"][t.answer_ids[2]].pop("modelIdx"), "lacks modelIdx"),
        (lambda h, t: h.update(currentId=t.user_id), "is not a leaf"),
        (lambda h, t: h.update(currentId="nope"), "is not a message"),
        (lambda h, t: h["messages"][t.user_id]["childrenIds"].append("ghost"), "unknown child"),
    ],
)
def test_each_broken_invariant_is_reported(breakage, expected):
    history, _, t2 = conversation()
    breakage(history, t2)
    problems = validate_history(history)
    assert any(expected in p for p in problems), problems
    with pytest.raises(InvalidHistoryError):
        check_history(history)


def test_repair_restores_the_thread_broken_by_openwebui_0_12_4():
    history, _, t2 = conversation()
    broken = copy.deepcopy(history)
    first = t2.answer_ids[0]
    broken["messages"][first]["parentId"] = None  # what 0.12.4's chat_id path leaves
    broken["messages"][first]["modelIdx"] = 0
    broken["messages"][first]["done"] = False
    assert validate_history(broken)
    fixed = repair_history(broken)
    assert validate_history(fixed) == []
    assert fixed["messages"][first]["parentId"] == t2.user_id
    assert [m["content"] for m in thread(fixed)] == [m["content"] for m in thread(history)]


def test_repair_makes_current_a_leaf_and_breaks_cycles():
    history, t1, _ = conversation()
    history["currentId"] = t1.user_id
    history["messages"][t1.user_id]["parentId"] = t1.answer_ids[0]  # a cycle
    fixed = repair_history(history)
    assert not fixed["messages"][fixed["currentId"]]["childrenIds"]
    assert not any("cycle" in p for p in validate_history(fixed))


def test_graft_onto_a_parent_deleted_elsewhere_continues_from_the_leaf():
    history, _, _ = conversation()
    t3 = Turn(prompt="later", models=["a"], parent_id="deleted-in-the-web-ui")
    grown = graft(history, t3, [answer(t3, 0, "ok")])
    assert validate_history(grown) == []
    assert grown["messages"][t3.user_id]["parentId"] == history["currentId"]


def test_garbage_is_reported_not_raised():
    assert validate_history(42) and validate_history({"history": {"messages": []}})
