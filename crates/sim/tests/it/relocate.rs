//! The real capture moved to the Mexico–US border: every position decodes, moved exactly by
//! the relocation (to CPR's resolution), rs1090 accepts every rewritten frame, nothing else
//! changes.

use vigia_feed::Record;
use vigia_modes::cpr::LatLon;
use vigia_modes::RawFrame;
use vigia_sim::relocate::{relocate, Relocation};
use vigia_track::CprPairing;

/// Toulouse-Blagnac, where the capture was recorded, and Tijuana's airport.
const TOULOUSE: LatLon = LatLon {
    lat: 43.6293,
    lon: 1.3638,
};
const TIJUANA: LatLon = LatLon {
    lat: 32.5411,
    lon: -116.9700,
};

fn capture() -> Vec<RawFrame> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/data/long_flight.csv.zst"
    );
    vigia_feed::open(std::path::Path::new(path), None)
        .unwrap()
        .filter_map(|r| match r {
            Ok(Record::Frame(f)) => Some(f),
            _ => None,
        })
        .collect()
}

/// Every position of `frames` a receiver at `receiver` resolves, in order.
fn positions(frames: &[RawFrame], receiver: LatLon) -> Vec<(f64, u32, LatLon)> {
    let mut pairing = CprPairing::new(Some(receiver));
    let mut out = Vec::new();
    for f in frames {
        let Ok(msg) = vigia_modes::decode(f.message()) else {
            continue;
        };
        let (cpr, surface) = match msg.me() {
            Some(vigia_modes::adsb::Me::AirbornePosition(p)) => (p.cpr, false),
            Some(vigia_modes::adsb::Me::SurfacePosition(p)) => (p.cpr, true),
            _ => continue,
        };
        if let Some(fix) = pairing.resolve(f.ts.unwrap(), msg.address, cpr, surface) {
            out.push((f.ts.unwrap(), msg.address.get(), fix.position));
        }
    }
    out
}

#[test]
fn the_real_flight_flies_the_border_with_every_position_moved_exactly() {
    let frames = capture();
    let relocation = Relocation {
        from: TOULOUSE,
        to: TIJUANA,
    };
    let (moved, stats) = relocate(&frames, Some(TOULOUSE), &relocation);
    assert_eq!(
        stats.moved + stats.dropped + stats.kept,
        frames.len() as u64
    );
    assert!(stats.moved > 12_000, "{stats:?}");
    assert!(
        stats.dropped < stats.moved / 100,
        "only unpaired first frames: {stats:?}"
    );
    assert_eq!(moved.len() as u64, stats.moved + stats.kept);

    // Decoded again by a receiver at Tijuana: each position is the original one moved, to
    // within CPR's resolution (about 5 m airborne, 1.3 m on the surface).
    let before = positions(&frames, TOULOUSE);
    let after = positions(&moved, TIJUANA);
    assert!(
        after.len() as f64 > before.len() as f64 * 0.99,
        "{} of {}",
        after.len(),
        before.len()
    );
    let mut original = before
        .iter()
        .map(|(t, a, p)| ((t.to_bits(), *a), *p))
        .collect::<std::collections::HashMap<_, _>>();
    let mut worst = 0.0f64;
    for (t, a, p) in &after {
        let expected = relocation.apply(
            original
                .remove(&(t.to_bits(), *a))
                .expect("a position of the original"),
        );
        let dy = (p.lat - expected.lat) * 111_320.0;
        let dx = (p.lon - expected.lon) * 111_320.0 * p.lat.to_radians().cos();
        worst = worst.max(dx.hypot(dy));
    }
    assert!(worst < 10.0, "worst {worst:.1} m");
    // The KLM flight now starts at Tijuana and heads north into the United States.
    let klm: Vec<&LatLon> = after
        .iter()
        .filter(|(_, a, _)| *a == 0x486257)
        .map(|(_, _, p)| p)
        .collect();
    let first = klm.first().unwrap();
    assert!(
        (first.lat - TIJUANA.lat).abs() < 0.1 && (first.lon - TIJUANA.lon).abs() < 0.1,
        "{first:?}"
    );
    assert!(klm.last().unwrap().lat > 38.0);

    // Every rewritten frame decodes with rs1090 too (its parity checks out: rs1090 names the
    // same address); frames without a position are the same bytes.
    let mut checked = 0;
    for g in &moved {
        if checked == 3000 {
            break;
        }
        let Ok(ours) = vigia_modes::decode(g.message()) else {
            continue;
        };
        if !matches!(ours.me(), Some(vigia_modes::adsb::Me::AirbornePosition(_))) {
            continue;
        }
        use rs1090::prelude::*;
        let (_, theirs) =
            rs1090::prelude::Message::from_bytes((g.message(), 0)).expect("rs1090 decodes it");
        let v = serde_json::to_value(&theirs).unwrap();
        assert_eq!(
            v["icao24"].as_str(),
            Some(ours.address.to_string().as_str()),
            "{v}"
        );
        checked += 1;
    }
    assert!(checked > 1000, "{checked}");
    let unchanged = |f: &&RawFrame| {
        !matches!(
            vigia_modes::decode(f.message())
                .ok()
                .and_then(|m| m.me().cloned()),
            Some(
                vigia_modes::adsb::Me::AirbornePosition(_)
                    | vigia_modes::adsb::Me::SurfacePosition(_)
            )
        )
    };
    let a: Vec<&[u8]> = frames
        .iter()
        .filter(unchanged)
        .map(RawFrame::message)
        .collect();
    let b: Vec<&[u8]> = moved
        .iter()
        .filter(unchanged)
        .map(RawFrame::message)
        .collect();
    assert_eq!(a, b);
}
