"""``idenfy_testkit.fuzz``: property-based testing of your own webhook endpoint from Python,
through ``idenfy-testkit fuzz`` (genuine signed webhook sequences, a probe of what your system
decided, a failure shrunk to a minimal case you can replay)."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from ._simulator import _find_binary


@dataclass
class FuzzResult:
    """What one ``fuzz`` run found.

    ``passed`` is true when every case passed; ``report`` is the ``--json`` report (``failure``
    holds the minimal case, ``replayFile`` the replay file when ``out`` was given); ``log`` is
    what the run printed for people, the minimal case step by step when one failed.
    """

    passed: bool
    report: Dict[str, Any]
    log: str

    def assert_passed(self) -> None:
        """Raises ``AssertionError`` with the minimal failing case, unless every case passed."""
        if not self.passed:
            raise AssertionError("idenfy-testkit fuzz found a failing case:\n" + self.log)


def fuzz(
    to: str,
    signing_key: str,
    probe: Optional[str] = None,
    expect: Optional[Mapping[str, str]] = None,
    probe_pointer: Optional[str] = None,
    setup_url: Optional[str] = None,
    cases: Optional[int] = None,
    seed: Optional[int] = None,
    out: Optional[Union[str, "os.PathLike[str]"]] = None,
    extra_args: Sequence[str] = (),
    timeout: float = 600.0,
) -> FuzzResult:
    """Runs ``idenfy-testkit fuzz`` against the webhook endpoint ``to``.

    ``probe`` is a URL template with ``{scanRef}`` answering what your system holds for a
    verification as JSON (``probe_pointer``, default ``/status``); ``expect`` maps iDenfy's
    overall statuses to your words (``{"APPROVED": "verified"}``). ``out`` is where a failing
    case is written as a replay file. Raises ``RuntimeError`` when the command line was refused
    (exit code 2) or the run could not report.
    """
    command: List[str] = [_find_binary(), "fuzz", "--to", to, "--json"]
    if probe is not None:
        command += ["--probe", probe]
    for status, word in (expect or {}).items():
        command += ["--expect", f"{status}={word}"]
    for flag, value in (
        ("--probe-pointer", probe_pointer),
        ("--setup-url", setup_url),
        ("--cases", cases),
        ("--seed", seed),
        ("--out", out),
    ):
        if value is not None:
            command += [flag, os.fspath(value) if flag == "--out" else str(value)]
    command += list(extra_args)
    environment = dict(os.environ, IDENFY_SIGNING_KEY=signing_key)
    finished = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, env=environment, check=False
    )
    if finished.returncode not in (0, 1) or not finished.stdout.strip():
        raise RuntimeError(
            f"idenfy-testkit fuzz exited with {finished.returncode}:\n{finished.stderr.strip()}"
        )
    report = json.loads(finished.stdout)
    return FuzzResult(passed=bool(report.get("passed")), report=report, log=finished.stderr)
