"""Knowledge bases on every server version: one interface over the 0.6 and 0.9+ APIs."""

from __future__ import annotations

import uuid

import pytest

from owui_notebook.client import (
    ConfigurationError,
    KnowledgeBase,
    NotFoundError,
    UnsupportedFeatureError,
)


@pytest.fixture
def tag():
    """A unique word for this test's knowledge bases (the server is shared by the session)."""
    return f"kbtest{uuid.uuid4().hex[:8]}"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_create_list_get_update_delete(client_any, tmp_path, tag):
    kb = client_any.knowledge.create(f"{tag} Handbook", "how we work")
    assert isinstance(kb, KnowledgeBase) and kb.name == f"{tag} Handbook"
    assert kb.id in {k.id for k in client_any.knowledge.list()}
    # By id, by exact name, by name in another case.
    for ref in (kb.id, f"{tag} Handbook", f"{tag} handbook"):
        assert client_any.knowledge.get(ref).id == kb.id
    client_any.knowledge.add_file(kb, write(tmp_path, "a.md", f"{tag} alpha note"))
    renamed = client_any.knowledge.update(kb, name=f"{tag} Guide", description="new words")
    again = client_any.knowledge.get(kb.id)
    assert (renamed.name, again.name, again.description) == (
        f"{tag} Guide",
        f"{tag} Guide",
        "new words",
    )
    # Its files survive the update (0.6 drops them unless they are sent back).
    assert [f.filename for f in client_any.knowledge.files(kb.id)] == ["a.md"]
    assert [k.id for k in client_any.knowledge.search(f"{tag} gui")] == [kb.id]
    assert client_any.knowledge.delete(kb) is True
    with pytest.raises(NotFoundError):
        client_any.knowledge.get(kb.id)


def test_add_and_remove_files(client_any, tmp_path, tag):
    kb = client_any.knowledge.create(f"{tag} Files")
    try:
        a = write(tmp_path, "one.txt", f"{tag} first document about apples")
        b = client_any.files.upload(write(tmp_path, "two.txt", f"{tag} second about pears"))
        client_any.knowledge.add_files(kb, [a, b.id])
        assert sorted(f.filename for f in client_any.knowledge.files(kb)) == ["one.txt", "two.txt"]
        client_any.knowledge.remove_file(kb, "one.txt")
        assert [f.filename for f in client_any.knowledge.files(kb)] == ["two.txt"]
        if client_any.knowledge.get(kb).files_inline:
            with pytest.raises(
                UnsupportedFeatureError, match=r"always deletes .* newer Open WebUI \(0\.7\.2"
            ):
                client_any.knowledge.remove_file(kb, b, delete_file=False)
        else:
            client_any.knowledge.remove_file(kb, b, delete_file=False)
            assert client_any.knowledge.files(kb) == []
            assert client_any.files.get(b.id).id == b.id  # kept, as asked
        with pytest.raises(NotFoundError, match=r"no file 'nope\.txt'"):
            client_any.knowledge.remove_file(kb, "nope.txt")
    finally:
        client_any.knowledge.delete(kb)


def test_create_many_from_paths_and_directories_then_delete_by_keyword(client_any, tmp_path, tag):
    docs = tmp_path / "docs"
    docs.mkdir()
    write(docs, "x.md", f"{tag} xylophone facts")
    write(docs, "y.md", f"{tag} yodel facts")
    write(docs, ".hidden", "never uploaded")
    single = write(tmp_path, "z.md", f"{tag} zebra facts")
    made = client_any.knowledge.create_many(
        {f"{tag} Music": docs, f"{tag} Zoo": [single]}, description="bulk"
    )
    assert set(made) == {f"{tag} Music", f"{tag} Zoo"}
    names = {
        name: sorted(f.filename for f in client_any.knowledge.files(kb))
        for name, kb in made.items()
    }
    assert names == {f"{tag} Music": ["x.md", "y.md"], f"{tag} Zoo": ["z.md"]}
    with pytest.raises(ConfigurationError, match="exist already"):
        client_any.knowledge.create_many({f"{tag} Zoo": [single]})
    more = write(tmp_path, "w.md", f"{tag} walrus facts")
    added = client_any.knowledge.create_many({f"{tag} Zoo": more}, exist_ok=True)
    assert added[f"{tag} Zoo"].id == made[f"{tag} Zoo"].id
    assert len(client_any.knowledge.files(made[f"{tag} Zoo"])) == 2

    keep = client_any.knowledge.create(f"{tag[::-1]} unrelated")
    try:
        planned = client_any.knowledge.delete_matching(tag.upper(), dry_run=True)
        assert {k.name for k in planned} == set(made)
        assert {k.name for k in client_any.knowledge.list()} >= set(made)
        deleted = client_any.knowledge.delete_matching(tag)
        assert {k.id for k in deleted} == {k.id for k in made.values()}
        left = {k.name for k in client_any.knowledge.list()}
        assert not left & set(made) and keep.name in left
        with pytest.raises(ConfigurationError, match="needs a keyword"):
            client_any.knowledge.delete_matching("  ")
    finally:
        client_any.knowledge.delete(keep)


