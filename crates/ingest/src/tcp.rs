//! TCP sources: a client that connects to a receiver (AIS-catcher, a
//! feeder, a port's AIS server) and never gives up, and a server that
//! receivers push lines to.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncRead;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::lines::{LineBuf, Read};
use crate::{Counters, Emitter, Halt, IngestError, Source, SourceContext, MAX_LINE};

const READ_BUFFER: usize = 16 * 1024;

/// Configuration of a TCP client source.
#[derive(Debug, Clone)]
pub struct TcpClientConfig {
    /// Source id stamped on every line.
    pub id: String,
    /// `host:port` of the receiver (resolved again at every attempt).
    pub addr: String,
    /// Wait after the first failure; doubled after each failure in a row.
    pub backoff_initial: Duration,
    /// The cap of that wait.
    pub backoff_max: Duration,
    /// A connection attempt taking longer fails.
    pub connect_timeout: Duration,
    /// A connection silent this long is presumed dead and reopened (AIS
    /// feeds are never quiet for minutes; a half-open TCP connection would
    /// otherwise hang forever). `None`: wait forever.
    pub idle_timeout: Option<Duration>,
    /// Line length bound.
    pub max_line: usize,
}

impl TcpClientConfig {
    /// Connect to `addr` with default timings (backoff 500 ms doubling up
    /// to 30 s, connect timeout 10 s, idle timeout 5 min).
    pub fn new(id: impl Into<String>, addr: impl Into<String>) -> Self {
        TcpClientConfig {
            id: id.into(),
            addr: addr.into(),
            backoff_initial: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            idle_timeout: Some(Duration::from_secs(300)),
            max_line: MAX_LINE,
        }
    }

    /// Set the reconnect backoff: first wait and cap.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.backoff_initial = initial;
        self.backoff_max = max.max(initial);
        self
    }

    /// Set the idle timeout.
    pub fn idle_timeout(mut self, idle: Option<Duration>) -> Self {
        self.idle_timeout = idle;
        self
    }

    /// Line length bound.
    pub fn max_line(mut self, bytes: usize) -> Self {
        self.max_line = bytes;
        self
    }

    /// Prepare the client (it connects when run, so an absent receiver is
    /// not an error: it is waited for).
    pub async fn build(self, ctx: SourceContext) -> Result<Source, IngestError> {
        let id: Arc<str> = self.id.as_str().into();
        let counters = Arc::new(Counters::default());
        let emitter = Emitter::new(ctx, counters.clone());
        let task = run_client(self, id.clone(), emitter);
        Ok(Source {
            id,
            counters,
            local_addr: None,
            task: Box::pin(task),
        })
    }
}

/// The next wait after a failure: doubled, capped.
pub(crate) fn next_backoff(current: Duration, max: Duration) -> Duration {
    current.saturating_mul(2).min(max)
}

async fn run_client(
    cfg: TcpClientConfig,
    id: Arc<str>,
    mut emitter: Emitter,
) -> Result<(), IngestError> {
    let mut shutdown = emitter.shutdown();
    let mut backoff = cfg.backoff_initial;
    let mut ever_connected = false;
    loop {
        if emitter.is_stopped() {
            return Ok(());
        }
        let attempt = tokio::time::timeout(cfg.connect_timeout, TcpStream::connect(&cfg.addr));
        let attempt = tokio::select! {
            biased;
            _ = shutdown.stopped() => return Ok(()),
            attempt = attempt => attempt,
        };
        let connect_error = |error| IngestError::Connect {
            source_id: id.clone(),
            addr: cfg.addr.clone(),
            error,
        };
        match attempt {
            Ok(Ok(stream)) => {
                let _ = stream.set_nodelay(true);
                emitter.counters().add_connection();
                if ever_connected {
                    emitter.counters().add_reconnect();
                }
                ever_connected = true;
                tracing::info!(source = %id, addr = %cfg.addr, "connected");
                let conn = Connection {
                    id: &id,
                    peer: &cfg.addr,
                    idle_timeout: cfg.idle_timeout,
                    max_line: cfg.max_line,
                };
                match conn.read(stream, &mut emitter).await {
                    Err(_halt) => return Ok(()),
                    // A connection that carried data was healthy: the next
                    // failure starts the backoff afresh.
                    Ok(lines) if lines > 0 => backoff = cfg.backoff_initial,
                    Ok(_) => {}
                }
            }
            Ok(Err(e)) => emitter.counters().error(&connect_error(e)),
            Err(_elapsed) => emitter.counters().error(&connect_error(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("no answer within {:?}", cfg.connect_timeout),
            ))),
        }
        tokio::select! {
            biased;
            _ = shutdown.stopped() => return Ok(()),
            _ = tokio::time::sleep(backoff) => {}
        }
        backoff = next_backoff(backoff, cfg.backoff_max);
    }
}

/// Reading the lines of one connection until it ends.
struct Connection<'a> {
    id: &'a Arc<str>,
    peer: &'a str,
    idle_timeout: Option<Duration>,
    max_line: usize,
}

