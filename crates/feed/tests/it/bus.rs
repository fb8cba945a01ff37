//! The frame bus's message: every frame round-trips; any damage is an error, never a panic;
//! the partition follows the aircraft.

use crate::common::fixture_path;
use proptest::prelude::*;
use vigia_feed::bus::{self, BusError};
use vigia_feed::{RawFrame, Record};

fn frames() -> impl Strategy<Value = RawFrame> {
    (
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 2),
            proptest::collection::vec(any::<u8>(), 7),
            proptest::collection::vec(any::<u8>(), 14)
        ],
        proptest::option::of(-1e10f64..1e10),
        proptest::option::of(0u64..(1 << 48)),
        proptest::option::of(any::<u8>()),
    )
        .prop_map(|(bytes, ts, ticks, signal)| {
            let mut f = RawFrame::from_message(&bytes).unwrap();
            f.ts = ts;
            f.mlat_ticks = ticks;
            f.signal = signal;
            f
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_frame_round_trips(frame in frames(), id in "\\PC{0,80}", received in 0f64..4e9) {
        let mut m = Vec::new();
        bus::encode(&id, received, &frame, &mut m);
        let back = bus::decode(&m).unwrap();
        prop_assert_eq!(&back.frame, &frame);
        prop_assert_eq!(back.received, received);
        // A long id is cut at a character boundary, never split.
        prop_assert!(id.starts_with(back.receiver));
        prop_assert!(back.receiver.len() <= bus::MAX_RECEIVER_ID);
        // Every cut of the message is an error.
        for end in 0..m.len() {
            prop_assert!(bus::decode(&m[..end]).is_err());
        }
    }

    #[test]
    fn damage_is_an_error_or_a_frame_never_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let _ = bus::decode(&bytes);
    }
}

#[test]
fn damage_is_named() {
    let mut frame = RawFrame::from_message(&[0x5d, 0x48, 0x40, 0xd6, 0x20, 0x2c, 0xc3]).unwrap();
    frame.ts = Some(1.0);
    let mut m = Vec::new();
    bus::encode("r", 2.0, &frame, &mut m);
    let mut trailing = m.clone();
    trailing.push(0);
    assert_eq!(bus::decode(&trailing), Err(BusError::Trailing(1)));
    let mut version = m.clone();
    version[1] = 2;
    assert_eq!(bus::decode(&version), Err(BusError::Version));
    let mut nan = m.clone();
    nan[3..11].copy_from_slice(&f64::NAN.to_le_bytes());
    assert_eq!(bus::decode(&nan), Err(BusError::Time));
    let mut flags = m;
    flags[2] |= 0x80;
    assert!(matches!(bus::decode(&flags), Err(BusError::Flags(_))));
}

#[test]
fn every_frame_of_an_aircraft_goes_to_one_partition() {
    // The real capture (rs1090's long flight): each address's frames — extended squitters,
    // all-call and surveillance replies — on one partition.
    let mut by_address = std::collections::HashMap::new();
    for record in vigia_feed::open(&fixture_path("long_flight_head.csv"), None).unwrap() {
        let Ok(Record::Frame(f)) = record else {
            continue;
        };
        let Ok(m) = vigia_modes::decode(f.message()) else {
            continue;
        };
        let p = bus::partition_of(f.message(), 4);
        assert_eq!(
            *by_address.entry(m.address).or_insert(p),
            p,
            "{}",
            m.address
        );
    }
    assert!(by_address.len() >= 3);
    // One operator's block of consecutive addresses spreads evenly over the partitions.
    let mut used = [0u32; 4];
    for address in 0xae0000u32..0xae1000 {
        let [_, a, b, c] = address.to_be_bytes();
        let squitter = [0x8d, a, b, c, 0x58, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        used[bus::partition_of(&squitter, 4) as usize] += 1;
    }
    assert!(used.iter().all(|&n| (900..1150).contains(&n)), "{used:?}");
}
