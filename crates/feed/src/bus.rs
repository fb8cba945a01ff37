//! The frame bus's message: one received Mode S frame as `vigia gateway` publishes it to
//! NATS JetStream and `vigia worker` reads it back, and the partition it goes to.
//!
//! Owns the wire format of a bus message (binary, little-endian, versioned) and the choice of
//! partition. A message carries everything the worker's pipeline needs to treat the frame
//! exactly as `vigia run` would: the receiver's id (evidence names it; multilateration needs
//! it), the arrival time at the gateway, the time the gateway gave the frame (timed once,
//! there, so that a worker that takes a partition over and replays its last frames sees the
//! same times), the receiver's 12 MHz counter and signal level when the receiver sent them,
//! and the frame's bytes.
//!
//! ```text
//! 0      'V'
//! 1      version (1)
//! 2      flags: 1 = time, 2 = counter, 4 = signal
//! 3..11  arrival at the gateway, f64 seconds since the Unix epoch
//! [f64]  the frame's time (flag 1)
//! [u64]  the receiver's 48-bit counter (flag 2)
//! [u8]   signal level (flag 4)
//! u8     receiver id length (at most 64), then the id (UTF-8)
//! u8     frame length (2, 7 or 14), then the frame
//! ```
//!
//! Frames of one aircraft — from every receiver — go to one partition ([`partition_of`]): its
//! ICAO address, read from the address field (DF11/17/18) or recovered from the parity (the
//! other formats: address/parity overlay), so that de-duplication, tracking and
//! multilateration of an aircraft stay on one worker.

use vigia_modes::RawFrame;

/// Longest receiver id a message carries, bytes.
pub const MAX_RECEIVER_ID: usize = 64;

const MAGIC: u8 = b'V';
const VERSION: u8 = 1;
const HAS_TIME: u8 = 1;
const HAS_COUNTER: u8 = 2;
const HAS_SIGNAL: u8 = 4;

/// A frame read from the bus; the receiver id borrows the message.
#[derive(Debug, Clone, PartialEq)]
pub struct BusFrame<'a> {
    /// The receiver that heard it.
    pub receiver: &'a str,
    /// When the gateway received it, seconds since the Unix epoch.
    pub received: f64,
    /// The frame, its `ts` the time the gateway gave it (if any).
    pub frame: RawFrame,
}

/// Why a message is not a bus frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BusError {
    /// It ends early.
    #[error("the message ends at byte {0}, inside a field")]
    Short(usize),
    /// Not a vigia bus message, or a version this build does not read.
    #[error("not a version-1 vigia frame message")]
    Version,
    /// Unknown flag bits.
    #[error("unknown flags {0:#04x}")]
    Flags(u8),
    /// A time that is not a finite number.
    #[error("a time that is not a finite number")]
    Time,
    /// The receiver id is too long or not UTF-8.
    #[error("the receiver id is longer than 64 bytes or not UTF-8")]
    Receiver,
    /// The frame is not 2, 7 or 14 bytes.
    #[error("a frame of {0} bytes (2, 7 or 14 expected)")]
    FrameLength(u8),
    /// Bytes after the frame.
    #[error("{0} bytes after the frame")]
    Trailing(usize),
}

/// Append the message for `frame` (its `ts` the time the gateway gave it), heard by
/// `receiver` (cut to [`MAX_RECEIVER_ID`] bytes at a character boundary) and received at
/// `received`, to `out`.
pub fn encode(receiver: &str, received: f64, frame: &RawFrame, out: &mut Vec<u8>) {
    let mut flags = 0;
    if frame.ts.is_some() {
        flags |= HAS_TIME;
    }
    if frame.mlat_ticks.is_some() {
        flags |= HAS_COUNTER;
    }
    if frame.signal.is_some() {
        flags |= HAS_SIGNAL;
    }
    out.extend_from_slice(&[MAGIC, VERSION, flags]);
    out.extend_from_slice(&received.to_le_bytes());
    if let Some(ts) = frame.ts {
        out.extend_from_slice(&ts.to_le_bytes());
    }
    if let Some(ticks) = frame.mlat_ticks {
        out.extend_from_slice(&ticks.to_le_bytes());
    }
    if let Some(signal) = frame.signal {
        out.push(signal);
    }
    let mut end = receiver.len().min(MAX_RECEIVER_ID);
    while !receiver.is_char_boundary(end) {
        end -= 1;
    }
    out.push(end as u8);
    out.extend_from_slice(&receiver.as_bytes()[..end]);
    let message = frame.message();
    out.push(message.len() as u8);
    out.extend_from_slice(message);
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], BusError> {
        let end = self.at.checked_add(n).ok_or(BusError::Short(self.at))?;
        let out = self
            .bytes
            .get(self.at..end)
            .ok_or(BusError::Short(self.at))?;
        self.at = end;
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, BusError> {
        Ok(self.take(1)?[0])
    }

    fn u64(&mut self) -> Result<u64, BusError> {
        let mut b = [0u8; 8];
        b.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(b))
    }

    fn time(&mut self) -> Result<f64, BusError> {
        let t = f64::from_bits(self.u64()?);
        if t.is_finite() {
            Ok(t)
        } else {
            Err(BusError::Time)
        }
    }
}

