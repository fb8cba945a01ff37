//! The Beast TCP server: a client connected to a loopback port receives every frame, in
//! order, as a Beast stream vigia-feed reads.

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use vigia_feed::framer::{BeastFramer, Framer};
use vigia_sim::{serve, Speed};

#[test]
fn a_client_receives_every_frame_in_order() {
    let sim = crate::bundled("p8-baja-clip");
    let frames = &sim.frames[..5000];
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let shutdown = AtomicBool::new(false);
    let received = std::thread::scope(|scope| {
        let server = scope.spawn(|| serve(listener, frames, Speed::Max, &shutdown));
        let mut client = TcpStream::connect(address).unwrap();
        client
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut bytes = Vec::new();
        client.read_to_end(&mut bytes).unwrap();
        let stats = server.join().unwrap().unwrap();
        assert_eq!((stats.clients, stats.frames), (1, 5000));
        bytes
    });
    let mut framer = BeastFramer::new();
    framer.push(&received);
    framer.finish();
    let mut got = Vec::new();
    while let Some(item) = framer.next_item() {
        got.push(item.unwrap());
    }
    assert_eq!(got.len(), frames.len());
    for (a, b) in frames.iter().zip(&got) {
        assert_eq!(a.message(), b.message());
        assert_eq!(Some(a.mlat_ticks), b.mlat_ticks);
    }
}

#[test]
fn real_time_pacing_follows_the_timestamps() {
    let sim = crate::bundled("p8-baja-clip");
    // The first 3 simulated seconds at 10× take about 0.3 s.
    let first = sim.frames[0].ts;
    let frames: Vec<_> = sim
        .frames
        .iter()
        .take_while(|f| f.ts < first + 3.0)
        .copied()
        .collect();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let shutdown = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let server = scope.spawn(|| serve(listener, &frames, Speed::Factor(10.0), &shutdown));
        let mut client = TcpStream::connect(address).unwrap();
        let started = Instant::now();
        let mut bytes = Vec::new();
        client.read_to_end(&mut bytes).unwrap();
        let took = started.elapsed();
        server.join().unwrap().unwrap();
        let span = frames.last().unwrap().ts - first;
        assert!(
            took.as_secs_f64() >= span / 10.0 - 0.05,
            "{took:?} for {span} s"
        );
        assert!(took < Duration::from_secs(3), "{took:?}");
        assert!(!bytes.is_empty());
    });
}
