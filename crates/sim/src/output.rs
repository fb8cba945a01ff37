//! Frames out: the Beast binary format and `timestamp,hex` lines.
//!
//! Owns the byte layout of both (Mode-S Beast protocol as dump1090 and readsb write it):
//! ```text
//! 0x1a  type  mlat[6]  signal[1]  message[7|14]      type '2' short, '3' long
//! ```
//! In the binary stream every 0x1a byte after the type — in the counter, the signal or the
//! message — is doubled. The text form writes the receive time (Unix seconds, microsecond
//! precision) and the whole frame *unescaped* as hex, as rs1090's `long_flight.csv` does:
//! `1698140962.171425,1a33000023bb50f025903907dbc1b50fca1ad701efd570`.

use std::io::{self, Write};
use std::path::Path;

use crate::frame::SimFrame;
use crate::scenario::Receiver;

const ESCAPE: u8 = 0x1a;

/// The file formats frames can be written in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FrameFormat {
    /// Beast binary.
    Beast,
    /// `timestamp,hex` lines, the hex a whole Beast frame.
    Csv,
}

impl FrameFormat {
    /// The format a file name asks for: `.csv` (or `.txt`) is text, anything else Beast.
    pub fn from_path(path: &Path) -> FrameFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some("csv") | Some("txt") => FrameFormat::Csv,
            _ => FrameFormat::Beast,
        }
    }
}

/// The unescaped Beast frame: marker, type, counter, signal, message.
pub fn beast_frame(frame: &SimFrame) -> ([u8; 23], usize) {
    let mut out = [0u8; 23];
    out[0] = ESCAPE;
    out[1] = if frame.len == 7 { b'2' } else { b'3' };
    out[2..8].copy_from_slice(&frame.mlat_ticks.to_be_bytes()[2..]);
    out[8] = frame.signal;
    let message = frame.message();
    out[9..9 + message.len()].copy_from_slice(message);
    (out, 9 + message.len())
}

/// Append a frame in Beast binary (escaped) to `out`.
pub fn push_beast(frame: &SimFrame, out: &mut Vec<u8>) {
    push_beast_message(frame.mlat_ticks, frame.signal, frame.message(), out);
}

/// Append a Mode S `message` (7 or 14 bytes; 2 for Mode A/C) in Beast binary (escaped), with
/// the receiver's 48-bit 12 MHz counter and signal level.
pub fn push_beast_message(mlat_ticks: u64, signal: u8, message: &[u8], out: &mut Vec<u8>) {
    out.push(ESCAPE);
    out.push(match message.len() {
        2 => b'1',
        7 => b'2',
        _ => b'3',
    });
    let ticks = (mlat_ticks & 0xFFFF_FFFF_FFFF).to_be_bytes();
    for &b in ticks[2..].iter().chain([signal].iter()).chain(message) {
        out.push(b);
        if b == ESCAPE {
            out.push(ESCAPE);
        }
    }
}

