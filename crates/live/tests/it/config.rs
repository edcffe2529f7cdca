//! Client configuration: base URLs (HTTPS or loopback only), environment variables, and
//! secrets kept out of `Debug` and errors.

use std::collections::HashMap;

use idenfy_live::{Client, ClientBuilder, DEFAULT_BASE_URL, Error};
use idenfy_model::ApiCredentials;

const SECRET: &str = "super-secret-value-1234";

fn credentials() -> ApiCredentials {
    ApiCredentials::new("key-1", SECRET)
}

fn build(base_url: &str) -> Result<Client, Error> {
    Client::builder(credentials()).base_url(base_url).build()
}

#[test]
fn https_and_loopback_http_base_urls_are_accepted() {
    for (given, joined_below) in [
        ("https://ivs.idenfy.com", "https://ivs.idenfy.com/"),
        ("https://example.test/proxy", "https://example.test/proxy/"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/"),
        ("http://127.5.6.7:1", "http://127.5.6.7:1/"),
        ("http://localhost:3000/", "http://localhost:3000/"),
        ("http://[::1]:3000", "http://[::1]:3000/"),
    ] {
        let client = build(given).unwrap_or_else(|error| panic!("{given}: {error}"));
        assert_eq!(client.base_url().as_str(), joined_below, "{given}");
    }
}

#[test]
fn plain_http_to_other_hosts_is_refused() {
    for url in [
        "http://ivs.idenfy.com",
        "http://10.0.0.1:8080",
        "http://localhost.example.com",
    ] {
        let error = build(url).unwrap_err();
        assert!(
            matches!(&error, Error::InsecureUrl { url: refused } if refused == url),
            "{url}: {error:?}"
        );
        assert!(error.to_string().contains("use https://"), "{error}");
    }
}

#[test]
fn malformed_base_urls_are_refused_with_the_reason() {
    for url in [
        "not a url",
        "ftp://127.0.0.1",
        "https://ivs.idenfy.com/?a=b",
    ] {
        let error = build(url).unwrap_err();
        assert!(
            matches!(error, Error::InvalidUrl { .. }),
            "{url}: {error:?}"
        );
    }
}

#[test]
fn credentials_in_the_base_url_are_refused_without_repeating_them() {
    let error = build(&format!("https://key-1:{SECRET}@ivs.idenfy.com")).unwrap_err();
    assert!(matches!(error, Error::InvalidUrl { .. }), "{error:?}");
    assert!(!error.to_string().contains(SECRET), "{error}");
    assert!(!format!("{error:?}").contains(SECRET), "{error:?}");
}

#[test]
fn the_default_base_url_is_idenfys() {
    let client = Client::builder(credentials()).build().unwrap();
    assert_eq!(client.base_url().as_str(), "https://ivs.idenfy.com/");
    assert_eq!(
        client.base_url().as_str().trim_end_matches('/'),
        DEFAULT_BASE_URL,
        "the documented constant is the one used"
    );
    assert_eq!(client.api_key(), "key-1");
}

#[test]
fn debug_shows_the_key_but_never_the_secret() {
    let builder = Client::builder(credentials()).base_url("http://127.0.0.1:1");
    let client = builder.clone().build().unwrap();
    for shown in [format!("{client:?}"), format!("{builder:?}")] {
        assert!(shown.contains("key-1"), "{shown}");
        assert!(!shown.contains(SECRET), "{shown}");
    }
}

fn from_vars(vars: &[(&str, &str)]) -> Result<Client, Error> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    ClientBuilder::from_vars(|name| vars.get(name).cloned())?.build()
}

#[test]
fn environment_variables_configure_key_secret_and_base_url() {
    let client = from_vars(&[
        ("IDENFY_API_KEY", "env-key"),
        ("IDENFY_API_SECRET", SECRET),
        ("IDENFY_BASE_URL", "http://127.0.0.1:9"),
    ])
    .unwrap();
    assert_eq!(client.api_key(), "env-key");
    assert_eq!(client.base_url().as_str(), "http://127.0.0.1:9/");

    let client = from_vars(&[("IDENFY_API_KEY", "k"), ("IDENFY_API_SECRET", "s")]).unwrap();
    assert_eq!(client.base_url().as_str(), "https://ivs.idenfy.com/");
}

#[test]
fn missing_or_empty_variables_are_named() {
    let check = |vars: &[(&str, &str)], missing: &str| {
        let error = from_vars(vars).unwrap_err();
        assert!(
            matches!(&error, Error::MissingEnvironmentVariable { name, .. } if *name == missing),
            "{error:?}"
        );
        assert!(error.to_string().contains(missing), "{error}");
    };
    check(&[], "IDENFY_API_KEY");
    check(&[("IDENFY_API_KEY", "  ")], "IDENFY_API_KEY");
    check(&[("IDENFY_API_KEY", "k")], "IDENFY_API_SECRET");
    check(
        &[("IDENFY_API_KEY", "k"), ("IDENFY_API_SECRET", "")],
        "IDENFY_API_SECRET",
    );
}

#[test]
fn an_insecure_base_url_from_the_environment_is_refused() {
    let error = from_vars(&[
        ("IDENFY_API_KEY", "k"),
        ("IDENFY_API_SECRET", "s"),
        ("IDENFY_BASE_URL", "http://ivs.idenfy.com"),
    ])
    .unwrap_err();
    assert!(matches!(error, Error::InsecureUrl { .. }), "{error:?}");
}
