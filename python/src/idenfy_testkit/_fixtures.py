"""The fixture files shipped inside the package (the repository's ``fixtures/``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any, Dict, Iterator, Optional

# Files that describe other fixtures rather than being one.
_SIGNATURES = "webhooks/signatures.json"
_METADATA = {_SIGNATURES, "index.json"}


@dataclass(frozen=True)
class Fixture:
    """One fixture file.

    ``kind`` is its folder (``"token-requests"``, ``"webhooks/auto"``, ``"invalid"``…), ``name``
    its file name without ``.json``, ``path`` its path under ``fixtures/``. Webhook bodies also
    carry the ``signature`` and ``event_type`` they were sent with (signed with the key in
    ``fixtures/README.md``); other fixtures have ``None`` there.
    """

    kind: str
    name: str
    path: str
    signature: Optional[str] = None
    event_type: Optional[str] = None

    def read_bytes(self) -> bytes:
        """The file's exact bytes (a webhook body is signed over these)."""
        return _root().joinpath(self.path).read_bytes()

    def json(self) -> Any:
        """The file parsed as JSON."""
        return json.loads(self.read_bytes())


def fixtures(kind: Optional[str] = None) -> Iterator[Fixture]:
    """Every bundled fixture in path order, or those whose ``kind`` is ``kind`` or under it.

    ``fixtures("webhooks")`` gives the automatic and manual webhook bodies,
    ``fixtures("webhooks/auto")`` only the automatic ones.
    """
    signed: Dict[str, Dict[str, str]] = json.loads(_root().joinpath(_SIGNATURES).read_bytes())
    for path in sorted(_json_files(_root(), "")):
        if path in _METADATA:
            continue
        folder, _, file_name = path.rpartition("/")
        if kind is not None and folder != kind and not folder.startswith(kind + "/"):
            continue
        signature = signed.get(path[len("webhooks/"):], {}) if folder.startswith("webhooks/") else {}
        yield Fixture(
            kind=folder,
            name=file_name[: -len(".json")],
            path=path,
            signature=signature.get("signature"),
            event_type=signature.get("eventType"),
        )


def _root() -> Any:
    return resources.files(__package__).joinpath("fixtures")


def _json_files(directory: Any, prefix: str) -> Iterator[str]:
    for entry in directory.iterdir():
        if entry.is_dir():
            yield from _json_files(entry, prefix + entry.name + "/")
        elif entry.name.endswith(".json"):
            yield prefix + entry.name
