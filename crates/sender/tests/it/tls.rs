//! HTTPS receivers with a private certificate: refused by default, trusted through
//! [`Trust::with_authorities`] or, loudly, [`Trust::accepting_any_certificate`].

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use idenfy_sender::{NoAnswerKind, Outgoing, Sender, SenderError, Trust, Url};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// An HTTPS receiver on `127.0.0.1:0` with a fresh self-signed certificate for `localhost`
/// and `127.0.0.1`, answering every request 204; gives its URL and the certificate as PEM.
async fn https_receiver() -> (Url, Vec<u8>) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .unwrap();
    let chain = vec![CertificateDer::from(certified.cert.der().to_vec())];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let config = ServerConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !ends_request(&request) {
                    match tls.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => request.extend_from_slice(&buffer[..read]),
                    }
                }
                let answer = b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n";
                let _ = tls.write_all(answer).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    let url = format!("https://127.0.0.1:{}/hook", addr.port())
        .parse()
        .unwrap();
    (url, certified.cert.pem().into_bytes())
}

/// Whether `request` holds the headers and a body of the announced length.
fn ends_request(request: &[u8]) -> bool {
    let text = String::from_utf8_lossy(request);
    let Some(end) = text.find("\r\n\r\n") else {
        return false;
    };
    let length = text[..end]
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    request.len() >= end + 4 + length
}

fn webhook() -> Outgoing<'static> {
    Outgoing {
        body: Bytes::from_static(b"{\"final\":true}"),
        signature: Some("00"),
        event: "IDENTIFICATION_MANUAL_FINISHED",
    }
}

#[tokio::test]
async fn a_private_certificate_is_refused_unless_trusted() {
    let (url, pem) = https_receiver().await;
    let timeout = Duration::from_secs(5);

    let refused = Sender::new(timeout)
        .unwrap()
        .send(&url, &webhook())
        .await
        .unwrap_err();
    assert_eq!(refused.kind, NoAnswerKind::Certificate, "{refused}");
    assert_eq!(
        refused.to_string(),
        "the endpoint's HTTPS certificate is not trusted: it is signed by an authority this \
         machine does not trust"
    );

    let trusted = Trust::default().with_authorities("ca.pem", pem);
    let answer = Sender::with_trust(timeout, &trusted)
        .unwrap()
        .send(&url, &webhook())
        .await
        .unwrap();
    assert_eq!(answer.status, 204);

    let any = Trust::default().accepting_any_certificate();
    let answer = Sender::with_trust(timeout, &any)
        .unwrap()
        .send(&url, &webhook())
        .await
        .unwrap();
    assert_eq!(answer.status, 204);
}

#[test]
fn a_file_without_certificates_is_named_in_the_error() {
    for pem in [&b"not a certificate"[..], b""] {
        let trust = Trust::default().with_authorities("ca.pem", pem.to_vec());
        let error = Sender::with_trust(Duration::from_secs(1), &trust).unwrap_err();
        assert!(
            matches!(error, SenderError::Certificate { .. }),
            "{error:?}"
        );
        assert!(
            error
                .to_string()
                .starts_with("ca.pem holds no PEM certificate"),
            "{error}"
        );
    }
}
