//! Every behaviour the iDenfy docs leave open, and the choice the simulator makes, in one place.
//!
//! The handlers read these constants and functions and never hard-code a choice of their own.
//! [`all`] renders them as the list below and as docs/ASSUMPTIONS.md;
//! a test fails when either rendering is stale (run `UPDATE_ASSUMPTIONS=1 cargo test -p
//! idenfy-sim assumptions` to rewrite both).
//!
#![doc = include_str!("assumptions.md")]

use std::time::Duration;

use idenfy_gen::WebhookDefaults;
use idenfy_model::facts;
use idenfy_model::parse::MAX_QUOTED_CHARS;
use idenfy_model::support::clip;
use idenfy_model::validation::{EXPIRY_TIME_RANGE, ValidationProfile};
use idenfy_model::{
    ApiError, BodyStyle, DocumentType, ErrorIdentifier, FraudTag, Locale, MismatchTag,
    OverallStatus, Platform, TokenType, WebhookStatus,
};

/// `expiryTime` echoed when the request gives none (GH21 and the token response examples; MID's
/// 86400 is older).
pub const DEFAULT_EXPIRY_TIME: i64 = 3600;
/// `sessionLength` echoed when the request gives none (GH21 and response examples; MID's 1800 is
/// older).
pub const DEFAULT_SESSION_LENGTH: i64 = 600;
/// `showInstructions` echoed when the request gives none.
pub const DEFAULT_SHOW_INSTRUCTIONS: bool = true;
/// `tokenType` echoed when the request gives none.
pub const DEFAULT_TOKEN_TYPE: TokenType = TokenType::Identification;
/// `locale` echoed when the request gives none.
pub const DEFAULT_LOCALE: Locale = Locale::En;
/// The rules token requests are validated with: DEV's, except that `callbackUrl` may be plain
/// `http://` to a loopback host, so tests receive webhooks on their own machine.
pub const VALIDATION_PROFILE: ValidationProfile = ValidationProfile::Simulator;
/// The documents a DEV environment allows when the request names none (the environment list in
/// iDenfy's response examples).
pub const DEFAULT_DOCUMENTS: &[DocumentType] = &[
    DocumentType::IdCard,
    DocumentType::Passport,
    DocumentType::ResidencePermit,
    DocumentType::DriverLicense,
];
/// The key of `allowedDocuments`: every country (iDenfy's example `{"ALL": [...]}`).
pub const ALLOWED_DOCUMENTS_KEY: &str = "ALL";
/// Length of `authToken`: letters and digits, as long as every documented example.
pub const AUTH_TOKEN_LENGTH: usize = 40;
/// Length of `digitString` (the docs say 8 digits; their example shows 7, a typo).
pub const DIGIT_STRING_LENGTH: usize = 8;
/// `redirectUrl` is this base followed by the `authToken` (iDenfy's hosted UI; the simulator
/// serves no UI).
pub const REDIRECT_URL_BASE: &str = "https://ivs.idenfy.com/api/v2/redirect?authToken=";
/// Base of the webhook `fileUrls`: a reserved `.test` host, so no client can download from it.
pub const FILE_URL_BASE: &str = "https://files.idenfy-sim.test";
/// Seconds from `startTime` to `finishTime` in webhook bodies (iDenfy documents no duration).
pub const PROCESSING_SECONDS: i64 = 42;
/// `platform` of a verification that took place: a desktop browser.
pub const PLATFORM: Platform = Platform::Pc;
/// `clientIp` of a verification that took place: an address reserved for documentation
/// (RFC 5737), so it names no real client.
pub const CLIENT_IP: &str = "192.0.2.10";
/// The values of webhook bodies the docs leave open, as `idenfy_gen::webhook` takes them: the
/// four constants above. The simulator and `idenfy-testkit gen webhook` build bodies with it.
pub static WEBHOOK_DEFAULTS: WebhookDefaults = WebhookDefaults {
    processing_seconds: PROCESSING_SECONDS,
    platform: PLATFORM,
    client_ip: CLIENT_IP,
    file_url_base: FILE_URL_BASE,
};
/// Balance units one `POST /api/v2/token` costs, with or without `dummyStatus`.
pub const TOKEN_COST: u64 = 1;
/// `message` of a successful `add-dummy-status` (iDenfy documents only "200").
pub const DUMMY_STATUS_ADDED: &str = "Dummy manual status added successfully.";
/// Requests allowed per window when not configured (D-ERR: "Default value is 10000").
pub const DEFAULT_RATE_LIMIT_PER_HOUR: u64 = 10_000;
/// Length of the fixed rate-limit window; it starts with the first counted request.
pub const RATE_LIMIT_WINDOW: Duration = Duration::from_secs(3600);
/// Delays between webhook attempts: 3 retries, 0.5 s apart (MID: "max 3 times every 0,5 seconds").
pub const DEFAULT_RETRY_SCHEDULE: [Duration; 3] = [Duration::from_millis(500); 3];
/// How long one webhook attempt may take (D-WHOV: "respond within 10 seconds").
pub const DEFAULT_DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);
/// The bytes of webhook bodies by default: compact JSON, raw UTF-8 (nobody outside iDenfy
/// knows the exact bytes it sends; the other style is Python's `json.dumps` layout).
pub const DEFAULT_BODY_STYLE: BodyStyle = BodyStyle::Compact;
/// `final` of `IDENTIFICATION_AUTO_FINISHED` by default: a manual result may follow.
pub const DEFAULT_AUTO_WEBHOOK_FINAL: bool = false;
/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Verifications kept by default; past it the oldest is forgotten.
pub const DEFAULT_MAX_VERIFICATIONS: usize = 10_000;
/// Total size of the token request bodies kept with verifications by default (bodies may be up
/// to [`MAX_BODY_BYTES`] each); past it the oldest verification is forgotten.
pub const DEFAULT_MAX_VERIFICATION_BYTES: usize = 64 * 1024 * 1024;
/// Delivery records kept by default; past it the oldest finished record is forgotten.
pub const DEFAULT_MAX_DELIVERIES: usize = 20_000;
/// Webhook attempts in flight at once to one target URL (each target has its own queue).
pub const MAX_CONCURRENT_DELIVERY_ATTEMPTS: usize = 64;
/// How long a graceful shutdown waits for in-flight deliveries before reporting them.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// How long a connection may wait for the first byte of a request, after it was accepted or
/// answered (the idle keep-alive timeout): 75 s, nginx's default, long enough for the pauses
/// of a test suite (a client pool that keeps connections longer sees the close before it
/// reuses one), short enough that a leaked connection frees its descriptor within the bound.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(75);
/// How long a request head (request line and headers) may take from its first byte to its
/// last: every client sends it in one write, so 10 s is generous even on a loaded CI machine
/// and bounds a slowloris to 10 s per connection.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a request body may take to arrive once its head is complete: 30 s lets a
/// [`MAX_BODY_BYTES`] body through at 35 KB/s.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// Identifier of the 404 answer for an unknown path or `scanRef` (iDenfy documents none).
pub const NOT_FOUND_IDENTIFIER: &str = "NOT_FOUND";
/// Identifier of the 413 answer for a body over [`MAX_BODY_BYTES`] (iDenfy documents none).
pub const TOO_LARGE_IDENTIFIER: &str = "REQUEST_TOO_LARGE";
/// Identifier of the 408 answer for a body that does not arrive in time (iDenfy documents
/// none).
pub const TIMEOUT_IDENTIFIER: &str = "REQUEST_TIMEOUT";

