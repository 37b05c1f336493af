"""Reading the task runner's steps and decisions (pure; what models really write)."""

from __future__ import annotations

import pytest

from owui_notebook.client.task_steps import (
    StepError,
    first_prompt,
    merge_findings,
    next_prompt,
    parse_decision,
    parse_step,
)
from owui_notebook.client.task_types import TaskOption, TodoItem


def test_a_fenced_step_with_every_part():
    step = parse_step(
        "Here is my step:\n```json\n"
        '{"thought": "t", "todo": [{"task": "a", "status": "done"}, {"task": "b"}],'
        ' "findings": ["f"], "next_action": "go on"}\n```\nThanks!'
    )
    assert step.kind == "action" and step.next_action == "go on"
    assert step.todo == [TodoItem(task="a", status="done"), TodoItem(task="b", status="open")]
    assert step.findings == ["f"] and step.thought == "t"


def test_bare_json_in_prose_and_the_usual_aliases():
    step = parse_step(
        'Sure. {"todo_list": ["[x] read", "[@] write", "- [ ] check"], '
        '"key_findings": "one fact", "answer": 1, "final_answer": "**42**"} done'
    )
    assert step.kind == "final" and step.final_answer == "**42**"
    assert [(t.task, t.status) for t in step.todo] == [
        ("read", "done"),
        ("write", "doing"),
        ("check", "open"),
    ]
    assert step.findings == ["one fact"]


def test_an_action_naming_a_tool_is_a_tool_call():
    step = parse_step('{"action": {"tool": "calc", "args": {"a": 1}}}')
    assert step.next_action == "use the tool calc"
    assert step.tool_calls[0].name == "calc" and step.tool_calls[0].arguments == {"a": 1}


def test_options_need_two_and_one_becomes_the_action():
    two = parse_step('{"options": ["A", {"title": "B", "details": "bee"}]}')
    assert two.kind == "options" and [o.label for o in two.options] == ["A", "B"]
    assert two.options[1].description == "bee"
    one = parse_step('{"options": [{"label": "A", "description": "only way"}]}')
    assert one.kind == "action" and one.next_action == "A: only way" and one.options == []


def test_the_first_object_with_step_keys_wins_over_other_json():
    step = parse_step('Input was {"x": 1}. Step: {"thought": "t", "next_action": "n"}')
    assert step.next_action == "n"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "it is empty"),
        ("I will do it now.", "it holds no JSON object"),
        ("[1, 2]", "it is a JSON list"),
        ('{"thought": "only thinking"}', 'none of "next_action"'),
        ('{"final_answer": "  ", "todo": []}', 'none of "next_action"'),
    ],
)
def test_what_is_not_a_step_says_why(text, reason):
    with pytest.raises(StepError, match=reason):
        parse_step(text)


OPTIONS = [TaskOption(label="B-tree"), TaskOption(label="Hash")]


@pytest.mark.parametrize(
    ("text", "choice", "reason"),
    [
        ('{"choice": 2, "reason": "fast"}', 2, "fast"),
        ('```json\n{"selected_option": "1", "reasoning": "r"}\n```', 1, "r"),
        ('{"choice": "hash"}', 2, ""),
        ("Option 1, clearly.", 1, ""),
        ('{"choice": 3}', None, ""),
        ('{"choice": true}', None, ""),
        ("no idea", None, ""),
    ],
)
def test_decisions(text, choice, reason):
    assert parse_decision(text, OPTIONS) == (choice, reason)


def test_findings_are_kept_once_regardless_of_case_and_spacing():
    assert merge_findings(["B-trees  are sorted"], ["b-trees are sorted", "new", "new"]) == ["new"]


def test_prompts_carry_the_state_and_warn_on_the_last_step():
    assert (
        first_prompt(" Do X ", 3) == "Task: Do X\n\nStep 1 of at most 3: answer with one JSON step."
    )
    assert "last step" in first_prompt("Do X", 1)
    text = next_prompt(
        3,
        3,
        todo=[TodoItem(task="a", status="done"), TodoItem(task="b", status="doing")],
        findings=["f1"],
        carry_on="Carry on with: b",
    )
    assert text.split("\n\n") == [
        "Step 3 of at most 3: answer with one JSON step.",
        "To-do list:\n- [x] a\n- [@] b",
        "Key findings so far:\n- f1",
        "Carry on with: b",
        "This is the last step: give your final_answer now, from the findings so far.",
    ]
