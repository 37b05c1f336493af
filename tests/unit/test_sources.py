"""Citations: the typed view of the server's sources, and how they are shown and saved."""

from __future__ import annotations

from owui_notebook.client.turns import Turn
from owui_notebook.client.types import Source, Timings
from owui_notebook.render.views import answer_html, sources_html, sources_text

KB = {
    "source": {"type": "collection", "id": "kb1", "name": "Projects"},
    "document": ["heron text", "falcon text", "more falcon"],
    "metadata": [
        {"name": "heron.md", "file_id": "f2"},
        {"name": "falcon.md", "file_id": "f1"},
        {"source": "falcon.md", "file_id": "f1"},
    ],
    "distances": [0.58, 0.93, 0.7],
    "extra_field": {"kept": True},
}


def test_source_view_orders_files_by_score_and_keeps_the_server_shape():
    source = Source.model_validate(KB)
    assert (source.name, source.kind) == ("Projects", "collection")
    assert source.file_names == ["falcon.md", "heron.md"]
    assert [(d.name, d.score) for d in source.documents] == [
        ("heron.md", 0.58),
        ("falcon.md", 0.93),
        ("falcon.md", 0.7),
    ]
    assert source.to_server() == KB  # unknown fields too: saved as the web UI stores them
    bare = Source.model_validate({"source": {"type": "file", "name": "a.txt"}, "document": ["x"]})
    assert bare.file_names == ["a.txt"] and bare.documents[0].score is None


def test_sources_are_listed_under_the_answer_escaped():
    hostile = Source.model_validate(
        {"source": {"type": "file", "name": "<img src=x onerror=alert(1)>.md"}, "document": ["x"]}
    )
    kb = Source.model_validate(KB)
    assert sources_text([kb]) == "sources: falcon.md (Projects), heron.md (Projects)"
    markup = sources_html([hostile, kb])
    assert "<img" not in markup and "&lt;img src=x onerror=alert(1)&gt;.md" in markup
    assert sources_html([]) == "" and sources_text([]) == ""
    many = Source.model_validate(
        {
            "source": {"name": "S"},
            "document": ["t"] * 12,
            "metadata": [{"name": f"{i}.md"} for i in range(12)],
        }
    )
    assert sources_text([many]).endswith("(+4 more)")
    # Only in the final render, never while the answer streams.
    assert "owui-sources" in answer_html("hi", final=True, sources=[kb])
    assert "owui-sources" not in answer_html("hi", final=False, sources=[kb])


def test_the_saved_answer_carries_its_sources():
    turn = Turn(prompt="q", models=["alpha"], parent_id=None)
    result = turn.result(
        0,
        content="a",
        usage=None,
        timings=Timings(),
        finish_reason="stop",
        stopped=False,
        error=None,
        sources=[KB],
    )
    assert result.sources[0].file_names[0] == "falcon.md"
    assert turn.assistant_message(result, "Alpha")["sources"] == [KB]
    plain = turn.result(
        0, content="a", usage=None, timings=Timings(), finish_reason=None, stopped=False, error=None
    )
    assert "sources" not in turn.assistant_message(plain, "Alpha")