/// One behaviour the docs leave open and the choice made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assumption {
    /// What is open, e.g. "Rate limit window".
    pub topic: &'static str,
    /// What the simulator does.
    pub choice: String,
}

/// The status of a verification before any result: `ACTIVE`, statuses null, no tags (D-VOC:
/// "token created, not yet used"). A dummy token's automatic result is immediate, so only
/// tokens created without `dummyStatus` stay here.
pub fn status_before_any_result() -> WebhookStatus {
    WebhookStatus {
        overall: OverallStatus::Active,
        suspicion_reasons: None,
        fraud_tags: Vec::<FraudTag>::new(),
        mismatch_tags: Vec::<MismatchTag>::new(),
        auto_face: None,
        manual_face: None,
        auto_document: None,
        manual_document: None,
        additional_steps: None,
    }
}

/// `finishTime` of a verification's next webhook: one second after the previous webhook's,
/// or the clock when that is later, so successive webhooks of one verification carry strictly
/// increasing `finishTime` (also with a frozen clock: +1 s per later webhook) and a consumer
/// can tell a stale review from a fresh one; `generated` for its first webhook.
pub fn next_finish_time(previous: Option<i64>, now: i64, generated: Option<i64>) -> i64 {
    match previous {
        Some(previous) => now.max(previous + 1),
        None => generated.unwrap_or(now),
    }
}

