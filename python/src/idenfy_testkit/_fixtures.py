"""The fixture files shipped inside the package (the repository's ``fixtures/``), with what
``fixtures/index.json`` says about each."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Dict, Iterator, Optional

_INDEX = "index.json"
_SIGNATURES = "webhooks/signatures.json"


@dataclass(frozen=True)
class Fixture:
    """One fixture file and its entry in ``fixtures/index.json``.

    ``path`` is its path under ``fixtures/``, ``name`` its file name without ``.json``,
    ``kind`` what it holds (``token-request``, ``webhook``, ``invalid``…), ``case`` the API
    values it stands for (``dummyStatus``, ``manualFaceMatchResult``…) and ``expected`` the
    outcome your code should reach with it (``httpStatus``, ``event``, ``final``, ``overall``…),
    or ``None`` where there is none. Webhook bodies also carry the ``signature`` and
    ``event_type`` they were sent with (signed with the key in ``fixtures/README.md``).
    """

    path: str
    kind: str
    case: Dict[str, Any] = field(default_factory=dict)
    expected: Optional[Dict[str, Any]] = None
    signature: Optional[str] = None
    event_type: Optional[str] = None

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1][: -len(".json")]

    def read_bytes(self) -> bytes:
        """The file's exact bytes (a webhook body is signed over these)."""
        return _root().joinpath(self.path).read_bytes()

    def json(self) -> Any:
        """The file parsed as JSON."""
        return json.loads(self.read_bytes())


def fixtures(under: Optional[str] = None) -> Iterator[Fixture]:
    """Every bundled fixture in path order, or those in folder ``under`` and its subfolders.

    ``fixtures("webhooks")`` gives every webhook body, ``fixtures("webhooks/auto")`` only the
    automatic ones.
    """
    index = json.loads(_root().joinpath(_INDEX).read_bytes())
    signed: Dict[str, Dict[str, str]] = json.loads(_root().joinpath(_SIGNATURES).read_bytes())
    for entry in index:
        path = entry["path"]
        if under is not None and not path.startswith(under.rstrip("/") + "/"):
            continue
        signature = signed.get(path[len("webhooks/"):], {}) if entry["kind"] == "webhook" else {}
        yield Fixture(
            path=path,
            kind=entry["kind"],
            case=entry["case"],
            expected=entry.get("expected"),
            signature=signature.get("signature"),
            event_type=signature.get("eventType"),
        )


def _root() -> Any:
    return resources.files(__package__).joinpath("fixtures")
