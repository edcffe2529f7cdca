"""A minimal iDenfy integration in Flask: start verifications, take signed webhooks, keep decisions.

Settings come from the environment (or ``create_app(config)``):

- ``IDENFY_BASE_URL``: ``https://ivs.idenfy.com`` in production, the simulator's URL in tests;
- ``IDENFY_API_KEY``, ``IDENFY_API_SECRET``: the API credentials;
- ``IDENFY_SIGNING_KEY``: the key webhooks are signed with;
- ``PUBLIC_URL``: where iDenfy reaches this app (webhooks go to ``PUBLIC_URL/webhooks/idenfy``).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
from typing import Any, Dict, Optional

import requests
from flask import Flask, abort, jsonify, request

SETTINGS = ("IDENFY_BASE_URL", "IDENFY_API_KEY", "IDENFY_API_SECRET", "IDENFY_SIGNING_KEY", "PUBLIC_URL")


def create_app(config: Optional[Dict[str, str]] = None) -> Flask:
    """The app, configured from ``config`` or else from the environment."""
    app = Flask(__name__)
    app.config.update({name: os.environ.get(name, "") for name in SETTINGS})
    app.config.update(config or {})
    decisions: Dict[str, Dict[str, Any]] = {}
    lock = threading.Lock()

    @app.post("/verifications")
    def start_verification():
        """Creates an iDenfy token for ``clientId``; answers its ``scanRef`` and ``redirectUrl``."""
        wanted = request.get_json(force=True)
        token_request = {
            "clientId": wanted["clientId"],
            "callbackUrl": app.config["PUBLIC_URL"].rstrip("/") + "/webhooks/idenfy",
        }
        if "dummyStatus" in wanted:  # DEV credentials only: the result without a real person
            token_request["dummyStatus"] = wanted["dummyStatus"]
        answer = requests.post(
            app.config["IDENFY_BASE_URL"].rstrip("/") + "/api/v2/token",
            json=token_request,
            auth=(app.config["IDENFY_API_KEY"], app.config["IDENFY_API_SECRET"]),
            timeout=10,
        )
        if answer.status_code != 201:
            return jsonify(error=answer.json()), 502
        token = answer.json()
        return jsonify(scanRef=token["scanRef"], redirectUrl=token["redirectUrl"]), 201

    @app.post("/webhooks/idenfy")
    def webhook():
        """Checks ``Idenfy-Signature`` over the raw body, then records the decision."""
        body = request.get_data()
        expected = hmac.new(app.config["IDENFY_SIGNING_KEY"].encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, request.headers.get("Idenfy-Signature", "")):
            abort(401)
        result = request.get_json(force=True)
        if "status" not in result:
            # DOCUMENT_EXPIRATION and events this app does not know: acknowledged, no decision.
            # (Found by `idenfy-testkit fuzz`: this app used to answer them 500.)
            return "", 204
        decision = {
            "event": request.headers.get("Idenfy-Event-Type"),
            "status": result["status"]["overall"],
            "final": result["final"],
        }
        with lock:
            held = decisions.get(result["scanRef"])
            # A manual review is the last word; otherwise a final decision (expiry) is not undone
            # by a late automatic result.
            if held is None or not held["final"] or decision["event"] == "IDENTIFICATION_MANUAL_FINISHED":
                decisions[result["scanRef"]] = decision
        return "", 204

    @app.get("/verifications/<scan_ref>")
    def decision(scan_ref: str):
        """The decision recorded for ``scan_ref``, or 404 before any webhook."""
        with lock:
            held = decisions.get(scan_ref)
        if held is None:
            abort(404)
        return jsonify(held)

    return app


if __name__ == "__main__":
    create_app().run(port=int(os.environ.get("PORT", "3000")))
