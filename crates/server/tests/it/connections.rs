//! Connection limits: the cap, slow and idle clients, shutdown with a request half sent.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use vigia_server::http::ConnectionLimits;

use crate::{api_with, request, Api};

/// Whether the server closed `s` (end of stream or reset) within `within`.
fn closed_within(s: &mut TcpStream, within: Duration) -> bool {
    s.set_read_timeout(Some(within)).unwrap();
    let mut buf = [0u8; 1024];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut =>
            {
                return false
            }
            Err(_) => return true,
        }
    }
}

/// A kept-alive connection that asked for /healthz and read the answer.
fn answered_connection(address: SocketAddr) -> TcpStream {
    let mut s = TcpStream::connect(address).unwrap();
    write!(s, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 4096];
    let n = s.read(&mut buf).unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    s
}

#[test]
fn slow_idle_and_surplus_connections_are_cut_off() {
    use std::sync::atomic::Ordering;
    let api = api_with(
        None,
        ConnectionLimits {
            max_connections: 3,
            header_timeout: Duration::from_secs(1),
            idle_timeout: Duration::from_secs(3),
            shutdown_timeout: Duration::from_secs(1),
        },
    );
    // Three answered connections fill the cap: none is a slow client, so a fourth is closed
    // as it arrives.
    let mut kept: Vec<TcpStream> = (0..3).map(|_| answered_connection(api.address)).collect();
    let mut surplus = TcpStream::connect(api.address).unwrap();
    assert!(
        closed_within(&mut surplus, Duration::from_secs(2)),
        "the fourth connection is closed"
    );
    assert!(api.metrics.http_refused.load(Ordering::Relaxed) >= 1);
    // Kept-alive connections that send no next request are closed (header timeout).
    for s in &mut kept {
        assert!(
            closed_within(s, Duration::from_secs(4)),
            "a kept-alive connection is cut off"
        );
    }
    // Slowloris: headers trickled, never finished — cut off after the header timeout.
    let mut slow = TcpStream::connect(api.address).unwrap();
    write!(
        slow,
        "GET /api/aircraft HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: "
    )
    .unwrap();
    let mut quiet = TcpStream::connect(api.address).unwrap();
    assert!(
        closed_within(&mut slow, Duration::from_secs(4)),
        "slow headers are cut off"
    );
    assert!(
        closed_within(&mut quiet, Duration::from_secs(4)),
        "a silent connection is cut off"
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    while api.metrics.http_timed_out.load(Ordering::Relaxed) < 5 {
        assert!(
            std::time::Instant::now() < deadline,
            "the closes are counted"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    // Room again once they are gone.
    let (status, _) = request(api.address, "GET", "/healthz", None);
    assert_eq!(status, 200);
}

#[test]
fn at_the_cap_the_oldest_unanswered_connection_makes_room() {
    // Slow clients held every connection for the header timeout, and the API stopped
    // answering meanwhile: now a new client closes the oldest that was never answered.
    let api = api_with(
        None,
        ConnectionLimits {
            max_connections: 3,
            header_timeout: Duration::from_secs(300),
            idle_timeout: Duration::from_secs(300),
            shutdown_timeout: Duration::from_secs(1),
        },
    );
    let mut slow: Vec<TcpStream> = (0..3)
        .map(|_| {
            let mut s = TcpStream::connect(api.address).unwrap();
            write!(s, "GET /healthz HTTP/1.1\r\nX-A: ").unwrap();
            std::thread::sleep(Duration::from_millis(50));
            s
        })
        .collect();
    let (status, _) = request(api.address, "GET", "/healthz", None);
    assert_eq!(status, 200, "a new client is answered at the cap");
    assert!(
        closed_within(&mut slow[0], Duration::from_secs(2)),
        "the oldest slow one made room"
    );
    // Full again (slow 1, 2 and a new one): the next client closes slow 1, the oldest now.
    let mut again = TcpStream::connect(api.address).unwrap();
    write!(again, "GET /healthz HTTP/1.1\r\nX-A: ").unwrap();
    std::thread::sleep(Duration::from_millis(50));
    let (status, _) = request(api.address, "GET", "/healthz", None);
    assert_eq!(status, 200);
    assert!(closed_within(&mut slow[1], Duration::from_secs(2)));
}

#[test]
fn a_connection_with_nothing_read_or_written_is_closed() {
    // Headers may take long here; the idle timer alone closes the silent connection.
    let api = api_with(
        None,
        ConnectionLimits {
            max_connections: 16,
            header_timeout: Duration::from_secs(300),
            idle_timeout: Duration::from_secs(1),
            shutdown_timeout: Duration::from_secs(1),
        },
    );
    let mut silent = TcpStream::connect(api.address).unwrap();
    write!(silent, "GET /healthz HTTP/1.1\r\n").unwrap();
    assert!(closed_within(&mut silent, Duration::from_secs(4)));
    assert!(
        api.metrics
            .http_timed_out
            .load(std::sync::atomic::Ordering::Relaxed)
            >= 1
    );
}

#[test]
fn a_half_sent_request_does_not_hold_shutdown() {
    let api = api_with(
        None,
        ConnectionLimits {
            max_connections: 16,
            header_timeout: Duration::from_secs(300),
            idle_timeout: Duration::from_secs(300),
            shutdown_timeout: Duration::from_secs(1),
        },
    );
    let mut half = TcpStream::connect(api.address).unwrap();
    write!(
        half,
        "POST /api/zones/reload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nab"
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let started = std::time::Instant::now();
    api.stop.send(true).unwrap();
    let Api {
        runtime, served, ..
    } = api;
    let result =
        runtime.block_on(async { tokio::time::timeout(Duration::from_secs(10), served).await });
    assert!(matches!(result, Ok(Ok(Ok(())))), "{result:?}");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "shutdown took {took:?}");
    assert!(closed_within(&mut half, Duration::from_secs(2)));
}
