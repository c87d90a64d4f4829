"""The native SM4-GCM (application/_sm4gcm.c, built by `pip install -e .` where gcc and
libgcrypt's headers are): tests of it skip where it was not built, and fail when CI=true
(.ci/run installs libgcrypt20-dev; the machine has gcc)."""

from __future__ import annotations

import os

import pytest

from application.sealing import NATIVE

REQUIRED = os.environ.get("CI") == "true"

NEEDS_NATIVE_SM4 = pytest.mark.skipif(
    not NATIVE and not REQUIRED,
    reason="application/_sm4gcm.c not built (needs gcc and libgcrypt20-dev; CI requires it)",
)