/// 404 for a `scanRef` the simulator does not know (never created, or forgotten past the cap).
pub fn unknown_scan_ref(scan_ref: &str) -> (u16, ApiError) {
    (
        404,
        ApiError::new(
            ErrorIdentifier::from(NOT_FOUND_IDENTIFIER),
            format!(
                "Verification with scanRef '{}' was not found.",
                quoted(scan_ref)
            ),
        ),
    )
}

/// 400 for `add-dummy-status` on a verification created without `dummyStatus`.
pub fn not_a_dummy_verification(scan_ref: &str) -> (u16, ApiError) {
    (
        400,
        ApiError::new(
            ErrorIdentifier::BadValue,
            format!(
                "Verification with scanRef '{}' was not created with dummyStatus; \
                 generate a new token with dummyStatus first.",
                quoted(scan_ref)
            ),
        ),
    )
}

/// 404 for a path the API does not have.
pub fn unknown_path(method: &str, path: &str) -> (u16, ApiError) {
    (
        404,
        ApiError::new(
            ErrorIdentifier::from(NOT_FOUND_IDENTIFIER),
            format!("No endpoint {} {}.", quoted(method), quoted(path)),
        ),
    )
}

/// 405 `METHOD_NOT_ALLOWED` for a known path called with the wrong method.
pub fn method_not_allowed(method: &str, path: &str) -> (u16, ApiError) {
    (
        405,
        ApiError::new(
            ErrorIdentifier::MethodNotAllowed,
            format!(
                "Method {} is not allowed on {}.",
                quoted(method),
                quoted(path)
            ),
        ),
    )
}

/// 413 for a body over [`MAX_BODY_BYTES`].
pub fn body_too_large() -> (u16, ApiError) {
    (
        413,
        ApiError::new(
            ErrorIdentifier::from(TOO_LARGE_IDENTIFIER),
            format!("Request body is larger than the limit of {MAX_BODY_BYTES} bytes."),
        ),
    )
}

/// 408 for a body that did not arrive within `timeout`.
pub fn body_timeout(timeout: Duration) -> (u16, ApiError) {
    (
        408,
        ApiError::new(
            ErrorIdentifier::from(TIMEOUT_IDENTIFIER),
            format!(
                "Request body did not arrive within {} ms.",
                timeout.as_millis()
            ),
        ),
    )
}

/// 415 `JSON_ERROR` for a body sent without `Content-Type: application/json` (iDenfy documents
/// `application/json` and no answer for anything else; strict, so a client that forgets the
/// header fails here rather than in production).
pub fn wrong_content_type(content_type: Option<&str>) -> (u16, ApiError) {
    let got = match content_type {
        Some(value) => format!("'{}'", quoted(value)),
        None => "none".to_owned(),
    };
    (
        415,
        ApiError::new(
            ErrorIdentifier::JsonError,
            format!("Content-Type must be application/json; got {got}."),
        ),
    )
}

/// A value the client sent, as an error message quotes it: cut to
/// [`MAX_QUOTED_CHARS`] characters, like the parser's messages, so a 60 KB path or `scanRef`
/// is never echoed whole.
fn quoted(value: &str) -> String {
    clip(value, MAX_QUOTED_CHARS)
}

/// Whether a `Content-Type` value is accepted: `application/json` or any `+json` type, any
/// parameters (such as `charset=utf-8`), any case.
pub fn is_json_content_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or_default().trim();
    let suffix = essence.len().checked_sub("+json".len());
    essence.eq_ignore_ascii_case("application/json")
        || (essence
            .get(.."application/".len())
            .is_some_and(|start| start.eq_ignore_ascii_case("application/"))
            && suffix
                .and_then(|at| essence.get(at..))
                .is_some_and(|end| end.eq_ignore_ascii_case("+json")))
}

/// The error a failed-request fault injection answers with: `TOO_MANY_REQUESTS` for 429,
/// `INTERNAL_ERROR` for 5xx. Other statuses are not offered.
pub fn injected_fault(status: u16) -> Option<ApiError> {
    match status {
        429 => Some(ApiError::new(
            ErrorIdentifier::TooManyRequests,
            "Simulated failure: too many requests.",
        )),
        500..=599 => Some(ApiError::new(
            ErrorIdentifier::InternalError,
            format!("Simulated failure: HTTP {status}."),
        )),
        _ => None,
    }
}

/// The longest first-attempt delay (`delivery_delay`, `--delivery-delay-ms`).
pub const MAX_DELIVERY_DELAY: Duration = Duration::from_secs(600);

