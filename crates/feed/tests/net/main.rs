//! Live sources against real sockets on 127.0.0.1: reconnection after the server restarts,
//! stalls, malformed bytes, the Beast listener, SBS and AVR clients, the drop-oldest queue.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::net::TcpListener as StdListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;
use vigia_feed::framer::beast;
use vigia_feed::net::{
    run_client, run_listener, Arrival, ClientSettings, FrameQueue, SourceCounters, SourceEvent,
    SourceLog, SourceSpec,
};
use vigia_feed::{Format, RawFrame, Record};

/// DF17 airborne position of 0x4840d6 (ICAO Doc 9871 worked example).
const DF17: [u8; 14] = [
    0x8d, 0x48, 0x40, 0xd6, 0x20, 0x2c, 0xc3, 0x71, 0xc3, 0x2c, 0xe0, 0x57, 0x60, 0x98,
];

fn beast_bytes(n: usize) -> Vec<u8> {
    let mut frame = RawFrame::from_message(&DF17).unwrap();
    frame.mlat_ticks = Some(0x1a1a_1a1a);
    frame.signal = Some(0x1a);
    let one = beast::encode(&frame).unwrap();
    one.iter().copied().cycle().take(one.len() * n).collect()
}

fn fast() -> ClientSettings {
    ClientSettings {
        connect_timeout: Duration::from_millis(500),
        stall_timeout: Duration::from_millis(400),
        backoff_initial: Duration::from_millis(20),
        backoff_max: Duration::from_millis(100),
    }
}

/// Pop until `n` arrivals came or `within` passed.
fn collect(queue: &FrameQueue, n: usize, within: Duration) -> Vec<Arrival> {
    let mut out = Vec::new();
    let start = Instant::now();
    while out.len() < n && start.elapsed() < within {
        queue.pop_batch(&mut out, 4096, Duration::from_millis(20));
    }
    out
}

