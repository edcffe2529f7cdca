"""The app's webhook endpoint under ``idenfy_testkit.fuzz``: sequences of genuine webhooks in
every order iDenfy may send them, and the decision the app keeps, read back through
``GET /verifications/<scanRef>``."""

from idenfy_testkit import fuzz


def test_the_webhook_endpoint_keeps_the_right_decision_whatever_arrives(app_url, idenfy_sim_session, tmp_path):
    result = fuzz(
        to=f"{app_url}/webhooks/idenfy",
        signing_key=idenfy_sim_session.signing_key,
        probe=f"{app_url}/verifications/{{scanRef}}",
        seed=7,
        out=tmp_path,
    )

    result.assert_passed()
    assert result.report["casesPassed"] == 100
