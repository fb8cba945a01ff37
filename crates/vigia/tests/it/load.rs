//! A bounded flood (loopback, a few seconds): thousands of copies of the real corpus at once.
//! Every frame is accounted for — read, processed, or dropped from the full queue and counted —
//! memory stays bounded, and the service still answers afterwards. (The 60 s, 200 k frames/s
//! measurement with latencies is `cargo bench -p vigia --bench load`.)

use std::net::TcpListener;
use std::time::Duration;

use super::live::write_config;
use super::live::Vigia;
use super::load_gen::{bands_geojson, get, metric, rss_kib, LoadPlan};

#[test]
fn a_flood_is_accounted_for_frame_by_frame_with_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    // A small queue, so that this (unoptimised) build falls behind and must drop.
    let config = write_config(dir.path(), "queue_capacity = 20000\n");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("beast://{}", listener.local_addr().unwrap());
    // Zone bands across the route: the analyzer has work to do.
    let bands = dir.path().join("bands.geojson");
    std::fs::write(&bands, bands_geojson(10, 0.8)).unwrap();
    let vigia = Vigia::start(&[
        "--config",
        config.to_str().unwrap(),
        "--connect",
        &url,
        "--zones",
        bands.to_str().unwrap(),
    ]);
    let (mut conn, _) = listener.accept().unwrap();
    let mut plan = LoadPlan::new(&super::root(), 60_000.0, 4.0);
    assert!(plan.copies() > 1000 && plan.corpus_frames() > 100_000);
    let pid = vigia.child.id();
    let mut peak_kib = 0;
    let sent = plan.play(&mut conn, 4.0, |_| peak_kib = peak_kib.max(rss_kib(pid)));
    assert!(sent > 200_000, "{sent}");
    // Wait until the pipeline has drained the queue and counted the last batch it took (a
    // batch out of the queue is counted once processed: an empty queue alone can be read a
    // moment before).
    let mut m = String::new();
    for _ in 0..100 {
        m = get(vigia.api, "/metrics");
        if metric(&m, "vigia_queue_depth") == 0.0
            && metric(&m, "vigia_source_records_total") == sent as f64
            && metric(&m, "vigia_pipeline_records_total") + metric(&m, "vigia_queue_dropped_total")
                == sent as f64
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let read = metric(&m, "vigia_source_records_total");
    let processed = metric(&m, "vigia_pipeline_records_total");
    let dropped = metric(&m, "vigia_queue_dropped_total");
    let queued = metric(&m, "vigia_queue_depth");
    assert_eq!(
        read, sent as f64,
        "TCP loses nothing: every frame sent was read"
    );
    assert_eq!(read, processed + dropped + queued, "{m}");
    assert_eq!(metric(&m, "vigia_source_malformed_total"), 0.0);
    assert!(peak_kib < 1024 * 1024, "RSS peaked at {peak_kib} KiB");
    assert_eq!(vigia.json("/healthz")["status"], "ok");
    assert!(vigia.json("/api/aircraft")["count"].as_u64().unwrap() > 100);
}
