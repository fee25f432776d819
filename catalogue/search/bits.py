"""Sets of document numbers as Python integers: bit n set for document n. Intersections,
unions and counts are then single big-integer operations."""
from __future__ import annotations

from itertools import compress

BITS = tuple(1 << i for i in range(8))


def docs_mask(docnums) -> int:
    """A bitmask (bit n set for document number n) of ``docnums``."""
    if not isinstance(docnums, (list, tuple, set, frozenset)):
        docnums = list(docnums)
    if not docnums:
        return 0
    bits = bytearray((max(docnums) >> 3) + 1)
    for d in docnums:
        bits[d >> 3] |= BITS[d & 7]
    return int.from_bytes(bits, "little")


_BINARY_DIGITS = bytes.maketrans(b"01", b"\x00\x01")


def mask_docnums(mask: int) -> list[int]:
    """The document numbers whose bits are set in ``mask``, in order."""
    if not mask:
        return []
    digits = bin(mask)[:1:-1].encode("ascii").translate(_BINARY_DIGITS)  # one byte per bit, lowest first
    return list(compress(range(len(digits)), digits))


def and_masks(masks) -> int | None:
    """The intersection of ``masks`` (None when there are none)."""
    result = None
    for mask in masks:
        result = mask if result is None else result & mask
    return result
