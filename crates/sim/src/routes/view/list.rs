//! The list page `/sim/`: the filter form, the verifications (newest first) with their
//! webhooks, and the webhooks with their state, attempts, status codes and timings.

use std::fmt::Write;

use idenfy_model::WebhookEventType;
use idenfy_model::support::redact_url;

use super::html::{escape, list_url, utc_millis, utc_seconds};
use crate::delivery::{Delivery, DeliveryState};
use crate::state::Verification;

/// Rows shown per table; the newest are kept.
pub(super) const MAX_ROWS: usize = 200;

/// What the list shows: the filter as given (empty for no filter), parsed.
pub(super) struct Filter {
    /// Only this verification.
    pub(super) scan_ref: String,
    /// Only this event's webhooks.
    pub(super) event: Option<WebhookEventType>,
    /// Only webhooks in this state.
    pub(super) state: Option<DeliveryState>,
}

/// The four states, in the order a delivery goes through them.
pub(super) const STATES: [(DeliveryState, &str); 4] = [
    (DeliveryState::Held, "HELD"),
    (DeliveryState::Pending, "PENDING"),
    (DeliveryState::Delivered, "DELIVERED"),
    (DeliveryState::Failed, "FAILED"),
];

/// The name of `state` on the wire.
fn state_name(state: DeliveryState) -> &'static str {
    STATES
        .iter()
        .find(|(known, _)| *known == state)
        .map_or("UNKNOWN", |(_, name)| name)
}

/// A delivery's state as a colored badge.
pub(super) fn state_badge(state: DeliveryState) -> String {
    let name = state_name(state);
    format!(
        "<span class=\"state {}\">{name}</span>",
        name.to_ascii_lowercase()
    )
}

/// A `scanRef` linking to the list filtered by it.
pub(super) fn scan_ref_link(scan_ref: &str) -> String {
    format!(
        "<a href=\"{}\"><code class=\"ref\">{}</code></a>",
        escape(&list_url(&[("scanRef", scan_ref)])),
        escape(scan_ref)
    )
}

/// The page's content: the filter form, then the live region with both tables.
/// `verifications` are newest first, `deliveries` oldest first, both already filtered.
pub(super) fn render(
    filter: &Filter,
    verifications: &[(&str, &Verification)],
    deliveries: &[Delivery],
) -> String {
    let mut html = filter_form(filter);
    html.push_str("<div id=\"live\">\n");
    verification_table(&mut html, verifications, deliveries);
    delivery_table(&mut html, deliveries);
    html.push_str("</div>\n");
    html
}

fn filter_form(filter: &Filter) -> String {
    let mut html = String::from(
        "<form class=\"filters\" method=\"get\" action=\"/sim/\" role=\"search\" \
         aria-label=\"Filter webhooks\">\n",
    );
    let _ = write!(
        html,
        "<label for=\"scanRef\">scanRef</label>\n\
         <input id=\"scanRef\" name=\"scanRef\" value=\"{}\" autocomplete=\"off\">\n\
         <label for=\"event\">Event</label>\n<select id=\"event\" name=\"event\">\n\
         <option value=\"\">any</option>\n",
        escape(&filter.scan_ref)
    );
    let mut events: Vec<&WebhookEventType> = WebhookEventType::ALL.iter().collect();
    if let Some(other) = filter
        .event
        .as_ref()
        .filter(|event| !events.contains(event))
    {
        events.push(other);
    }
    for event in events {
        option(
            &mut html,
            event.as_str(),
            filter.event.as_ref() == Some(event),
        );
    }
    html.push_str(
        "</select>\n<label for=\"state\">State</label>\n<select id=\"state\" name=\"state\">\n\
         <option value=\"\">any</option>\n",
    );
    for (state, name) in STATES {
        option(&mut html, name, filter.state == Some(state));
    }
    html.push_str(
        "</select>\n<button type=\"submit\">Filter</button>\n\
         <a href=\"/sim/\">Clear filters</a>\n</form>\n",
    );
    html
}

fn option(html: &mut String, value: &str, selected: bool) {
    let _ = writeln!(
        html,
        "<option value=\"{0}\"{1}>{0}</option>",
        escape(value),
        if selected { " selected" } else { "" }
    );
}

