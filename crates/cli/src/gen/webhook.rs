//! `gen webhook`: one webhook body exactly as the simulator sends it (compact by default, or
//! `--body-style spaced-ascii`), on stdout byte for byte, with its `Idenfy-Signature` and
//! `Idenfy-Event-Type` on stderr (or, with `--headers`, first on stdout).

use clap::{ArgGroup, Args};
use idenfy_model::signature::{EVENT_TYPE_HEADER, SIGNATURE_HEADER};
use idenfy_model::{BodyStyle, SigningKey};

use crate::output::Stdout;
use crate::values;
use crate::webhook_choice::WebhookChoice;

/// Settings of `gen webhook`.
#[derive(Debug, Args)]
#[command(
    group(ArgGroup::new("result").required(true).multiple(true).args(["auto", "face", "event"])),
    after_help = "Examples:\n  \
    idenfy-testkit gen webhook --auto APPROVED --seed 7 --signing-key my-signing-key > body.json\n  \
    idenfy-testkit gen webhook --auto DENIED --face FACE_MATCH --doc DOC_VALIDATED --signing-key my-signing-key --headers\n  \
    idenfy-testkit gen webhook --event DOCUMENT_EXPIRATION --scan-ref my-scan-ref --signing-key my-signing-key\n\n\
    stdout holds exactly the signed bytes (no trailing newline unless it is a terminal); stderr has\n  \
    Idenfy-Signature: <64 lower-case hex digits>\n  \
    Idenfy-Event-Type: IDENTIFICATION_AUTO_FINISHED\n\
    With --headers, those two lines, an empty line and the body all go to stdout."
)]
pub struct WebhookArgs {
    #[command(flatten)]
    webhook: WebhookChoice,
    /// Key that signs the body, as in the iDenfy dashboard
    #[arg(long, value_name = "KEY", env = "IDENFY_SIGNING_KEY", hide_env_values = true, value_parser = values::signing_key)]
    signing_key: Option<SigningKey>,
    /// The body's bytes: compact JSON, or Python's default `", "`-separated, `\u`-escaped
    /// layout (nobody outside iDenfy knows which it sends)
    #[arg(long, value_name = "STYLE", default_value = idenfy_sim::assumptions::DEFAULT_BODY_STYLE.as_str(), value_parser = values::body_style())]
    body_style: BodyStyle,
    /// Print the header lines, then an empty line, then the body, all on stdout
    #[arg(long)]
    headers: bool,
}

/// Writes the body and its headers.
pub fn run(args: WebhookArgs) -> anyhow::Result<()> {
    let key = values::require_signing_key(args.signing_key)?;
    let signed = args.webhook.generate().sign(&key, args.body_style);
    let headers = format!(
        "{SIGNATURE_HEADER}: {}\n{EVENT_TYPE_HEADER}: {}\n",
        signed.signature, signed.event
    );
    let mut out = Stdout::lock();
    if args.headers {
        out.bytes(headers.as_bytes())?;
        out.bytes(b"\n")?;
    } else {
        eprint!("{headers}");
    }
    out.exact_bytes(&signed.body)?;
    out.finish()
}
