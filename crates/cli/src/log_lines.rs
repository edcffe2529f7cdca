//! `serve`'s log on stderr: one human line per API request and per webhook attempt (the
//! simulator's [`REQUEST_LOG_TARGET`] and [`DELIVERY_LOG_TARGET`] events), colored on a
//! terminal, other events in tracing's usual format; or every event as a JSON line.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::ops::Range;

use chrono::Timelike;
use clap::ValueEnum;
use idenfy_sim::{DELIVERY_LOG_TARGET, REQUEST_LOG_TARGET};
use serde_json::Value;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::{Format, Writer};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use crate::log_writer::{self, WriterGuard};

/// How `serve` writes its log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human lines, colored when stderr is a terminal.
    Text,
    /// One JSON object per line (`time`, `level`, `target`, `message` and the event's fields).
    Json,
}

/// Logs to stderr in `format`, filtered by `IDENFY_LOG` (default `info`); `quiet` drops the
/// per-request and per-attempt lines.
///
/// Lines are written in batches by a thread of their own, never by a request
/// ([`log_writer`]): a reader that leaves stderr unread (a pipe nobody drains) loses lines past
/// a large buffer instead of stalling the simulator. Dropping the guard writes what is left.
pub fn init(format: LogFormat, quiet: bool) -> WriterGuard {
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("IDENFY_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    if quiet {
        for target in [REQUEST_LOG_TARGET, DELIVERY_LOG_TARGET] {
            filter = filter.add_directive(
                format!("{target}=off")
                    .parse()
                    .expect("a target directive parses"),
            );
        }
    }
    let color = format == LogFormat::Text && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let (writer, guard) = log_writer::batched_stderr();
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(color)
        .event_format(Lines { format })
        .init();
    guard
}

/// The event formatter.
struct Lines {
    format: LogFormat,
}

impl<S, N> FormatEvent<S, N> for Lines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        context: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let target = event.metadata().target();
        let now = chrono::Utc::now();
        if self.format == LogFormat::Json {
            let mut fields = JsonFields::default();
            event.record(&mut fields);
            let mut line = serde_json::Map::new();
            line.insert(
                "time".into(),
                now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                    .into(),
            );
            line.insert("level".into(), event.metadata().level().as_str().into());
            line.insert("target".into(), target.into());
            for (name, value) in fields.0 {
                // An event field never overwrites the keys above.
                line.entry(name.to_owned()).or_insert(value);
            }
            return writeln!(writer, "{}", Value::Object(line));
        }
        let line = if target == REQUEST_LOG_TARGET {
            request_line
        } else if target == DELIVERY_LOG_TARGET {
            attempt_line
        } else {
            return Format::default().format_event(context, writer, event);
        };
        let mut fields = Fields::new();
        event.record(&mut fields);
        let paint = Paint(writer.has_ansi_escapes());
        write!(
            writer,
            "{} ",
            paint.dim(format_args!(
                "{:02}:{:02}:{:02}.{:03}",
                now.hour(),
                now.minute(),
                now.second(),
                now.timestamp_subsec_millis().min(999)
            ))
        )?;
        line(&mut writer, &fields, paint)
    }
}

/// `POST /api/v2/token 201 3.1ms scanRef=… error=…`
fn request_line(writer: &mut Writer<'_>, fields: &Fields, paint: Paint) -> fmt::Result {
    let status = fields.number("status");
    write!(
        writer,
        "{} {} {} {}ms",
        fields.text("method"),
        fields.text("path"),
        paint.status(status, fields.text("status")),
        fields.text("duration_ms"),
    )?;
    if let Some(scan_ref) = fields.get("scan_ref") {
        write!(writer, " scanRef={scan_ref}")?;
    }
    if let Some(error) = fields.get("error") {
        write!(writer, " error={}", paint.status(status, error))?;
    }
    writeln!(writer)
}

/// `webhook #3 IDENTIFICATION_AUTO_FINISHED scanRef=… -> http://… 200 attempt 1 12ms DELIVERED`
fn attempt_line(writer: &mut Writer<'_>, fields: &Fields, paint: Paint) -> fmt::Result {
    write!(
        writer,
        "webhook #{} {} scanRef={} -> {} ",
        fields.text("id"),
        fields.text("event"),
        fields.text("scan_ref"),
        fields.text("url"),
    )?;
    match (fields.number("status"), fields.get("error")) {
        (Some(status), _) => write!(writer, "{}", paint.status(Some(status), status))?,
        (None, Some(error)) => write!(writer, "{}", paint.red(format_args!("error: {error}")))?,
        (None, None) => {}
    }
    writeln!(
        writer,
        " attempt {} {}ms {}",
        fields.text("attempt"),
        fields.text("duration_ms"),
        fields.text("state"),
    )
}