/// Write frames in Beast binary.
pub fn write_beast<W: Write + ?Sized>(frames: &[SimFrame], out: &mut W) -> io::Result<()> {
    let mut buf = Vec::with_capacity(64 * 1024);
    for f in frames {
        push_beast(f, &mut buf);
        if buf.len() > 60 * 1024 {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    out.write_all(&buf)
}

/// Write frames as `timestamp,hex` lines.
pub fn write_csv<W: Write + ?Sized>(frames: &[SimFrame], out: &mut W) -> io::Result<()> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut line = Vec::with_capacity(80);
    for f in frames {
        line.clear();
        write!(line, "{:.6},", f.ts)?;
        let (raw, n) = beast_frame(f);
        for &b in &raw[..n] {
            line.push(HEX[usize::from(b >> 4)]);
            line.push(HEX[usize::from(b & 0x0f)]);
        }
        line.push(b'\n');
        out.write_all(&line)?;
    }
    Ok(())
}

/// Write frames in `format`.
pub fn write_frames<W: Write + ?Sized>(
    frames: &[SimFrame],
    format: FrameFormat,
    out: &mut W,
) -> io::Result<()> {
    match format {
        FrameFormat::Beast => write_beast(frames, out),
        FrameFormat::Csv => write_csv(frames, out),
    }
}

/// A receiver's UUID, made up from its name (the same name gives the same UUID): what it
/// announces when it pushes, and the id that tags its frames in a combined capture.
pub fn receiver_uuid(name: &str) -> [u8; 16] {
    let hash = |seed: u64| {
        name.bytes().fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let mut uuid = [0u8; 16];
    uuid[..8].copy_from_slice(&hash(0xcbf2_9ce4_8422_2325).to_be_bytes());
    uuid[8..].copy_from_slice(&hash(0x6c62_272e_07bb_0142).to_be_bytes());
    uuid[6] = (uuid[6] & 0x0f) | 0x40; // version 4 (random-looking)
    uuid[8] = (uuid[8] & 0x3f) | 0x80; // RFC 4122 variant
    uuid
}

/// A UUID as text, `8-4-4-4-12` hex digits.
pub fn uuid_text(uuid: &[u8; 16]) -> String {
    let h: String = uuid.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// The in-band receiver id record (`0x1a 0xe3` + the UUID's first 8 bytes), escaped.
pub fn push_receiver_id(uuid: &[u8; 16], out: &mut Vec<u8>) {
    out.extend_from_slice(&[ESCAPE, 0xe3]);
    push_escaped(&uuid[..8], out);
}

/// The in-band UUID record a pushing receiver sends first (`0x1a 0xe4` + 16 bytes), escaped.
pub fn push_receiver_uuid(uuid: &[u8; 16], out: &mut Vec<u8>) {
    out.extend_from_slice(&[ESCAPE, 0xe4]);
    push_escaped(uuid, out);
}

fn push_escaped(bytes: &[u8], out: &mut Vec<u8>) {
    for &b in bytes {
        out.push(b);
        if b == ESCAPE {
            out.push(ESCAPE);
        }
    }
}

/// Every receiver's frames in one Beast stream, in time order, each receiver's run of frames
/// preceded by its id (`0x1a 0xe3`): the combined capture of an aggregator.
pub fn write_combined_beast<W: Write + ?Sized>(
    frames: &[SimFrame],
    uuids: &[[u8; 16]],
    out: &mut W,
) -> io::Result<()> {
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut current = None;
    for frame in frames {
        let Some(uuid) = uuids.get(frame.receiver) else {
            continue;
        };
        if current != Some(frame.receiver) {
            push_receiver_id(uuid, &mut buf);
            current = Some(frame.receiver);
        }
        push_beast(frame, &mut buf);
        if buf.len() >= 60 * 1024 {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    out.write_all(&buf)
}

/// How the receivers file describes where each receiver's frames are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Captures {
    /// `capture = "<name>.beast"` each.
    PerReceiver,
    /// None: the frames are in one combined capture (or pushed), found by `uuid`.
    Combined,
}

/// The receivers file (TOML, as `vigia --receivers` reads it) of a scenario's receivers, each
/// with its `uuid` and (per-receiver captures) its capture `<name>.beast` beside the file.
/// Antenna heights are written as heights above the ellipsoid (the simulator propagates to
/// them so). `connect[i]`, when given, is where receiver `i`'s feed is served (`vigia sim
/// --serve ... --per-receiver`).
pub fn receivers_toml(receivers: &[Receiver], connect: &[String], captures: Captures) -> String {
    let mut out = String::from(match captures {
        Captures::PerReceiver => {
            "# Written by `vigia sim --out DIR`: the scenario's receivers, each with its capture.\n"
        }
        Captures::Combined => {
            "# Written by `vigia sim --out DIR --combined`: the scenario's receivers; their frames \
             are in combined.beast,\n# each tagged with the receiver's uuid.\n"
        }
    });
    for (i, r) in receivers.iter().enumerate() {
        let Some([lat, lon]) = r.position else {
            continue;
        };
        out.push_str("\n[[receiver]]\n");
        out.push_str(&format!("id = {:?}\n", r.name));
        out.push_str(&format!("lat = {lat}\nlon = {lon}\n"));
        out.push_str(&format!("alt_m = {:.1}\n", r.altitude_ft * 0.3048));
        out.push_str(&format!("clock = {:?}\n", r.clock));
        if r.jitter_ns > 0.0 {
            out.push_str(&format!("jitter_ns = {}\n", r.jitter_ns.max(1.0)));
        }
        out.push_str(&format!(
            "uuid = {:?}\n",
            uuid_text(&receiver_uuid(&r.name))
        ));
        if captures == Captures::PerReceiver {
            out.push_str(&format!("capture = {:?}\n", format!("{}.beast", r.name)));
        }
        if let Some(url) = connect.get(i) {
            out.push_str(&format!("connect = {url:?}\n"));
        }
    }
    out
}

/// Write one receiver's frames (receiver number `receiver`) as Beast.
pub fn write_receiver_beast<W: Write + ?Sized>(
    frames: &[SimFrame],
    receiver: usize,
    out: &mut W,
) -> io::Result<()> {
    let mine: Vec<SimFrame> = frames
        .iter()
        .filter(|f| f.receiver == receiver)
        .copied()
        .collect();
    write_beast(&mine, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Content;

    fn frame(ticks: u64, message: &[u8]) -> SimFrame {
        let mut bytes = [0u8; 14];
        bytes[..message.len()].copy_from_slice(message);
        SimFrame {
            ts: 1698140962.171425,
            mlat_ticks: ticks,
            signal: 0x1a,
            receiver: 0,
            aircraft: None,
            len: message.len() as u8,
            bytes,
            content: Content::Garbage,
            fault: None,
        }
    }

    #[test]
    fn every_0x1a_after_the_type_is_doubled() {
        let f = frame(0x1a_0000_001a, &[0x5d, 0x1a, 0, 0, 0, 0, 0x1a]);
        let mut out = Vec::new();
        push_beast(&f, &mut out);
        assert_eq!(
            out,
            [
                0x1a, b'2', 0x00, 0x1a, 0x1a, 0x00, 0x00, 0x00, 0x1a, 0x1a, // counter
                0x1a, 0x1a, // signal
                0x5d, 0x1a, 0x1a, 0, 0, 0, 0, 0x1a, 0x1a
            ]
        );
    }

    #[test]
    fn text_lines_hold_the_unescaped_frame() {
        // The layout of rs1090's long_flight.csv lines.
        let msg = [
            0x8d, 0xa0, 0x0e, 0xd6, 0x58, 0x45, 0x91, 0x38, 0x4e, 0x0f, 0x96, 0x57, 0xa4, 0x70,
        ];
        let mut f = frame(0x0000_23bb_50f0, &msg);
        f.signal = 0x25;
        let mut out = Vec::new();
        write_csv(&[f], &mut out).unwrap_or_default();
        assert_eq!(
            String::from_utf8_lossy(&out),
            "1698140962.171425,1a33000023bb50f0258da00ed6584591384e0f9657a470\n"
        );
    }
}
