"""MkDocs hooks: the documentation pages that are generated, never written by hand.

- ``reference/*.md``: one mkdocstrings entry per public name of ``owui_notebook.client``,
  ``frames``, ``widgets`` (their ``__all__``), the sandbox and the pytest fixtures;
- ``reference/frame-columns.md``: every column of every frame, from the schemas in
  ``frames/_types.py`` that also write the frames' docstrings;
- ``reference/magics.md``: every ``%owui`` subcommand and option, from the stubs in
  ``magics/options.py`` whose docstrings are the ``%owui help`` text;
- ``notebooks/*.md``: the notebooks in ``notebooks/``, executed while the site builds.

Which server the notebooks run against: ``$OWUI_DOCS_EXECUTED=DIR`` reuses notebooks already
executed into ``DIR`` (an earlier build's ``build/docs-notebooks/``); else
``$OWUI_URL`` (with ``$OWUI_API_KEY``) when set; else a sandbox with the demo models, started
for the build and stopped after it. Executed copies are kept in ``build/docs-notebooks/``
(``$OWUI_DOCS_OUT`` moves them).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
# Where the executed notebooks are kept ($OWUI_DOCS_OUT: the tests keep them in a temp dir).
EXECUTED = Path(os.environ.get("OWUI_DOCS_OUT") or ROOT / "build" / "docs-notebooks")

_DTYPES = {
    "string": "string",
    "category": "category",
    "int": "Int64",
    "float": "float64",
    "bool": "boolean",
    "datetime": "datetime64[ns, UTC]",
    "day": "datetime64[ns]",
    "object": "object",
}

# One build may call on_files more than once (mkdocs serve): execute the notebooks once.
_NOTEBOOK_PAGES: dict[str, str | bytes] = {}


def on_files(files: Files, config: Any) -> Files:
    """Add the generated pages to the site."""
    pages: dict[str, str | bytes] = {
        "reference/client.md": client_reference(),
        "reference/frames.md": frames_reference(),
        "reference/frame-columns.md": frame_columns(),
        "reference/widgets.md": widgets_reference(),
        "reference/sandbox.md": sandbox_reference(),
        "reference/magics.md": magic_options(),
    }
    if not _NOTEBOOK_PAGES:
        _NOTEBOOK_PAGES.update(notebook_pages())
    pages.update(_NOTEBOOK_PAGES)
    for uri, content in pages.items():
        files.append(File.generated(config, uri, content=content))
    return files


# -- the API reference -----------------------------------------------------------------


def _entries(module: str, names: list[str], after: dict[str, str] | None = None) -> str:
    out = []
    for name in names:
        out.append(f"::: {module}.{name}\n")
        if after and name in after:
            out.append(after[name] + "\n")
    return "\n".join(out)


def client_reference() -> str:
    import owui_notebook.client as client

    groups: dict[str, list[str]] = {
        "Clients, chats and streams": [],
        "Errors": [],
        "Typed results": [],
        "Functions": [],
    }
    for name in sorted(client.__all__):
        value = getattr(client, name)
        if isinstance(value, type) and issubclass(value, Exception):
            groups["Errors"].append(name)
        elif not isinstance(value, type):
            groups["Functions"].append(name)
        elif value.__module__.startswith("owui_notebook.client._"):
            groups["Clients, chats and streams"].append(name)
        else:
            groups["Typed results"].append(name)
    first = ["OpenWebUI", "AsyncOpenWebUI", "Chat", "AsyncChat"]
    groups["Clients, chats and streams"].sort(
        key=lambda n: (n not in first, first.index(n) if n in first else 0, n)
    )
    head = (
        "# owui_notebook.client\n\n"
        "Every public name of `owui_notebook.client` (its `__all__`), from the docstrings. "
        "`OpenWebUI` is generated from `AsyncOpenWebUI` (the same methods without `await`); "
        "the resource groups (`client.chats`, `client.models`, ...) are listed under each "
        "client. See [The client](../client.md) for a tour.\n\n"
        "::: owui_notebook.client\n"
        "    options:\n"
        "      show_root_heading: false\n"
        "      show_root_toc_entry: false\n"
        "      members: false\n"
    )
    body = []
    for title, names in groups.items():
        body.append(f"\n## {title}\n")
        body.append(_entries("owui_notebook.client", names).rstrip())
        body.append("")
    body.append(
        "\n## Resource groups\n\n"
        "A client's endpoint families, reached as attributes (`client.chats`, "
        "`client.models`, ...): the sync classes below; `AsyncOpenWebUI`'s are the same "
        "with `await`.\n"
    )
    for module, cls in _resource_classes():
        body.append(f"::: {module}.{cls}\n")
    text = head + "\n".join(body)
    return _with_level(text, 3)


def _resource_classes() -> list[tuple[str, str]]:
    import importlib
    import pkgutil

    from owui_notebook.client._sync import resources
    from owui_notebook.client._sync._resource import Resource

    found = []
    for info in pkgutil.iter_modules(resources.__path__):
        if info.name.startswith("_"):
            continue
        name = f"{resources.__name__}.{info.name}"
        module = importlib.import_module(name)
        for key, value in vars(module).items():
            if (
                isinstance(value, type)
                and issubclass(value, Resource)
                and value.__module__ == name
                and not key.startswith("_")
            ):
                found.append((name, key))
    return found


def _with_level(text: str, level: int) -> str:
    """Give each ``:::`` entry a heading level under the page's ``##`` groups."""
    return re.sub(
        r"^(::: \S+)\n(?!    options)",
        lambda m: f"{m.group(1)}\n    options:\n      heading_level: {level}\n\n",
        text,
        flags=re.M,
    )