/// Read a message.
///
/// ```
/// use vigia_feed::bus;
/// use vigia_feed::RawFrame;
/// let mut frame = RawFrame::from_message(&[0x5d, 0x48, 0x40, 0xd6, 0x20, 0x2c, 0xc3]).unwrap();
/// frame.ts = Some(1_700_000_000.25);
/// frame.mlat_ticks = Some(123_456_789);
/// let mut message = Vec::new();
/// bus::encode("tijuana-1", 1_700_000_000.5, &frame, &mut message);
/// let back = bus::decode(&message).unwrap();
/// assert_eq!((back.receiver, back.received, back.frame), ("tijuana-1", 1_700_000_000.5, frame));
/// assert!(bus::decode(&message[..10]).is_err());
/// ```
pub fn decode(bytes: &[u8]) -> Result<BusFrame<'_>, BusError> {
    let mut c = Cursor { bytes, at: 0 };
    let head = c.take(3)?;
    if head[0] != MAGIC || head[1] != VERSION {
        return Err(BusError::Version);
    }
    let flags = head[2];
    if flags & !(HAS_TIME | HAS_COUNTER | HAS_SIGNAL) != 0 {
        return Err(BusError::Flags(flags));
    }
    let received = c.time()?;
    let ts = if flags & HAS_TIME != 0 {
        Some(c.time()?)
    } else {
        None
    };
    let ticks = if flags & HAS_COUNTER != 0 {
        Some(c.u64()?)
    } else {
        None
    };
    let signal = if flags & HAS_SIGNAL != 0 {
        Some(c.u8()?)
    } else {
        None
    };
    let id_len = usize::from(c.u8()?);
    if id_len > MAX_RECEIVER_ID {
        return Err(BusError::Receiver);
    }
    let receiver = std::str::from_utf8(c.take(id_len)?).map_err(|_| BusError::Receiver)?;
    let len = c.u8()?;
    let message = c.take(usize::from(len))?;
    let mut frame = RawFrame::from_message(message).ok_or(BusError::FrameLength(len))?;
    if c.at != bytes.len() {
        return Err(BusError::Trailing(bytes.len() - c.at));
    }
    frame.ts = ts;
    frame.mlat_ticks = ticks;
    frame.signal = signal;
    Ok(BusFrame {
        receiver,
        received,
        frame,
    })
}

/// The aircraft address a frame concerns: its address field (DF11, 17, 18), else the parity
/// field with the checksum removed (address/parity overlay); `None` for Mode A/C replies.
pub fn address_of(message: &[u8]) -> Option<u32> {
    if message.len() < 7 {
        return None;
    }
    match message[0] >> 3 {
        11 | 17 | 18 => Some(
            (u32::from(message[1]) << 16) | (u32::from(message[2]) << 8) | u32::from(message[3]),
        ),
        _ => vigia_modes::crc::syndrome(message),
    }
}

/// The partition of `0..partitions` a frame goes to: by its aircraft's address (Mode A/C
/// replies, which have none, go to partition 0).
///
/// ```
/// use vigia_feed::bus::partition_of;
/// // Every frame of 4840d6 — an extended squitter and a surveillance reply — on one partition.
/// let es = [0x8d, 0x48, 0x40, 0xd6, 0x20, 0x2c, 0xc3, 0x71, 0xc3, 0x2c, 0xe0, 0x57, 0x60, 0x98];
/// let reply = [0x5d, 0x48, 0x40, 0xd6, 0x20, 0x2c, 0xc3];
/// assert_eq!(partition_of(&es, 8), partition_of(&reply, 8));
/// assert!(partition_of(&es, 8) < 8);
/// ```
pub fn partition_of(message: &[u8], partitions: u32) -> u32 {
    address_of(message).map_or(0, |address| partition_of_address(address, partitions))
}

/// The partition of `0..partitions` of the aircraft with ICAO address `address`.
pub fn partition_of_address(address: u32, partitions: u32) -> u32 {
    // Fibonacci hashing: consecutive addresses (one operator's block) spread evenly.
    let h = u64::from(address).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32;
    (h % u64::from(partitions.max(1))) as u32
}
