//! The page of one delivery `/sim/deliveries/{id}`: what was sent (headers, the exact body,
//! pretty and raw, the signature and whether it verifies with the configured key), every
//! attempt, its redeliveries, and the buttons to release and redeliver it.

use std::fmt::Write;

use idenfy_model::signature::{EVENT_TYPE_HEADER, SIGNATURE_HEADER};
use idenfy_model::support::redact_url;
use idenfy_model::{SigningKey, verify};

use super::html::{escape, utc_millis};
use super::list::{scan_ref_link, state_badge};
use crate::delivery::{Delivery, DeliveryState};

/// The page's content; `redeliveries` are the deliveries that sent this one's bytes again.
pub(super) fn render(delivery: &Delivery, redeliveries: &[Delivery], key: &SigningKey) -> String {
    let mut html = String::from("<div id=\"live\">\n");
    summary(&mut html, delivery, redeliveries);
    actions(&mut html, delivery);
    attempts(&mut html, delivery);
    html.push_str("</div>\n");
    sent(&mut html, delivery, key);
    html
}

fn summary(html: &mut String, delivery: &Delivery, redeliveries: &[Delivery]) {
    let _ = write!(
        html,
        "<dl class=\"summary\">\n<dt>Event</dt><dd>{event}</dd>\n\
         <dt>scanRef</dt><dd>{scan_ref}</dd>\n\
         <dt>Target</dt><dd><code>{target}</code></dd>\n\
         <dt>State</dt><dd>{state}</dd>\n",
        event = escape(delivery.event.as_str()),
        scan_ref = scan_ref_link(&delivery.scan_ref),
        target = escape(&redact_url(&delivery.target)),
        state = state_badge(delivery.state),
    );
    if let Some(of) = delivery.redelivery_of {
        let _ = writeln!(
            html,
            "<dt>Redelivery of</dt><dd><a href=\"/sim/deliveries/{of}\">#{of}</a></dd>"
        );
    }
    if !redeliveries.is_empty() {
        html.push_str("<dt>Redelivered as</dt><dd>");
        for redelivery in redeliveries {
            let _ = write!(
                html,
                "<a href=\"/sim/deliveries/{id}\">#{id}</a> ",
                id = redelivery.id
            );
        }
        html.push_str("</dd>\n");
    }
    html.push_str("</dl>\n");
}

fn actions(html: &mut String, delivery: &Delivery) {
    html.push_str("<div class=\"actions\">\n");
    if delivery.state == DeliveryState::Held {
        let _ = writeln!(
            html,
            "<form method=\"post\" action=\"/sim/deliveries/{}/release\">\
             <button type=\"submit\">Release</button></form>",
            delivery.id
        );
    }
    let _ = writeln!(
        html,
        "<form method=\"post\" action=\"/sim/deliveries/{}/redeliver\">\
         <button type=\"submit\">Redeliver</button></form>\n</div>",
        delivery.id
    );
}

fn attempts(html: &mut String, delivery: &Delivery) {
    let _ = write!(
        html,
        "<section aria-labelledby=\"attempts\">\n<h2 id=\"attempts\">Attempts ({})</h2>\n",
        delivery.attempts.len()
    );
    if delivery.attempts.is_empty() {
        html.push_str("<p>No attempt yet.</p>\n</section>\n");
        return;
    }
    html.push_str(
        "<table>\n<thead><tr><th scope=\"col\">Attempt</th><th scope=\"col\">Started (UTC)</th>\
         <th scope=\"col\">Answer</th><th scope=\"col\">Time</th></tr></thead>\n<tbody>\n",
    );
    for attempt in &delivery.attempts {
        let answer = match (attempt.status, &attempt.error) {
            (Some(status), _) => format!("HTTP {status}"),
            (None, Some(error)) => error.clone(),
            (None, None) => "—".to_owned(),
        };
        let _ = writeln!(
            html,
            "<tr><th scope=\"row\">{number}</th><td>{started}</td><td>{answer}</td>\
             <td>{elapsed} ms</td></tr>",
            number = attempt.number,
            started = utc_millis(attempt.started_at_ms),
            answer = escape(&answer),
            elapsed = attempt.elapsed_ms,
        );
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
}

fn sent(html: &mut String, delivery: &Delivery, key: &SigningKey) {
    let verdict = match verify(key, delivery.body.as_bytes(), &delivery.signature) {
        Ok(()) => "<p class=\"verdict good\">The signature verifies with the configured signing \
                   key.</p>"
            .to_owned(),
        Err(error) => format!(
            "<p class=\"verdict bad\">The signature does not verify with the configured signing \
             key: {}.</p>",
            escape(&error.to_string())
        ),
    };
    let pretty = serde_json::from_str::<serde_json::Value>(&delivery.body)
        .ok()
        .and_then(|value| serde_json::to_string_pretty(&value).ok())
        .unwrap_or_else(|| delivery.body.to_string());
    let _ = write!(
        html,
        "<section aria-labelledby=\"sent\">\n<h2 id=\"sent\">Request sent</h2>\n\
         <h3>Headers</h3>\n<pre class=\"headers\">POST {target}\n\
         Content-Type: application/json\nContent-Length: {length}\n\
         {EVENT_TYPE_HEADER}: {event}\n{SIGNATURE_HEADER}: {signature}</pre>\n\
         <h3>Signature</h3>\n<p><code class=\"signature\">{signature}</code></p>\n{verdict}\n\
         <h3>Body, pretty</h3>\n<pre class=\"body\">{pretty}</pre>\n\
         <h3>Body, raw ({length} bytes, exactly as sent)</h3>\n\
         <pre class=\"body raw\">{raw}</pre>\n</section>\n",
        target = escape(&redact_url(&delivery.target)),
        length = delivery.body.len(),
        event = escape(delivery.event.as_str()),
        signature = escape(&delivery.signature),
        pretty = escape(&pretty),
        raw = escape(&delivery.body),
    );
}
