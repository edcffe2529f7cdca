"""idenfy_testkit.sign, idenfy_testkit.fixtures and the Simulator, against the installed wheel."""

import base64
import http.server
import json
import threading
import urllib.request

import pytest

import idenfy_testkit
from idenfy_testkit import Simulator, SimulatorError

# The key the bundled webhook bodies are signed with (fixtures/README.md).
FIXTURES_SIGNING_KEY = "idenfy-testkit-fixtures-signing-key"


def test_sign_gives_the_signature_of_every_bundled_webhook():
    webhooks = [f for f in idenfy_testkit.fixtures("webhooks") if f.kind == "webhook"]

    assert len(webhooks) > 4
    for fixture in webhooks:
        assert idenfy_testkit.sign(FIXTURES_SIGNING_KEY, fixture.read_bytes()) == fixture.signature, fixture.path


def test_sign_takes_text_as_utf8():
    assert idenfy_testkit.sign("k", "é") == idenfy_testkit.sign(b"k", "é".encode())
    assert idenfy_testkit.sign("k", "a") != idenfy_testkit.sign("k", "b")


def test_fixtures_filters_by_folder_and_carries_the_index():
    auto = [(f.kind, f.name, f.event_type, f.expected["overall"]) for f in idenfy_testkit.fixtures("webhooks/auto")]
    kinds = {f.kind for f in idenfy_testkit.fixtures()}

    assert auto == [
        ("webhook", "approved", "IDENTIFICATION_AUTO_FINISHED", "APPROVED"),
        ("webhook", "denied", "IDENTIFICATION_AUTO_FINISHED", "DENIED"),
        ("webhook", "expired", "IDENTIFICATION_EXPIRED", "EXPIRED"),
        ("webhook", "suspected", "IDENTIFICATION_AUTO_FINISHED", "SUSPECTED"),
    ]
    assert {"token-request", "token-response", "add-dummy-status", "webhook", "invalid", "error", "schema"} <= kinds
    assert all(f.signature is None for f in idenfy_testkit.fixtures("token-requests"))


def test_every_webhook_fixture_has_the_event_its_index_entry_expects():
    for fixture in idenfy_testkit.fixtures("webhooks"):
        if fixture.kind == "webhook":
            assert fixture.event_type == fixture.expected["event"], fixture.path


def test_chains_share_one_scan_ref():
    chains = {}
    for fixture in idenfy_testkit.fixtures("webhooks/chains"):
        chains.setdefault(fixture.case["chain"], set()).add(fixture.json()["scanRef"])

    assert chains and all(len(scan_refs) == 1 for scan_refs in chains.values())


def test_fixture_json_parses_the_file():
    request = next(f for f in idenfy_testkit.fixtures("token-requests") if f.name == "dummy-approved")

    assert request.json()["dummyStatus"] == "APPROVED"


