//! `serve`'s stderr writer: a log line never makes a request wait. Lines are appended to a
//! bounded buffer in memory; a thread of its own writes the buffer out in batches, gathering
//! lines for [`BATCH_INTERVAL`] after each write, so a busy simulator pays neither a write nor a
//! thread wake-up per line, and a stderr nobody reads loses lines instead of stalling anything.

use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;

/// How long the writer gathers lines after writing a batch (an idle log writes at once).
const BATCH_INTERVAL: Duration = Duration::from_millis(20);

/// Lines that would take the buffer past this many bytes are dropped, and counted.
const MAX_BUFFERED_BYTES: usize = 4 * 1024 * 1024;

/// What the request side and the writer thread share.
#[derive(Default)]
struct Shared {
    buffer: Mutex<Buffer>,
    wake: Condvar,
}

/// Lines not written yet.
#[derive(Default)]
struct Buffer {
    bytes: Vec<u8>,
    /// Lines dropped since the last batch, for lack of room.
    dropped: u64,
    /// The writer thread waits for a first line: the next one wakes it.
    writer_waiting: bool,
    /// The guard was dropped: write what is left and stop.
    closing: bool,
}

impl Shared {
    fn buffer(&self) -> MutexGuard<'_, Buffer> {
        // A panic while appending leaves at worst a partial line.
        self.buffer.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Hands out writers of the shared buffer to `tracing_subscriber`.
#[derive(Clone)]
pub struct BatchedStderr {
    shared: Arc<Shared>,
}

/// Keeps the writer thread running; dropping it writes out every buffered line and stops it.
#[must_use = "dropping the guard stops the log"]
pub struct WriterGuard {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

/// A writer of stderr in batches, and the guard of its thread.
pub fn batched_stderr() -> (BatchedStderr, WriterGuard) {
    batched(io::stderr())
}

/// A writer of `output` in batches, and the guard of its thread.
fn batched(output: impl Write + Send + 'static) -> (BatchedStderr, WriterGuard) {
    let shared = Arc::new(Shared::default());
    let thread = {
        let shared = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("log writer".into())
            .spawn(move || write_batches(&shared, output))
            .ok()
    };
    if thread.is_none() {
        // No thread, nobody to write: every line is dropped.
        shared.buffer().closing = true;
    }
    (
        BatchedStderr {
            shared: Arc::clone(&shared),
        },
        WriterGuard { shared, thread },
    )
}

/// The writer thread: waits for a first line, writes everything buffered, gathers for
/// [`BATCH_INTERVAL`], again, until the guard is dropped.
fn write_batches(shared: &Shared, mut output: impl Write) {
    let mut batch = Vec::new();
    loop {
        let (dropped, closing) = {
            let mut buffer = shared.buffer();
            while buffer.bytes.is_empty() && buffer.dropped == 0 && !buffer.closing {
                buffer.writer_waiting = true;
                buffer = shared
                    .wake
                    .wait(buffer)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            buffer.writer_waiting = false;
            std::mem::swap(&mut batch, &mut buffer.bytes);
            (std::mem::take(&mut buffer.dropped), buffer.closing)
        };
        // A failed write (stderr closed) loses these lines, as a full buffer would.
        let _ = output.write_all(&batch);
        if dropped > 0 {
            let _ = writeln!(
                output,
                "{dropped} log line(s) dropped: stderr was not read fast enough"
            );
        }
        let _ = output.flush();
        batch.clear();
        if closing {
            return;
        }
        let buffer = shared.buffer();
        drop(
            shared
                .wake
                .wait_timeout_while(buffer, BATCH_INTERVAL, |buffer| !buffer.closing),
        );
    }
}

impl Drop for WriterGuard {
    fn drop(&mut self) {
        self.shared.buffer().closing = true;
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One event's writer: `tracing_subscriber` writes each formatted event with one `write_all`.
pub struct LineWriter<'a> {
    shared: &'a Shared,
}

impl<'a> MakeWriter<'a> for BatchedStderr {
    type Writer = LineWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        LineWriter {
            shared: &self.shared,
        }
    }
}

impl Write for LineWriter<'_> {
    /// Appends all of `bytes` or, when the buffer has no room or the writer stopped, none.
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let mut buffer = self.shared.buffer();
        if buffer.closing {
            return Ok(bytes.len());
        }
        if buffer.bytes.len() + bytes.len() > MAX_BUFFERED_BYTES {
            buffer.dropped += 1;
        } else {
            buffer.bytes.extend_from_slice(bytes);
        }
        if buffer.writer_waiting {
            buffer.writer_waiting = false;
            self.shared.wake.notify_one();
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;

    /// An output whose bytes the test reads, and which stalls while `gate` holds no permit.
    #[derive(Clone, Default)]
    struct Recorded {
        bytes: Arc<Mutex<Vec<u8>>>,
        gate: Option<Arc<Mutex<mpsc::Receiver<()>>>>,
        flushes: Arc<Mutex<usize>>,
    }

    impl Write for Recorded {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            if let Some(gate) = &self.gate {
                let _ = gate.lock().unwrap().recv();
            }
            self.bytes.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            *self.flushes.lock().unwrap() += 1;
            Ok(())
        }
    }

    fn write_line(writer: &BatchedStderr, line: &str) {
        writer.make_writer().write_all(line.as_bytes()).unwrap();
    }

    #[test]
    fn every_line_is_written_in_order_by_the_time_the_guard_is_dropped() {
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let (writer, guard) = batched(Recorded {
            bytes: Arc::clone(&bytes),
            ..Recorded::default()
        });
        let lines: Vec<String> = (0..1000).map(|n| format!("line {n}\n")).collect();
        for line in &lines {
            write_line(&writer, line);
        }
        drop(guard);
        assert_eq!(
            String::from_utf8(bytes.lock().unwrap().clone()).unwrap(),
            lines.concat()
        );
        write_line(&writer, "after the guard\n");
        assert!(!String::from_utf8_lossy(&bytes.lock().unwrap()).contains("after"));
    }

    #[test]
    fn a_stalled_output_loses_lines_past_the_buffer_and_says_how_many() {
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let (permits, gate) = mpsc::channel();
        let (writer, guard) = batched(Recorded {
            bytes: Arc::clone(&bytes),
            gate: Some(Arc::new(Mutex::new(gate))),
            ..Recorded::default()
        });
        write_line(&writer, "first\n");
        // The writer thread takes "first" and stalls writing it; everything after waits in
        // the buffer, which takes at most MAX_BUFFERED_BYTES.
        let line = format!("{}\n", "x".repeat(1023));
        let fits = MAX_BUFFERED_BYTES / line.len();
        let extra = 10;
        while bytes.lock().unwrap().is_empty() && !writer.shared.buffer().bytes.is_empty() {
            std::thread::yield_now();
        }
        for _ in 0..fits + extra {
            write_line(&writer, &line);
        }
        // Every write above returned although nothing reached the output.
        assert!(bytes.lock().unwrap().is_empty());
        drop(permits);
        drop(guard);
        let written = String::from_utf8(bytes.lock().unwrap().clone()).unwrap();
        assert!(written.starts_with("first\n"), "{}", &written[..20]);
        assert_eq!(written.matches(&line).count(), fits);
        assert!(
            written.ends_with(&format!(
                "{extra} log line(s) dropped: stderr was not read fast enough\n"
            )),
            "{}",
            &written[written.len() - 80..]
        );
    }

    #[test]
    fn a_line_too_long_for_the_buffer_is_dropped_and_said_without_waiting_for_the_end() {
        let output = Recorded::default();
        let (writer, guard) = batched(output.clone());
        write_line(&writer, &"x".repeat(MAX_BUFFERED_BYTES + 1));
        let note = "1 log line(s) dropped: stderr was not read fast enough\n";
        // Said while the log runs on, not only when it stops.
        while output.bytes.lock().unwrap().as_slice() != note.as_bytes() {
            std::thread::yield_now();
        }
        drop(guard);
        assert_eq!(output.bytes.lock().unwrap().as_slice(), note.as_bytes());
    }

    #[test]
    fn an_idle_log_writes_nothing() {
        let output = Recorded::default();
        let (writer, guard) = batched(output.clone());
        write_line(&writer, "one\n");
        while *output.flushes.lock().unwrap() == 0 {
            std::thread::yield_now();
        }
        // Several gathering intervals with nothing to write: the writer sleeps.
        std::thread::sleep(BATCH_INTERVAL * 5);
        assert_eq!(*output.flushes.lock().unwrap(), 1);
        drop(guard);
        drop(writer);
        assert_eq!(output.bytes.lock().unwrap().as_slice(), b"one\n");
    }
}