def frames_reference() -> str:
    import owui_notebook.frames as frames

    after = {}
    for name in frames.__all__:
        value = getattr(frames, name)
        for heading, schema in getattr(value, "__frame_columns__", []):
            anchor = _schema_anchor(schema)
            after[name] = f"{heading}: [the columns]({'frame-columns.md'}#{anchor})."
    functions = [n for n in sorted(frames.__all__) if not n.endswith("_COLUMNS")]
    schemas = [n for n in sorted(frames.__all__) if n.endswith("_COLUMNS")]
    text = (
        "# owui_notebook.frames\n\n"
        "::: owui_notebook.frames\n"
        "    options:\n"
        "      show_root_heading: false\n"
        "      show_root_toc_entry: false\n"
        "      members: false\n\n"
        "## Functions and classes\n\n"
        + _entries("owui_notebook.frames", functions, after)
        + "\n## Column schemas\n\n"
        "Each `*_COLUMNS` is the `Schema` a frame is built from: its ordered, documented "
        "columns, listed in [Frame columns](frame-columns.md).\n\n"
        + "\n".join(
            f"- `{n}`: [its columns](frame-columns.md#{_schema_anchor(getattr(frames, n))})"
            for n in schemas
        )
        + "\n\n## The Parquet dataset\n\n"
        "`owui_notebook.dataset`, for [deployment-scale analytics](../deployment.md): "
        "`sync_dataset` (above) writes it, `Dataset` queries it with DuckDB.\n\n"
        + _entries("owui_notebook.dataset", ["Dataset", "SyncResult"])
    )
    return _with_level(text, 3)


_SCHEMA_NAMES: dict[int, str] = {}


def _schema_anchor(schema: Any) -> str:
    _schema_names()
    return _SCHEMA_NAMES.get(id(schema), f"schema-{id(schema)}").lower().replace("_", "-")


def _schema_names() -> dict[int, str]:
    """Each schema object's exported name, found in the frames modules' globals."""
    if _SCHEMA_NAMES:
        return _SCHEMA_NAMES
    import importlib
    import pkgutil

    import owui_notebook.frames as frames
    from owui_notebook.frames._types import Schema

    for info in pkgutil.iter_modules(frames.__path__):
        module = importlib.import_module(f"owui_notebook.frames.{info.name}")
        for key, value in vars(module).items():
            public = isinstance(value, Schema) and key.isupper() and not key.startswith("_")
            # The name in frames.__all__ wins over a module's private alias.
            if public and (id(value) not in _SCHEMA_NAMES or key in frames.__all__):
                _SCHEMA_NAMES[id(value)] = key
    return _SCHEMA_NAMES


def _frame_functions() -> Iterator[tuple[str, str, Any]]:
    """(qualified name, heading, schema) of every function that documents a frame."""
    import importlib
    import pkgutil

    import owui_notebook.frames as frames

    seen = set()
    for info in pkgutil.iter_modules(frames.__path__):
        module = importlib.import_module(f"owui_notebook.frames.{info.name}")
        for key, value in sorted(vars(module).items()):
            columns = getattr(value, "__frame_columns__", None)
            if not columns or not callable(value) or id(value) in seen:
                continue
            seen.add(id(value))
            public = key in frames.__all__
            where = f"owui_notebook.frames.{key}" if public else f"{value.__module__}.{key}"
            for heading, schema in columns:
                yield where, heading, schema


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("*", "\\*").replace("\n", " ")


