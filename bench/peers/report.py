"""The table: one row per contender per measure, as Markdown (printed and written) and JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .contenders import PEERS

PEER_LABELS = {p.label for p in PEERS}

HEADER = (
    "| measure | contender | call | median | vs owui-notebook | other "
    "| saved chats: validate_history |",
    "|---|---|---|---:|---:|---|---|",
)


def _duration(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _tree(tree: dict[str, Any] | None) -> str:
    if tree is None:
        return "saves nothing"
    text = f"{tree['valid']}/{tree['checked']} valid"
    if tree["problems"]:
        worst = sorted(tree["problems"].items(), key=lambda kv: -kv[1])[:2]
        text += ": " + "; ".join(problem for problem, _ in worst)
    return text


def _other(section: str, row: dict[str, Any]) -> str:
    parts = []
    if section == "stream":
        parts.append(f"{row['added_ms_over_raw']:+.1f} ms vs raw")
        parts.append(f"answer done {_duration(row['total_median_s'])}")
    elif section == "compare":
        parts.append(f"{row['ratio_to_slowest_single']:.3f}× slowest alone")
    elif section == "stats":
        parts.append(f"{row['rows']:,} rows × {row['columns']} cols")
        parts.append(f"peak RSS {row['peak_rss_mb']:.0f} MB")
    elif section == "imports":
        parts.append(f"+{row['rss_mb_median']:.1f} MB RSS, {row['modules']} modules")
    if row.get("note"):
        parts.append(row["note"])
    return "; ".join(parts)


def markdown(sections: list[dict[str, Any]]) -> str:
    lines = list(HEADER)
    for section in sections:
        for index, row in enumerate(section["rows"]):
            measure = section["title"] if index == 0 else ""
            ratio = row["ratio_to_ours"]
            lines.append(
                f"| {measure} | {row['contender']} | `{row['call']}` | "
                f"{_duration(row['median_s'])} | {ratio:.2f}× | {_other(section['id'], row)} | "
                f"{_tree(row['tree']) if section['id'] in ('chat', 'stream', 'compare') else ''} |"
            )
    return "\n".join(lines)


def verdicts(report: dict[str, Any]) -> list[str]:
    """Ours against DESIGN.md's budgets, and every measure where a peer beat ours."""
    out = []
    by_id = {s["id"]: s for s in report["sections"]}
    if "stream" in by_id:
        ours = next(r for r in by_id["stream"]["rows"] if r["contender"] == "owui-notebook")
        added = ours["added_ms_over_raw"]
        out.append(
            f"budget: first token adds < 5 ms over a raw SSE read -> "
            f"{'within' if added < 5 else 'OVER'} ({added:+.2f} ms)"
        )
    if "compare" in by_id:
        ours = next(r for r in by_id["compare"]["rows"] if r["contender"] == "owui-notebook")
        ratio = ours["ratio_to_slowest_single"]
        out.append(
            f"budget: 4 models within 10% of the slowest alone -> "
            f"{'within' if ratio <= 1.10 else 'OVER'} ({ratio:.3f}×)"
        )
    if "imports" in by_id:
        rows = by_id["imports"]["rows"]
        for row in rows:
            if row["call"] == "import owui_notebook":
                med = row["median_s"]
                out.append(
                    f"budget: import owui_notebook < 0.5 s -> "
                    f"{'within' if med < 0.5 else 'OVER'} ({med:.3f} s)"
                )
        # Ratios there are peer / ours; the budget is ours / the lightest peer <= 1.0.
        peers = [r for r in rows if r["contender"] in PEER_LABELS]
        if peers:
            lightest = min(peers, key=lambda r: r["ratio_to_ours"])
            ours = 1 / lightest["ratio_to_ours"]
            out.append(
                f"budget: `{rows[0]['call']}` no slower than the lightest peer "
                f"({lightest['contender']}) -> {'within' if ours <= 1.0 else 'OVER'} "
                f"({ours:.2f}× its import)"
            )
    for section in report["sections"]:
        for row in section["rows"]:
            if row["contender"] in PEER_LABELS and row["ratio_to_ours"] < 1:
                out.append(
                    f"slower than a peer: {section['title']}: {row['contender']} "
                    f"at {row['ratio_to_ours']:.2f}× ours"
                )
    return out


def write(report: dict[str, Any], json_path: Path, md_path: Path) -> str:
    table = markdown(report["sections"])
    head = (
        f"{report['date']}, {report['machine']}, Python {report['python']}, "
        f"Open WebUI {report['open_webui']} sandbox, "
        + ", ".join(f"{k} {v}" for k, v in report["versions"].items())
        + f"; medians of {report['runs']} interleaved runs "
        f"({report['long_runs']} for measures 3-5), {report['wall_s'] / 60:.1f} min in all."
    )
    text = "\n".join(
        [
            head,
            "Ratios are the median over runs of (contender / owui-notebook in the same run): "
            "above 1 is slower than ours.",
            "",
            table,
            "",
            *[f"- {v}" for v in verdicts(report)],
            "",
        ]
    )
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(report, indent=1))
    md_path.write_text(text)
    return text
