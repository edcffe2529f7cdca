//! The web page under `/sim/` over HTTP: the lists and their filters, a delivery's page, the
//! release and redeliver buttons, credentials, the same-origin check of every `POST` under
//! `/sim/`, and the escaping of every value a client controls.

use idenfy_model::WebhookEventType;
use idenfy_sim::{DeliveryState, Simulator};
use reqwest::header::{self, HeaderMap};
use serde_json::json;

use crate::support::{
    Behaviour, Receiver, WAIT, finished, scan_ref_of, signing_key, simulator_sending_to,
    simulator_with_receiver,
};

/// A script that would show it ran; it must only ever appear escaped.
const SCRIPT: &str = "<script>window.pwned=1</script>";
/// [`SCRIPT`] as the page must show it.
const ESCAPED: &str = "&lt;script&gt;window.pwned=1&lt;/script&gt;";

/// A browser-like client of one simulator's page: credentials, no redirects followed.
struct Browser {
    client: reqwest::Client,
    base: String,
    authorization: String,
}

/// A page as received.
struct Page {
    status: u16,
    headers: HeaderMap,
    text: String,
}

impl Browser {
    fn new(simulator: &Simulator) -> Self {
        Self {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: simulator.uri(),
            authorization: simulator.credentials().authorization_header(),
        }
    }

    async fn get(&self, path: &str) -> Page {
        let request = self
            .client
            .get(format!("{}{path}", self.base))
            .header(header::AUTHORIZATION, &self.authorization);
        Self::read(request).await
    }

    /// POSTs a form with `origin` as the `Origin` header (`None`: no header).
    async fn post(&self, path: &str, origin: Option<&str>) -> Page {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .header(header::AUTHORIZATION, &self.authorization)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        Self::read(request).await
    }

    async fn read(request: reqwest::RequestBuilder) -> Page {
        let response = request.send().await.unwrap();
        Page {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            text: response.text().await.unwrap(),
        }
    }
}

impl Page {
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .map_or("", |value| value.to_str().unwrap())
    }

    /// Asserts the status and that the page holds every one of `needles`.
    fn shows(&self, status: u16, needles: &[&str]) -> &Self {
        assert_eq!(self.status, status, "{}", self.text);
        for needle in needles {
            assert!(
                self.text.contains(needle),
                "{needle:?} not in {}",
                self.text
            );
        }
        self
    }

    fn lacks(&self, needles: &[&str]) -> &Self {
        for needle in needles {
            assert!(!self.text.contains(needle), "{needle:?} in {}", self.text);
        }
        self
    }
}

#[tokio::test]
async fn the_list_shows_verifications_and_webhooks_and_filters_them() {
    let (simulator, api, _receiver) = simulator_with_receiver(Behaviour::FailFirst(1, 500)).await;
    let approved = scan_ref_of(
        &api.token(
            json!({"clientId": "client-a", "externalRef": "order-17", "dummyStatus": "APPROVED"}),
        )
        .await,
    );
    let auto = WebhookEventType::IdentificationAutoFinished;
    finished(&simulator, &approved, &auto).await;
    let denied = api.dummy_token("DENIED", None).await;
    finished(&simulator, &denied, &auto).await;
    let browser = Browser::new(&simulator);

    let page = browser.get("/sim/").await;
    page.shows(
        200,
        &[
            "<h2 id=\"verifications\">Verifications (2)</h2>",
            "<h2 id=\"webhooks\">Webhooks (2)</h2>",
            &approved,
            &denied,
            "<td>client-a</td><td>order-17</td><td>APPROVED</td><td><strong>APPROVED</strong>",
            "<td>DENIED</td><td><strong>DENIED</strong>",
            "<a href=\"/sim/deliveries/1\">#1</a>",
            "<td>500, 200</td>",
            "<span class=\"state delivered\">DELIVERED</span>",
            "<label for=\"scanRef\">scanRef</label>",
            "<script src=\"/sim/assets/live.js\" defer></script>",
        ],
    );
    assert!(page.header(header::CONTENT_TYPE).starts_with("text/html"));
    assert!(
        page.header(header::CONTENT_SECURITY_POLICY)
            .contains("script-src 'self'")
    );

    browser
        .get(&format!("/sim/?scanRef={approved}&event=&state="))
        .await
        .shows(200, &["Verifications (1)", "Webhooks (1)", &approved])
        .lacks(&[&denied]);
    browser.get("/sim/?state=FAILED").await.shows(
        200,
        &[
            "Webhooks (0)",
            "No webhook matches.",
            "<option value=\"FAILED\" selected>",
        ],
    );
    browser
        .get("/sim/?event=IDENTIFICATION_MANUAL_FINISHED")
        .await
        .shows(200, &["Webhooks (0)", "Verifications (2)"]);
    browser
        .get("/sim/?state=LOST")
        .await
        .shows(400, &["Unknown state &quot;LOST&quot;"]);
}

