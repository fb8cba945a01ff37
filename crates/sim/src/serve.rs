//! A Beast TCP server that plays frames in (accelerated) real time, the way dump1090 and
//! readsb serve port 30005: any client that connects receives the binary stream.
//!
//! [`serve`] takes its listener and a shutdown flag as arguments (so a test binds
//! `127.0.0.1:0`), waits for the first client, then sends each frame when its receive time
//! comes — `(ts − first ts) / speed` after the first client connected — to every client
//! connected at that moment. Clients may come and go; one that cannot keep up for
//! [`WRITE_TIMEOUT`] or disconnects is dropped. It returns when every frame has been sent or
//! the flag is set; [`End::Hold`] keeps the connections open until the flag is set, as a
//! receiver with an empty sky does. Plain `std::net` with one thread: the simulator has no
//! async runtime.
//!
//! Anything with a receive time and a Beast encoding can be replayed ([`Replay`]): the
//! simulator's frames, and raw frames read from a capture (`vigia demo` replays both).

use std::io::{self, Write};
use std::net::{TcpListener, TcpStream};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use vigia_modes::RawFrame;

use crate::frame::SimFrame;
use crate::output::{push_beast, push_beast_message};

/// A frame a Beast server can play.
pub trait Replay {
    /// Receive time, seconds.
    fn ts(&self) -> f64;
    /// Append the frame in Beast binary (escaped).
    fn push_beast(&self, out: &mut Vec<u8>);
}

impl Replay for SimFrame {
    fn ts(&self) -> f64 {
        self.ts
    }

    fn push_beast(&self, out: &mut Vec<u8>) {
        push_beast(self, out);
    }
}

/// A captured frame: its `ts` is its receive time (0 when it has none), and it carries its own
/// 12 MHz counter and signal level when it has them.
impl Replay for RawFrame {
    fn ts(&self) -> f64 {
        self.ts.unwrap_or(0.0)
    }

    fn push_beast(&self, out: &mut Vec<u8>) {
        push_beast_message(
            self.mlat_ticks.unwrap_or(0),
            self.signal.unwrap_or(0),
            self.message(),
            out,
        );
    }
}

/// What the server does once every frame is sent.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum End {
    /// Return (the connections close).
    Close,
    /// Keep the connections open until the shutdown flag is set, so that clients do not
    /// reconnect to a feed that has ended.
    Hold,
}

/// How long a client may block a write before it is dropped.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest sleep between checks of the clock, the listener and the shutdown flag.
const POLL: Duration = Duration::from_millis(10);

/// Playback speed: a factor of real time, or as fast as the clients read.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Speed {
    /// `factor` simulated seconds per wall-clock second.
    Factor(f64),
    /// No pacing.
    Max,
}

/// A speed that is neither `max` nor a positive number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a speed: give a positive factor (1, 10, 0.5) or \"max\"")]
pub struct ParseSpeedError(pub String);

impl FromStr for Speed {
    type Err = ParseSpeedError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("max") {
            return Ok(Speed::Max);
        }
        match s.parse::<f64>() {
            Ok(f) if f > 0.0 && f.is_finite() => Ok(Speed::Factor(f)),
            _ => Err(ParseSpeedError(s.to_string())),
        }
    }
}

/// What a [`serve`] run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServeStats {
    /// Clients accepted.
    pub clients: u64,
    /// Frames sent (each counted once, however many clients received it).
    pub frames: u64,
}

/// Serve `frames` (in receive-time order) on `listener` at `speed` until all are sent or
/// `shutdown` is set.
pub fn serve<F: Replay>(
    listener: TcpListener,
    frames: &[F],
    speed: Speed,
    shutdown: &AtomicBool,
) -> io::Result<ServeStats> {
    serve_until(listener, frames, speed, End::Close, shutdown)
}

/// [`serve`], with what to do at the end.
pub fn serve_until<F: Replay>(
    listener: TcpListener,
    frames: &[F],
    speed: Speed,
    end: End,
    shutdown: &AtomicBool,
) -> io::Result<ServeStats> {
    let first_ts = frames.first().map_or(0.0, Replay::ts);
    serve_paced(listener, frames, speed, end, shutdown, first_ts)
}

/// Serve each receiver's frames on its own listener (`listeners[i]` serves receiver `i`), all
/// paced on one clock: a frame heard at time `t` goes out `t − start` (scaled by `speed`)
/// after the receiver's first client connected, whichever receiver heard it — so that the
/// receivers' feeds keep their true relative timing, as a network of real receivers does.
pub fn serve_network(
    listeners: Vec<TcpListener>,
    frames: &[crate::SimFrame],
    speed: Speed,
    end: End,
    shutdown: &AtomicBool,
) -> io::Result<Vec<ServeStats>> {
    let start = frames.first().map_or(0.0, |f| f.ts);
    thread::scope(|scope| {
        let handles: Vec<_> = listeners
            .into_iter()
            .enumerate()
            .map(|(i, listener)| {
                let mine: Vec<crate::SimFrame> =
                    frames.iter().filter(|f| f.receiver == i).copied().collect();
                scope.spawn(move || serve_paced(listener, &mine, speed, end, shutdown, start))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(io::Error::other("a server panicked")))
            })
            .collect()
    })
}

/// Where receiver `i` pushes its frames (`targets[i]`), and the UUID it announces first
/// (`0x1a 0xe4`, as readsb's `--net-connector HOST,PORT,beast_reduce_plus_out,uuid=…` does) or
/// none (plain `beast_out`, as to a dump1090's Beast input port).
pub type PushTarget = (String, Option<[u8; 16]>);

