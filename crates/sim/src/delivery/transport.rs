//! How the engine reaches receivers: a small [`Transport`] trait, implemented over the
//! workspace's one webhook sender, and the rule that keeps tests off the internet (a
//! `callbackUrl` whose host is not loopback is refused unless external callbacks are enabled).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use idenfy_sender::{Outgoing, Sender, Url};

use super::queue::{Outcome, Start};

/// Why a `callbackUrl` is not contacted when external callbacks are disabled.
pub(crate) const EXTERNAL_CALLBACK_REFUSAL: &str = "not sent: the callbackUrl host is not \
     loopback and external callbacks are disabled (SimulatorBuilder::external_callbacks, \
     --external-callbacks)";

/// Makes one attempt: posts a webhook and says how the receiver answered.
pub(crate) trait Transport: Send + Sync + 'static {
    /// Posts `start`'s webhook to its target.
    fn post(&self, start: &Start) -> impl Future<Output = Outcome> + Send;
}

impl Transport for Sender {
    async fn post(&self, start: &Start) -> Outcome {
        let url = match Url::parse(&start.target) {
            Ok(url) => url,
            Err(error) => {
                return Outcome {
                    answer: Err(format!("request failed: invalid URL: {error}")),
                    elapsed: Duration::ZERO,
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
            },
            Err(no_answer) => Outcome {
                answer: Err(no_answer.to_string()),
                elapsed: no_answer.elapsed,
            },
        }
    }
}

/// Why `callback_url` may not be contacted, if it may not: its host is not loopback and
/// external callbacks are disabled.
pub(crate) fn refusal(callback_url: &str, external_callbacks: bool) -> Option<String> {
    let loopback = Url::parse(callback_url)
        .is_ok_and(|parsed| idenfy_model::validation::is_loopback_host(&parsed));
    (!loopback && !external_callbacks).then(|| EXTERNAL_CALLBACK_REFUSAL.to_owned())
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

    #[test]
    fn only_non_loopback_callbacks_are_refused_and_only_when_external_ones_are_disabled() {
        let refused = [
            "https://hooks.example.com/idenfy",
            "http://10.0.0.1/hook",
            "not a url",
        ];
        for url in refused {
            assert_eq!(
                refusal(url, false).as_deref(),
                Some(EXTERNAL_CALLBACK_REFUSAL),
                "{url}"
            );
            assert_eq!(refusal(url, true), None, "{url}");
        }
        for url in [
            "http://127.0.0.1:9/hook",
            "http://localhost/hook",
            "http://[::1]/",
        ] {
            assert_eq!(refusal(url, false), None, "{url}");
            assert_eq!(refusal(url, true), None, "{url}");
        }
    }
}
