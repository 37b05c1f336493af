"""Images to show a vision model: from a path, bytes, a PIL image or a matplotlib figure.

Duck-typed so the core never imports PIL or matplotlib: anything with ``savefig`` (a
matplotlib ``Figure``) or ``save`` (a PIL ``Image``) is written to PNG in memory. An image
travels as the web UI sends it: an OpenAI ``image_url`` content part holding a data URL, and
in the saved user message as ``files: [{"type": "image", "url": <data URL>}]``, which the
web UI shows above the prompt.
"""

from __future__ import annotations

import base64
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigurationError

#: Largest image sent (bytes of the encoded file). The chat stores it base64-encoded, a third
#: larger, in the server's database; providers reject much larger ones anyway (OpenAI: 20 MB).
MAX_IMAGE_BYTES = 10 * 1024 * 1024

# Formats vision models accept (OpenAI, Ollama, vLLM), by their file signature.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
_DATA_URL_PREFIX = "data:image/"


@dataclass(frozen=True, repr=False)
class Image:
    """One image ready to send: its encoded bytes, MIME type and a display name."""

    data: bytes
    mime: str
    name: str

    def __repr__(self) -> str:
        return f"<Image {self.name!r} {self.mime} {len(self.data):,} bytes>"

    @property
    def data_url(self) -> str:
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"

    def content_part(self) -> dict[str, Any]:
        """The OpenAI content part a vision model reads."""
        return {"type": "image_url", "image_url": {"url": self.data_url}}

    def file_entry(self) -> dict[str, Any]:
        """The entry in the user message's ``files`` that the web UI shows as the image."""
        return {"type": "image", "url": self.data_url, "name": self.name}


def to_image(source: Any, *, name: str | None = None, max_bytes: int = MAX_IMAGE_BYTES) -> Image:
    """An `Image` from a path, bytes, a data URL, a PIL image or a matplotlib figure.

    Raises `ConfigurationError` with one line saying what to do for a missing file, data
    that is not a PNG, JPEG, GIF or WebP image, an object that cannot be saved as one, or an
    image larger than `max_bytes`.
    """
    if isinstance(source, Image):
        data, mime, label = source.data, source.mime, source.name
    elif isinstance(source, str) and source.startswith(_DATA_URL_PREFIX):
        data, label = _from_data_url(source), "image"
        mime = _sniff(data, "the data URL")
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source).expanduser()
        if not path.is_file():
            raise ConfigurationError(
                f"no image file {str(source)!r} (paths are relative to {Path.cwd()})"
            )
        _check_size(path.stat().st_size, path.name, max_bytes)
        data, label = path.read_bytes(), path.name
        mime = _sniff(data, path.name)
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data, label = bytes(source), "image"
        mime = _sniff(data, "the bytes given")
    else:
        data, label = _render(source), type(source).__name__
        mime = "image/png"
    _check_size(len(data), name or label, max_bytes)
    label = name or label
    if "." not in label:
        label = f"{label}.{_EXTENSIONS[mime]}"
    return Image(data=data, mime=mime, name=label)


def to_images(sources: Any, *, max_bytes: int = MAX_IMAGE_BYTES) -> list[Image]:
    """`to_image` for one source or a list/tuple of them (``None`` gives none)."""
    if sources is None:
        return []
    if isinstance(sources, (list, tuple)):
        return [to_image(s, max_bytes=max_bytes) for s in sources]
    return [to_image(sources, max_bytes=max_bytes)]


def _render(obj: Any) -> bytes:
    """PNG bytes of a matplotlib figure (``savefig``) or a PIL image (``save``)."""
    buffer = io.BytesIO()
    if callable(getattr(obj, "savefig", None)):
        obj.savefig(buffer, format="png", bbox_inches="tight")
    elif callable(getattr(obj, "save", None)) and hasattr(obj, "size"):
        image = obj
        if getattr(image, "mode", "RGB") not in ("RGB", "RGBA", "L", "LA", "P", "1"):
            image = image.convert("RGBA")  # CMYK, I;16 and friends do not go into a PNG
        image.save(buffer, format="PNG")
    else:
        raise ConfigurationError(
            f"cannot send a {type(obj).__name__} as an image: give a file path, PNG/JPEG "
            "bytes, a PIL image or a matplotlib figure"
        )
    return buffer.getvalue()


def _sniff(data: bytes, what: str) -> str:
    for signature, mime in _SIGNATURES:
        if data.startswith(signature):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    raise ConfigurationError(
        f"{what} is not a PNG, JPEG, GIF or WebP image: convert it, or attach other "
        "files with --file"
    )


def _check_size(size: int, label: str, max_bytes: int) -> None:
    if size > max_bytes:
        raise ConfigurationError(
            f"image {label} is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit: "
            "make it smaller (fewer pixels, or JPEG)"
        )


def _from_data_url(url: str) -> bytes:
    header, _, payload = url.partition(",")
    if ";base64" not in header:
        raise ConfigurationError("an image data URL must be base64-encoded")
    try:
        return base64.b64decode(payload, validate=True)
    except ValueError:
        raise ConfigurationError("the image data URL is not valid base64") from None
