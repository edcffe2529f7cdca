//! Standard output for machines: JSON Lines and raw bytes through one buffered handle, so
//! thousands of lines cost one lock, and a closed pipe ends the command quietly (see
//! [`crate::exit`]).

use std::io::{BufWriter, IsTerminal, StdoutLock, Write};

use anyhow::Context;
use serde::Serialize;

/// Buffered standard output; call [`Stdout::finish`] to flush it.
pub struct Stdout {
    out: BufWriter<StdoutLock<'static>>,
}

impl Stdout {
    /// Locks standard output for this command.
    pub fn lock() -> Self {
        Self {
            out: BufWriter::new(std::io::stdout().lock()),
        }
    }

    /// Writes `value` as one line of compact JSON.
    pub fn json_line<T: Serialize>(&mut self, value: &T) -> anyhow::Result<()> {
        let mut line = serde_json::to_vec(value).context("cannot serialize a line of output")?;
        line.push(b'\n');
        self.bytes(&line)
    }

    /// Writes `text` and a newline.
    pub fn line(&mut self, text: &str) -> anyhow::Result<()> {
        self.bytes(text.as_bytes())?;
        self.bytes(b"\n")
    }

    /// Writes `bytes` exactly.
    pub fn bytes(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        self.out.write_all(bytes).context("cannot write to stdout")
    }

    /// Writes `bytes` exactly, then a newline only when a person reads them on a terminal, so
    /// redirected output stays byte for byte what was signed.
    pub fn exact_bytes(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        self.bytes(bytes)?;
        if std::io::stdout().is_terminal() {
            self.bytes(b"\n")?;
        }
        Ok(())
    }

    /// Flushes what is buffered.
    pub fn finish(mut self) -> anyhow::Result<()> {
        self.out.flush().context("cannot write to stdout")
    }
}
