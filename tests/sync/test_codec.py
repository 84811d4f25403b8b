"""The envelope codec under threads and against hostile frames (issue 9)."""

from __future__ import annotations

import os
import threading

import pytest
import zstandard

from sync.client import codec, crypto
from sync.client.errors import ProtocolError


def _ops(thread: int, n: int) -> list:
    # Text that compresses but not to nothing: each envelope its own.
    return [["a", "note", f"t{thread}n{n}i{i}", f"{i:016x}-dev", {"text": f"訪問 {thread}/{n}/{i} " * 40 + os.urandom(
        8).hex()}] for i in range(60)]


def test_two_threads_sealing_at_once_seal_envelopes_that_all_open():
    key, signer = crypto.new_vault_key(), crypto.KeyPair.generate()
    sealed: list[tuple[list, crypto.Envelope]] = []
    failures: list[BaseException] = []
    start = threading.Barrier(2)

    def seal(thread: int) -> None:
        try:
            start.wait()
            for n in range(150):
                ops = _ops(thread, n)
                env = crypto.seal(codec.encode(ops), key, "vaultaaaa", f"env{thread}x{n}", 1, "devaaaaa", signer)
                sealed.append((ops, env))
        except BaseException as exc:  # noqa: BLE001 - the test reports whatever a thread met
            failures.append(exc)

    threads = [threading.Thread(target=seal, args=(t,)) for t in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    assert len(sealed) == 300
    for ops, env in sealed:
        assert codec.decode(crypto.open_envelope(env, key)) == ops


def test_a_frame_declaring_a_huge_size_is_refused_before_it_is_allocated():
    bomb = zstandard.ZstdCompressor(level=19).compress(bytes(100 * 1024 * 1024))
    assert len(bomb) < 4096 and zstandard.frame_content_size(bomb) == 100 * 1024 * 1024
    with pytest.raises(codec.Oversize):
        codec.decode(bomb)
    # The cap is exact: one byte over is refused, the cap itself decodes.
    frame = zstandard.ZstdCompressor(level=1).compress(b"x" * 100)
    with pytest.raises(codec.Oversize):
        codec.decompress(frame, limit=99)
    assert codec.decompress(frame, limit=100) == b"x" * 100


def test_a_frame_without_a_declared_size_is_streamed_up_to_the_cap():
    quiet = zstandard.ZstdCompressor(level=19, write_content_size=False).compress(bytes(100 * 1024 * 1024))
    assert zstandard.frame_content_size(quiet) == -1
    with pytest.raises(codec.Oversize):
        codec.decode(quiet)
    small = zstandard.ZstdCompressor(write_content_size=False).compress(b"abc")
    assert codec.decompress(small) == b"abc"


def test_msgpack_limits_refuse_a_huge_declared_container():
    import msgpack

    # An array header claiming 2^32-1 items, then nothing: refused, no MemoryError.
    frame = zstandard.ZstdCompressor().compress(b"\x81\xa1o\xdd\xff\xff\xff\xff")
    with pytest.raises(ProtocolError):
        codec.decode(frame)
    long_text = msgpack.packb({"v": 1, "o": [["a", "note", "x", "s", {"text": "あ" * (codec.MAX_VALUE_BYTES // 3 + 1)}]]})
    with pytest.raises(ProtocolError):
        codec.decode(zstandard.ZstdCompressor().compress(long_text))
