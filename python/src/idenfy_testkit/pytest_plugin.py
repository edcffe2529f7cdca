"""The pytest plugin of idenfy-testkit (registered through the ``pytest11`` entry point).

Fixtures:

- ``idenfy_sim``: a :class:`~idenfy_testkit.Simulator` started once per test session with fresh
  credentials and stopped at its end, reset (``POST /sim/reset``) before each test that uses
  it, so no test sees another's verifications or webhooks; when a test that uses it (directly
  or through another fixture) fails, what the simulator logged during that test is attached to
  the report.
- ``idenfy_sim_session``: the same simulator without the reset, for session-scoped fixtures
  of your own (a test that uses both still gets the reset).
- ``idenfy_sim_options``: more ``idenfy-testkit serve`` flags for that simulator (none by
  default); override it in your ``conftest.py``.
"""

from __future__ import annotations

import secrets
from typing import Iterator, List

import pytest

from ._simulator import Simulator

# The session's simulator while it runs, and how much it had logged when a test started.
_RUNNING = pytest.StashKey[Simulator]()
_LOG_START = pytest.StashKey[int]()


@pytest.fixture(scope="session")
def idenfy_sim_options() -> List[str]:
    """More ``idenfy-testkit serve`` flags, e.g. ``["--retries", "0", "--auto-final"]``."""
    return []


@pytest.fixture(scope="session")
def idenfy_sim_session(request: pytest.FixtureRequest, idenfy_sim_options: List[str]) -> Iterator[Simulator]:
    """The session's simulator, never reset by the plugin: use it in session-scoped fixtures."""
    with Simulator.start(idenfy_sim_options) as sim:
        request.config.stash[_RUNNING] = sim
        yield sim
        del request.config.stash[_RUNNING]


@pytest.fixture
def idenfy_sim(idenfy_sim_session: Simulator) -> Simulator:
    """The session's simulator, reset for this test: ``base_url``, ``auth``, ``signing_key``,
    ``wait_for_webhook``…

    The reset restarts the simulator's generator at a new seed, so this test's ``scanRef``
    values are new to an app that keeps its records for the whole session.
    """
    # From the operating system, not the random module: pytest-randomly and tests that seed
    # `random` would otherwise give every test the same seed, hence the same scanRefs.
    idenfy_sim_session.reset(seed=secrets.randbits(63))
    return idenfy_sim_session


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    sim = item.config.stash.get(_RUNNING, None)
    item.stash[_LOG_START] = len(sim.log()) if sim is not None else 0


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    sim = item.config.stash.get(_RUNNING, None)
    if report.failed and sim is not None and _uses_simulator(item):
        logged = sim.log()[item.stash.get(_LOG_START, 0):]
        report.sections.append((f"idenfy-testkit serve log ({report.when})", logged or "(nothing)\n"))


def _uses_simulator(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    return "idenfy_sim" in names or "idenfy_sim_session" in names
