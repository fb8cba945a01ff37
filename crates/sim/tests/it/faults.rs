//! Faults on demand: clock jumps, replaced (not interleaved) spoofing, receiver noise and
//! range.

use vigia_modes::decode;
use vigia_sim::{Content, FrameFault, Options};

const BASE: &str = r#"
name = "faults"
seed = 3
start = 2024-06-01T00:00:00Z

[[receiver]]
name = "near"
position = [30.0, -110.0]
range_nm = 60
noise = 0.05

[[receiver]]
name = "far"
position = [31.5, -110.0]
range_nm = 60

[[aircraft]]
icao24 = "0d0001"
callsign = "TEST1"
position = [30.0, -110.3]
altitude_ft = 10000
speed_kt = 300
heading_deg = 0

[[aircraft.leg]]
to = [31.0, -110.3]
"#;

#[test]
fn a_time_jump_shifts_one_receivers_stamps() {
    let toml = format!(
        "{BASE}\n[[fault]]\nkind = \"time_jump\"\nat_s = 300\njump_s = 60\nreceiver = \"near\"\n"
    );
    let plain = crate::run(BASE, &Options::default());
    let jumped = crate::run(&toml, &Options::default());
    assert_eq!(plain.frames.len(), jumped.frames.len());
    let start = plain.truth.scenario.start;
    for (a, b) in plain.frames.iter().zip(&jumped.frames) {
        let shift = b.ts - a.ts;
        if a.receiver == 0 && a.ts >= start + 300.0 {
            assert!((shift - 60.0).abs() < 1e-6);
            assert_eq!(
                b.mlat_ticks.wrapping_sub(a.mlat_ticks) & ((1 << 48) - 1),
                720_000_000
            );
        } else {
            assert_eq!(shift, 0.0);
        }
    }
    assert_eq!(jumped.truth.faults[0].kind, "time_jump");
}

#[test]
fn a_replay_sends_one_receivers_frames_again_as_anothers() {
    let toml = format!(
        "{BASE}\n[[fault]]\nkind = \"replay\"\nfrom = \"near\"\nto = \"far\"\ndelay_s = 0.01\nstart_s = 100\nend_s = 200\n"
    );
    let plain = crate::run(BASE, &Options::default());
    let replayed = crate::run(&toml, &Options::default());
    let start = plain.truth.scenario.start;
    let window: Vec<_> = plain
        .frames
        .iter()
        .filter(|f| f.receiver == 0 && (start + 100.0..=start + 200.0).contains(&f.ts))
        .collect();
    let copies: Vec<_> = replayed
        .frames
        .iter()
        .filter(|f| f.fault == Some(FrameFault::Replayed))
        .collect();
    assert!(!window.is_empty());
    assert_eq!(copies.len(), window.len());
    assert_eq!(replayed.frames.len(), plain.frames.len() + copies.len());
    for (original, copy) in window.iter().zip(&copies) {
        // The same bytes, 10 ms later, under the other receiver and its clock.
        assert_eq!(copy.receiver, 1);
        assert_eq!(copy.bytes, original.bytes);
        assert!((copy.ts - original.ts - 0.01).abs() < 1e-6);
        assert_ne!(copy.mlat_ticks, original.mlat_ticks);
    }
    assert_eq!(replayed.truth.faults[0].kind, "replay");
    assert_eq!(replayed.truth.faults[0].frames, copies.len() as u64);
    // A receiver cannot replay itself.
    let bad = format!("{BASE}\n[[fault]]\nkind = \"replay\"\nfrom = \"near\"\nto = \"near\"\n");
    assert!(vigia_sim::Scenario::from_toml(&bad, "bad").is_err());
}

#[test]
fn replaced_spoofing_moves_every_position_in_the_window() {
    let toml = format!("{BASE}\n[[fault]]\nkind = \"spoof\"\naircraft = \"0d0001\"\nstart_s = 100\nend_s = 200\ndistance_nm = 30\nbearing_deg = 90\nmode = \"replace\"\n");
    let sim = crate::run(&toml, &Options::default());
    let start = sim.truth.scenario.start;
    for f in &sim.frames {
        if let Content::AirbornePosition { at, .. } = f.content {
            // Received within a millisecond of transmission: skip the window's edges.
            let t = f.ts - start;
            if (t - 100.0).abs() < 0.01 || (t - 200.0).abs() < 0.01 || !f.is_intact() {
                continue;
            }
            let in_window = (100.0..200.0).contains(&t);
            // Replaced positions lie 30 nm east of the true track (longitude −110.3).
            assert_eq!(at.lon > -110.0, in_window, "{f:?}");
            assert_eq!(f.fault == Some(FrameFault::Spoofed), in_window);
        }
    }
}

#[test]
fn noise_flips_bits_and_range_limits_what_is_heard() {
    let sim = crate::run(BASE, &Options::default());
    let near = &sim.truth.scenario.receivers[0];
    let far = &sim.truth.scenario.receivers[1];
    // 5 % of the near receiver's frames carry a flipped bit, and no DF17 among them decodes.
    let share = near.bit_errors as f64 / near.frames as f64;
    assert!((0.03..0.07).contains(&share), "{share}");
    for f in sim
        .frames
        .iter()
        .filter(|f| f.fault == Some(FrameFault::BitError))
    {
        if f.bytes[0] >> 3 == 17 {
            assert!(decode(f.message()).is_err());
        }
    }
    // The aircraft flies from 90 nm south of the far receiver to 30 nm: it is heard only
    // once within 60 nm.
    assert!(far.out_of_range > 0 && far.frames > 0);
    let far_first = sim.frames.iter().find(|f| f.receiver == 1).unwrap();
    let near_first = sim.frames.iter().find(|f| f.receiver == 0).unwrap();
    assert!(far_first.ts - near_first.ts > 300.0);
}

#[test]
fn scenario_errors_name_the_place() {
    let bad = BASE.replace("range_nm = 60\nnoise", "range_nm = -1\nnoise");
    let e = vigia_sim::Scenario::from_toml(&bad, "bad.toml").unwrap_err();
    assert_eq!(
        e.to_string(),
        "bad.toml: receiver[0].range_nm: must be positive"
    );
    let unknown = format!("{BASE}\n[[fault]]\nkind = \"spoof\"\naircraft = \"ffffff\"\nstart_s = 1\nend_s = 2\ndistance_nm = 1\nbearing_deg = 0\n");
    let e = vigia_sim::Scenario::from_toml(&unknown, "u.toml").unwrap_err();
    assert_eq!(
        e.to_string(),
        "u.toml: fault[0].aircraft: no aircraft has this address"
    );
}
