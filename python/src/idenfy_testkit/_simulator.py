"""A running ``idenfy-testkit serve`` process: start, wait until it listens, inspect, stop."""

from __future__ import annotations

import base64
import json
import os
import queue
import secrets
import shutil
import subprocess
import sys
import sysconfig
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, Iterable, List, Optional, Tuple

# Delivery states after which a webhook is not attempted again.
_FINISHED = ("DELIVERED", "FAILED")
# Seconds between two looks at GET /sim/webhooks while waiting for any event.
_POLL_INTERVAL = 0.02
# Seconds `serve` may take to shut down; it waits up to 5 s for queued webhooks itself.
_STOP_TIMEOUT = 10.0


class SimulatorError(RuntimeError):
    """The simulator could not be started, answered an error, or a wait timed out."""


class Simulator:
    """An ``idenfy-testkit serve`` child process with fresh random credentials.

    Use :meth:`start`, or the ``idenfy_sim`` pytest fixture, which does it once per session.
    """

    def __init__(
        self,
        process: "subprocess.Popen[bytes]",
        base_url: str,
        api_key: str,
        api_secret: str,
        signing_key: str,
        log: "_Log",
    ) -> None:
        self._process = process
        self._log = log
        #: The simulator's base URL, e.g. ``http://127.0.0.1:41234`` (no trailing slash).
        self.base_url = base_url
        #: The API key clients must send (HTTP Basic username).
        self.api_key = api_key
        #: The API secret clients must send (HTTP Basic password).
        self.api_secret = api_secret
        #: The key that signs webhooks (``Idenfy-Signature``).
        self.signing_key = signing_key

    @classmethod
    def start(
        cls,
        options: Iterable[str] = (),
        binary: Optional[str] = None,
        startup_timeout: float = 30.0,
    ) -> "Simulator":
        """Starts ``idenfy-testkit serve`` on ``127.0.0.1:0`` and waits until it listens.

        ``options`` are more ``serve`` flags (``["--retries", "0"]``); ``binary`` defaults to
        ``$IDENFY_TESTKIT_BIN``, then the one installed with this package, then ``PATH``.
        """
        api_key, api_secret, signing_key = (secrets.token_urlsafe(18) for _ in range(3))
        env = dict(os.environ)
        # Secrets go through the environment, not argv, so `ps` does not show them.
        env.update(
            IDENFY_API_KEY=api_key,
            IDENFY_API_SECRET=api_secret,
            IDENFY_SIGNING_KEY=signing_key,
        )
        command = [binary or _find_binary(), "serve", "--addr", "127.0.0.1:0", *options]
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        log = _Log()
        first_line: "queue.Queue[str]" = queue.Queue()
        readers = [
            threading.Thread(target=log.follow, args=(process.stderr,), daemon=True),
            threading.Thread(target=log.follow, args=(process.stdout, first_line), daemon=True),
        ]
        for reader in readers:
            reader.start()
        try:
            line = first_line.get(timeout=startup_timeout)
        except queue.Empty:
            line = None
        if line is None or not line.startswith("listening on "):
            _stop(process)
            for reader in readers:  # the whole log, for the message
                reader.join(timeout=_STOP_TIMEOUT)
            if line is None:
                what = f"did not print `listening on` within {startup_timeout} s"
            else:
                what = f"exited with {process.returncode} before listening"
            raise SimulatorError(f"`{' '.join(command)}` {what}:\n{log.text()}")
        base_url = line[len("listening on "):].strip().rstrip("/")
        return cls(process, base_url, api_key, api_secret, signing_key, log)

    @property
    def auth(self) -> Tuple[str, str]:
        """``(api_key, api_secret)``, for ``requests``' or ``httpx``' ``auth=``."""
        return (self.api_key, self.api_secret)

    def webhooks(self, scan_ref: Optional[str] = None, event: Optional[str] = None) -> List[Dict[str, Any]]:
        """Every webhook the simulator kept, oldest first (``GET /sim/webhooks``).

        Each is a dict with ``id``, ``scanRef``, ``event``, ``target``, ``body`` (the exact
        JSON text sent), ``signature``, ``state`` (``PENDING``, ``HELD``, ``DELIVERED`` or
        ``FAILED``) and ``attempts``; at most 100 (the journal is paged: ``after``, ``limit``).
        """
        query = {key: value for key, value in (("scanRef", scan_ref), ("event", event)) if value}
        path = "/sim/webhooks" + ("?" + urllib.parse.urlencode(query) if query else "")
        return self._call("GET", path)

    def reset(self, seed: Optional[int] = None) -> None:
        """Puts the simulator back in its start state (``POST /sim/reset``).

        Verifications, webhooks, balance, rate-limit window, injected faults and the seeded
        generator start over, so a test that resets first sees nothing of earlier tests. With
        ``seed``, the generator restarts there instead of at the start seed, so the ``scanRef``
        values that follow are new to an app that keeps its records between tests.
        """
        self._call("POST", "/sim/reset" + ("" if seed is None else f"?seed={int(seed)}"))

    def wait_for_webhook(self, scan_ref: str, event: Optional[str] = None, timeout: float = 10.0) -> Dict[str, Any]:
        """The oldest webhook for ``scan_ref`` (and ``event``) once it is finished.

        Finished means delivered (your endpoint answered 2xx) or failed (every attempt
        failed, or its target may not be contacted): look at ``state`` and ``attempts``.
        With ``event`` the simulator waits server-side (``GET /sim/webhooks/wait``, at most
        300 s) and answers the moment it finishes; without, the journal is looked at every
        20 ms. Raises :class:`SimulatorError` after ``timeout`` seconds.
        """
        return _wait_for_finished(self, scan_ref, event, timeout)

    def log(self) -> str:
        """Everything the simulator printed so far (stdout and stderr, in arrival order)."""
        return self._log.text()

    def stop(self) -> None:
        """Stops the simulator (SIGTERM: it waits up to 5 s for queued webhooks), then reaps it."""
        _stop(self._process)

    def __enter__(self) -> "Simulator":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _call(self, method: str, path: str, timeout: float = 10.0) -> Any:
        """Sends a control request with the API credentials; its JSON answer, or SimulatorError."""
        url = self.base_url + path
        request = urllib.request.Request(url, method=method, headers={"Authorization": self._basic_auth()})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise SimulatorError(f"{method} {url} answered {error.code}: {error.read().decode(errors='replace')}") from None

    def _basic_auth(self) -> str:
        pair = f"{self.api_key}:{self.api_secret}".encode()
        return "Basic " + base64.b64encode(pair).decode()


