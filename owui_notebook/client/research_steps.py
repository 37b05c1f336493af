"""Deep research's protocol: the planning and report prompts, reading a plan (pure; no I/O).

As in openwebui-chat-client's ``deep_research``: each step a general model, as research
director, picks the next question and whether a general or a search-capable model should
answer it; that model answers as a turn of the same chat; after the last step the first
general model writes the report from the whole chat. The planner answers with JSON::

    {"next_question": "...", "chosen_model_type": "general" | "search"}

Reading is lenient where the meaning is clear (``question`` for ``next_question``,
``"Search-Capable"`` for ``search``) and strict where it is not: `StepError`, whose message
goes back to the planner in one correction prompt.
"""

from __future__ import annotations

from .research_types import ModelType, ResearchStep
from .task_steps import StepError, find_json_object

PLAN_KEYS = ("next_question", "question", "chosen_model_type", "model_type")


def plan_prompt(
    topic: str,
    index: int,
    num_steps: int,
    done: list[ResearchStep],
    general_models: list[str],
    search_models: list[str],
) -> str:
    """The planning prompt of step `index`: the topic, the steps so far, the model types."""
    log = "\n".join(f"- {s.log_line}" for s in done if s.answer is not None)
    general = ", ".join(general_models)
    types = [f'- "general": reasoning, summarising, internal knowledge ({general})']
    if search_models:
        types.append(
            f'- "search": search-capable, with the server\'s retrieval and tools: for facts '
            f"from documents or recent information ({', '.join(search_models)})"
        )
    return "\n".join(
        [
            f"You are a research director researching: {topic.strip()}",
            f"This is research step {index} of {num_steps}.",
            "",
            "Steps so far (their answers are above in this chat):",
            log or "- none yet",
            "",
            "Models that can answer:",
            *types,
            "",
            "What is the next single best question to ask, and which type of model should "
            "answer it? Reply ONLY with a JSON object: "
            '{"next_question": "...", "chosen_model_type": '
            + ('"general" or "search"' if search_models else '"general"')
            + "}.",
        ]
    )


def plan_correction(error: str) -> str:
    return (
        f"Your last reply is not a usable plan: {error}. Reply again with ONLY a JSON object: "
        '{"next_question": "...", "chosen_model_type": "general" or "search"}.'
    )


def report_prompt(topic: str, steps: list[ResearchStep]) -> str:
    """The final turn: the report on `topic`, from the answers above in the chat."""
    log = "\n".join(f"- {s.log_line}" for s in steps if s.answer is not None)
    return (
        f"Write the final report on: {topic.strip()}\n\n"
        f"Research log:\n{log or '- no step was answered'}\n\n"
        "You are a research analyst: synthesise the answers above in this chat into a clear, "
        "well-structured report in Markdown that covers the key findings; name the sources "
        "the answers cited."
    )


def parse_plan(text: str, has_search: bool) -> tuple[str, ModelType]:
    """The planned question and model type; `StepError` says why `text` is not a plan.

    A type other than general or search (or search when there are no search models) means
    general, as in the reference client.
    """
    if not text.strip():
        raise StepError("it is empty")
    data = find_json_object(text, PLAN_KEYS)
    raw = data.get("next_question", data.get("question"))
    if not isinstance(raw, str) or not raw.strip():
        raise StepError('it has no "next_question" (the question to ask, as text)')
    kind = str(data.get("chosen_model_type", data.get("model_type")) or "").casefold()
    model_type: ModelType = "search" if "search" in kind and has_search else "general"
    return raw.strip(), model_type


def pick_model(models: list[str], used: int) -> str:
    """The model for the `used`-th question of a type: taken in turn (the reference picks at
    random; in turn spreads the work the same and keeps runs repeatable)."""
    return models[used % len(models)]