def test_unknown_name_names_the_closest(client, tag):
    kb = client.knowledge.create(f"{tag} Research Notes")
    try:
        with pytest.raises(NotFoundError) as info:
            client.knowledge.get(f"{tag} Reserch Notes")
        assert str(info.value).startswith(f"no knowledge base '{tag} Reserch Notes'")
        assert f"did you mean '{tag} Research Notes'" in str(info.value)
    finally:
        client.knowledge.delete(kb)


def test_two_of_the_same_name_need_an_id(client, tag):
    first = client.knowledge.create(f"{tag} Twin")
    second = client.knowledge.create(f"{tag} Twin")
    try:
        with pytest.raises(ConfigurationError, match="2 knowledge bases are named"):
            client.knowledge.get(f"{tag} Twin")
        assert client.knowledge.get(second.id).id == second.id
    finally:
        client.knowledge.delete(first)
        client.knowledge.delete(second)


def test_files_list_search_text_and_delete(client_any, tmp_path, tag):
    record = client_any.files.upload(write(tmp_path, f"{tag}-report.txt", f"{tag} quarterly"))
    try:
        assert record.id in {f.id for f in client_any.files.list()}
        assert [f.id for f in client_any.files.search(tag)] == [record.id]
        assert [f.id for f in client_any.files.search(f"{tag}*.txt")] == [record.id]
        assert client_any.files.search(f"{tag}-nothing-like-it") == []
        assert f"{tag} quarterly" in client_any.files.text(record.id)
    finally:
        assert client_any.files.delete(record.id)


def test_knowledge_frames(client, tmp_path, tag):
    from owui_notebook.frames import knowledge_files_frame, knowledge_frame

    kb = client.knowledge.create(f"{tag} Framed", "for the frame")
    try:
        client.knowledge.add_file(kb, write(tmp_path, "f.md", f"{tag} framed text"))
        frame = knowledge_frame(client)
        row = frame.set_index("knowledge_id").loc[kb.id]
        assert (row["name"], row["description"], row["file_count"]) == (
            f"{tag} Framed",
            "for the frame",
            1,
        )
        assert row["files"] == ["f.md"] and row["access"] == "private"
        assert str(frame["created_at"].dtype) == "datetime64[ns, UTC]"
        files = knowledge_files_frame(client, f"{tag} Framed")
        assert list(files["filename"]) == ["f.md"] and files["size"].iloc[0] > 0
        assert frame.attrs["source"] == "server:/api/v1/knowledge"
    finally:
        client.knowledge.delete(kb)


def test_a_file_missing_from_an_empty_knowledge_base_is_named_as_a_file(client_any, tag):
    """Issue 16: the 'did you mean' text was worded for models, so a knowledge base with no
    files said "the server lists no models (check its connections)"."""
    kb = client_any.knowledge.create(f"{tag} Empty")
    try:
        with pytest.raises(NotFoundError) as caught:
            client_any.knowledge.remove_file(kb, "notes.txt")
        message = str(caught.value)
        assert "no file 'notes.txt'" in message and "it has no files" in message
        assert "model" not in message
    finally:
        client_any.knowledge.delete(kb)
