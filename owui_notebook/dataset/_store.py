"""The dataset on disk: generations swapped atomically, and a resumable staging area.

    DIR/chats     -> .owui/current/chats        (symlinks: readers see one generation)
    DIR/messages  -> .owui/current/messages
    DIR/.owui/current -> gen-000004             (replaced by one rename: the commit)
    DIR/.owui/gen-000004/{chats,messages}/month=YYYY-MM/*.parquet, manifest.json
    DIR/.owui/staging/                          (a run in progress: chunks + state.json)

A run writes the chats it fetches into closed chunk files under staging (listed in
``state.json`` only once complete), then builds the next generation from the current one:
unchanged files are hard links, files holding changed or deleted chats are rewritten
without them, and the staged chunks are linked in. Replacing the ``current`` link is the
commit: killed before it, the previous generation is untouched and the next run resumes
from the staged chunks; after it, the new one is complete.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ._schema import PARTITION

TABLES = ("chats", "messages")
USERS = "users"  # one small file per generation: id, name, email, role
META = ".owui"
MANIFEST = "manifest.json"
STATE = "state.json"
FORMAT = 1
# A partition holding more files than this is compacted into one when a run touches it.
MAX_FILES = 8
# Rows read or rewritten at a time when a generation is built: what bounds its memory.
BATCH_ROWS = 65_536


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w") as out:
        json.dump(data, out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:  # a file system without hard links
        shutil.copy2(src, dst)


def write_parquet(path: Path, tables: Iterable[pa.Table], schema: pa.Schema) -> int:
    """Write `tables` (batches as they come) into one file, atomically; the rows written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name("." + path.name + ".tmp")
    rows = 0
    with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        for part in tables:
            if part.num_rows:
                writer.write_table(part)
                rows += part.num_rows
    os.replace(tmp, path)
    return rows


def parquet_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.parquet") if not p.name.startswith("."))