/// Deliveries per page of `GET /sim/webhooks` unless `limit` says otherwise.
pub const DEFAULT_JOURNAL_PAGE: usize = 100;
/// The largest `limit` of `GET /sim/webhooks`.
pub const MAX_JOURNAL_PAGE: usize = 1000;
/// How long `GET /sim/webhooks/wait` waits unless `timeoutMs` says otherwise.
pub const DEFAULT_WAIT_TIMEOUT_MS: u64 = 10_000;
/// The longest `timeoutMs` of `GET /sim/webhooks/wait`.
pub const MAX_WAIT_TIMEOUT_MS: u64 = 300_000;

/// Identifier of the 409 answer for releasing a delivery that is not `HELD`.
pub const CONFLICT_IDENTIFIER: &str = "CONFLICT";
/// Identifier of the 503 answer when the delivery journal is full of unfinished deliveries.
pub const JOURNAL_FULL_IDENTIFIER: &str = "DELIVERY_JOURNAL_FULL";

/// The answer of the `/sim/` steering routes for an error: 404 for an unknown delivery, 409 for
/// releasing one that is not `HELD`, 503 while the journal is full of unfinished deliveries,
/// 400 otherwise; the message is the error's.
pub fn steering_error(error: &crate::SimError) -> (u16, ApiError) {
    let (status, identifier) = match error {
        crate::SimError::UnknownDelivery { .. }
        | crate::SimError::WaitTimeout { .. }
        | crate::SimError::NoWebhookTarget { .. } => {
            (404, ErrorIdentifier::from(NOT_FOUND_IDENTIFIER))
        }
        crate::SimError::NotHeld { .. } => (409, ErrorIdentifier::from(CONFLICT_IDENTIFIER)),
        crate::SimError::JournalFull(_) => (503, ErrorIdentifier::from(JOURNAL_FULL_IDENTIFIER)),
        _ => (400, ErrorIdentifier::BadValue),
    };
    (status, ApiError::new(identifier, format!("{error}.")))
}