def frame_columns() -> str:
    from owui_notebook.frames._types import __doc__ as rules

    names = _schema_names()
    by_schema: dict[int, tuple[Any, list[str]]] = {}
    for where, heading, schema in _frame_functions():
        by_schema.setdefault(id(schema), (schema, []))[1].append(f"`{where}` ({heading.lower()})")
    out = [
        "# Frame columns\n",
        "Every column of every frame, generated from the schemas in "
        "`owui_notebook/frames/_types.py` that also write each function's docstring, so the "
        "two cannot drift apart. The dtype rules:\n",
        "\n".join(line for line in (rules or "").splitlines()[2:8]).strip() + "\n",
        "A column marked `*` is NA when the frame comes from the server's stats export "
        '(`source="server"`): only the full chats (the default, `source="client"`) hold it.\n',
    ]
    for schema_id, (schema, users) in sorted(
        by_schema.items(), key=lambda item: names.get(item[0], "~")
    ):
        name = names.get(schema_id, "")
        title = name or users[0].split("`")[1]
        out.append(f"## {title} {{#{_schema_anchor(schema)}}}\n")
        out.append("Returned by " + ", ".join(users) + ".\n")
        out.append("| column | dtype | what it holds |\n|---|---|---|")
        out.extend(f"| `{c.name}` | `{_DTYPES[c.kind]}` | {_cell(c.doc)} |" for c in schema.columns)
        out.append("")
    return "\n".join(out)


def widgets_reference() -> str:
    import owui_notebook.widgets as widgets

    text = (
        "# owui_notebook.widgets\n\n"
        "Every public name of `owui_notebook.widgets` (also importable from `owui_notebook`). "
        "See [Panels](../panels.md) for a tour.\n\n"
        "::: owui_notebook.widgets\n"
        "    options:\n"
        "      show_root_heading: false\n"
        "      show_root_toc_entry: false\n"
        "      members: false\n\n"
        "## Panels and functions\n\n" + _entries("owui_notebook.widgets", list(widgets.__all__))
    )
    return _with_level(text, 3)


def sandbox_reference() -> str:
    text = (
        "# owui_notebook.sandbox and owui_notebook.testing\n\n"
        "The sandbox (a real Open WebUI with deterministic models, product code) and what "
        "tests use: the pytest fixtures, the fault proxy and the secret scan. See "
        "[Sandbox and pytest fixtures](../sandbox.md).\n\n"
        "## The sandbox\n\n"
        + _entries(
            "owui_notebook.sandbox",
            [
                "Sandbox",
                "DeterministicProvider",
                "ToolServer",
                "DEFAULT_VERSION",
                "SUPPORTED_VERSIONS",
            ],
        )
        + "\n## pytest fixtures\n\n"
        "The plugin `owui_notebook.testing.pytest_plugin` (the project's `conftest.py` loads "
        "it) gives these fixtures and the options `--owui-versions` and `--soak`.\n\n"
        + _entries(
            "owui_notebook.testing.pytest_plugin",
            ["owui_sandbox", "owui_sandbox_any", "owui_sandbox_pool", "owui_provider", "owui_soak"],
        )
        + "\n## Faults and secrets\n\n"
        + _entries("owui_notebook.testing.fault_proxy", ["FaultProxy"])
        + "\n"
        + _entries("owui_notebook.testing.secret_scan", [])
    )
    return _with_level(text, 3)


# -- the %owui options -----------------------------------------------------------------


def magic_options() -> str:
    from owui_notebook.magics import options

    out = [
        "# `%owui` options\n",
        "Every subcommand of `%owui` and `%%owui` with every option, generated from "
        "`owui_notebook/magics/options.py`: the same text `%owui help` shows in a notebook. "
        "Options are written out in full (`--sys` is not `--system`). See "
        "[The magics](../magics.md) for a tour.\n",
        "```text\n" + options.SUMMARY.rstrip() + "\n```\n",
    ]
    for sub, stub in options.SUBCOMMANDS.items():
        cell = sub in options.CELL_SUBCOMMANDS
        parser = stub.parser
        out.append(f"## `{'%%' if cell else '%'}owui {sub}` {{#{sub}}}\n")
        out.append("```text\n" + _usage(stub, cell) + "\n```\n")
        out.append(_stub_doc(stub) + "\n")
        rows = []
        for action in parser._actions:
            if action.dest == "help":
                continue
            flags = ", ".join(f"`{s}`" for s in action.option_strings) or f"`{action.dest}`"
            metavar = action.metavar or (
                None if action.nargs == 0 else action.dest.upper().replace("-", "_")
            )
            if action.option_strings and metavar and action.nargs != 0:
                flags += f" `{metavar}`"
            extra = []
            if action.choices:
                extra.append("one of " + ", ".join(f"`{c}`" for c in action.choices))
            if action.default not in (None, False, [], "==SUPPRESS==") and not action.choices:
                extra.append(f"default `{action.default}`")
            if not action.option_strings:
                extra.append("optional" if action.nargs == "?" else "required")
            help_text = (action.help or "").replace("%%", "%")
            rows.append(
                f"| {flags} | {_cell(help_text)}{' (' + '; '.join(extra) + ')' if extra else ''} |"
            )
        if rows:
            out.append("| option | what it does |\n|---|---|")
            out.extend(rows)
            out.append("")
    return "\n".join(out)


