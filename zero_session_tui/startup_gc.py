"""Python's cyclic garbage collector held off while Textual and the app are imported and built.

Start-up allocates a few hundred thousand long-lived objects (modules, classes, CSS rules).
Each of them was traced again by every collection meanwhile: on the 200k session's launch,
114 young collections (9 ms), 10 middle ones (8 ms) and a full one inside the first frame
(14 ms, which found 210 objects to free). Held off, then frozen (``gc.freeze``: what start-up
made is never traced again) and enabled once the app is built: the first frame and everything
after it run with the collector on, over their own objects only.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["held_off"]


@contextmanager
def held_off() -> Iterator[None]:
    """No cyclic collection inside; on the way out, what exists is frozen and collection is
    on again (as it was: a caller that had disabled it keeps it disabled)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
