"""The documentation site builds with warnings as errors, covers the public API, and the README's
links into it resolve.

The build is the one command of the README's development section (``mkdocs build --strict``),
with the notebooks executed against this session's sandbox.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.commands import REPO

pytest.importorskip("mkdocs", reason="the docs extra (pip install -e '.[test]') builds the site")

README_LINK = re.compile(r"\]\((docs/[^)#\s]+)(#[^)\s]+)?\)")


@pytest.fixture(scope="module")
def site(owui_sandbox, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {
        **os.environ,
        "OWUI_URL": owui_sandbox.url,
        "OWUI_API_KEY": owui_sandbox.api_key,
        "OWUI_DOCS_OUT": str(tmp_path_factory.mktemp("executed")),
        "NO_MKDOCS_2_WARNING": "1",
    }
    env.pop("OWUI_DOCS_EXECUTED", None)
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-4000:]
    assert "WARNING" not in log, log[-4000:]
    for page in out.rglob("*"):
        if page.is_file() and page.suffix in (".html", ".md", ".json", ".txt", ".ipynb"):
            text = page.read_text(errors="replace")
            assert owui_sandbox.api_key not in text and owui_sandbox.jwt not in text, page
    return out


def page(site: Path, name: str) -> str:
    return (site / name / "index.html").read_text()


def ids(text: str) -> set[str]:
    return {html.unescape(i) for i in re.findall(r'\bid="([^"]+)"', text)}


@pytest.mark.parametrize("module", ["client", "frames", "widgets"])
def test_every_public_name_is_in_the_reference(site, module):
    imported = __import__(f"owui_notebook.{module}", fromlist=["__all__"])
    text = page(site, f"reference/{module}")
    anchors = ids(text)
    columns = ids(page(site, "reference/frame-columns"))
    missing = []
    for name in imported.__all__:
        if name.endswith("_COLUMNS"):  # schemas: a table each on the columns page
            if name.lower().replace("_", "-") not in columns:
                missing.append(name)
        elif f"owui_notebook.{module}.{name}" not in anchors:
            missing.append(name)
    assert missing == []


def test_every_column_of_every_frame_is_in_the_reference(site):
    from owui_notebook.frames import messages_frame, models_frame

    text = html.unescape(page(site, "reference/frame-columns"))
    for func in (messages_frame, models_frame):
        for _heading, schema in func.__frame_columns__:
            for column in schema.columns:
                assert f"<code>{column.name}</code>" in text, column.name
    # Every documented frame function has its table (analytics' schemas are not exported).
    from owui_notebook.frames import analytics_users_frame

    (_heading, users), *_ = analytics_users_frame.__frame_columns__
    assert all(f"<code>{c.name}</code>" in text for c in users.columns)


def test_every_magic_option_is_in_the_reference(site):
    from owui_notebook.magics.options import SUBCOMMANDS

    text = html.unescape(page(site, "reference/magics"))
    anchors = ids(text)
    for sub, stub in SUBCOMMANDS.items():
        assert sub in anchors, sub
        for action in stub.parser._actions:
            for flag in action.option_strings:
                if flag not in ("-h", "--help"):
                    assert f"<code>{flag}</code>" in text, f"%owui {sub} {flag}"


def test_readme_links_into_the_docs_resolve(site):
    readme = (REPO / "README.md").read_text()
    links = README_LINK.findall(readme)
    assert len(links) >= 5, "the README links into the docs"
    for path, anchor in links:
        target = REPO / path
        assert target.is_file(), path
        if target.suffix != ".md":  # an image: copied into the site as it is
            assert (site / target.relative_to(REPO / "docs")).is_file(), path
            continue
        built = "index.html" if target.stem == "index" else f"{target.stem}/index.html"
        sub = target.relative_to(REPO / "docs").parent
        text = (site / sub / built).read_text()
        if anchor:
            assert anchor[1:] in ids(text), f"{path}{anchor}"


def test_the_notebooks_appear_with_their_outputs(site):
    for nb in sorted((REPO / "notebooks").glob("*.ipynb")):
        text = page(site, f"notebooks/{nb.stem}")
        assert "executed while this site was built" in text, nb.name
        # An answer of the sandbox's models, streamed in while the site built.
        assert " says: " in html.unescape(text) or nb.stem.startswith("03"), nb.name
    analytics = page(site, "notebooks/03-usage-analytics")
    assert re.search(r'<img [^>]*src="[^"]+\.png"', analytics), "its plots are shown"
