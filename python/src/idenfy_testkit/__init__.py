"""idenfy-testkit for Python: webhook signatures, the bundled fixtures, a local simulator and
``fuzz`` for your own webhook endpoint.

The simulator is the ``idenfy-testkit`` binary installed with this package; the pytest plugin
(:mod:`idenfy_testkit.pytest_plugin`, registered automatically) starts it as the ``idenfy_sim``
fixture.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Union

from ._fixtures import Fixture, fixtures
from ._fuzz import FuzzResult, fuzz
from ._simulator import Simulator, SimulatorError

__all__ = ["Fixture", "FuzzResult", "Simulator", "SimulatorError", "fixtures", "fuzz", "sign"]


def sign(key: Union[str, bytes], body: Union[str, bytes]) -> str:
    """The ``Idenfy-Signature`` of ``body``: lower-case hex HMAC-SHA256 under ``key``.

    Sign the raw bytes you send or receive; a ``str`` is taken as UTF-8.
    """
    key_bytes = key.encode() if isinstance(key, str) else key
    body_bytes = body.encode() if isinstance(body, str) else body
    return hmac.new(key_bytes, body_bytes, hashlib.sha256).hexdigest()
