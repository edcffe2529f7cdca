"""The example app against the simulator: tokens, signed webhooks, decisions per scanRef."""

import pytest
import requests

import idenfy_testkit


def start(app_url, status):
    answer = requests.post(f"{app_url}/verifications", json={"clientId": "user-42", "dummyStatus": status}, timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()["scanRef"]


def decision(app_url, scan_ref):
    return requests.get(f"{app_url}/verifications/{scan_ref}", timeout=10).json()


@pytest.mark.parametrize(
    ("status", "event", "final"),
    [
        ("APPROVED", "IDENTIFICATION_AUTO_FINISHED", False),
        ("DENIED", "IDENTIFICATION_AUTO_FINISHED", False),
        ("SUSPECTED", "IDENTIFICATION_AUTO_FINISHED", False),
        ("EXPIRED", "IDENTIFICATION_EXPIRED", True),
    ],
)
def test_the_automatic_result_is_recorded(idenfy_sim, app_url, status, event, final):
    scan_ref = start(app_url, status)

    delivery = idenfy_sim.wait_for_webhook(scan_ref, event=event)

    assert delivery["state"] == "DELIVERED", delivery["attempts"]
    assert decision(app_url, scan_ref) == {"event": event, "status": status, "final": final}


@pytest.mark.parametrize(
    ("face", "document", "overall"),
    [
        ("FACE_MATCH", "DOC_VALIDATED", "APPROVED"),
        ("FACE_MATCH", "DOC_FAKE", "DENIED"),
    ],
)
def test_a_manual_review_is_final(idenfy_sim, app_url, face, document, overall):
    scan_ref = start(app_url, "SUSPECTED")
    idenfy_sim.wait_for_webhook(scan_ref, event="IDENTIFICATION_AUTO_FINISHED")

    review = requests.post(
        f"{idenfy_sim.base_url}/api/v2/add-dummy-status",
        json={"scanRef": scan_ref, "manualFaceMatchResult": face, "manualDocumentValidity": document},
        auth=idenfy_sim.auth,
        timeout=10,
    )
    assert review.status_code == 200, review.text
    delivery = idenfy_sim.wait_for_webhook(scan_ref, event="IDENTIFICATION_MANUAL_FINISHED")

    assert delivery["state"] == "DELIVERED", delivery["attempts"]
    assert decision(app_url, scan_ref) == {"event": "IDENTIFICATION_MANUAL_FINISHED", "status": overall, "final": True}


def test_a_webhook_with_a_wrong_signature_is_refused(idenfy_sim, app_url):
    body = next(idenfy_testkit.fixtures("webhooks/auto")).read_bytes()
    headers = {"Content-Type": "application/json", "Idenfy-Event-Type": "IDENTIFICATION_AUTO_FINISHED"}

    forged = requests.post(
        f"{app_url}/webhooks/idenfy", data=body, headers={**headers, "Idenfy-Signature": "0" * 64}, timeout=10
    )
    signed = requests.post(
        f"{app_url}/webhooks/idenfy",
        data=body,
        headers={**headers, "Idenfy-Signature": idenfy_testkit.sign(idenfy_sim.signing_key, body)},
        timeout=10,
    )

    assert forged.status_code == 401
    assert signed.status_code == 204


WEBHOOKS = [fixture for fixture in idenfy_testkit.fixtures("webhooks") if fixture.kind == "webhook"]


@pytest.mark.parametrize("fixture", WEBHOOKS, ids=lambda f: f.path)
def test_every_bundled_webhook_leads_to_the_decision_the_index_expects(idenfy_sim, app_url, fixture):
    body = fixture.read_bytes()

    answer = requests.post(
        f"{app_url}/webhooks/idenfy",
        data=body,
        headers={
            "Content-Type": "application/json",
            "Idenfy-Event-Type": fixture.event_type,
            "Idenfy-Signature": idenfy_testkit.sign(idenfy_sim.signing_key, body),
        },
        timeout=10,
    )

    assert answer.status_code == 204
    expected = fixture.expected
    held = decision(app_url, fixture.json()["scanRef"])
    assert held == {"event": expected["event"], "status": expected["overall"], "final": expected["final"]}