/// Push each receiver's frames to its target: one connection per receiver, all paced on one
/// clock. A receiver that cannot connect within 30 s gives up with an error.
pub fn push_network(
    targets: &[PushTarget],
    frames: &[crate::SimFrame],
    speed: Speed,
    shutdown: &AtomicBool,
) -> io::Result<Vec<ServeStats>> {
    let start = frames.first().map_or(0.0, |f| f.ts);
    let clock = Instant::now();
    thread::scope(|scope| {
        let handles: Vec<_> = targets
            .iter()
            .enumerate()
            .map(|(i, (address, uuid))| {
                let mine: Vec<crate::SimFrame> =
                    frames.iter().filter(|f| f.receiver == i).copied().collect();
                scope.spawn(move || {
                    push_paced(address, uuid.as_ref(), &mine, speed, shutdown, start, clock)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(io::Error::other("a pusher panicked")))
            })
            .collect()
    })
}

fn push_paced(
    address: &str,
    uuid: Option<&[u8; 16]>,
    frames: &[crate::SimFrame],
    speed: Speed,
    shutdown: &AtomicBool,
    first_ts: f64,
    clock: Instant,
) -> io::Result<ServeStats> {
    let mut stats = ServeStats::default();
    let mut stream = loop {
        match TcpStream::connect(address) {
            Ok(stream) => break stream,
            Err(_)
                if clock.elapsed() < Duration::from_secs(30)
                    && !shutdown.load(Ordering::Relaxed) =>
            {
                thread::sleep(POLL * 10)
            }
            Err(e) => return Err(e),
        }
    };
    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
    stream.set_nodelay(true)?;
    stats.clients = 1;
    let mut buf = Vec::with_capacity(64 * 1024);
    if let Some(uuid) = uuid {
        crate::output::push_receiver_uuid(uuid, &mut buf);
    }
    let mut next = 0;
    while next < frames.len() && !shutdown.load(Ordering::Relaxed) {
        let due_until = match speed {
            Speed::Max => f64::INFINITY,
            Speed::Factor(f) => first_ts + clock.elapsed().as_secs_f64() * f,
        };
        while next < frames.len() && frames[next].ts <= due_until && buf.len() < 60 * 1024 {
            push_beast(&frames[next], &mut buf);
            next += 1;
            stats.frames += 1;
        }
        if !buf.is_empty() {
            stream.write_all(&buf)?;
            buf.clear();
        }
        if let (Speed::Factor(f), Some(frame)) = (speed, frames.get(next)) {
            if frame.ts > due_until {
                let wait = ((frame.ts - due_until) / f).min(POLL.as_secs_f64());
                thread::sleep(Duration::from_secs_f64(wait.max(0.0)));
            }
        }
    }
    stream.flush()?;
    Ok(stats)
}

fn serve_paced<F: Replay>(
    listener: TcpListener,
    frames: &[F],
    speed: Speed,
    end: End,
    shutdown: &AtomicBool,
    first_ts: f64,
) -> io::Result<ServeStats> {
    listener.set_nonblocking(true)?;
    let mut stats = ServeStats::default();
    let mut clients: Vec<TcpStream> = Vec::new();
    let mut next = 0;
    let mut clock: Option<Instant> = None;
    let mut buf = Vec::with_capacity(64 * 1024);
    while next < frames.len() && !shutdown.load(Ordering::Relaxed) {
        accept_all(&listener, &mut clients, &mut stats)?;
        if clients.is_empty() {
            if clock.is_none() {
                thread::sleep(POLL);
                continue;
            }
        } else if clock.is_none() {
            clock = Some(Instant::now());
        }
        let elapsed = clock.map_or(0.0, |c| c.elapsed().as_secs_f64());
        let due_until = match speed {
            Speed::Max => f64::INFINITY,
            Speed::Factor(f) => first_ts + elapsed * f,
        };
        buf.clear();
        while next < frames.len() && frames[next].ts() <= due_until && buf.len() < 60 * 1024 {
            frames[next].push_beast(&mut buf);
            next += 1;
            stats.frames += 1;
        }
        if !buf.is_empty() {
            clients.retain_mut(|c| c.write_all(&buf).is_ok());
        }
        if let (Speed::Factor(f), Some(frame)) = (speed, frames.get(next)) {
            if frame.ts() > due_until {
                let wait = ((frame.ts() - due_until) / f).min(POLL.as_secs_f64());
                thread::sleep(Duration::from_secs_f64(wait.max(0.0)));
            }
        }
    }
    for c in &mut clients {
        // Best effort: the stream is complete either way.
        let _ = c.flush();
    }
    if end == End::Hold {
        while !shutdown.load(Ordering::Relaxed) {
            accept_all(&listener, &mut clients, &mut stats)?;
            thread::sleep(POLL * 10);
        }
    }
    Ok(stats)
}

fn accept_all(
    listener: &TcpListener,
    clients: &mut Vec<TcpStream>,
    stats: &mut ServeStats,
) -> io::Result<()> {
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false)?;
                stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
                stream.set_nodelay(true)?;
                clients.push(stream);
                stats.clients += 1;
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            // A connection that failed during accept is the client's problem, not the server's.
            Err(e) if e.kind() == io::ErrorKind::ConnectionAborted => continue,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speeds_parse() {
        assert_eq!("max".parse(), Ok(Speed::Max));
        assert_eq!("10".parse(), Ok(Speed::Factor(10.0)));
        assert!("0".parse::<Speed>().is_err());
        assert!("fast".parse::<Speed>().is_err());
    }
}