def _stub_doc(stub: Any) -> str:
    """The stub's own docstring: IPython keeps it as the parser's description."""
    import inspect

    return inspect.cleandoc(stub.parser.description or stub.__doc__ or "")


def _usage(stub: Any, cell: bool) -> str:
    """The usage line without IPython's ``::`` prefix, ``%%`` for cell magics."""
    import textwrap

    usage = stub.parser.format_usage().strip().removeprefix("::").strip("\n")
    usage = textwrap.dedent(usage).strip()
    return ("%" + usage) if cell else usage


# -- the notebooks ---------------------------------------------------------------------


def notebook_pages() -> dict[str, str | bytes]:
    """Each notebook of ``notebooks/`` as a page with its outputs, and the images it shows."""
    import nbformat
    from nbconvert import MarkdownExporter

    executed = _executed_notebooks()
    names = {p.name for p in NOTEBOOKS.glob("*.ipynb")}
    pages: dict[str, str | bytes] = {}
    for path in sorted(executed):
        nb = nbformat.read(path, as_version=4)
        _widgets_as_notes(nb)
        stem = path.stem
        exporter = MarkdownExporter()
        body, resources = exporter.from_notebook_node(
            nb, resources={"output_files_dir": f"{stem}_files"}
        )
        for name in names:  # links between notebooks lead to their pages
            body = body.replace(f"({name})", f"({Path(name).stem}.md)")
        note = (
            f"!!! note\n    `notebooks/{path.name}`, executed while this site was built "
            f"({_where_run()}; its links to chats pointed at that server, which may be gone "
            f"now). Run it yourself with `owui-notebook run notebooks/{path.name}` or open it "
            "in JupyterLab.\n\n"
        )
        pages[f"notebooks/{stem}.md"] = _first_heading_first(body, note)
        for file_name, data in resources.get("outputs", {}).items():
            pages[f"notebooks/{file_name}"] = data
    return pages


_WIDGET = "application/vnd.jupyter.widget-view+json"
_WIDGET_NOTE = (
    "*An ipywidgets panel: it runs live in JupyterLab, Notebook 7 and VS Code "
    "([Panels](../panels.md) shows one).*"
)


def _widgets_as_notes(nb: Any) -> None:
    """A widget has no static form here (its text form is a repr): say what it is instead."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if _WIDGET in output.get("data", {}):
                output["data"] = {"text/markdown": _WIDGET_NOTE}


def _first_heading_first(body: str, note: str) -> str:
    """Put the note under the notebook's title (its first Markdown heading)."""
    match = re.search(r"^# .*$", body, flags=re.M)
    if not match:
        return note + body
    return body[: match.end()] + "\n\n" + note + body[match.end() :].lstrip("\n")


_RUN_WHERE: list[str] = []


def _where_run() -> str:
    return _RUN_WHERE[0] if _RUN_WHERE else "against a sandbox"


def _executed_notebooks() -> list[Path]:
    reuse = os.environ.get("OWUI_DOCS_EXECUTED")
    sources = sorted(NOTEBOOKS.glob("*.ipynb"))
    if reuse:
        paths = [Path(reuse) / p.name for p in sources]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise SystemExit(f"$OWUI_DOCS_EXECUTED has no {', '.join(missing)}: run them first")
        _RUN_WHERE.append("reused from an earlier run")
        return paths
    from owui_notebook.notebook_runner import run_notebook

    EXECUTED.mkdir(parents=True, exist_ok=True)
    if os.environ.get("OWUI_URL"):
        env = {k: os.environ[k] for k in ("OWUI_URL", "OWUI_API_KEY") if k in os.environ}
        _RUN_WHERE.append("against the server in `$OWUI_URL`")
        return [_run(run_notebook, p, env) for p in sources]
    from owui_notebook.sandbox import Sandbox
    from owui_notebook.sandbox.provider import DEMO_MODELS

    _RUN_WHERE.append("against a sandbox with the demo models")
    with Sandbox(models=DEMO_MODELS) as box:
        env = {"OWUI_URL": box.url, "OWUI_API_KEY": box.api_key}
        return [_run(run_notebook, p, env) for p in sources]


def _run(run_notebook: Any, path: Path, env: dict[str, str]) -> Path:
    run = run_notebook(path, EXECUTED, env=env, html=False)
    if run.errors:
        raise SystemExit(
            f"docs: {path.name} failed at cell {run.errors[0].number}: {run.errors[0].error}"
        )
    return EXECUTED / path.name