/// The fields of an activity event as shown in its line, written one after the other into
/// one buffer: strings without quotes, unless they hold control characters (a client's
/// `scanRef` must not drive the terminal): then quoted and escaped.
struct Fields {
    shown: String,
    /// Each field's name, where its text is in `shown`, and its value when it is a number.
    entries: Vec<(&'static str, Range<usize>, Option<u64>)>,
}

impl Fields {
    /// Room for a usual line's fields without growing.
    fn new() -> Self {
        Self {
            shown: String::with_capacity(256),
            entries: Vec::with_capacity(12),
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(entry, ..)| *entry == name)
            .map(|(_, range, _)| &self.shown[range.clone()])
    }

    /// The field as shown, empty when absent.
    fn text(&self, name: &str) -> &str {
        self.get(name).unwrap_or_default()
    }

    fn number(&self, name: &str) -> Option<u64> {
        self.entries
            .iter()
            .find(|(entry, ..)| *entry == name)
            .and_then(|(.., number)| *number)
    }

    /// Appends `name`'s value as written by `write`, escaped if it holds control characters.
    fn push(
        &mut self,
        name: &'static str,
        number: Option<u64>,
        write: impl FnOnce(&mut String) -> fmt::Result,
    ) {
        let start = self.shown.len();
        // Writing to a String cannot fail.
        let _ = write(&mut self.shown);
        if self.shown[start..].chars().any(char::is_control) {
            let raw = self.shown.split_off(start);
            let _ = write!(self.shown, "{raw:?}");
        }
        self.entries.push((name, start..self.shown.len(), number));
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.push(field.name(), None, |shown| {
            shown.push_str(value);
            Ok(())
        });
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.push(field.name(), Some(value), |shown| write!(shown, "{value}"));
    }

    /// Any other value as its Debug text: a decimal keeps the `.0` of a whole number (`1.0ms`,
    /// as JSON writes it).
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.push(field.name(), None, |shown| write!(shown, "{value:?}"));
    }
}

/// Any event's fields by name, as JSON values, for the JSON lines.
#[derive(Default)]
struct JsonFields(BTreeMap<&'static str, Value>);

impl Visit for JsonFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name(), value.into());
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name(), value.into());
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name(), value.into());
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.0.insert(field.name(), value.into());
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name(), value.into());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name(), format!("{value:?}").into());
    }
}

/// ANSI colors, or none.
#[derive(Clone, Copy)]
struct Paint(bool);

/// Text in a color, or plain.
struct Painted<T> {
    code: Option<&'static str>,
    text: T,
}

impl<T: fmt::Display> fmt::Display for Painted<T> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            Some(code) => write!(formatter, "\x1b[{code}m{}\x1b[0m", self.text),
            None => self.text.fmt(formatter),
        }
    }
}

impl Paint {
    fn code<T: fmt::Display>(self, code: &'static str, text: T) -> Painted<T> {
        Painted {
            code: self.0.then_some(code),
            text,
        }
    }

    fn dim<T: fmt::Display>(self, text: T) -> Painted<T> {
        self.code("2", text)
    }

    fn red<T: fmt::Display>(self, text: T) -> Painted<T> {
        self.code("31", text)
    }

