//! Parquet trajectories: reading state vectors from Parquet files (the column conventions of
//! `columns.rs`: traffic-style and OpenSky), and writing vigia's validated points as Parquet.
//!
//! Owns the columnar side: the schema walk, each column's stored type and its conversion to a
//! [`Cell`], reading row groups in fixed-size batches (memory does not grow with the file), and
//! per-row errors located by file-wide row number. Which name means what, and the unit
//! conversions, are `columns.rs`'s. Reading needs random access (the footer is at the end): a
//! file is read through `Seek`; a stream (stdin, a compressed file) is held in memory first.
//!
//! Stored types read: BOOLEAN, INT32, INT64, FLOAT, DOUBLE, BYTE_ARRAY (UTF-8 text); INT64
//! `TIMESTAMP` in any unit and legacy INT96 timestamps (Spark, Impala) for the time column;
//! INT32 `DATE`; INT32/INT64 `DECIMAL`. Nested columns are not trajectory columns and are
//! ignored; a recognised column of another type (FIXED_LEN_BYTE_ARRAY) is reported once and
//! ignored. Compression: uncompressed, Snappy, gzip, LZ4 and zstd (not Brotli, LZO).
//!
//! A corrupt page loses the rest of its row group (reported with the rows skipped); the next
//! row group is read. The Parquet decoder is guarded so that malformed bytes are an error, never
//! a crash of the caller.

//! Files: `source.rs` (the bytes, by `Seek` or from memory, for the decoder), `read.rs`
//! ([`ParquetRows`]: schema, conversions, batches, located errors), `write.rs`
//! ([`TrajectoryWriter`]).

mod read;
mod source;
mod write;

pub(crate) use read::ParquetRows;
pub(crate) use source::ReadSeek;
pub use write::{TrajectoryPoint, TrajectoryWriter};

/// The four bytes a Parquet file starts (and ends) with.
pub(crate) const MAGIC: &[u8; 4] = b"PAR1";

/// Install a panic hook (once, for the whole process) that stays silent for panics raised
/// inside the parquet crate — the reader catches them and reports the rows as
/// [`crate::FrameError::UnreadableRows`], so printing them too would only repeat the error as a crash
/// report — and hands every other panic to the hook that was installed before. For binaries;
/// a library should leave the process's hook alone.
pub fn quiet_decoder_panics() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_decoder = info
                .location()
                .is_some_and(|l| l.file().contains("/parquet-"));
            if !in_decoder {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::{FrameError, StateVector};
    use vigia_modes::IcaoAddress;

    fn point(i: u32) -> TrajectoryPoint<'static> {
        TrajectoryPoint {
            flight_id: "0b206f-1522081475",
            icao24: IcaoAddress::new(0x0b206f),
            callsign: i.is_multiple_of(2).then_some("YS111N"),
            ts: 1_522_081_475.0 + f64::from(i) * 0.5,
            latitude: 14.5 + f64::from(i) * 1e-4,
            longitude: -90.5,
            altitude_ft: (!i.is_multiple_of(3)).then_some(4925.0 + f64::from(i)),
            groundspeed_kt: Some(147.0),
            track_deg: None,
            vertical_rate_fpm: Some(-64.0),
            on_ground: i.is_multiple_of(5).then_some(false),
            segment: 0,
            source: "adsb",
            mlat_error_m: None,
        }
    }

    fn all(rows: &mut ParquetRows) -> Vec<Result<StateVector, FrameError>> {
        std::iter::from_fn(|| rows.next_row()).collect()
    }

    #[test]
    fn written_points_read_back() {
        let mut writer = TrajectoryWriter::new(Vec::new(), "vigia test").unwrap();
        for i in 0..10_000 {
            writer.write(&point(i)).unwrap();
        }
        assert_eq!(writer.rows(), 10_000);
        let bytes = writer.finish().unwrap();
        assert!(bytes.starts_with(MAGIC) && bytes.ends_with(MAGIC));
        let mut rows = ParquetRows::from_bytes(bytes).unwrap();
        let read = all(&mut rows);
        assert_eq!(read.len(), 10_000);
        assert_eq!(rows.last_row(), Some(10_000));
        for (i, state) in read.into_iter().enumerate() {
            let state = state.unwrap();
            let p = point(i as u32);
            assert_eq!(state.ts, Some(p.ts));
            assert_eq!(state.icao24, p.icao24);
            assert_eq!(
                state.callsign.map(|c| c.to_string()),
                p.callsign.map(String::from)
            );
            assert_eq!(
                (state.latitude, state.longitude),
                (Some(p.latitude), Some(p.longitude))
            );
            assert_eq!(state.altitude_ft, p.altitude_ft);
            assert_eq!(state.groundspeed_kt, p.groundspeed_kt);
            assert_eq!(state.track_deg, None);
            assert_eq!(state.vertical_rate_fpm, p.vertical_rate_fpm);
            assert_eq!(state.on_ground, p.on_ground);
        }
    }

    #[test]
    fn not_parquet_is_an_error_not_a_panic() {
        assert!(ParquetRows::from_bytes(b"PAR1 hello".to_vec()).is_err());
        assert!(ParquetRows::from_bytes(Vec::new()).is_err());
        let mut writer = TrajectoryWriter::new(Vec::new(), "vigia test").unwrap();
        writer.write(&point(1)).unwrap();
        let mut bytes = writer.finish().unwrap();
        // a damaged page: every byte of the data region flipped
        let end = bytes.len() / 2;
        for b in &mut bytes[8..end] {
            *b ^= 0x5a;
        }
        match ParquetRows::from_bytes(bytes) {
            Err(_) => {}
            Ok(mut rows) => {
                let read = all(&mut rows);
                assert!(read.iter().all(|r| r.is_err()), "{read:?}");
            }
        }
    }
}
