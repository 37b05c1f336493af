"""``%%owui task``: the task runner on the cell, its steps streaming into the output."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError

from ..render.task_view import TaskDisplay
from . import extras, saved_prompts
from .agent_run import run_live
from .asking import knowledge_bases, request_params

if TYPE_CHECKING:
    from ..client import TaskResult
    from .session import Session


def run_task(
    session: Session, args: argparse.Namespace, question: str, shell: Any
) -> TaskResult | None:
    """Run the task live; ``_owui`` gets the `TaskResult`, ``-o VAR`` its answer.

    The task is a chat of its own: the current ``%%owui chat`` conversation is left as it is.
    """
    client = session.require_client()
    question = saved_prompts.expand_cell(session, question, shell.user_ns)  # "/command ..."
    model = args.model or session.model
    if not model:
        raise UsageError("no model chosen: pass -m MODEL or run %owui use MODEL")
    model = session.check_model(model)
    decision_model = session.check_model(args.decision_model) if args.decision_model else None
    # Checked before anything is sent: a typo is one red line, not a tool that never runs.
    tool_ids = extras.tool_ids(session, args.tool) if args.tool else None
    knowledge = knowledge_bases(session, args.kb) if args.kb else None
    folder_id = client.folders.ensure(args.folder).id if args.folder else None
    stream = client.stream_task(
        question,
        model,
        max_iterations=args.max_iterations,
        tool_ids=tool_ids,
        knowledge=knowledge,
        decision_model=decision_model,
        system=args.system,
        folder_id=folder_id,
        tags=args.tag,
        summarize_history=args.summarize_history,
        **request_params(args),
    )
    view = TaskDisplay(model, args.max_iterations)
    return run_live(
        stream,
        view,
        shell,
        output=args.output,
        text=lambda result: result.answer,
        what="the run",
    )