    /// Green for 2xx, cyan for 3xx, yellow for 4xx, red otherwise.
    fn status<T: fmt::Display>(self, status: Option<u64>, text: T) -> Painted<T> {
        match status {
            Some(200..=299) => self.code("32", text),
            Some(300..=399) => self.code("36", text),
            Some(400..=499) => self.code("33", text),
            _ => self.red(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use tracing_subscriber::fmt::format::Writer;

    use std::fmt::Write as _;
    use std::sync::{Arc, Mutex};

    use idenfy_sim::{DELIVERY_LOG_TARGET, REQUEST_LOG_TARGET};
    use serde_json::Value;

    use super::{Fields, Lines, LogFormat, Paint, attempt_line, request_line};

    /// The fields an event with these values records (strings, whole numbers, decimals).
    fn fields(value: serde_json::Value) -> Fields {
        let mut fields = Fields::new();
        for (name, value) in value.as_object().unwrap().clone() {
            // Event field names are static; leaking a test's few is harmless.
            let name: &'static str = name.leak();
            match value {
                serde_json::Value::String(text) => fields.push(name, None, |shown| {
                    shown.push_str(&text);
                    Ok(())
                }),
                serde_json::Value::Number(number) => match number.as_u64() {
                    Some(whole) => fields.push(name, Some(whole), |shown| write!(shown, "{whole}")),
                    None => {
                        let decimal = number.as_f64().unwrap();
                        fields.push(name, None, |shown| write!(shown, "{decimal:?}"))
                    }
                },
                other => panic!("no such field value in activity events: {other}"),
            }
        }
        fields
    }

    fn line(
        format: fn(&mut Writer<'_>, &Fields, Paint) -> std::fmt::Result,
        fields: &Fields,
        color: bool,
    ) -> String {
        let mut text = String::new();
        format(&mut Writer::new(&mut text), fields, Paint(color)).unwrap();
        text
    }

    /// What `format` writes for the events `emit` sends, one line each, without colors.
    fn written(format: LogFormat, emit: impl FnOnce()) -> String {
        #[derive(Clone, Default)]
        struct Buffer(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Buffer {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .event_format(Lines { format })
            .finish();
        tracing::subscriber::with_default(subscriber, emit);
        String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn activity_events_become_lines_after_the_time() {
        let text = written(LogFormat::Text, || {
            tracing::info!(
                target: REQUEST_LOG_TARGET,
                method = "POST",
                path = "/api/v2/token",
                status = 201_u64,
                duration_ms = 2.0_f64,
                scan_ref = Some("s-1"),
                error = None::<&str>,
                "request"
            );
            tracing::info!(
                target: DELIVERY_LOG_TARGET,
                id = 7_u64,
                event = "IDENTIFICATION_MANUAL_FINISHED",
                scan_ref = "s-1",
                url = "http://127.0.0.1:9/hook",
                status = None::<u64>,
                error = Some("connection refused"),
                attempt = 3_u32,
                duration_ms = 12_u64,
                state = "RETRYING",
                "webhook attempt"
            );
        });
        let lines: Vec<&str> = text.lines().map(|line| &line[13..]).collect();
        assert_eq!(
            lines,
            [
                "POST /api/v2/token 201 2.0ms scanRef=s-1",
                "webhook #7 IDENTIFICATION_MANUAL_FINISHED scanRef=s-1 -> http://127.0.0.1:9/hook \
                 error: connection refused attempt 3 12ms RETRYING",
            ]
        );
    }

    #[test]
    fn json_lines_keep_each_value_s_type() {
        let text = written(LogFormat::Json, || {
            tracing::warn!(
                target: "somewhere",
                count = 3_u64,
                delta = -2_i64,
                ratio = 0.5_f64,
                on = true,
                name = "n",
                shown = ?("a", 1),
                "said"
            );
        });
        let line: Value = serde_json::from_str(text.trim_end()).unwrap();
        assert_eq!(line["level"], "WARN");
        assert_eq!(line["target"], "somewhere");
        assert_eq!(line["message"], "said");
        assert_eq!(
            (
                &line["count"],
                &line["delta"],
                &line["ratio"],
                &line["on"],
                &line["name"]
            ),
            (
                &json!(3),
                &json!(-2),
                &json!(0.5),
                &json!(true),
                &json!("n")
            )
        );
        assert_eq!(line["shown"], "(\"a\", 1)");
    }

    #[test]
    fn a_request_line_colors_its_status_and_error_on_a_terminal() {
        let refused = fields(
            json!({"method": "POST", "path": "/api/v2/status", "status": 401,
            "duration_ms": 0.25, "scan_ref": "s-1", "error": "UNAUTHORIZED"}),
        );
        assert_eq!(
            line(request_line, &refused, false),
            "POST /api/v2/status 401 0.25ms scanRef=s-1 error=UNAUTHORIZED\n"
        );
        assert_eq!(
            line(request_line, &refused, true),
            "POST /api/v2/status \x1b[33m401\x1b[0m 0.25ms scanRef=s-1 error=\x1b[33mUNAUTHORIZED\x1b[0m\n"
        );
        let created = fields(
            json!({"method": "POST", "path": "/api/v2/token", "status": 201,
            "duration_ms": 3.5}),
        );
        assert_eq!(
            line(request_line, &created, true),
            "POST /api/v2/token \x1b[32m201\x1b[0m 3.5ms\n"
        );
        let redirected =
            fields(json!({"method": "GET", "path": "/sim", "status": 308, "duration_ms": 0.5}));
        assert_eq!(
            line(request_line, &redirected, true),
            "GET /sim \x1b[36m308\x1b[0m 0.5ms\n"
        );
    }

    #[test]
    fn control_characters_a_client_sent_are_escaped() {
        let sneaky = fields(
            json!({"method": "POST", "path": "/api/v2/status", "status": 200,
            "duration_ms": 1.0, "scan_ref": "\u{1b}]0;owned\u{7}\n"}),
        );
        assert_eq!(
            line(request_line, &sneaky, false),
            "POST /api/v2/status 200 1.0ms scanRef=\"\\u{1b}]0;owned\\u{7}\\n\"\n"
        );
    }

    #[test]
    fn an_attempt_line_shows_the_status_or_the_error() {
        let base = json!({"id": 4, "event": "IDENTIFICATION_AUTO_FINISHED", "scan_ref": "s-1",
            "url": "http://redacted@127.0.0.1:9/hook", "attempt": 2, "duration_ms": 12});
        let mut answered = base.clone();
        answered["status"] = json!(503);
        answered["state"] = json!("RETRYING");
        assert_eq!(
            line(attempt_line, &fields(answered), true),
            "webhook #4 IDENTIFICATION_AUTO_FINISHED scanRef=s-1 -> http://redacted@127.0.0.1:9/hook \
             \x1b[31m503\x1b[0m attempt 2 12ms RETRYING\n"
        );
        let mut refused = base;
        refused["error"] = json!("connection refused");
        refused["state"] = json!("FAILED");
        assert_eq!(
            line(attempt_line, &fields(refused), false),
            "webhook #4 IDENTIFICATION_AUTO_FINISHED scanRef=s-1 -> http://redacted@127.0.0.1:9/hook \
             error: connection refused attempt 2 12ms FAILED\n"
        );
    }
}
