"""One seed, many independent random streams: init, shuffling, noise, augmentation, ...

Each stream is named, so adding a stream never shifts the numbers another stream draws.
"""

import zlib

import numpy as np


def rng(seed: int, *stream: str | int) -> np.random.Generator:
    """A generator for the named stream of `seed` (e.g. rng(0, "init", "teacher"))."""
    key = [int(seed)] + [zlib.crc32(part.encode()) if isinstance(part, str) else int(part) for part in stream]
    return np.random.default_rng(np.random.SeedSequence(key))