/// Every assumption, in the order the README lists them.
pub fn all() -> Vec<Assumption> {
    let documents = DEFAULT_DOCUMENTS
        .iter()
        .map(|document| document.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let not_echoed = facts::TOKEN_REQUEST
        .iter()
        .filter(|field| !field.echoed)
        .map(|field| format!("`{}`", field.name))
        .collect::<Vec<_>>()
        .join(", ");
    let non_nullable = facts::TOKEN_REQUEST
        .iter()
        .filter(|field| !field.nullable)
        .count();
    let retries = DEFAULT_RETRY_SCHEDULE.len();
    let retry_delay = DEFAULT_RETRY_SCHEDULE[0].as_millis();
    let item = |topic, choice: String| Assumption { topic, choice };
    vec![
        item(
            "Token defaults",
            format!(
                "absent fields are filled as `expiryTime` {DEFAULT_EXPIRY_TIME}, \
                 `sessionLength` {DEFAULT_SESSION_LENGTH}, `showInstructions` \
                 {DEFAULT_SHOW_INSTRUCTIONS}, `tokenType` {}, `locale` {} (the majority of \
                 sources; MID's 86400/1800 are older).",
                DEFAULT_TOKEN_TYPE.as_str(),
                DEFAULT_LOCALE.as_str()
            ),
        ),
        item(
            "Echoed fields",
            format!(
                "the fields the request sent and iDenfy's 201 schema lists are echoed as parsed \
                 (DRF's coerced value: `\"600\"` is echoed as `600`; `country` and \
                 `nationality` keep their case), except `firstName` and `lastName`, which are \
                 upper-cased (Unicode upper case). Fields the 201 schema does not list are \
                 not echoed: {not_echoed} (source: the OpenAPI's 201 schema; the dummy \
                 verification still uses `dummyStatus`). Fields the request left out and that \
                 have no default are omitted, not echoed as `null`; unknown fields are ignored \
                 and not echoed."
            ),
        ),
        item(
            "null in token requests",
            format!(
                "a field iDenfy's OpenAPI does not mark `nullable` ({non_nullable} of them, \
                 listed in `idenfy_model::facts::TOKEN_REQUEST`, `tokenType` and \
                 `expiryTime` among them) answers 400 `BAD_VALUE` \"Field '<name>' has an \
                 invalid value: This field may not be null.\" (DRF's wording; iDenfy's own is \
                 undocumented); a nullable field's `null` is read as absent. Fields the OpenAPI \
                 does not list (`dummyStatus` and the older settings) read `null` as absent, \
                 since the current serializer may not know them."
            ),
        ),
        item(
            "Type coercions",
            "values are read as DRF 3.15's fields read them (iDenfy's serializers are DRF's, its \
             OpenAPI is drf-spectacular's): an integer field takes `600`, `600.0`, `\"600\"`, \
             `\" 600.00 \"` and `\"6_00\"` (Python's `int()`) but not `600.5`, `6e20`, \
             `true` or a string of over 1000 characters (\"A valid integer is required.\"); a \
             boolean field takes `true`/`false`, `1`/`0`, `1.0`/`0.0` and \"t\", \"y\", \
             \"yes\", \"true\", \"on\", \"1\" (and \"f\", \"n\", \"no\", \"false\", \
             \"off\", \"0\", in DRF's listed cases), `utilityBill` also \"null\" and \"\" \
             as null (\"Must be a valid boolean.\"); a string field takes a number as Python \
             prints it (`12` → \"12\", `1.5` → \"1.5\", `1e16` → \"1e+16\") but not a \
             boolean (\"Not a valid string.\"); `faceMatchingThresholdModifier` takes numbers, \
             numeric strings and booleans. Not emulated, and refused or kept instead: DRF's \
             default trimming of string whitespace (strings are kept as sent), `UUIDField`'s \
             integer and unhyphenated inputs, numbers for choice fields (`tokenType`, `sex`, \
             `locale`, `documents` items), integers beyond 64 bits, infinite numbers, and any \
             coercion of the older settings the OpenAPI does not list, which keep JSON's types."
                .to_owned(),
        ),
        item(
            "tokenType",
            format!(
                "optional, {} when absent, as the prose says (iDenfy's OpenAPI marks it \
                 required); `null` is refused. The legacy `VIDEO_CALL`, `VIDEO_CALL_PHOTOS` and \
                 `VIDEO_CALL_IDENTIFICATION` of the older docs are accepted although the \
                 OpenAPI lists only `IDENTIFICATION` and `DOCUMENT`; `idenfy-gen` sends \
                 `tokenType` always and the legacy values only from `arb_legacy_token_request`.",
                DEFAULT_TOKEN_TYPE.as_str()
            ),
        ),
        item(
            "expiryTime 0",
            format!(
                "accepted: the range is {}..={} seconds. The OpenAPI's `minimum: 0` is \
                 generated from the serializer, which is what answers; the prose's \"more \
                 than 0\" (GH21, MID) describes intent, not the check.",
                EXPIRY_TIME_RANGE.start(),
                EXPIRY_TIME_RANGE.end()
            ),
        ),
        item(
            "Repeated clientId",
            "any number of tokens may share a `clientId` (no 409: the one page claiming it \
             contradicts the others)."
                .to_owned(),
        ),
        item(
            "Token lifetime",
            "tokens never expire in the simulator: `expiryTime` and `sessionLength` are echoed \
             but start no timer, and `EXPIRED` is only reached through `dummyStatus`."
                .to_owned(),
        ),
        item(
            "allowedDocuments",
            format!(
                "`{{\"{ALLOWED_DOCUMENTS_KEY}\": documents}}` with the request's `documents`, \
                 or [{documents}] when it names none; `documents` itself is echoed only when sent."
            ),
        ),
        item(
            "authToken, scanRef, digitString",
            format!(
                "`authToken` is {AUTH_TOKEN_LENGTH} ASCII letters and digits, `scanRef` a UUID \
                 (version 4 bits, drawn from the seeded generator by `idenfy_gen::scan_ref`), \
                 `digitString` {DIGIT_STRING_LENGTH} digits and present only when \
                 `generateDigitString` is true; all reproducible with a seed."
            ),
        ),
        item(
            "redirectUrl",
            format!("`{REDIRECT_URL_BASE}<authToken>`; the simulator serves no UI."),
        ),
        item(
            "Order of checks",
            "the body is read whole first (413 for a body over the limit, at once when its \
             `Content-Length` says so; 408 when it does not arrive in time); then method and \
             path (404, 405), fault injection, credentials (401), rate limit (429), content type \
             and body (415, 400 `ENCODING_ERROR`/`JSON_ERROR`/`MISSING_VALUE`/`BAD_VALUE`), \
             environment (403), validation (400), then balance (402). \
             `add-dummy-status` checks its environment before reading the body, since the \
             endpoint does not exist outside DEV."
                .to_owned(),
        ),
        item(
            "Validation errors",
            "the identifier is the first violation's (`MISSING_VALUE` or `BAD_VALUE`) and the \
             message lists every violation's message, first one first."
                .to_owned(),
        ),
        item(
            "Plain-http callbacks",
            "`callbackUrl` may be plain `http://` to a loopback host (`localhost`, \
             `127.0.0.0/8`, `[::1]`), so tests receive webhooks on their own machine; DEV \
             refuses every `http://` callback, loopback or not. So may one to a host named \
             with `--allow-http-callback-host` (`SimulatorBuilder::allow_http_callback_host`, \
             e.g. a docker-compose service), which is then also contacted. Every other \
             `http://` `callbackUrl` answers 400 `BAD_VALUE` (`callback-url-not-https`)."
                .to_owned(),
        ),
        item(
            "Content type",
            "bodies must be sent as `application/json` (any parameters, or any `+json` type); \
             anything else or no `Content-Type` answers 415 `JSON_ERROR`."
                .to_owned(),
        ),
        item(
            "Unknown paths, methods, large bodies",
            format!(
                "an unknown path answers 404 `{NOT_FOUND_IDENTIFIER}` without asking for \
                 credentials; a known path with the wrong method answers 405 \
                 `METHOD_NOT_ALLOWED`; a body over {MAX_BODY_BYTES} bytes answers 413 \
                 `{TOO_LARGE_IDENTIFIER}`. Every answer has iDenfy's `{{identifier, message}}` \
                 shape, and every value it quotes from the request (path, method, `scanRef`, \
                 content type, parser message) is cut to {MAX_QUOTED_CHARS} characters."
            ),
        ),
        item(
            "Connections",
            format!(
                "HTTP/1.1 with keep-alive. A connection may wait {} s for a request (idle \
                 timeout), a request head may take {} s from its first byte to its last (header \
                 timeout), after which the connection is closed without an answer, and a body \
                 {} s (body timeout, then 408 `{TIMEOUT_IDENTIFIER}`); all configurable. A \
                 rejection never leaves a body unread on a kept-alive connection: the body is \
                 read first, or the answer carries `Connection: close`. Bytes that never become a \
                 request (a malformed request line, a URI over 64 KiB, a header section over \
                 hyper's limits) are answered by the HTTP layer itself with a bare 400, 414 or \
                 431 and no body, since hyper offers no hook for them.",
                DEFAULT_IDLE_TIMEOUT.as_secs(),
                DEFAULT_HEADER_TIMEOUT.as_secs(),
                DEFAULT_BODY_TIMEOUT.as_secs()
            ),
        ),
        item(
            "Lack of funds",
            format!(
                "a token costs {TOKEN_COST} unit whether or not it has `dummyStatus`, charged \
                 only when it is created; `add-dummy-status` and `status` are free. When the \
                 balance is spent the answer is 402 `PARTNER_CONTRACT_ERROR` \"{}\" (the docs \
                 give the message but no identifier). The balance is unlimited unless configured.",
                idenfy_model::error::messages::LACK_OF_FUNDS
            ),
        ),
        item(
            "Rate limit",
            format!(
                "a fixed window of {} s that starts with the first counted request; every \
                 authenticated `/api/v2/*` request counts, whatever its answer; `/sim/*` \
                 inspection does not. Past the limit (default \
                 {DEFAULT_RATE_LIMIT_PER_HOUR}) the answer is 429 `TOO_MANY_REQUESTS` and the \
                 request is not counted.",
                RATE_LIMIT_WINDOW.as_secs()
            ),
        ),
        item(
            "Unknown scanRef",
            format!(
                "`add-dummy-status` and `status` answer 404 `{NOT_FOUND_IDENTIFIER}` with a \
                 message naming the `scanRef`; `add-dummy-status` on a verification created \
                 without `dummyStatus` answers 400 `BAD_VALUE`, also naming it."
            ),
        ),
        item(
            "add-dummy-status response",
            format!(
                "200 `{{\"message\": \"{DUMMY_STATUS_ADDED}\", \"scanRef\": \"...\"}}`; calling it \
                 again re-reviews and sends another manual webhook."
            ),
        ),
        item(
            "add-dummy-status after EXPIRED",
            "allowed, like any dummy verification: the manual webhook carries the given manual \
             statuses, the overall status from the model's rule and the (null) automatic \
             statuses unchanged; since the session never took place, its `data` stays null and \
             it has no files, platform or client IP."
                .to_owned(),
        ),
        item(
            "Status before any result",
            "a token created with `dummyStatus` has its automatic result at once (the auto \
             webhook is queued before the 201 is sent), so `status` shows it immediately; a \
             token without `dummyStatus` stays `ACTIVE` with null statuses and never changes, \
             since no one takes its verification."
                .to_owned(),
        ),
        item(
            "Webhooks sent",
            format!(
                "`APPROVED`, `DENIED` and `SUSPECTED` send `IDENTIFICATION_AUTO_FINISHED` with \
                 `final: {DEFAULT_AUTO_WEBHOOK_FINAL}` (configurable); `EXPIRED` sends \
                 `IDENTIFICATION_EXPIRED` with `final: true` at once (not after `expiryTime`); \
                 `add-dummy-status` sends `IDENTIFICATION_MANUAL_FINISHED` with `final: true`. \
                 Tokens without `dummyStatus` send nothing. Statuses come from \
                 `idenfy_model::rules`, bodies from `idenfy_gen::webhook` with a fake identity \
                 where the request gives no data."
            ),
        ),
        item(
            "Webhook session values",
            format!(
                "a verification that took place reports `platform` {}, `clientIp` {} (a \
                 documentation address) with the fake person's country and city, \
                 `finishTime` {} s after `startTime`, and `fileUrls` \
                 `{}/<scanRef>/<FRONT|BACK|FACE>.png` (no BACK for a passport); one value, \
                 `WEBHOOK_DEFAULTS`, carries them to `idenfy_gen::webhook`.",
                WEBHOOK_DEFAULTS.platform.as_str(),
                WEBHOOK_DEFAULTS.client_ip,
                WEBHOOK_DEFAULTS.processing_seconds,
                WEBHOOK_DEFAULTS.file_url_base
            ),
        ),
        item(
            "Webhook body bytes",
            format!(
                "iDenfy documents the fields, not the bytes: whether it sends compact JSON or \
                 Python's default `\", \"`/`\": \"` separators, and raw or `\\u`-escaped \
                 non-ASCII, is unknown outside iDenfy. The simulator sends `{}` by default \
                 (`serde_json`'s compact output, fields in the model's order, raw UTF-8) and \
                 `spaced-ascii` on request (`--body-style`, `SimulatorBuilder::body_style`); \
                 the signature is always over the exact bytes sent, so a receiver must verify \
                 the raw body, whatever its style (`trigger --battery` sends both).",
                DEFAULT_BODY_STYLE.as_str()
            ),
        ),
        item(
            "Webhook target",
            "the token's `callbackUrl`, else the configured default URL; with neither, nothing \
             is sent and `wait_for` says so. `callbackUrl` must be HTTPS, or plain `http://` to a \
             loopback host (see *Plain-http callbacks*). A `callbackUrl` whose host is not loopback, \
             nor named with `--allow-http-callback-host`, is not contacted unless external \
             callbacks are enabled: its delivery is recorded as failed \
             with the reason, so tests never reach the internet by accident. The default URL is \
             trusted as configured."
                .to_owned(),
        ),
        item(
            "Delivery and retries",
            format!(
                "asynchronous, never delaying the API answer; one queue per verification keeps \
                 its webhooks in order (auto before manual). Any 2xx is success; a non-2xx \
                 answer, a timeout (default {} s per attempt) or a connection error is retried \
                 on the schedule (default {retries} retries {retry_delay} ms apart); redirects \
                 are not followed and proxies are not used. Every attempt is recorded; a \
                 delivery that exhausts the schedule ends `FAILED` and stays listed. At most \
                 {MAX_CONCURRENT_DELIVERY_ATTEMPTS} attempts run at once per target URL, each \
                 target with its own queue, so a hung receiver never delays another's webhooks.",
                DEFAULT_DELIVERY_TIMEOUT.as_secs()
            ),
        ),
        item(
            "Memory caps",
            format!(
                "at most {DEFAULT_MAX_VERIFICATIONS} verifications whose token requests add \
                 up to {} MiB (then the oldest is forgotten and its `scanRef` answers 404) and \
                 {DEFAULT_MAX_DELIVERIES} delivery records (then the oldest finished one is \
                 forgotten; pending ones are never dropped), all configurable.",
                DEFAULT_MAX_VERIFICATION_BYTES / (1024 * 1024)
            ),
        ),
        item(
            "Shutdown",
            format!(
                "stop accepting connections, let requests in progress finish, then wait up to \
                 {} s (configurable) for queued webhooks; the report lists every delivery still \
                 pending and where it stood: never attempted, in flight (the receiver may have \
                 it) or awaiting a retry. Dropping a `Simulator` stops it without waiting.",
                DEFAULT_SHUTDOWN_GRACE.as_secs()
            ),
        ),
        item(
            "Inspection endpoint",
            format!(
                "every `/sim/` route but `GET /sim/health` needs the same credentials as the \
                 API. `GET /sim/webhooks` lists kept deliveries oldest first, filtered by \
                 `scanRef`, `event`, `state` and `after` (an id), {DEFAULT_JOURNAL_PAGE} per \
                 page unless `limit` (at most {MAX_JOURNAL_PAGE}) says otherwise. \
                 `GET /sim/webhooks/wait` waits up to `timeoutMs` (default \
                 {DEFAULT_WAIT_TIMEOUT_MS}, at most {MAX_WAIT_TIMEOUT_MS}) and answers 404 \
                 `NOT_FOUND` at the timeout. Releasing a delivery that is not `HELD` answers 409 \
                 `{CONFLICT_IDENTIFIER}`; a journal full of unfinished deliveries refuses new \
                 webhooks with 503 `{JOURNAL_FULL_IDENTIFIER}` rather than drop one."
            ),
        ),
        item(
            "Held deliveries",
            "with `--hold` (`hold_deliveries(true)`) every new webhook is journaled as `HELD`, \
             outside its verification's line; a released one joins the back of that line, so \
             deliveries released one after another leave in the order released. A redelivery \
             is never held and carries `redeliveryOf`."
                .to_owned(),
        ),
        item(
            "Delivery delay and duplicates",
            format!(
                "`--delivery-delay-ms` (`delivery_delay`, at most {} s) delays every webhook's \
                 first attempt, holding its target's attempt slot meanwhile; retries keep their \
                 schedule. `--duplicate-rate P` (`duplicate_rate`, 0 to 1) sends a delivered \
                 webhook once more, identical, recorded as a new delivery with `redeliveryOf`; \
                 one draw per new webhook, in the order they are queued, from a generator \
                 derived from the seed on a stream of its own (the API's identifiers do not \
                 change with the rate).",
                MAX_DELIVERY_DELAY.as_secs()
            ),
        ),
        item(
            "Order of finishTime",
            "every webhook of a verification carries a later `finishTime` than the one before: \
             one second after it, or the clock when that is later (with `--fixed-time`, +1 s \
             per review). Concurrent reviews of one verification get their times in the order \
             they are read, which may differ from the order their webhooks are queued."
                .to_owned(),
        ),
        item(
            "Which webhook stands",
            "what a correct consumer holds (`idenfy_model::decision`, the reference `fuzz` and \
             its tests check against): a final webhook over a non-final one whatever their \
             arrival order, then the latest `finishTime`, then the last to arrive; duplicates \
             change nothing; only the `IDENTIFICATION*` events carry a decision, and unknown tags, \
             fields and event types change none. iDenfy's docs do not say what orders two manual \
             reviews (its `finishTime` is documented as the automatic decision's time), so \
             `fuzz` never reorders two final webhooks of one verification: only duplicates and \
             the non-final automatic result arrive late."
                .to_owned(),
        ),
        item(
            "Reset",
            "`POST /sim/reset` (`Simulator::reset`) forgets every verification and delivery, \
             restores the start balance and injected faults, opens a new rate-limit window and \
             restarts the seeded generator, so the same calls repeat byte for byte \
             (`POST /sim/reset?seed=N` restarts it at `N` instead: new `scanRef`s for a receiver \
             that keeps state between tests, as the pytest plugin does before each test); delivery \
             ids keep increasing, and attempts in flight at the reset are not recorded."
                .to_owned(),
        ),
        item(
            "Environments",
            "outside DEV a token with `dummyStatus` and `add-dummy-status` answer 403 \
             `PERMISSIONS_ERROR` (`idenfy_model::rules::dummy_endpoint_error`); everything else \
             works in every environment."
                .to_owned(),
        ),
        item(
            "Seed",
            "without a seed, a random one is drawn at start; with one, `scanRef`, `authToken`, \
             `digitString` and fake identities repeat for the same sequence of requests. Body \
             timestamps use the system clock unless a fixed time is set."
                .to_owned(),
        ),
    ]
}

/// [`all`] as a Markdown list, one item per line.
pub fn markdown() -> String {
    all()
        .iter()
        .map(|assumption| format!("- **{}**: {}\n", assumption.topic, assumption.choice))
        .collect()
}
