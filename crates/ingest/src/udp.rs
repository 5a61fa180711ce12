//! UDP source: receivers such as AIS-catcher send each sentence, or several
//! at once, as a datagram.

use std::sync::Arc;

use tokio::net::UdpSocket;

use crate::lines::datagram_lines;
use crate::{Counters, Emitter, IngestError, Source, SourceContext, MAX_LINE};

/// Largest UDP payload.
const MAX_DATAGRAM: usize = 65_536;

/// Configuration of a UDP listener source.
#[derive(Debug, Clone)]
pub struct UdpConfig {
    /// Source id stamped on every line (or `id/peer` with `per_peer_source`).
    pub id: String,
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    pub listen: String,
    /// Stamp lines with `id/peer` rather than `id`.
    pub per_peer_source: bool,
    /// Line length bound.
    pub max_line: usize,
}

impl UdpConfig {
    /// Listen on `listen`, one source id for all senders.
    pub fn new(id: impl Into<String>, listen: impl Into<String>) -> Self {
        UdpConfig {
            id: id.into(),
            listen: listen.into(),
            per_peer_source: false,
            max_line: MAX_LINE,
        }
    }

    /// Per-peer source ids on or off.
    pub fn per_peer_source(mut self, yes: bool) -> Self {
        self.per_peer_source = yes;
        self
    }

    /// Bind the socket (an address in use is an error here).
    pub async fn build(self, ctx: SourceContext) -> Result<Source, IngestError> {
        let id: Arc<str> = self.id.as_str().into();
        let bind_error = |error| IngestError::Bind {
            source_id: id.clone(),
            addr: self.listen.clone(),
            error,
        };
        let socket = UdpSocket::bind(&self.listen).await.map_err(bind_error)?;
        let local_addr = socket.local_addr().map_err(bind_error)?;
        tracing::info!(source = %id, %local_addr, "listening (UDP)");
        let counters = Arc::new(Counters::default());
        let emitter = Emitter::new(ctx, counters.clone());
        let task = run_udp(self, id.clone(), socket, emitter);
        Ok(Source {
            id,
            counters,
            local_addr: Some(local_addr),
            task: Box::pin(task),
        })
    }
}

async fn run_udp(
    cfg: UdpConfig,
    id: Arc<str>,
    socket: UdpSocket,
    mut emitter: Emitter,
) -> Result<(), IngestError> {
    let mut shutdown = emitter.shutdown();
    let mut buf = vec![0u8; MAX_DATAGRAM];
    loop {
        let received = tokio::select! {
            biased;
            _ = shutdown.stopped() => return Ok(()),
            r = socket.recv_from(&mut buf) => r,
        };
        match received {
            Ok((n, peer)) => {
                emitter.counters().add_datagram();
                emitter.counters().add_bytes(n);
                let source: Arc<str> = if cfg.per_peer_source {
                    format!("{id}/{peer}").into()
                } else {
                    id.clone()
                };
                for (line, cut) in datagram_lines(&buf[..n], cfg.max_line) {
                    if emitter.emit(line.to_vec(), cut, &source).await.is_err() {
                        return Ok(());
                    }
                }
            }
            Err(e) => {
                emitter.counters().error(&IngestError::ConnectionLost {
                    source_id: id.clone(),
                    peer: "udp".into(),
                    error: e,
                });
                // A persistent socket error must not turn into a busy loop.
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        }
    }
}
