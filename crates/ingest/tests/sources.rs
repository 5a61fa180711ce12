//! Every source against real files and real loopback sockets (127.0.0.1
//! only), with the shared AIS corpora. Waits are bounded by timeouts, never
//! by fixed sleeps longer than a poll interval.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use jinghai_ingest::{
    channel, stop_pair, FileConfig, IngestError, ManualClock, RawLine, Shutdown, SourceContext,
    TcpClientConfig, TcpServerConfig, UdpConfig,
};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::mpsc;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data");
const CLOCK_MS: i64 = 1_700_000_000_123;
const WAIT: Duration = Duration::from_secs(10);

fn data(path: &str) -> String {
    format!("{DATA}/ais/{path}")
}

/// The non-blank lines of a file, without line endings: what a source must deliver.
fn expected_lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .map(<[u8]>::to_vec)
        .collect()
}

fn ctx(tx: mpsc::Sender<RawLine>, shutdown: Shutdown) -> SourceContext {
    SourceContext::new(tx, shutdown).with_clock(Arc::new(ManualClock::new(CLOCK_MS)))
}

/// Receive exactly `n` lines, failing after [`WAIT`].
async fn recv_n(rx: &mut mpsc::Receiver<RawLine>, n: usize) -> Vec<RawLine> {
    let mut got = Vec::with_capacity(n);
    while got.len() < n {
        match tokio::time::timeout(WAIT, rx.recv()).await {
            Ok(Some(line)) => got.push(line),
            Ok(None) => panic!("channel closed after {} of {n} lines", got.len()),
            Err(_) => panic!("timed out after {} of {n} lines", got.len()),
        }
    }
    got
}

fn bytes_of(lines: &[RawLine]) -> Vec<Vec<u8>> {
    lines.iter().map(|l| l.bytes.clone()).collect()
}

