//! Which `callbackUrl`s the simulator takes and contacts: https anywhere and plain http to
//! loopback (its validation profile), plain http also to the host names a docker-compose setup
//! names (`--allow-http-callback-host app`), and hosts other than loopback only when external
//! callbacks are enabled or the host was named.

use std::sync::Arc;

use idenfy_model::validation::is_loopback_host;
use idenfy_sender::Url;

/// Why a `callbackUrl` is not contacted.
pub(crate) const EXTERNAL_CALLBACK_REFUSAL: &str = "not sent: the callbackUrl host is not \
     loopback and external callbacks are disabled (SimulatorBuilder::external_callbacks, \
     --external-callbacks; or name the host with --allow-http-callback-host)";

/// The simulator's callback settings.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallbackPolicy {
    /// Whether hosts other than loopback are contacted.
    external: bool,
    /// Host names whose plain-http `callbackUrl`s are taken and contacted, lower case.
    http_hosts: Arc<[String]>,
}

impl CallbackPolicy {
    /// External callbacks on or off, and the host names allowed plain http.
    pub(crate) fn new(external: bool, http_hosts: &[String]) -> Self {
        Self {
            external,
            http_hosts: http_hosts
                .iter()
                .map(|host| host.to_ascii_lowercase())
                .collect(),
        }
    }

    /// Whether `url` is an `http://` URL to one of the named hosts.
    pub(crate) fn allows_plain_http(&self, url: &str) -> bool {
        !self.http_hosts.is_empty()
            && Url::parse(url).is_ok_and(|url| url.scheme() == "http" && self.names(&url))
    }

    /// Why `url` may not be contacted, if it may not.
    pub(crate) fn refusal(&self, url: &str) -> Option<&'static str> {
        let allowed = self.external
            || Url::parse(url).is_ok_and(|url| is_loopback_host(&url) || self.names(&url));
        (!allowed).then_some(EXTERNAL_CALLBACK_REFUSAL)
    }

    fn names(&self, url: &Url) -> bool {
        url.host_str().is_some_and(|host| {
            self.http_hosts
                .iter()
                .any(|named| named.eq_ignore_ascii_case(host))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{CallbackPolicy, EXTERNAL_CALLBACK_REFUSAL};

    #[test]
    fn named_hosts_take_plain_http_and_are_contacted() {
        let policy = CallbackPolicy::new(false, &["App".to_owned()]);
        assert!(policy.allows_plain_http("http://app:3000/hooks"));
        assert!(policy.allows_plain_http("http://APP/hooks"));
        assert!(
            !policy.allows_plain_http("https://app/hooks"),
            "https needs no allowance"
        );
        assert!(!policy.allows_plain_http("http://other:3000/hooks"));
        assert!(!policy.allows_plain_http("not a url"));
        assert_eq!(policy.refusal("http://app:3000/hooks"), None);
        assert_eq!(policy.refusal("http://127.0.0.1:3000/hooks"), None);
        assert!(policy.refusal("https://example.com/hooks").is_some());
    }

    #[test]
    fn only_non_loopback_callbacks_are_refused_and_only_when_external_ones_are_disabled() {
        for url in [
            "https://hooks.example.com/idenfy",
            "http://10.0.0.1/hook",
            "not a url",
        ] {
            let refusal = CallbackPolicy::new(false, &[]).refusal(url);
            assert_eq!(refusal, Some(EXTERNAL_CALLBACK_REFUSAL), "{url}");
            assert_eq!(CallbackPolicy::new(true, &[]).refusal(url), None, "{url}");
        }
        for url in [
            "http://127.0.0.1:9/hook",
            "http://localhost/hook",
            "http://[::1]/",
        ] {
            assert_eq!(CallbackPolicy::new(false, &[]).refusal(url), None, "{url}");
        }
    }

    #[test]
    fn external_callbacks_contact_every_host() {
        let policy = CallbackPolicy::new(true, &[]);
        assert_eq!(policy.refusal("https://example.com/hooks"), None);
        assert!(!policy.allows_plain_http("http://example.com/hooks"));
        assert!(
            CallbackPolicy::default()
                .refusal("https://example.com/h")
                .is_some()
        );
    }
}
