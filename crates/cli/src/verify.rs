//! `idenfy-testkit verify`: checks a saved webhook body against its `Idenfy-Signature`, with
//! `idenfy_model::verify` (constant time), and says why a signature is refused.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use idenfy_model::{SignatureError, SigningKey, verify};

use crate::exit::FAILURE;
use crate::output::Stdout;
use crate::values;

/// Settings of `verify`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    idenfy-testkit gen webhook --auto APPROVED --seed 7 --signing-key my-signing-key > body.json 2> headers.txt\n  \
    idenfy-testkit verify --signing-key my-signing-key \\\n    \
      --signature \"$(sed -n 's/^Idenfy-Signature: //p' headers.txt)\" body.json\n  \
    IDENFY_SIGNING_KEY=my-signing-key idenfy-testkit verify \\\n    \
      --signature \"$(sed -n 's/^Idenfy-Signature: //p' headers.txt)\" - < body.json\n\n\
    Prints `valid` and exits 0, or says why on stderr (malformed signature, or a signature of\n\
    other bytes or another key) and exits 1.")]
pub struct VerifyArgs {
    /// Key the webhook was signed with, as in the iDenfy dashboard
    #[arg(long, value_name = "KEY", env = "IDENFY_SIGNING_KEY", hide_env_values = true, value_parser = values::signing_key)]
    signing_key: Option<SigningKey>,
    /// The Idenfy-Signature header value, as received
    #[arg(long, value_name = "SIGNATURE")]
    signature: String,
    /// The body exactly as received; `-` reads standard input
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

/// Checks the signature and prints the verdict.
pub fn run(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let key = values::require_signing_key(args.signing_key)?;
    let body = read_body(&args.file)?;
    match verify(&key, &body, &args.signature) {
        Ok(()) => {
            let mut out = Stdout::lock();
            out.line("valid")?;
            out.finish()?;
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!(
                "invalid: {error}; {}",
                advice(&error, &key, &body, &args.signature)
            );
            Ok(ExitCode::from(FAILURE))
        }
    }
}

/// The body bytes of `file`, or of stdin for `-`.
fn read_body(file: &PathBuf) -> anyhow::Result<Vec<u8>> {
    if file.as_os_str() == "-" {
        let mut body = Vec::new();
        std::io::stdin()
            .read_to_end(&mut body)
            .context("cannot read the body from stdin")?;
        Ok(body)
    } else {
        std::fs::read(file).with_context(|| format!("cannot read the body from {}", file.display()))
    }
}

/// What to check, given why the signature was refused.
fn advice(error: &SignatureError, key: &SigningKey, body: &[u8], signature: &str) -> String {
    match error {
        SignatureError::Malformed { .. } if signature.trim() != signature => {
            "the signature has surrounding whitespace: pass the header value exactly".to_owned()
        }
        SignatureError::Malformed { .. } => {
            if signature.len() == 64 && signature.bytes().all(|b| b.is_ascii_hexdigit()) {
                "it has upper-case hex digits, which iDenfy never sends: pass the header value \
                 exactly as received"
                    .to_owned()
            } else {
                "pass the Idenfy-Signature header value exactly as received".to_owned()
            }
        }
        _ if body.ends_with(b"\n") && verify(key, body.trim_ascii_end(), signature).is_ok() => {
            "it matches the body without its trailing newline: the file gained the newline when \
             it was saved, so the received bytes were correctly signed"
                .to_owned()
        }
        _ => "either the signing key is not the one that signed it, or the bytes changed: save \
              the raw request body before any JSON parsing or re-serializing"
            .to_owned(),
    }
}
