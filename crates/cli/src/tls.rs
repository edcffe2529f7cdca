//! `--cacert` and `--insecure`: how the commands that send to the user's endpoint trust an
//! HTTPS receiver with a private certificate (mkcert's, a company's authority).

use std::path::PathBuf;

use std::time::Duration;

use clap::Args;
use idenfy_sender::{Sender, SenderError, Trust};

use crate::exit::UsageError;

/// The variable that names a PEM file of extra trusted authorities when `--cacert` is absent
/// (as curl, Python and OpenSSL read it).
const CERT_FILE_VARIABLE: &str = "SSL_CERT_FILE";

/// Trust flags for HTTPS receivers.
#[derive(Debug, Args)]
pub struct TlsArgs {
    /// Also trust the PEM certificate authorities in FILE (e.g. mkcert's rootCA.pem) for an
    /// https:// endpoint [default: the file named by SSL_CERT_FILE, if set]
    #[arg(long, value_name = "FILE")]
    cacert: Option<PathBuf>,
    /// Accept any certificate from an https:// endpoint (expired, self-signed, another host);
    /// prefer --cacert
    #[arg(long)]
    insecure: bool,
}

impl TlsArgs {
    /// A sender with this trust and time limit; an unreadable or certificate-less file is a
    /// wrong command line.
    pub fn sender(&self, timeout: Duration) -> anyhow::Result<Sender> {
        match Sender::with_trust(timeout, &self.trust()?) {
            Ok(sender) => Ok(sender),
            Err(error @ SenderError::Certificate { .. }) => Err(UsageError(format!(
                "{error}; give --cacert a PEM file with -----BEGIN CERTIFICATE----- blocks"
            ))
            .into()),
            Err(error) => Err(error.into()),
        }
    }

    /// The trust these flags ask for; warns on stderr when every certificate is accepted.
    fn trust(&self) -> Result<Trust, UsageError> {
        let mut trust = Trust::default();
        let file = self.cacert.clone().or_else(|| {
            std::env::var_os(CERT_FILE_VARIABLE)
                .filter(|value| !value.is_empty())
                .map(PathBuf::from)
        });
        if let Some(file) = file {
            let pem = std::fs::read(&file).map_err(|error| {
                UsageError(format!(
                    "cannot read the certificate file {} (from {}): {error}",
                    file.display(),
                    if self.cacert.is_some() {
                        "--cacert"
                    } else {
                        CERT_FILE_VARIABLE
                    }
                ))
            })?;
            trust = trust.with_authorities(file.display().to_string(), pem);
        }
        if self.insecure {
            eprintln!(
                "WARNING: --insecure: any certificate is accepted, so nothing proves the endpoint \
                 is the one you meant; use --cacert FILE with your authority's certificate instead"
            );
            trust = trust.accepting_any_certificate();
        }
        Ok(trust)
    }
}
