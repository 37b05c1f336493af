"""``%%owui research``: deep research on the cell's topic, its steps streaming into the output.

A cell of its own rather than an option of ``%%owui task``: research routes questions between
two lists of models and ends in a report, while a task is one model's to-do list; sharing one
option set would leave half of each cell's options meaningless.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError

from ..render.research_view import ResearchDisplay
from . import extras
from .agent_run import run_live
from .asking import knowledge_bases, request_params

if TYPE_CHECKING:
    from ..client import ResearchResult
    from .session import Session


def run_research(
    session: Session, args: argparse.Namespace, topic: str, shell: Any
) -> ResearchResult | None:
    """Run the research live; ``_owui`` gets the `ResearchResult`, ``-o VAR`` its report.

    The research is a chat of its own: the current ``%%owui chat`` conversation is left as it is.
    """
    client = session.require_client()
    general = args.model or ([session.model] if session.model else [])
    if not general:
        raise UsageError("no model chosen: pass -m MODEL[,MODEL...] or run %owui use MODEL")
    # Checked before anything is sent: a typo is one red line naming the closest models.
    general = [session.check_model(m) for m in general]
    search = [session.check_model(m) for m in args.search_models or []]
    tool_ids = extras.tool_ids(session, args.tool) if args.tool else None
    knowledge = knowledge_bases(session, args.kb) if args.kb else None
    folder_id = client.folders.ensure(args.folder).id if args.folder else None
    stream = client.stream_research(
        topic,
        num_steps=args.steps,
        general_models=general,
        search_models=search,
        knowledge=knowledge,
        tool_ids=tool_ids,
        system=args.system,
        folder_id=folder_id,
        tags=args.tag,
        **request_params(args),
    )
    view = ResearchDisplay(stream.topic, args.steps)
    return run_live(
        stream,
        view,
        shell,
        output=args.output,
        text=lambda result: result.report,
        what="the research",
    )