class Receiver(http.server.BaseHTTPRequestHandler):
    """Keeps every request it gets and answers 200."""

    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((self.headers, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver_url():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/webhooks"
    server.shutdown()
    thread.join()


def create_token(sim, **fields):
    credentials = base64.b64encode(f"{sim.api_key}:{sim.api_secret}".encode()).decode()
    request = urllib.request.Request(
        f"{sim.base_url}/api/v2/token",
        data=json.dumps({"clientId": "client-1", **fields}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Basic {credentials}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["scanRef"]


def test_idenfy_sim_delivers_signed_webhooks(idenfy_sim, receiver_url):
    scan_ref = create_token(idenfy_sim, dummyStatus="APPROVED", callbackUrl=receiver_url)

    delivery = idenfy_sim.wait_for_webhook(scan_ref)

    assert delivery["state"] == "DELIVERED"
    assert delivery["event"] == "IDENTIFICATION_AUTO_FINISHED"
    headers, body = next((h, b) for h, b in Receiver.received if json.loads(b)["scanRef"] == scan_ref)
    assert headers["Idenfy-Signature"] == idenfy_testkit.sign(idenfy_sim.signing_key, body)
    assert [d["id"] for d in idenfy_sim.webhooks(scan_ref)] == [delivery["id"]]


def test_wait_for_webhook_returns_failed_deliveries(idenfy_sim):
    # A closed port: every attempt fails, and the delivery ends FAILED.
    scan_ref = create_token(idenfy_sim, dummyStatus="DENIED", callbackUrl="http://127.0.0.1:9/closed")

    delivery = idenfy_sim.wait_for_webhook(scan_ref, timeout=30)

    assert delivery["state"] == "FAILED"
    assert len(delivery["attempts"]) > 1


def test_wait_for_webhook_names_what_it_saw_when_it_gives_up(idenfy_sim):
    # Without callbackUrl or a default URL the simulator sends nothing.
    scan_ref = create_token(idenfy_sim, dummyStatus="APPROVED")

    with pytest.raises(SimulatorError, match=f"no finished webhook for scanRef {scan_ref} within 0.1 s"):
        idenfy_sim.wait_for_webhook(scan_ref, timeout=0.1)


def test_wait_for_an_event_is_answered_by_the_simulator(idenfy_sim):
    scan_ref = create_token(idenfy_sim, dummyStatus="DENIED", callbackUrl="http://127.0.0.1:9/closed")

    delivery = idenfy_sim.wait_for_webhook(scan_ref, "IDENTIFICATION_AUTO_FINISHED", timeout=30)

    assert delivery["state"] == "FAILED"
    assert delivery["scanRef"] == scan_ref


def test_wait_for_an_event_says_what_the_simulator_said(idenfy_sim):
    scan_ref = create_token(idenfy_sim, dummyStatus="APPROVED")

    with pytest.raises(SimulatorError, match=f"scanRef {scan_ref} and event IDENTIFICATION_AUTO_FINISHED .*404"):
        idenfy_sim.wait_for_webhook(scan_ref, "IDENTIFICATION_AUTO_FINISHED", timeout=0.1)


def test_reset_forgets_every_webhook(idenfy_sim):
    scan_ref = create_token(idenfy_sim, dummyStatus="DENIED", callbackUrl="http://127.0.0.1:9/closed")
    assert idenfy_sim.webhooks(scan_ref)

    idenfy_sim.reset()

    assert idenfy_sim.webhooks() == []


def test_start_reports_a_simulator_that_does_not_listen():
    with pytest.raises(SimulatorError, match="before listening:[^$]*unknown environment"):
        Simulator.start(["--environment", "nowhere"])


def test_a_failing_test_gets_the_simulator_log(pytester):
    pytester.makepyfile(
        """
        def test_fails(idenfy_sim):
            assert idenfy_sim.webhooks() == ["something"]

        def test_passes(idenfy_sim):
            assert idenfy_sim.webhooks() == []
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*idenfy-testkit serve log (call)*"])
    assert result.stdout.str().count("idenfy-testkit serve log") == 1


def test_idenfy_sim_options_reach_serve(pytester):
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture(scope="session")
        def idenfy_sim_options():
            return ["--balance", "0"]
        """
    )
    pytester.makepyfile(
        """
        import base64, json, urllib.error, urllib.request

        def test_no_balance_left(idenfy_sim):
            credentials = base64.b64encode(f"{idenfy_sim.api_key}:{idenfy_sim.api_secret}".encode()).decode()
            request = urllib.request.Request(
                f"{idenfy_sim.base_url}/api/v2/token",
                data=json.dumps({"clientId": "c"}).encode(),
                headers={"Content-Type": "application/json", "Authorization": f"Basic {credentials}"},
            )
            try:
                urllib.request.urlopen(request, timeout=10)
            except urllib.error.HTTPError as error:
                assert error.code == 402
            else:
                raise AssertionError("a token was created without balance")
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1)


def test_each_test_gets_a_reset_simulator_with_new_scan_refs(pytester):
    pytester.makepyfile(
        """
        import base64, json, urllib.request

        SEEN = []

        def create_token(sim):
            auth = base64.b64encode(f"{sim.api_key}:{sim.api_secret}".encode()).decode()
            request = urllib.request.Request(
                sim.base_url + "/api/v2/token",
                data=json.dumps({"clientId": "c-1", "callbackUrl": "http://127.0.0.1:9/closed",
                                 "dummyStatus": "APPROVED"}).encode(),
                headers={"Authorization": "Basic " + auth, "Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request) as answer:
                return json.load(answer)["scanRef"]

        def test_first(idenfy_sim):
            SEEN.append(create_token(idenfy_sim))
            assert idenfy_sim.webhooks()

        def test_second(idenfy_sim):
            assert idenfy_sim.webhooks() == []
            SEEN.append(create_token(idenfy_sim))
            assert SEEN[0] != SEEN[1]
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=2)


class _ServerErrorOnExpiration(http.server.BaseHTTPRequestHandler):
    """A webhook endpoint that takes identification webhooks and crashes on the others."""

    def do_POST(self):  # noqa: N802 (the standard library's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(204 if b'"status"' in body else 500)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_fuzz_shrinks_a_crash_to_a_replayable_case(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ServerErrorOnExpiration)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = idenfy_testkit.fuzz(
            to=f"http://127.0.0.1:{server.server_port}/hook", signing_key="k", seed=3, out=tmp_path
        )
    finally:
        server.shutdown()

    assert not result.passed
    failure = result.report["failure"]
    assert failure["property"] == "no-server-error"
    assert failure["steps"][-1]["event"] == "DOCUMENT_EXPIRATION"
    assert failure["steps"][-1]["status"] == 500
    assert failure["webhooks"] <= 3
    assert (tmp_path / result.report["replayFile"].split("/")[-1]).exists()
    with pytest.raises(AssertionError, match="minimal case"):
        result.assert_passed()


def test_fuzz_reports_a_refused_command_line():
    with pytest.raises(RuntimeError, match="--cases"):
        idenfy_testkit.fuzz(to="http://127.0.0.1:9/hook", signing_key="k", cases=0)
