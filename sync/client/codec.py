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
"""

from __future__ import annotations

import msgpack
import zstandard

from sync.client.errors import ProtocolError

FORMAT = 1
LEVEL = 3
# A hostile or broken envelope cannot make this device allocate more than this.
MAX_PLAINTEXT = 64 * 1024 * 1024

_compressor = zstandard.ZstdCompressor(level=LEVEL)


def encode(ops: list) -> bytes:
    # The author is the envelope's (signed, in its associated data); nothing else to say here.
    packed = msgpack.packb({"v": FORMAT, "o": ops}, use_bin_type=True)
    return _compressor.compress(packed)


def decode(data: bytes) -> list:
    """The ops; ProtocolError for anything that is not a batch this version understands (the
    caller keeps the envelope to try again after an upgrade)."""
    try:
        packed = zstandard.ZstdDecompressor().decompress(data, max_output_size=MAX_PLAINTEXT)
        doc = msgpack.unpackb(packed, raw=False, strict_map_key=False)
    except (zstandard.ZstdError, ValueError, msgpack.ExtraData, msgpack.FormatError, msgpack.StackError) as exc:
        raise ProtocolError(f"unreadable batch: {type(exc).__name__}") from None
    if not isinstance(doc, dict) or doc.get("v") != FORMAT or not isinstance(doc.get("o"), list):
        raise ProtocolError(f"batch format {doc.get('v') if isinstance(doc, dict) else '?'}")
    return doc["o"]