class Store:
    """One dataset directory (see the module docstring)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).expanduser()
        self.meta = self.root / META
        self.staging = self.meta / "staging"

    # -- the committed generation -------------------------------------------------------

    @property
    def current(self) -> Path | None:
        link = self.meta / "current"
        if not link.is_symlink():
            return None
        target = self.meta / os.readlink(link)
        return target if (target / MANIFEST).exists() else None

    def manifest(self) -> dict[str, Any] | None:
        current = self.current
        if current is None:
            return None
        return json.loads((current / MANIFEST).read_text())

    def next_generation(self) -> Path:
        current = self.current
        number = int(current.name.split("-")[1]) + 1 if current else 1
        path = self.meta / f"gen-{number:06d}"
        shutil.rmtree(path, ignore_errors=True)  # left by a run killed while building it
        path.mkdir(parents=True)
        return path

    def commit(self, generation: Path, manifest: dict[str, Any]) -> None:
        """Make `generation` the dataset (one rename), then drop the old one and staging."""
        old = self.current
        _write_json(generation / MANIFEST, {"format": FORMAT, **manifest})
        tmp = self.meta / "current.tmp"
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        tmp.symlink_to(generation.name)
        os.replace(tmp, self.meta / "current")
        self._ensure_links()
        shutil.rmtree(self.staging, ignore_errors=True)
        if old is not None and old != generation:
            shutil.rmtree(old, ignore_errors=True)
        self.clean()

    def clean(self) -> None:
        """Remove generations no link points at (left by runs killed after building)."""
        current = self.current
        for path in self.meta.glob("gen-*"):
            if path != current:
                shutil.rmtree(path, ignore_errors=True)

    def _ensure_links(self) -> None:
        for name in (*TABLES, USERS):
            link = self.root / name
            want = os.path.join(META, "current", name)
            if link.is_symlink() and os.readlink(link) == want:
                continue
            if link.exists() and not link.is_symlink():
                raise FileExistsError(
                    f"{link} exists and is not this dataset's: export into an empty or "
                    "owui-notebook directory"
                )
            tmp = self.root / f".{name}.tmp"
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            tmp.symlink_to(want)
            os.replace(tmp, link)

    def partitions(self, generation: Path | None, name: str) -> dict[str, list[Path]]:
        """``{month: files}`` of one table of a generation (or of staging)."""
        if generation is None:
            return {}
        out: dict[str, list[Path]] = {}
        for directory in sorted((generation / name).glob(f"{PARTITION}=*")):
            files = parquet_files(directory)
            if files:
                out[directory.name.split("=", 1)[1]] = files
        return out

    # -- staging: a run in progress -----------------------------------------------------

    def state(self) -> dict[str, Any] | None:
        path = self.staging / STATE
        if not path.exists():
            return None
        try:
            return json.loads(path.read_text())
        except ValueError:
            return None

    def start(self, state: dict[str, Any]) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir(parents=True)
        _write_json(self.staging / STATE, state)

    def save_state(self, state: dict[str, Any]) -> None:
        _write_json(self.staging / STATE, state)

    def drop_unlisted_chunks(self, chunks: Iterable[str]) -> None:
        """Files of a chunk a killed run never finished (not in the state) go."""
        keep = set(chunks)
        for name in TABLES:
            for path in (self.staging / name).glob(f"{PARTITION}=*/*"):
                if path.stem not in keep:
                    path.unlink()

    # -- building the next generation ---------------------------------------------------

    def purge_staged(self, ids: set[str], chunks: Iterable[str]) -> None:
        """Remove `ids` from the given staged chunks (chats that changed again since)."""
        if not ids:
            return
        doomed = pa.array(sorted(ids), type=pa.string())
        names = set(chunks)
        for name in TABLES:
            for path in (self.staging / name).glob(f"{PARTITION}=*/*.parquet"):
                if path.stem in names:
                    tmp = path.with_name("purged-" + path.name)
                    _carry(path, tmp, "chat_id", doomed)
                    if tmp.exists():
                        os.replace(tmp, path)
                    else:
                        path.unlink()

    def build(self, generation: Path, drop: set[str], base: Path | None) -> Iterator[str]:
        """Fill `generation` from `base` minus `drop` (chat ids) plus staging; yields each
        partition written (for progress)."""
        doomed = pa.array(sorted(drop), type=pa.string())
        for name in TABLES:
            old = self.partitions(base, name)
            new = self.partitions(self.staging, name)
            key = "chat_id"
            for month in sorted(set(old) | set(new)):
                target = generation / name / f"{PARTITION}={month}"
                files: list[Path] = []
                for path in old.get(month, []):
                    files.append(_carry(path, target / path.name, key, doomed))
                for path in new.get(month, []):
                    _link(path, target / path.name)
                    files.append(target / path.name)
                files = [f for f in files if f.exists()]
                if len(files) > MAX_FILES:
                    _compact(files, target / f"{generation.name}.parquet")
                yield f"{name}/{month}"


def _carry(src: Path, dst: Path, key: str, doomed: pa.Array) -> Path:
    """Link `src` into the new generation, or rewrite it without the doomed chats."""
    if len(doomed) and _holds_any(src, key, doomed):
        source = pq.ParquetFile(src)

        def kept() -> Iterator[pa.Table]:
            for batch in source.iter_batches(batch_size=BATCH_ROWS):
                mask = pc.invert(pc.is_in(batch.column(key), value_set=doomed))
                yield pa.Table.from_batches([batch]).filter(mask)

        rows = write_parquet(dst, kept(), source.schema_arrow)
        if rows == 0:
            dst.unlink()
        return dst
    _link(src, dst)
    return dst


def _holds_any(src: Path, key: str, ids: pa.Array) -> bool:
    """Whether file `src` has a row whose `key` is in `ids`, read a batch at a time (a
    month's messages file of a large deployment is too big to read whole)."""
    for batch in pq.ParquetFile(src).iter_batches(batch_size=BATCH_ROWS, columns=[key]):
        if pc.any(pc.is_in(batch.column(0), value_set=ids)).as_py():
            return True
    return False


def _compact(files: list[Path], dst: Path) -> None:
    schema = pq.ParquetFile(files[0]).schema_arrow

    def batches() -> Iterator[pa.Table]:
        for path in files:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS):
                yield pa.Table.from_batches([batch])

    tmp = dst.with_name("compact-" + dst.name)
    write_parquet(tmp, batches(), schema)
    for path in files:
        path.unlink()
    os.replace(tmp, dst)


def count_rows(generation: Path, name: str) -> int:
    return sum(
        pq.ParquetFile(p).metadata.num_rows
        for p in (generation / name).glob(f"{PARTITION}=*/*.parquet")
    )
