"""An envelope's plaintext: a batch of record operations, as MessagePack ``{"v": 1, "o": ops}``
compressed with zstd (the author is the envelope's, bound by its associated data).

An operation is a plain list, so the store can build and apply it without importing this
package:

    ["r", entity, record_id, [[stamp, {field: value, ...}], ...]]   register fields, grouped by
                                                                   the stamp that set them
    ["a", entity, record_id, stamp, {field: value, ...}]           an append-only record

Values are what the local store keeps (text, numbers, JSON text); a map field's keys travel as
``field.key`` with the key's own value. Compression runs before encryption (ciphertext does not
compress); zstd's level 3 is where size stops shrinking faster than time grows.

Everything received is hostile until proven otherwise: a frame's declared size is checked
before anything is allocated, a frame that declares none is read in slices up to the cap, and
MessagePack is unpacked with limits on every string, binary, array and map.
"""

from __future__ import annotations

import threading

import msgpack
import zstandard

from sync.client.errors import ProtocolError

FORMAT = 1
LEVEL = 3
# A hostile or broken envelope cannot make this device allocate more than this (an envelope
# is at most 4 MiB compressed; honest batches of 2000 operations stay far below).
MAX_PLAINTEXT = 64 * 1024 * 1024
# Per value inside a batch: the longest text or binary a record can carry, the most
# operations or fields in one list or map.
MAX_VALUE_BYTES = 8 * 1024 * 1024
MAX_ITEMS = 100_000
_SLICE = 1024 * 1024


class Oversize(ProtocolError):
    """A batch that would decode to more than the cap: refused before it is allocated."""


# zstd contexts are not thread-safe: two threads compressing through one context crash or
# produce a corrupt frame. Each thread keeps its own (a context is reused, so sealing ten
# thousand small envelopes does not build ten thousand contexts).
_local = threading.local()


def _compressor() -> zstandard.ZstdCompressor:
    compressor = getattr(_local, "compressor", None)
    if compressor is None:
        compressor = _local.compressor = zstandard.ZstdCompressor(level=LEVEL)
    return compressor


def encode(ops: list) -> bytes:
    # The author is the envelope's (signed, in its associated data); nothing else to say here.
    packed = msgpack.packb({"v": FORMAT, "o": ops}, use_bin_type=True)
    return _compressor().compress(packed)


def decompress(data: bytes, limit: int = MAX_PLAINTEXT) -> bytes:
    """One zstd frame's content, never more than ``limit`` bytes allocated for it."""
    try:
        declared = zstandard.frame_content_size(data)
    except zstandard.ZstdError:
        raise ProtocolError("not a zstd frame") from None
    if declared > limit:
        raise Oversize(f"frame declares {declared} bytes")
    try:
        if declared >= 0:
            return zstandard.ZstdDecompressor().decompress(data)
        # No declared size: read in slices and stop at the cap.
        out = bytearray()
        with zstandard.ZstdDecompressor().stream_reader(data) as reader:
            while True:
                chunk = reader.read(_SLICE)
                if not chunk:
                    return bytes(out)
                out += chunk
                if len(out) > limit:
                    raise Oversize("frame decodes past the cap")
    except zstandard.ZstdError:
        raise ProtocolError("broken zstd frame") from None
    except MemoryError:
        raise Oversize("no memory for the frame") from None


def decode(data: bytes) -> list:
    """The ops; ProtocolError (Oversize for a batch past the caps) for anything that is not a
    batch this version understands."""
    packed = decompress(data)
    try:
        doc = msgpack.unpackb(packed, raw=False, strict_map_key=False, max_str_len=MAX_VALUE_BYTES,
                              max_bin_len=MAX_VALUE_BYTES, max_array_len=MAX_ITEMS, max_map_len=MAX_ITEMS,
                              max_ext_len=0)
    except MemoryError:
        raise Oversize("no memory for the batch") from None
    except (ValueError, msgpack.ExtraData, msgpack.FormatError, msgpack.StackError) as exc:
        raise ProtocolError(f"unreadable batch: {type(exc).__name__}") from None
    if not isinstance(doc, dict) or doc.get("v") != FORMAT or not isinstance(doc.get("o"), list):
        raise ProtocolError(f"batch format {doc.get('v') if isinstance(doc, dict) else '?'}")
    return doc["o"]