fn wait_for(what: impl Fn() -> bool, within: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < within {
        if what() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

struct Client {
    runtime: tokio::runtime::Runtime,
    queue: Arc<FrameQueue>,
    counters: Arc<SourceCounters>,
    stop: watch::Sender<bool>,
    /// What the source told its log.
    events: Arc<std::sync::Mutex<Vec<SourceEvent>>>,
}

fn client(url: &str) -> Client {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let counters = Arc::new(SourceCounters::new());
    let queue = Arc::new(FrameQueue::new(100_000, vec![counters.clone()]));
    let (stop, shutdown) = watch::channel(false);
    let spec: SourceSpec = url.parse().unwrap();
    let events = Arc::new(std::sync::Mutex::new(Vec::new()));
    let told = events.clone();
    let log: SourceLog = Arc::new(move |source, event: &SourceEvent| {
        assert_eq!(source, 0);
        told.lock().unwrap().push(event.clone());
    });
    runtime.spawn(run_client(
        0,
        spec,
        fast(),
        queue.clone(),
        counters.clone(),
        shutdown,
        Some(log),
    ));
    Client {
        runtime,
        queue,
        counters,
        stop,
        events,
    }
}

#[test]
fn beast_client_reconnects_after_the_server_restarts() {
    let server = StdListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    let c = client(&format!("beast://127.0.0.1:{port}"));
    let (mut conn, _) = server.accept().unwrap();
    conn.write_all(&beast_bytes(100)).unwrap();
    let first = collect(&c.queue, 100, Duration::from_secs(5));
    assert_eq!(first.len(), 100);
    let Record::Frame(f) = &first[0].record else {
        panic!("a Beast source yields frames")
    };
    assert_eq!(f.message(), &DF17);
    assert_eq!(
        f.ts,
        Some(first[0].received),
        "live frames carry their arrival time"
    );
    // Kill the server mid-stream: half a frame, then the socket and the listener go away.
    conn.write_all(&beast_bytes(1)[..10]).unwrap();
    drop(conn);
    drop(server);
    assert!(wait_for(
        || c.counters.snapshot().connect_failures >= 1,
        Duration::from_secs(5)
    ));
    // Restart on the same port: the client comes back by itself.
    let server = StdListener::bind(("127.0.0.1", port)).unwrap();
    let (mut conn, _) = server.accept().unwrap();
    conn.write_all(&beast_bytes(50)).unwrap();
    let second = collect(&c.queue, 50, Duration::from_secs(5));
    assert_eq!(
        second.len(),
        50,
        "the cut frame is not glued to the new stream"
    );
    let s = c.counters.snapshot();
    assert_eq!(s.connects, 2);
    assert_eq!(s.records, 150);
    assert!(s.disconnects >= 1);
    // Told as it happened: connected, closed after frames (reconnecting), refused while the
    // server was down, connected again.
    let events = c.events.lock().unwrap().clone();
    assert!(
        matches!(&events[0], SourceEvent::Connected { peer } if peer.ends_with(&format!(":{port}"))),
        "{events:?}"
    );
    assert!(
        matches!(
            &events[1],
            SourceEvent::Ended {
                stalled: false,
                records: true,
                retry_in: Some(_),
                ..
            }
        ),
        "{events:?}"
    );
    assert!(events.iter().any(|e| matches!(e, SourceEvent::ConnectFailed { attempt: 1, error, .. } if !error.is_empty())), "{events:?}");
    assert!(
        matches!(events.last(), Some(SourceEvent::Connected { .. })),
        "{events:?}"
    );
    c.stop.send(true).unwrap();
    c.runtime.shutdown_timeout(Duration::from_secs(1));
}

#[test]
fn a_stalled_connection_is_noticed_and_replaced() {
    let server = StdListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    let c = client(&format!("beast://127.0.0.1:{port}"));
    let (mut first, _) = server.accept().unwrap();
    first.write_all(&beast_bytes(3)).unwrap();
    // Keep `first` open but silent: after the stall timeout the client reconnects.
    let (mut second, _) = server.accept().unwrap();
    assert_eq!(c.counters.snapshot().stalls, 1);
    second.write_all(&beast_bytes(2)).unwrap();
    assert_eq!(collect(&c.queue, 5, Duration::from_secs(5)).len(), 5);
    drop(first);
    c.stop.send(true).unwrap();
    c.runtime.shutdown_timeout(Duration::from_secs(1));
}

#[test]
fn malformed_bytes_are_counted_and_the_stream_resynchronises() {
    let server = StdListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    let c = client(&format!("beast://127.0.0.1:{port}"));
    let (mut conn, _) = server.accept().unwrap();
    let mut bytes = beast_bytes(10);
    bytes.extend_from_slice(b"\x00garbage\xff\x1a\x39\x01\x02 more junk");
    bytes.extend(beast_bytes(10));
    for chunk in bytes.chunks(7) {
        conn.write_all(chunk).unwrap();
    }
    let got = collect(&c.queue, 20, Duration::from_secs(5));
    assert_eq!(got.len(), 20);
    assert!(wait_for(
        || c.counters.snapshot().malformed >= 1,
        Duration::from_secs(2)
    ));
    c.stop.send(true).unwrap();
    c.runtime.shutdown_timeout(Duration::from_secs(1));
}

#[test]
fn sbs_and_avr_clients_read_their_formats() {
    let sbs = StdListener::bind("127.0.0.1:0").unwrap();
    let avr = StdListener::bind("127.0.0.1:0").unwrap();
    let cs = client(&format!("sbs://{}", sbs.local_addr().unwrap()));
    let ca = client(&format!("avr://{}", avr.local_addr().unwrap()));
    let (mut conn, _) = sbs.accept().unwrap();
    conn.write_all(b"MSG,3,1,1,4840D6,1,2023/10/24,10:00:00.000,2023/10/24,10:00:00.000,,38000,,,52.25720,3.91937,,,0,0,0,0\n")
        .unwrap();
    let got = collect(&cs.queue, 1, Duration::from_secs(5));
    let Record::State(s) = &got[0].record else {
        panic!("SBS yields reports")
    };
    assert_eq!(s.latitude, Some(52.2572));
    assert_eq!(s.ts, Some(got[0].received));
    let (mut conn, _) = avr.accept().unwrap();
    conn.write_all(b"*8D4840D6202CC371C32CE0576098;\n").unwrap();
    let got = collect(&ca.queue, 1, Duration::from_secs(5));
    assert!(matches!(&got[0].record, Record::Frame(f) if f.message() == DF17));
    for c in [cs, ca] {
        c.stop.send(true).unwrap();
        c.runtime.shutdown_timeout(Duration::from_secs(1));
    }
}

#[test]
fn the_listener_takes_several_pushing_receivers() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let counters = Arc::new(SourceCounters::new());
    let queue = Arc::new(FrameQueue::new(10_000, vec![counters.clone()]));
    let (stop, shutdown) = watch::channel(false);
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let address = listener.local_addr().unwrap();
    runtime.spawn(run_listener(
        listener,
        0,
        Format::Beast,
        Duration::from_secs(5),
        queue.clone(),
        counters.clone(),
        shutdown,
        None,
        None,
    ));
    let mut a = std::net::TcpStream::connect(address).unwrap();
    let mut b = std::net::TcpStream::connect(address).unwrap();
    a.write_all(&beast_bytes(30)).unwrap();
    b.write_all(&beast_bytes(20)).unwrap();
    assert_eq!(collect(&queue, 50, Duration::from_secs(5)).len(), 50);
    assert_eq!(counters.snapshot().connects, 2);
    stop.send(true).unwrap();
    runtime.shutdown_timeout(Duration::from_secs(1));
}

#[test]
fn pushing_receivers_are_routed_by_the_uuid_they_announce() {
    use vigia_feed::framer::beast::{encode_receiver_id, encode_receiver_uuid, ReceiverTag};
    use vigia_feed::net::Routes;
    use vigia_feed::{Directory, Receivers};
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    // Receivers 0 and 1 push; source 2 is the listener itself.
    let receivers = Receivers::parse(
        "[[receiver]]\nid = \"nogales\"\nlat = 31.3\nlon = -110.9\nuuid = \"0033062d-e17e-4389-91a9-79ebb967fb4c\"\n\
         [[receiver]]\nid = \"douglas\"\nlat = 31.3\nlon = -109.5\nuuid = \"2ad03ec3bb624396\"\n",
        "r.toml",
        std::path::Path::new("."),
    )
    .unwrap();
    let counters: Vec<Arc<SourceCounters>> =
        (0..3).map(|_| Arc::new(SourceCounters::new())).collect();
    let queue = Arc::new(FrameQueue::new(10_000, counters.clone()));
    let (stop, shutdown) = watch::channel(false);
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let address = listener.local_addr().unwrap();
    let routes = Arc::new(Routes {
        directory: Directory::new(&receivers),
        counters: counters.clone(),
    });
    runtime.spawn(run_listener(
        listener,
        2,
        Format::Beast,
        Duration::from_secs(5),
        queue.clone(),
        counters[2].clone(),
        shutdown,
        Some(routes),
        None,
    ));
    let uuid = ReceiverTag::parse("0033062d-e17e-4389-91a9-79ebb967fb4c")
        .unwrap()
        .uuid
        .unwrap();
    let mut a = std::net::TcpStream::connect(address).unwrap();
    a.write_all(&[encode_receiver_uuid(uuid), beast_bytes(30)].concat())
        .unwrap();
    let mut b = std::net::TcpStream::connect(address).unwrap();
    b.write_all(&[encode_receiver_id(0x2ad0_3ec3_bb62_4396), beast_bytes(20)].concat())
        .unwrap();
    // An unknown id, and no id at all: the listener's own source.
    let mut c = std::net::TcpStream::connect(address).unwrap();
    c.write_all(&[encode_receiver_id(99), beast_bytes(5)].concat())
        .unwrap();
    let mut d = std::net::TcpStream::connect(address).unwrap();
    d.write_all(&beast_bytes(5)).unwrap();
    let got = collect(&queue, 60, Duration::from_secs(5));
    let from = |s: u16| got.iter().filter(|a| a.source == s).count();
    assert_eq!((from(0), from(1), from(2)), (30, 20, 10));
    assert!(wait_for(
        || counters[0].snapshot().records == 30,
        Duration::from_secs(5)
    ));
    assert_eq!(counters[1].snapshot().records, 20);
    // Each record counted once, on the source it left as.
    assert_eq!(counters[2].snapshot().records, 10);
    assert_eq!(counters[0].snapshot().connected, 1);
    drop(a);
    assert!(wait_for(
        || counters[0].snapshot().connected == 0,
        Duration::from_secs(5)
    ));
    stop.send(true).unwrap();
    runtime.shutdown_timeout(Duration::from_secs(1));
}

#[test]
fn a_slow_consumer_loses_the_oldest_frames_and_counts_them() {
    let server = StdListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let counters = Arc::new(SourceCounters::new());
    let queue = Arc::new(FrameQueue::new(1000, vec![counters.clone()]));
    let (stop, shutdown) = watch::channel(false);
    let spec: SourceSpec = format!("beast://127.0.0.1:{port}").parse().unwrap();
    runtime.spawn(run_client(
        0,
        spec,
        fast(),
        queue.clone(),
        counters.clone(),
        shutdown,
        None,
    ));
    let (mut conn, _) = server.accept().unwrap();
    conn.write_all(&beast_bytes(5000)).unwrap();
    // Nobody pops: the queue holds its capacity and the rest is counted, not buffered.
    assert!(wait_for(
        || counters.snapshot().records == 5000,
        Duration::from_secs(5)
    ));
    assert_eq!(queue.len(), 1000);
    assert_eq!(queue.dropped(), 4000);
    assert_eq!(counters.snapshot().dropped, 4000);
    stop.send(true).unwrap();
    runtime.shutdown_timeout(Duration::from_secs(1));
}