#[tokio::test]
async fn the_page_asks_the_browser_for_the_api_credentials() {
    let simulator = Simulator::start().await.unwrap();
    let client = reqwest::Client::new();
    for path in ["/sim/", "/sim/deliveries/1", "/sim/assets/live.js"] {
        let answer = client
            .get(format!("{}{path}", simulator.uri()))
            .basic_auth("sim-api-key", Some("wrong"))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 401, "{path}");
        assert_eq!(
            answer.headers()[header::WWW_AUTHENTICATE],
            "Basic realm=\"idenfy-sim\", charset=\"UTF-8\"",
            "{path}"
        );
    }
    let page = Browser::new(&simulator).get("/sim/assets/live.js").await;
    assert_eq!(page.status, 200);
    assert!(
        page.header(header::CONTENT_TYPE)
            .starts_with("text/javascript")
    );
}

#[tokio::test]
async fn a_delivery_page_shows_what_was_sent_and_whether_the_signature_verifies() {
    let (simulator, api, _receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let scan_ref = api.dummy_token("APPROVED", None).await;
    let delivery = finished(
        &simulator,
        &scan_ref,
        &WebhookEventType::IdentificationAutoFinished,
    )
    .await;
    let pretty = serde_json::to_string_pretty(
        &serde_json::from_str::<serde_json::Value>(&delivery.body).unwrap(),
    )
    .unwrap();
    let escaped = |text: &str| {
        text.replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('\'', "&#39;")
    };

    Browser::new(&simulator)
        .get(&format!("/sim/deliveries/{}", delivery.id))
        .await
        .shows(
            200,
            &[
                &format!("<h1>Webhook #{}</h1>", delivery.id),
                "Idenfy-Event-Type: IDENTIFICATION_AUTO_FINISHED",
                &format!("Idenfy-Signature: {}", delivery.signature),
                &format!("Content-Length: {}", delivery.body.len()),
                "The signature verifies with the configured signing key.",
                &format!("<pre class=\"body raw\">{}</pre>", escaped(&delivery.body)),
                &format!("<pre class=\"body\">{}</pre>", escaped(&pretty)),
                "<td>HTTP 200</td>",
                "<button type=\"submit\">Redeliver</button>",
            ],
        )
        .lacks(&["Release</button>"]);
    Browser::new(&simulator)
        .get("/sim/deliveries/99")
        .await
        .shows(404, &["no delivery with id 99"]);
    Browser::new(&simulator)
        .get("/sim/deliveries/first")
        .await
        .shows(404, &["a delivery id is a number"]);
}

#[tokio::test]
async fn the_buttons_release_a_held_delivery_and_redeliver_one() {
    let receiver = Receiver::start(&signing_key(), Behaviour::Accept).await;
    let (simulator, api) =
        simulator_sending_to(&receiver.url(), |builder| builder.hold_deliveries(true)).await;
    let scan_ref = api.dummy_token("APPROVED", None).await;
    let browser = Browser::new(&simulator);
    let held = api
        .webhooks(&format!("?scanRef={scan_ref}"))
        .await
        .remove(0);
    assert_eq!(held.state, DeliveryState::Held);
    let path = format!("/sim/deliveries/{}", held.id);
    browser.get(&path).await.shows(
        200,
        &[
            &format!("action=\"{path}/release\""),
            "Release</button>",
            "No attempt yet.",
        ],
    );

    let released = browser.post(&format!("{path}/release"), None).await;
    assert_eq!(released.status, 303, "{}", released.text);
    assert_eq!(released.header(header::LOCATION), path);
    let auto = WebhookEventType::IdentificationAutoFinished;
    assert_eq!(
        finished(&simulator, &scan_ref, &auto).await.state,
        DeliveryState::Delivered
    );
    browser
        .post(&format!("{path}/release"), None)
        .await
        .shows(409, &["not HELD"]);

    let origin = simulator.uri();
    let redelivered = browser
        .post(&format!("{path}/redeliver"), Some(&origin))
        .await;
    assert_eq!(redelivered.status, 303, "{}", redelivered.text);
    let new_path = redelivered.header(header::LOCATION).to_owned();
    assert_eq!(new_path, format!("/sim/deliveries/{}", held.id + 1));
    simulator
        .wait_for_count(&scan_ref, &auto, 2, WAIT)
        .await
        .unwrap();
    browser.get(&new_path).await.shows(
        200,
        &[
            &format!("<dt>Redelivery of</dt><dd><a href=\"{path}\">"),
            "<td>HTTP 200</td>",
        ],
    );
    browser.get(&path).await.shows(
        200,
        &[&format!(
            "<dt>Redelivered as</dt><dd><a href=\"{new_path}\">"
        )],
    );
    assert_eq!(receiver.wait_for(2).await.len(), 2);
}

#[tokio::test]
async fn every_post_under_sim_from_another_origin_is_refused() {
    let (simulator, api, _receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let scan_ref = api.dummy_token("APPROVED", None).await;
    let auto = WebhookEventType::IdentificationAutoFinished;
    finished(&simulator, &scan_ref, &auto).await;
    let browser = Browser::new(&simulator);
    let paths = [
        "/sim/reset",
        "/sim/faults",
        "/sim/webhooks/1/release",
        "/sim/webhooks/1/redeliver",
        "/sim/deliveries/1/release",
        "/sim/deliveries/1/redeliver",
    ];
    let elsewhere = simulator.uri().replace("127.0.0.1", "localhost");
    for origin in ["http://evil.example", "null", elsewhere.as_str()] {
        for path in paths {
            browser
                .post(path, Some(origin))
                .await
                .shows(403, &["PERMISSIONS_ERROR", "Cross-origin request refused"]);
        }
    }
    assert_eq!(simulator.deliveries().len(), 1, "nothing was redelivered");
    assert_eq!(api.status(&scan_ref).await.status, 200, "nothing was reset");

    let same = simulator.uri();
    assert_eq!(
        browser
            .post("/sim/deliveries/1/redeliver", Some(&same))
            .await
            .status,
        303
    );
    assert_eq!(
        browser.post("/sim/webhooks/1/redeliver", None).await.status,
        201
    );
    assert_eq!(simulator.deliveries().len(), 3);
}

#[tokio::test]
async fn every_client_controlled_value_is_escaped() {
    let (simulator, api, receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let callback = format!("{}/{SCRIPT}", receiver.url());
    let token = api
        .token(json!({
            "clientId": SCRIPT,
            "externalRef": SCRIPT,
            "callbackUrl": callback,
            "dummyStatus": "APPROVED",
        }))
        .await;
    let scan_ref = scan_ref_of(&token);
    let delivery = finished(
        &simulator,
        &scan_ref,
        &WebhookEventType::IdentificationAutoFinished,
    )
    .await;
    assert!(
        delivery.body.contains(SCRIPT),
        "the body carries the payload: {}",
        delivery.body
    );
    let browser = Browser::new(&simulator);
    let attribute = "\"><script>window.pwned=1</script>";

    for path in [
        "/sim/".to_owned(),
        format!("/sim/deliveries/{}", delivery.id),
        format!("/sim/?scanRef={}", urlencoded(attribute)),
        format!("/sim/?event={}", urlencoded(attribute)),
        format!("/sim/?state={}", urlencoded(attribute)),
    ] {
        let page = browser.get(&path).await;
        assert!(!page.text.contains("<script>"), "{path}: {}", page.text);
        assert!(
            page.text.contains("&lt;script&gt;window.pwned=1"),
            "{path}: {}",
            page.text
        );
    }
    browser.get("/sim/").await.shows(
        200,
        &[
            &format!("<td>{ESCAPED}</td><td>{ESCAPED}</td>"),
            &format!("/{ESCAPED}</code>"),
        ],
    );
    browser
        .get(&format!("/sim/deliveries/{}", delivery.id))
        .await
        .shows(
            200,
            &[
                &format!("/{ESCAPED}</code>"),
                &format!("&quot;clientId&quot;:&quot;{ESCAPED}&quot;"),
            ],
        );
    browser
        .get(&format!("/sim/?scanRef={}", urlencoded(attribute)))
        .await
        .shows(200, &["value=\"&quot;&gt;&lt;script&gt;"]);
}

/// `text` percent-encoded for a query string.
fn urlencoded(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}
