"""Runs the example app on a free loopback port, configured against the session's simulator."""

import threading

import pytest
from werkzeug.serving import make_server

from app import create_app


@pytest.fixture(scope="session")
def app_url(idenfy_sim_session):
    """Base URL of the app, which creates its tokens at the simulator and takes its webhooks."""
    config = {
        "IDENFY_BASE_URL": idenfy_sim_session.base_url,
        "IDENFY_API_KEY": idenfy_sim_session.api_key,
        "IDENFY_API_SECRET": idenfy_sim_session.api_secret,
        "IDENFY_SIGNING_KEY": idenfy_sim_session.signing_key,
    }
    app = create_app(config)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app.config["PUBLIC_URL"]
    server.shutdown()
    thread.join()
