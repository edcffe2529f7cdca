//! A connection's read deadlines: the idle keep-alive timeout while it waits for a request, the
//! header timeout once a request has started, none while the simulator handles the request
//! (the body has its own timeout there, see `routes::body`).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use idenfy_model::support::lock;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};

/// Where a connection is in its request cycle, shared by its socket and its service.
///
/// The value is `epoch << 2 | phase`: every change bumps the epoch, so the socket notices a
/// change even when the phase is the same as the last one it saw (two answers in a row). A
/// change wakes the socket's pending read, which then arms the deadline of the new phase.
#[derive(Debug, Clone, Default)]
pub(crate) struct Phase(Arc<PhaseState>);

#[derive(Debug, Default)]
struct PhaseState {
    value: AtomicUsize,
    reader: Mutex<Option<Waker>>,
}

/// Waiting for the first byte of a request (after accept, or once an answer is ready).
const IDLE: usize = 0;
/// A request has started and its head is not complete yet.
const HEAD: usize = 1;
/// The head is complete: the service reads the body and answers.
const BUSY: usize = 2;

impl Phase {
    /// Marks the request head as complete; the service calls this first.
    pub(crate) fn busy(&self) {
        self.enter(BUSY);
    }

    /// Marks the answer as ready: the connection waits for the next request from now on.
    pub(crate) fn idle(&self) {
        self.enter(IDLE);
    }

    fn enter(&self, phase: usize) {
        let _ = self
            .0
            .value
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |value| {
                Some((((value >> 2) + 1) << 2) | phase)
            });
        if let Some(reader) = lock(&self.0.reader).take() {
            reader.wake();
        }
    }

    /// Remembers the waker of a pending read, for [`enter`](Self::enter).
    fn wait(&self, waker: &Waker) {
        let mut reader = lock(&self.0.reader);
        if !reader.as_ref().is_some_and(|known| known.will_wake(waker)) {
            *reader = Some(waker.clone());
        }
    }

    /// The first byte of a request arrived: `IDLE` becomes `HEAD`, unless something else
    /// happened in between.
    fn start_head(&self, seen: usize) {
        let next = (((seen >> 2) + 1) << 2) | HEAD;
        let _ = self
            .0
            .value
            .compare_exchange(seen, next, Ordering::AcqRel, Ordering::Acquire);
    }

    fn load(&self) -> usize {
        self.0.value.load(Ordering::Acquire)
    }
}

/// The two read deadlines a [`TimedStream`] enforces.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReadDeadlines {
    /// How long a connection may wait for the first byte of a request.
    pub(crate) idle: Duration,
    /// How long a request head may take from its first byte to its last.
    pub(crate) header: Duration,
}

/// A TCP stream whose reads fail with [`io::ErrorKind::TimedOut`] past the deadline of its
/// [`Phase`].
#[derive(Debug)]
pub(crate) struct TimedStream {
    stream: TcpStream,
    phase: Phase,
    deadlines: ReadDeadlines,
    /// The phase value the deadline was armed for.
    seen: usize,
    /// When a pending read times out, if it can.
    deadline: Option<Instant>,
    /// Fires at or before `deadline`: moved only when the deadline comes earlier, or when it
    /// fires early (so the usual request, whose new idle deadline is later than the last,
    /// touches the timer wheel once per idle period rather than twice per request).
    sleep: Pin<Box<Sleep>>,
}

impl TimedStream {
    /// Wraps a freshly accepted stream: it starts idle.
    pub(crate) fn new(stream: TcpStream, phase: Phase, deadlines: ReadDeadlines) -> Self {
        let deadline = Instant::now() + deadlines.idle;
        Self {
            stream,
            seen: phase.load(),
            phase,
            deadlines,
            deadline: Some(deadline),
            sleep: Box::pin(tokio::time::sleep_until(deadline)),
        }
    }

    /// The stream, for closing it.
    pub(crate) fn into_inner(self) -> TcpStream {
        self.stream
    }

    /// Arms the deadline of the phase `value` now.
    fn arm(&mut self, value: usize) {
        self.seen = value;
        let limit = match value & 0b11 {
            IDLE => Some(self.deadlines.idle),
            HEAD => Some(self.deadlines.header),
            _ => None,
        };
        self.deadline = limit.map(|limit| Instant::now() + limit);
        if let Some(deadline) = self.deadline
            && self.sleep.deadline() > deadline
        {
            self.sleep.as_mut().reset(deadline);
        }
    }

    /// Whether the armed deadline has passed; otherwise the timer wakes `cx` by then.
    fn deadline_passed(&mut self, cx: &mut Context<'_>) -> bool {
        let Some(deadline) = self.deadline else {
            return false;
        };
        while self.sleep.as_mut().poll(cx).is_ready() {
            if self.sleep.deadline() >= deadline {
                return true;
            }
            // It fired at an earlier deadline: wait on for the one armed since.
            self.sleep.as_mut().reset(deadline);
        }
        false
    }
}

impl AsyncRead for TimedStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.stream).poll_read(cx, buf) {
            Poll::Ready(Ok(())) if buf.filled().len() > before => {
                // The header deadline is armed by the next read that waits: none does when
                // the whole head came in this read, the usual case, since the service marks
                // the connection busy before the next read.
                let current = this.phase.load();
                if current & 0b11 == IDLE {
                    this.phase.start_head(current);
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(result) => Poll::Ready(result),
            Poll::Pending => {
                this.phase.wait(cx.waker());
                let current = this.phase.load();
                if current != this.seen {
                    this.arm(current);
                }
                if this.deadline_passed(cx) {
                    let what = if this.seen & 0b11 == IDLE {
                        "idle keep-alive timeout"
                    } else {
                        "request header timeout"
                    };
                    return Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, what)));
                }
                Poll::Pending
            }
        }
    }
}

impl AsyncWrite for TimedStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}