impl Connection<'_> {
    /// Lines delivered when the connection ended (closed, reset, idle; the
    /// error counted), or why sending stopped.
    async fn read<S: AsyncRead + Unpin>(
        &self,
        stream: S,
        emitter: &mut Emitter,
    ) -> Result<u64, Halt> {
        let mut shutdown = emitter.shutdown();
        let mut reader = tokio::io::BufReader::with_capacity(READ_BUFFER, stream);
        let mut lines = LineBuf::new(self.max_line);
        let mut delivered = 0u64;
        let lost = |error| IngestError::ConnectionLost {
            source_id: self.id.clone(),
            peer: self.peer.to_string(),
            error,
        };
        loop {
            let mut n = 0;
            let read = async {
                match self.idle_timeout {
                    Some(idle) => tokio::time::timeout(idle, lines.read_async(&mut reader, &mut n))
                        .await
                        .unwrap_or_else(|_| {
                            Err(std::io::Error::new(
                                std::io::ErrorKind::TimedOut,
                                format!("nothing received for {idle:?}"),
                            ))
                        }),
                    None => lines.read_async(&mut reader, &mut n).await,
                }
            };
            let read = tokio::select! {
                biased;
                _ = shutdown.stopped() => return Err(Halt::Stopped),
                read = read => read,
            };
            emitter.counters().add_bytes(n as usize);
            match read {
                Ok(Read::Line) => {
                    let (bytes, cut) = lines.take();
                    emitter.emit(bytes, cut, self.id).await?;
                    delivered += 1;
                }
                Ok(Read::Eof) => {
                    if lines.has_partial() {
                        let (bytes, cut) = lines.take();
                        emitter.emit(bytes, cut, self.id).await?;
                        delivered += 1;
                    }
                    tracing::info!(source = %self.id, peer = %self.peer, "connection closed");
                    return Ok(delivered);
                }
                Err(e) => {
                    emitter.counters().error(&lost(e));
                    return Ok(delivered);
                }
            }
        }
    }
}

/// Configuration of a TCP server source.
#[derive(Debug, Clone)]
pub struct TcpServerConfig {
    /// Source id; lines are stamped `id/peer-address` unless
    /// `per_peer_source` is off, so that a consumer can keep one decoder per
    /// receiver (multi-sentence reassembly must not mix receivers).
    pub id: String,
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    pub listen: String,
    /// Connections served at once; more are refused and counted.
    pub max_connections: usize,
    /// Stamp lines with `id/peer` rather than `id`.
    pub per_peer_source: bool,
    /// Close a connection silent this long (`None`: never).
    pub idle_timeout: Option<Duration>,
    /// Line length bound.
    pub max_line: usize,
}

impl TcpServerConfig {
    /// Listen on `listen`, at most 64 connections, per-peer source ids.
    pub fn new(id: impl Into<String>, listen: impl Into<String>) -> Self {
        TcpServerConfig {
            id: id.into(),
            listen: listen.into(),
            max_connections: 64,
            per_peer_source: true,
            idle_timeout: None,
            max_line: MAX_LINE,
        }
    }

    /// Connection limit.
    pub fn max_connections(mut self, n: usize) -> Self {
        self.max_connections = n.max(1);
        self
    }

    /// Per-peer source ids on or off.
    pub fn per_peer_source(mut self, yes: bool) -> Self {
        self.per_peer_source = yes;
        self
    }

    /// Line length bound.
    pub fn max_line(mut self, bytes: usize) -> Self {
        self.max_line = bytes;
        self
    }

    /// Bind the listening socket (an address in use is an error here).
    pub async fn build(self, ctx: SourceContext) -> Result<Source, IngestError> {
        let id: Arc<str> = self.id.as_str().into();
        let bind_error = |error| IngestError::Bind {
            source_id: id.clone(),
            addr: self.listen.clone(),
            error,
        };
        let listener = TcpListener::bind(&self.listen).await.map_err(bind_error)?;
        let local_addr = listener.local_addr().map_err(bind_error)?;
        tracing::info!(source = %id, %local_addr, "listening (TCP)");
        let counters = Arc::new(Counters::default());
        let emitter = Emitter::new(ctx, counters.clone());
        let task = run_server(self, id.clone(), listener, emitter);
        Ok(Source {
            id,
            counters,
            local_addr: Some(local_addr),
            task: Box::pin(task),
        })
    }
}

async fn run_server(
    cfg: TcpServerConfig,
    id: Arc<str>,
    listener: TcpListener,
    emitter: Emitter,
) -> Result<(), IngestError> {
    let mut shutdown = emitter.shutdown();
    let consumer = emitter.out.clone();
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            biased;
            _ = shutdown.stopped() => break,
            _ = consumer.closed() => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    if connections.len() >= cfg.max_connections {
                        emitter.counters().error(&IngestError::TooManyConnections {
                            source_id: id.clone(),
                            peer: peer.to_string(),
                            limit: cfg.max_connections,
                        });
                        continue;
                    }
                    emitter.counters().add_connection();
                    tracing::info!(source = %id, %peer, "receiver connected");
                    let source: Arc<str> = if cfg.per_peer_source {
                        format!("{id}/{peer}").into()
                    } else {
                        id.clone()
                    };
                    let mut emitter = emitter.clone();
                    let (idle_timeout, max_line) = (cfg.idle_timeout, cfg.max_line);
                    connections.spawn(async move {
                        let peer = peer.to_string();
                        let conn = Connection { id: &source, peer: &peer, idle_timeout, max_line };
                        let _ = conn.read(stream, &mut emitter).await;
                    });
                }
                Err(e) => {
                    // Usually out of file descriptors: wait a little rather
                    // than spin.
                    emitter.counters().error(&IngestError::ConnectionLost {
                        source_id: id.clone(),
                        peer: "accept".into(),
                        error: e,
                    });
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
        }
    }
    // The connections watch the same stop signal (or the consumer is gone
    // and their next send fails): wait for them to finish.
    if !shutdown.is_stopped() {
        connections.abort_all();
    }
    while connections.join_next().await.is_some() {}
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let max = Duration::from_secs(30);
        let mut d = Duration::from_millis(500);
        let mut seen = vec![d];
        for _ in 0..8 {
            d = next_backoff(d, max);
            seen.push(d);
        }
        let secs: Vec<f64> = seen.iter().map(Duration::as_secs_f64).collect();
        assert_eq!(secs, [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]);
        assert_eq!(next_backoff(Duration::MAX, max), max);
    }
}