#[tokio::test]
async fn file_delivers_every_line_of_the_dma_stream_stamped() {
    let path = data("nmea/dma_stream_example.txt");
    let raw = std::fs::read(&path).unwrap();
    let want = expected_lines(&raw);
    assert!(want.len() > 8000, "the corpus is there");
    let (tx, mut rx) = channel(64);
    let source = FileConfig::new("dma", &path)
        .build(ctx(tx, Shutdown::never()))
        .await
        .unwrap();
    let counters = source.counters();
    let task = tokio::spawn(source.run());
    let got = recv_n(&mut rx, want.len()).await;
    tokio::time::timeout(WAIT, task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(rx.recv().await.is_none(), "nothing more, channel closed");
    assert_eq!(bytes_of(&got), want);
    assert!(got
        .iter()
        .all(|l| l.received_ms == CLOCK_MS && &*l.source == "dma"));
    let c = counters.snapshot();
    assert_eq!(c.lines, want.len() as u64);
    assert_eq!(c.bytes, raw.len() as u64);
    assert_eq!((c.cut_lines, c.errors), (0, 0));
}

#[tokio::test]
async fn gzip_file_reads_the_same_lines_as_the_plain_file() {
    let plain = std::fs::read(data("tracks/nyharbor_2020-06-30_1h_reencoded.nmea")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Named .txt on purpose: gzip is recognised by content, not by name.
    let gz_path = dir.path().join("hour.txt");
    let mut enc = flate2_writer(std::fs::File::create(&gz_path).unwrap());
    enc.write_all(&plain).unwrap();
    enc.finish().unwrap();

    let want = expected_lines(&plain);
    let (tx, mut rx) = channel(1024);
    let source = FileConfig::new("gz", &gz_path)
        .build(ctx(tx, Shutdown::never()))
        .await
        .unwrap();
    let task = tokio::spawn(source.run());
    let got = recv_n(&mut rx, want.len()).await;
    task.await.unwrap().unwrap();
    assert_eq!(bytes_of(&got), want);
}

fn flate2_writer(f: std::fs::File) -> flate2::write::GzEncoder<std::fs::File> {
    flate2::write::GzEncoder::new(f, flate2::Compression::fast())
}

#[tokio::test]
async fn the_week_gz_corpus_has_all_its_sentences() {
    let (tx, mut rx) = channel(4096);
    let source = FileConfig::new(
        "week",
        data("tracks/nyharbor_2020-12-01_week_reencoded.nmea.gz"),
    )
    .build(ctx(tx, Shutdown::never()))
    .await
    .unwrap();
    let task = tokio::spawn(source.run());
    let mut n = 0u64;
    let mut tagged = 0u64;
    while let Some(line) = tokio::time::timeout(WAIT * 6, rx.recv()).await.unwrap() {
        n += 1;
        tagged += u64::from(line.bytes.starts_with(b"\\"));
    }
    task.await.unwrap().unwrap();
    assert_eq!(n, 172_679);
    assert_eq!(tagged, n, "every line keeps its tag block");
}

#[tokio::test]
async fn missing_file_and_followed_gzip_are_fatal_build_errors() {
    let (tx, _rx) = channel(4);
    let err = FileConfig::new("x", "/nonexistent/ais.nmea")
        .build(ctx(tx.clone(), Shutdown::never()))
        .await
        .err()
        .expect("missing file");
    assert!(matches!(err, IngestError::File { .. }) && !err.can_continue());
    assert!(err.to_string().contains("/nonexistent/ais.nmea"), "{err}");

    let err = FileConfig::new(
        "x",
        data("tracks/nyharbor_2020-12-01_week_reencoded.nmea.gz"),
    )
    .follow(true)
    .build(ctx(tx, Shutdown::never()))
    .await
    .err()
    .expect("gzip cannot be followed");
    assert!(matches!(err, IngestError::Config { .. }) && !err.can_continue());
}

#[tokio::test]
async fn followed_file_picks_up_appends_truncation_and_rotation() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feed.nmea");
    let dma = expected_lines(&std::fs::read(data("nmea/dma_stream_example.txt")).unwrap());
    let write = |lines: &[Vec<u8>], append: bool| {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(append)
            .write(true)
            .truncate(!append)
            .open(&path)
            .unwrap();
        for l in lines {
            f.write_all(l).unwrap();
            f.write_all(b"\r\n").unwrap();
        }
    };
    write(&dma[0..5], false);

    let (tx, mut rx) = channel(64);
    let (stop, shutdown) = stop_pair();
    let source = FileConfig::new("tail", &path)
        .follow(true)
        .poll_interval(Duration::from_millis(10))
        .build(ctx(tx, shutdown))
        .await
        .unwrap();
    let counters = source.counters();
    let task = tokio::spawn(source.run());
    assert_eq!(bytes_of(&recv_n(&mut rx, 5).await), dma[0..5]);

    // Growth, including a line written in two halves.
    write(&dma[5..8], true);
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(&dma[8][..10]).unwrap();
    f.flush().unwrap();
    assert_eq!(bytes_of(&recv_n(&mut rx, 3).await), dma[5..8]);
    tokio::time::sleep(Duration::from_millis(50)).await;
    f.write_all(&dma[8][10..]).unwrap();
    f.write_all(b"\n").unwrap();
    drop(f);
    assert_eq!(bytes_of(&recv_n(&mut rx, 1).await), dma[8..9]);

    // Truncation (`> feed.nmea`, then new lines): read again from the start.
    write(&dma[20..22], false);
    assert_eq!(bytes_of(&recv_n(&mut rx, 2).await), dma[20..22]);
    assert_eq!(counters.snapshot().reconnects, 1);

    // Rotation: the old file gets a last line, is renamed, a new one appears.
    write(&dma[22..23], true);
    std::fs::rename(&path, dir.path().join("feed.nmea.1")).unwrap();
    write(&dma[30..33], false);
    let want: Vec<Vec<u8>> = [&dma[22..23], &dma[30..33]].concat();
    assert_eq!(bytes_of(&recv_n(&mut rx, 4).await), want);
    assert_eq!(counters.snapshot().reconnects, 2);

    stop.stop();
    tokio::time::timeout(WAIT, task)
        .await
        .expect("stops promptly")
        .unwrap()
        .unwrap();
    let c = counters.snapshot();
    assert_eq!(c.lines, 5 + 3 + 1 + 2 + 1 + 3);
    assert_eq!(c.errors, 1, "the truncation");
}

#[tokio::test]
async fn follow_from_the_end_skips_what_is_there() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feed.nmea");
    std::fs::write(&path, "old 1\nold 2\n").unwrap();
    let (tx, mut rx) = channel(8);
    let (stop, shutdown) = stop_pair();
    let source = FileConfig::new("tail", &path)
        .follow(true)
        .start_at_end(true)
        .poll_interval(Duration::from_millis(10))
        .build(ctx(tx, shutdown))
        .await
        .unwrap();
    let task = tokio::spawn(source.run());
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(b"new\n").unwrap();
    assert_eq!(recv_n(&mut rx, 1).await[0].bytes, b"new");
    stop.stop();
    task.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_slow_consumer_holds_the_file_reader_back() {
    let (tx, mut rx) = channel(2);
    let source = FileConfig::new("dma", data("nmea/dma_stream_example.txt"))
        .build(ctx(tx, Shutdown::never()))
        .await
        .unwrap();
    let counters = source.counters();
    let task = tokio::spawn(source.run());
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Two in the channel, at most one more stamped and waiting for room.
    assert!(counters.snapshot().lines <= 3, "{:?}", counters.snapshot());
    drop(rx.recv().await);
    // The consumer going away ends the source cleanly.
    drop(rx);
    tokio::time::timeout(WAIT, task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(counters.snapshot().lines < 100);
}

/// A local receiver that serves `payload` to each connection and closes it.
async fn serve_once(listener: TcpListener, payload: Vec<u8>) {
    let (mut s, _) = listener.accept().await.unwrap();
    s.write_all(&payload).await.unwrap();
    s.shutdown().await.unwrap();
}

#[tokio::test]
async fn tcp_client_receives_the_whole_dma_stream() {
    let raw = std::fs::read(data("nmea/dma_stream_example.txt")).unwrap();
    let want = expected_lines(&raw);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve_once(listener, raw.clone()));

    let (tx, mut rx) = channel(256);
    let (stop, shutdown) = stop_pair();
    let source = TcpClientConfig::new("catcher", addr.to_string())
        .backoff(Duration::from_millis(10), Duration::from_millis(50))
        .build(ctx(tx, shutdown))
        .await
        .unwrap();
    let counters = source.counters();
    let task = tokio::spawn(source.run());
    let got = recv_n(&mut rx, want.len()).await;
    assert_eq!(bytes_of(&got), want);
    assert!(got.iter().all(|l| &*l.source == "catcher"));
    stop.stop();
    tokio::time::timeout(WAIT, task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let c = counters.snapshot();
    assert_eq!(c.connections, 1);
    assert_eq!(c.bytes, raw.len() as u64);
}

#[tokio::test]
async fn tcp_client_reconnects_after_the_receiver_restarts() {
    let dma = expected_lines(&std::fs::read(data("nmea/dma_stream_example.txt")).unwrap());
    let lines_payload = |r: std::ops::Range<usize>| {
        let mut p = Vec::new();
        for l in &dma[r] {
            p.extend_from_slice(l);
            p.push(b'\n');
        }
        p
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();

    let (tx, mut rx) = channel(64);
    let (stop, shutdown) = stop_pair();
    let source = TcpClientConfig::new("catcher", addr.to_string())
        .backoff(Duration::from_millis(5), Duration::from_millis(40))
        .build(ctx(tx, shutdown))
        .await
        .unwrap();
    let counters = source.counters();
    let task = tokio::spawn(source.run());

    // First life of the receiver: three lines, then it dies (listener gone).
    serve_once(listener, lines_payload(0..3)).await;
    assert_eq!(bytes_of(&recv_n(&mut rx, 3).await), dma[0..3]);

    // While it is down the client keeps trying (refused connections).
    let deadline = tokio::time::Instant::now() + WAIT;
    while counters.snapshot().errors < 3 {
        assert!(tokio::time::Instant::now() < deadline, "client gave up");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    // Second life on the same port.
    let listener = TcpListener::bind(addr).await.unwrap();
    serve_once(listener, lines_payload(3..10)).await;
    assert_eq!(bytes_of(&recv_n(&mut rx, 7).await), dma[3..10]);
    let c = counters.snapshot();
    assert_eq!((c.connections, c.reconnects), (2, 1));
    assert!(c.errors >= 3);

    stop.stop();
    tokio::time::timeout(WAIT, task)
        .await
        .expect("stops while backing off")
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn a_silent_connection_is_reopened_after_the_idle_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // A receiver that sends one line per connection and then says nothing,
    // keeping the connection open (a half-dead feed).
    tokio::spawn(async move {
        let mut open = Vec::new();
        loop {
            let (mut s, _) = listener.accept().await.unwrap();
            s.write_all(b"line\n").await.unwrap();
            open.push(s);
        }
    });
    let (tx, mut rx) = channel(8);
    let (stop, shutdown) = stop_pair();
    let source = TcpClientConfig::new("c", addr.to_string())
        .backoff(Duration::from_millis(1), Duration::from_millis(10))
        .idle_timeout(Some(Duration::from_millis(100)))
        .build(ctx(tx, shutdown))
        .await
        .unwrap();
    let counters = source.counters();
    let task = tokio::spawn(source.run());
    recv_n(&mut rx, 2).await;
    let c = counters.snapshot();
    assert!(c.connections >= 2 && c.reconnects >= 1, "{c:?}");
    assert!(c.errors >= 1, "the idle connection counted: {c:?}");
    stop.stop();
    task.await.unwrap().unwrap();
}

#[tokio::test]
async fn tcp_client_stops_while_nobody_listens() {
    // A port that was free a moment ago: connections are refused.
    let addr = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let (tx, _rx) = channel(4);
    let (stop, shutdown) = stop_pair();
    let source = TcpClientConfig::new("c", addr.to_string())
        .backoff(Duration::from_millis(1), Duration::from_secs(3600))
        .build(ctx(tx, shutdown))
        .await
        .unwrap();
    let counters = source.counters();
    let task = tokio::spawn(source.run());
    let deadline = tokio::time::Instant::now() + WAIT;
    while counters.snapshot().errors < 2 {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    stop.stop();
    tokio::time::timeout(Duration::from_secs(2), task)
        .await
        .expect("the stop interrupts the backoff wait")
        .unwrap()
        .unwrap();
    assert_eq!(counters.snapshot().connections, 0);
}

#[tokio::test]
async fn tcp_server_takes_many_receivers_at_once() {
    let dma = expected_lines(&std::fs::read(data("nmea/dma_stream_example.txt")).unwrap());
    let (tx, mut rx) = channel(128);
    let (stop, shutdown) = stop_pair();
    let source = TcpServerConfig::new("push", "127.0.0.1:0")
        .build(ctx(tx, shutdown))
        .await
        .unwrap();
    let addr = source.local_addr().unwrap();
    let counters = source.counters();
    let task = tokio::spawn(source.run());

    const RECEIVERS: usize = 8;
    let chunks: Vec<Vec<Vec<u8>>> = dma
        .chunks(dma.len().div_ceil(RECEIVERS))
        .map(<[Vec<u8>]>::to_vec)
        .collect();
    let mut senders = Vec::new();
    for chunk in chunks.clone() {
        senders.push(tokio::spawn(async move {
            let mut s = TcpStream::connect(addr).await.unwrap();
            let local = s.local_addr().unwrap();
            for l in &chunk {
                s.write_all(l).await.unwrap();
                s.write_all(b"\r\n").await.unwrap();
            }
            s.shutdown().await.unwrap();
            local
        }));
    }
    let got = recv_n(&mut rx, dma.len()).await;
    // Per connection, the lines arrive in order and stamped with the peer.
    for (chunk, sender) in chunks.iter().zip(senders) {
        let peer = sender.await.unwrap();
        let id = format!("push/{peer}");
        let from_peer: Vec<Vec<u8>> = got
            .iter()
            .filter(|l| *l.source == *id)
            .map(|l| l.bytes.clone())
            .collect();
        assert_eq!(&from_peer, chunk, "{id}");
    }
    stop.stop();
    tokio::time::timeout(WAIT, task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(counters.snapshot().connections, RECEIVERS as u64);
}

#[tokio::test]
async fn over_long_lines_are_cut_and_counted() {
    let (tx, mut rx) = channel(16);
    let (stop, shutdown) = stop_pair();
    let source = TcpServerConfig::new("push", "127.0.0.1:0")
        .per_peer_source(false)
        .build(ctx(tx, shutdown))
        .await
        .unwrap();
    let addr = source.local_addr().unwrap();
    let counters = source.counters();
    let task = tokio::spawn(source.run());
    let mut s = TcpStream::connect(addr).await.unwrap();
    // 1 MB without a newline, then a real sentence.
    let junk = vec![b'!'; 1 << 20];
    s.write_all(&junk).await.unwrap();
    s.write_all(b"\n!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24\n")
        .await
        .unwrap();
    let got = recv_n(&mut rx, 2).await;
    assert_eq!(got[0].bytes.len(), 4096);
    assert_eq!(
        got[1].bytes,
        b"!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24"
    );
    assert_eq!(&*got[1].source, "push");
    let c = counters.snapshot();
    assert_eq!((c.lines, c.cut_lines), (2, 1));
    stop.stop();
    task.await.unwrap().unwrap();
}

#[tokio::test]
async fn tcp_server_on_a_taken_port_is_a_fatal_bind_error() {
    let taken = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (tx, _rx) = channel(4);
    let err = TcpServerConfig::new("push", taken.local_addr().unwrap().to_string())
        .build(ctx(tx, Shutdown::never()))
        .await
        .err()
        .expect("address in use");
    assert!(matches!(err, IngestError::Bind { .. }) && !err.can_continue());
}

#[tokio::test]
async fn udp_datagrams_with_several_lines() {
    let dma = expected_lines(&std::fs::read(data("nmea/dma_stream_example.txt")).unwrap());
    let (tx, mut rx) = channel(1024);
    let (stop, shutdown) = stop_pair();
    let source = UdpConfig::new("udp", "127.0.0.1:0")
        .build(ctx(tx, shutdown))
        .await
        .unwrap();
    let addr = source.local_addr().unwrap();
    let counters = source.counters();
    let task = tokio::spawn(source.run());

    let sender = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    // 1 to 3 lines per datagram, the last one sometimes without newline.
    let lines = &dma[..300];
    let mut datagrams = 0;
    let mut i = 0;
    while i < lines.len() {
        let n = 1 + datagrams % 3;
        let mut d = Vec::new();
        for (k, l) in lines[i..(i + n).min(lines.len())].iter().enumerate() {
            d.extend_from_slice(l);
            if k + 1 < n || datagrams % 2 == 0 {
                d.extend_from_slice(b"\r\n");
            }
        }
        sender.send_to(&d, addr).await.unwrap();
        i += n;
        datagrams += 1;
        // Loopback drops only when the receive buffer overflows: pace a little.
        if datagrams % 32 == 0 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    let got = recv_n(&mut rx, lines.len()).await;
    assert_eq!(bytes_of(&got), lines);
    assert!(got.iter().all(|l| &*l.source == "udp"));
    assert_eq!(counters.snapshot().datagrams, datagrams as u64);
    stop.stop();
    task.await.unwrap().unwrap();
}

#[tokio::test]
async fn lines_feed_the_decoder() {
    // End to end: the DMA stream through TCP into jinghai-ais gives the same
    // messages as decoding the file directly.
    let raw = std::fs::read(data("nmea/dma_stream_example.txt")).unwrap();
    let mut direct = jinghai_ais::Decoder::new();
    let want: Vec<String> = expected_lines(&raw)
        .iter()
        .filter_map(|l| direct.decode_line(l).ok().flatten())
        .map(|d| jinghai_ais::to_json(&d))
        .collect();
    assert!(want.len() > 4000);

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve_once(listener, raw));
    let (tx, mut rx) = channel(64);
    let (stop, shutdown) = stop_pair();
    let source = TcpClientConfig::new("dma", addr.to_string())
        .build(ctx(tx, shutdown))
        .await
        .unwrap();
    let task = tokio::spawn(source.run());
    let mut dec = jinghai_ais::Decoder::new();
    let mut got = Vec::new();
    while got.len() < want.len() {
        let line = tokio::time::timeout(WAIT, rx.recv())
            .await
            .unwrap()
            .unwrap();
        if let Ok(Some(d)) = dec.decode_line(&line.bytes) {
            assert_eq!(
                d.time_or(line.received_ms),
                d.received_at.unwrap_or(CLOCK_MS)
            );
            got.push(jinghai_ais::to_json(&d));
        }
    }
    assert_eq!(got, want);
    stop.stop();
    task.await.unwrap().unwrap();
}