def _wait_for_finished(sim: Simulator, scan_ref: str, event: Optional[str], timeout: float) -> Dict[str, Any]:
    if event is not None:
        return _wait_on_server(sim, scan_ref, event, timeout)
    # The server-side wait needs an event; without one, look at the journal until one finished.
    deadline = time.monotonic() + timeout
    while True:
        seen = sim.webhooks(scan_ref)
        for delivery in seen:
            if delivery["state"] in _FINISHED:
                return delivery
        if time.monotonic() >= deadline:
            raise SimulatorError(
                f"no finished webhook for scanRef {scan_ref} within {timeout} s"
                f" (webhooks seen: {_states(seen)})"
            )
        time.sleep(_POLL_INTERVAL)


def _wait_on_server(sim: Simulator, scan_ref: str, event: str, timeout: float) -> Dict[str, Any]:
    """``GET /sim/webhooks/wait``: the simulator answers as soon as the delivery finished."""
    query = urllib.parse.urlencode(
        {"scanRef": scan_ref, "event": event, "timeoutMs": max(0, int(timeout * 1000))}
    )
    try:
        return sim._call("GET", f"/sim/webhooks/wait?{query}", timeout=timeout + 10)
    except SimulatorError as error:
        seen = sim.webhooks(scan_ref, event)
        raise SimulatorError(
            f"no finished webhook for scanRef {scan_ref} and event {event} within {timeout} s"
            f" (webhooks seen: {_states(seen)}; the simulator said: {error})"
        ) from None


def _states(deliveries: List[Dict[str, Any]]) -> str:
    return ", ".join(f"{d['event']} {d['state']}" for d in deliveries) or "none"


class _Log:
    """Lines of a process's output, kept in arrival order and readable from any thread."""

    def __init__(self) -> None:
        self._lines: List[str] = []
        self._lock = threading.Lock()

    def follow(self, stream: Any, first_line: "Optional[queue.Queue[str]]" = None) -> None:
        """Reads ``stream`` to its end; hands its first line (or ``""`` at EOF) to ``first_line``."""
        for raw in stream:
            line = raw.decode(errors="replace")
            if first_line is not None:
                first_line.put(line)
                first_line = None
            with self._lock:
                self._lines.append(line)
        if first_line is not None:
            first_line.put("")

    def text(self) -> str:
        with self._lock:
            return "".join(self._lines)



def _stop(process: "subprocess.Popen[bytes]") -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
    process.wait()


def _find_binary() -> str:
    name = "idenfy-testkit" + (".exe" if sys.platform == "win32" else "")
    configured = os.environ.get("IDENFY_TESTKIT_BIN")
    if configured:
        return configured
    installed = os.path.join(sysconfig.get_path("scripts"), name)
    if os.path.isfile(installed):
        return installed
    found = shutil.which(name)
    if found is None:
        raise SimulatorError(
            "the idenfy-testkit binary is not installed: `pip install idenfy-testkit`, "
            "or set IDENFY_TESTKIT_BIN to its path"
        )
    return found

