//! `--cacert` and `--insecure`: how the commands that send to the user's endpoint trust an
//! HTTPS receiver with a private certificate (mkcert's, a company's authority); with
//! `--timeout`, the flags every command that sends webhooks takes ([`SendArgs`]).

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

/// How `trigger`, `fuzz` and `replay` send: the time limit of each answer and the trust flags.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// Seconds to wait for each answer (at least 1)
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
    #[command(flatten)]
    tls: TlsArgs,
}

impl SendArgs {
    /// The time limit of each answer.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout)
    }

    /// [`TlsArgs::trust`].
    pub fn trust(&self) -> Result<Trust, UsageError> {
        self.tls.trust()
    }

    /// A sender with this time limit and trust.
    pub fn sender(&self) -> anyhow::Result<Sender> {
        Ok(Sender::with_trust(self.timeout(), &self.trust()?)?)
    }
}

impl TlsArgs {
    /// The trust these flags ask for. A `--cacert` file that cannot be read or holds no
    /// certificate is a wrong command line; the same from `SSL_CERT_FILE`, which belongs to the
    /// whole environment and which an http:// endpoint never needs, only a warning.
    pub fn trust(&self) -> Result<Trust, UsageError> {
        let mut trust = Trust::default();
        if self.insecure {
            eprintln!(
                "WARNING: --insecure: any certificate is accepted, so nothing proves the endpoint \
                 is the one you meant; use --cacert FILE with your authority's certificate instead"
            );
            trust = trust.accepting_any_certificate();
        }
        let Some((file, pem)) = self.authorities()? else {
            return Ok(trust);
        };
        let with_file = trust.clone().with_authorities(&file, pem);
        match with_file.configure(reqwest::Client::builder()) {
            Ok(_) => Ok(with_file),
            Err(error @ SenderError::Certificate { .. }) if self.cacert.is_some() => {
                Err(UsageError(format!(
                    "{error}; give --cacert a PEM file with -----BEGIN CERTIFICATE----- blocks"
                )))
            }
            Err(_) => {
                eprintln!("warning: {CERT_FILE_VARIABLE}={file} holds no PEM certificate; ignored");
                Ok(trust)
            }
        }
    }

    /// The extra authorities' file name and bytes: `--cacert`, else `SSL_CERT_FILE` (an
    /// unreadable one ignored with a warning).
    fn authorities(&self) -> Result<Option<(String, Vec<u8>)>, UsageError> {
        if let Some(file) = &self.cacert {
            let pem = std::fs::read(file).map_err(|error| {
                UsageError(format!(
                    "cannot read the certificate file {} (from --cacert): {error}",
                    file.display()
                ))
            })?;
            return Ok(Some((file.display().to_string(), pem)));
        }
        let Some(file) = std::env::var_os(CERT_FILE_VARIABLE).filter(|file| !file.is_empty())
        else {
            return Ok(None);
        };
        let file = PathBuf::from(file);
        match std::fs::read(&file) {
            Ok(pem) => Ok(Some((file.display().to_string(), pem))),
            Err(error) => {
                eprintln!(
                    "warning: cannot read {CERT_FILE_VARIABLE}={} ({error}); ignored",
                    file.display()
                );
                Ok(None)
            }
        }
    }
}
