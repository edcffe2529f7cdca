//! The HTTP/1 server under the router: accepts connections, enforces the idle keep-alive and
//! header read timeouts ([`timed_stream`]), says once when connections wait for lack of file
//! descriptors, closes connections without losing the last answer, and stops gracefully.

pub(crate) mod logging;
mod timed_stream;

use std::future::{Future, poll_fn};
use std::io;
use std::pin::pin;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper::service::{Service, service_fn};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

pub(crate) use timed_stream::ReadDeadlines;
use timed_stream::{Phase, TimedStream};

/// How long a closing connection keeps reading (and discarding) what the client still sends,
/// so that the kernel does not reset the connection before the client has read the answer.
pub(crate) const LINGER: Duration = Duration::from_secs(2);

/// At most this many bytes are read and discarded while lingering.
const LINGER_BYTES: usize = 1024 * 1024;

/// How long accepting pauses after an error such as running out of file descriptors.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// Serves `app` on `listener` until `stop` completes, then stops accepting, lets every
/// connection finish the request it is handling, and returns.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    deadlines: ReadDeadlines,
    stop: impl Future<Output = ()>,
) {
    let mut stop = pin!(stop);
    let (closing, closing_seen) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut out_of_descriptors = false;
    loop {
        tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    if out_of_descriptors {
                        tracing::warn!("accepting connections again");
                        out_of_descriptors = false;
                    }
                    connections.spawn(connection(
                        stream,
                        app.clone(),
                        deadlines,
                        closing_seen.clone(),
                    ));
                }
                Err(error) => {
                    if is_out_of_descriptors(&error) {
                        if !out_of_descriptors {
                            tracing::warn!(
                                %error,
                                open_connections = connections.len(),
                                "out of file descriptors: new connections wait in the backlog \
                                 until one closes (raise `ulimit -n`)"
                            );
                            out_of_descriptors = true;
                        }
                    } else {
                        tracing::debug!(%error, "accept failed");
                    }
                    tokio::time::sleep(ACCEPT_PAUSE).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let _ = closing.send(true);
    while connections.join_next().await.is_some() {}
}

/// Whether `error` means the process or the system has no file descriptor left.
fn is_out_of_descriptors(error: &io::Error) -> bool {
    // EMFILE and ENFILE on Linux, macOS and the BSDs.
    matches!(error.raw_os_error(), Some(23 | 24))
}

/// Serves one connection until the client closes it, a read deadline passes, an answer closes
/// it, or the server stops; then closes it gently.
async fn connection(
    stream: TcpStream,
    app: Router,
    deadlines: ReadDeadlines,
    mut closing: watch::Receiver<bool>,
) {
    let phase = Phase::default();
    let io = TokioIo::new(TimedStream::new(stream, phase.clone(), deadlines));
    let app = TowerToHyperService::new(app);
    let service = service_fn(move |request| {
        phase.busy();
        let answer = app.call(request);
        let phase = phase.clone();
        Box::pin(async move {
            let response = answer.await;
            phase.idle();
            response
        })
    });
    let mut connection = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(io, service);
    let result = tokio::select! {
        result = poll_fn(|cx| connection.poll_without_shutdown(cx)) => result,
        () = async { drop(closing.wait_for(|closing| *closing).await) } => {
            std::pin::Pin::new(&mut connection).graceful_shutdown();
            poll_fn(|cx| connection.poll_without_shutdown(cx)).await
        }
    };
    if let Err(error) = result {
        tracing::debug!(%error, "connection closed");
    }
    linger(connection.into_parts().io.into_inner().into_inner()).await;
}

/// Closes the writing side, then reads and discards what the client still sends, for at most
/// [`LINGER`] and [`LINGER_BYTES`], before the connection is dropped.
async fn linger(mut stream: TcpStream) {
    if stream.shutdown().await.is_err() {
        return;
    }
    let _ = tokio::time::timeout(LINGER, async {
        let mut buffer = [0; 8192];
        let mut discarded = 0;
        while discarded < LINGER_BYTES {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(read) => discarded += read,
            }
        }
    })
    .await;
}
