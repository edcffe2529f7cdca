//! How the engine reaches receivers: a small [`Transport`] trait, implemented over the
//! workspace's one webhook sender. (Which targets it may reach is `crate::callbacks`.)

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use idenfy_sender::{Outgoing, Sender, Url};

use super::queue::{Outcome, Start};

/// Makes one attempt: posts a webhook and says how the receiver answered.
pub(crate) trait Transport: Send + Sync + 'static {
    /// Posts `start`'s webhook to its target.
    fn post(&self, start: &Start) -> impl Future<Output = Outcome> + Send;
}

impl Transport for Sender {
    async fn post(&self, start: &Start) -> Outcome {
        let started_at_ms = unix_millis_now();
        let url = match Url::parse(&start.target) {
            Ok(url) => url,
            Err(error) => {
                return Outcome {
                    answer: Err(format!("request failed: invalid URL: {error}")),
                    elapsed: Duration::ZERO,
                    started_at_ms,
                };
            }
        };
        let webhook = Outgoing {
            body: Bytes::from_owner(SharedBody(Arc::clone(&start.body))),
            signature: Some(&start.signature),
            event: start.event.as_str(),
        };
        match self.send(&url, &webhook).await {
            Ok(answer) => Outcome {
                answer: Ok(answer.status),
                elapsed: answer.elapsed,
                started_at_ms,
            },
            Err(no_answer) => Outcome {
                answer: Err(no_answer.to_string()),
                elapsed: no_answer.elapsed,
                started_at_ms,
            },
        }
    }
}

/// The wall clock in Unix milliseconds (0 before 1970).
fn unix_millis_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| {
            u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
        })
}

/// A body shared with the journal, lent to the sender without copying.
struct SharedBody(Arc<str>);

impl AsRef<[u8]> for SharedBody {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use axum::http::{HeaderMap, StatusCode};
    use idenfy_model::WebhookEventType;
    use idenfy_model::signature::{EVENT_TYPE_HEADER, SIGNATURE_HEADER};
    use idenfy_model::support::lock;

    use super::*;

    /// What a receiver got: `Idenfy-Signature`, `Idenfy-Event-Type` and the body.
    type Got = (String, String, Bytes);

    /// A loopback receiver answering 202 and keeping what it got; returns its URL.
    async fn receiver(got: Arc<Mutex<Vec<Got>>>) -> String {
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: Bytes| async move {
                let header = |name: &str| headers[name].to_str().unwrap().to_owned();
                lock(&got).push((header(SIGNATURE_HEADER), header(EVENT_TYPE_HEADER), body));
                StatusCode::ACCEPTED
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        url
    }

    fn start(target: &str) -> Start {
        Start {
            id: 1,
            target: Arc::from(target),
            body: Arc::from(r#"{"final":true}"#),
            signature: Arc::from("the-signature"),
            event: WebhookEventType::IdentificationManualFinished,
            delay: Duration::ZERO,
        }
    }

    #[tokio::test]
    async fn the_sender_posts_the_shared_body_and_headers_and_reports_the_status() {
        let got = Arc::new(Mutex::new(Vec::new()));
        let url = receiver(Arc::clone(&got)).await;
        let sender = Sender::new(Duration::from_secs(30)).unwrap();
        let outcome = sender.post(&start(&url)).await;
        assert_eq!(outcome.answer, Ok(202));
        let got = lock(&got).clone();
        assert_eq!(
            got,
            [(
                "the-signature".to_owned(),
                "IDENTIFICATION_MANUAL_FINISHED".to_owned(),
                Bytes::from_static(br#"{"final":true}"#)
            )]
        );
    }

    #[tokio::test]
    async fn an_invalid_target_gives_the_reason_without_sending() {
        let sender = Sender::new(Duration::from_secs(30)).unwrap();
        let invalid = sender.post(&start("http://")).await;
        assert!(
            invalid
                .answer
                .as_ref()
                .is_err_and(|reason| reason.starts_with("request failed: invalid URL")),
            "{invalid:?}"
        );
        assert_eq!(invalid.elapsed, Duration::ZERO);
    }
}
