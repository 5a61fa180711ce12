//! Ingest from any source into the AIS decoder; JSON Lines on stdout,
//! counters on stderr at the end (input end or Ctrl-C).
//!
//! ```text
//! cargo run -p jinghai-ingest --example ingest -- file ../shared/data/ais/nmea/dma_stream_example.txt
//! cargo run -p jinghai-ingest --example ingest -- follow /var/log/ais.nmea
//! cargo run -p jinghai-ingest --example ingest -- tcp 127.0.0.1:10110      # AIS-catcher -N … TCP
//! cargo run -p jinghai-ingest --example ingest -- tcp-listen 127.0.0.1:5631
//! cargo run -p jinghai-ingest --example ingest -- udp 127.0.0.1:10110
//! ```

use std::collections::HashMap;

use jinghai_ingest::{
    channel, stop_pair, FileConfig, SourceContext, TcpClientConfig, TcpServerConfig, UdpConfig,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [kind, target] = args.as_slice() else {
        eprintln!("usage: ingest file|follow|tcp|tcp-listen|udp PATH-OR-ADDR");
        std::process::exit(2);
    };
    let (tx, mut rx) = channel(4096);
    let (stop, shutdown) = stop_pair();
    let ctx = SourceContext::new(tx, shutdown);
    let source = match kind.as_str() {
        "file" => FileConfig::new("file", target).build(ctx).await?,
        "follow" => {
            FileConfig::new("file", target)
                .follow(true)
                .build(ctx)
                .await?
        }
        "tcp" => TcpClientConfig::new("tcp", target).build(ctx).await?,
        "tcp-listen" => TcpServerConfig::new("tcp-in", target).build(ctx).await?,
        "udp" => UdpConfig::new("udp", target).build(ctx).await?,
        other => return Err(format!("unknown source kind {other}").into()),
    };
    let counters = source.counters();
    let task = tokio::spawn(source.run());
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        stop.stop();
    });

    // One decoder per source id: multi-sentence reassembly must not mix receivers.
    let mut decoders: HashMap<std::sync::Arc<str>, jinghai_ais::Decoder> = HashMap::new();
    while let Some(line) = rx.recv().await {
        let dec = decoders.entry(line.source.clone()).or_default();
        if let Ok(Some(d)) = dec.decode_line(&line.bytes) {
            let _ = d.time_or(line.received_ms); // the time an engine would use
            println!("{}", jinghai_ais::to_json(&d));
        }
    }
    task.await??;
    eprintln!("ingest: {:?}", counters.snapshot());
    for (source, dec) in &decoders {
        eprintln!("{source}: {}", dec.stats());
    }
    Ok(())
}