fn verification_table(
    html: &mut String,
    verifications: &[(&str, &Verification)],
    deliveries: &[Delivery],
) {
    let _ = write!(
        html,
        "<section aria-labelledby=\"verifications\">\n\
         <h2 id=\"verifications\">Verifications ({})</h2>\n",
        verifications.len()
    );
    if verifications.is_empty() {
        html.push_str("<p>No verification yet: create a token.</p>\n</section>\n");
        return;
    }
    html.push_str(
        "<table>\n<thead><tr><th scope=\"col\">scanRef</th><th scope=\"col\">Created (UTC)</th>\
         <th scope=\"col\">clientId</th><th scope=\"col\">externalRef</th>\
         <th scope=\"col\">dummyStatus</th><th scope=\"col\">Status now</th>\
         <th scope=\"col\">Webhooks</th></tr></thead>\n<tbody>\n",
    );
    for (scan_ref, verification) in verifications {
        let request = &verification.request;
        let status = verification
            .dummy
            .as_ref()
            .map(|dummy| &dummy.current_status);
        let shown = |value: Option<&str>| escape(value.unwrap_or("—")).to_string();
        let _ = write!(
            html,
            "<tr><th scope=\"row\">{scan_ref}</th>\
             <td class=\"nowrap\">{created}</td><td>{client}</td><td>{external}</td>\
             <td>{dummy}</td><td><strong>{overall}</strong><br>\
             <small>auto: {auto_face} · {auto_doc}</small><br>\
             <small>manual: {manual_face} · {manual_doc}</small></td><td><ul class=\"webhooks\">",
            scan_ref = scan_ref_link(scan_ref),
            created = utc_seconds(verification.created),
            client = escape(&request.client_id),
            external = shown(request.external_ref.as_deref()),
            dummy = shown(request.dummy_status.as_ref().map(|dummy| dummy.as_str())),
            overall = shown(status.map(|status| status.overall.as_str())),
            auto_face = shown(
                status
                    .and_then(|s| s.auto_face.as_ref())
                    .map(|f| f.as_str())
            ),
            manual_face = shown(
                status
                    .and_then(|s| s.manual_face.as_ref())
                    .map(|f| f.as_str())
            ),
            auto_doc = shown(
                status
                    .and_then(|s| s.auto_document.as_ref())
                    .map(|d| d.as_str())
            ),
            manual_doc = shown(
                status
                    .and_then(|s| s.manual_document.as_ref())
                    .map(|d| d.as_str())
            ),
        );
        for delivery in deliveries.iter().filter(|d| &*d.scan_ref == *scan_ref) {
            let _ = write!(
                html,
                "<li><a href=\"/sim/deliveries/{id}\">#{id} {event}</a> \
                 {state}</li>",
                id = delivery.id,
                event = escape(delivery.event.as_str()),
                state = state_badge(delivery.state),
            );
        }
        html.push_str("</ul></td></tr>\n");
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
}

fn delivery_table(html: &mut String, deliveries: &[Delivery]) {
    let _ = write!(
        html,
        "<section aria-labelledby=\"webhooks\">\n<h2 id=\"webhooks\">Webhooks ({})</h2>\n",
        deliveries.len()
    );
    if deliveries.is_empty() {
        html.push_str("<p>No webhook matches.</p>\n</section>\n");
        return;
    }
    html.push_str(
        "<table>\n<thead><tr><th scope=\"col\">Webhook</th><th scope=\"col\">Event</th>\
         <th scope=\"col\">scanRef</th><th scope=\"col\">Target</th><th scope=\"col\">State</th>\
         <th scope=\"col\">Attempts</th><th scope=\"col\">Answers</th>\
         <th scope=\"col\">Last attempt (UTC)</th><th scope=\"col\">Time spent</th></tr></thead>\n\
         <tbody>\n",
    );
    for delivery in deliveries.iter().rev() {
        let answers = delivery
            .attempts
            .iter()
            .map(|attempt| match (attempt.status, &attempt.error) {
                (Some(status), _) => status.to_string(),
                (None, Some(error)) => error.clone(),
                (None, None) => "—".to_owned(),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let spent: u64 = delivery.attempts.iter().map(|a| a.elapsed_ms).sum();
        let last = delivery.attempts.last().map_or(0, |a| a.started_at_ms);
        let redelivery = delivery
            .redelivery_of
            .map(|of| format!(" <small>(redelivery of #{of})</small>"))
            .unwrap_or_default();
        let _ = writeln!(
            html,
            "<tr><th scope=\"row\"><a href=\"/sim/deliveries/{id}\">#{id}</a>{redelivery}</th>\
             <td>{event}</td><td>{scan_ref}</td>\
             <td class=\"url\"><code>{target}</code></td>\
             <td>{state}</td>\
             <td>{attempts}</td><td>{answers}</td><td class=\"nowrap\">{last}</td>\
             <td class=\"nowrap\">{spent} ms</td></tr>",
            id = delivery.id,
            event = escape(delivery.event.as_str()),
            scan_ref = scan_ref_link(&delivery.scan_ref),
            target = escape(&redact_url(&delivery.target)),
            state = state_badge(delivery.state),
            attempts = delivery.attempts.len(),
            answers = escape(&answers),
            last = utc_millis(last),
        );
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
}
