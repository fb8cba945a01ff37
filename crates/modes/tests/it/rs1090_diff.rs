//! Differential test: vigia-modes against rs1090 0.7.0 on the whole real corpus, field by
//! field, in the same run.
//!
//! A field is compared when both decoders produce it for the same frame. For Comm-B, rs1090
//! (without aircraft context) lists every register a payload could be; we compare a register's
//! fields when rs1090 lists exactly one of the seven registers vigia decodes and vigia chose
//! that same register. The inference disagreements are counted and printed separately, and
//! bounded below.
//!
//! Known, explained classes of disagreement (none reach the 0.1 % budget on this corpus):
//! - rs1090 reports BDS 5,0/6,0 fields from payloads vigia rejects as structurally impossible
//!   (e.g. IAS 813 kt with Mach 0.268 — see `a8000800febe5b10ffa446d35d34` in the corpus),
//!   which is a classification difference, not a value difference: such frames have no field
//!   "both decode".
//! - Not compared: the vertical-rate source flag. rs1090 0.7.0 labels ME bit 36 = 0 as
//!   barometric; Doc 9871 Table A-2-9a and The 1090 MHz Riddle define 0 = GNSS, 1 = baro,
//!   which vigia follows (see `adsb::velocity` tests).

use std::collections::BTreeMap;

use rs1090::prelude::*;
use serde_json::Value;
use vigia_modes::adsb::{AircraftStatus, AirspeedKind, Me};
use vigia_modes::commb::{Bds, CommB};
use vigia_modes::cpr::{self, CprFormat, CprPosition, LatLon};
use vigia_modes::{decode, Body};

#[derive(Default)]
struct Tally {
    fields: BTreeMap<&'static str, (u64, u64)>,
    examples: BTreeMap<&'static str, Vec<String>>,
}

impl Tally {
    fn example(&mut self, name: &'static str, text: String) {
        let list = self.examples.entry(name).or_default();
        if list.len() < 3 {
            list.push(text);
        }
    }
}

impl Tally {
    fn num(
        &mut self,
        name: &'static str,
        ours: Option<f64>,
        theirs: Option<f64>,
        tol: f64,
        hex: &str,
    ) {
        if let (Some(a), Some(b)) = (ours, theirs) {
            let e = self.fields.entry(name).or_default();
            let angle = name.contains("track") || name.contains("heading");
            let mut d = (a - b).abs();
            if angle {
                d = d.min(360.0 - d);
            }
            if d <= tol {
                e.0 += 1;
            } else {
                e.1 += 1;
                self.example(name, format!("{hex} ours {a} rs1090 {b}"));
            }
        }
    }

    fn text(
        &mut self,
        name: &'static str,
        ours: Option<String>,
        theirs: Option<String>,
        hex: &str,
    ) {
        if let (Some(a), Some(b)) = (ours, theirs) {
            let e = self.fields.entry(name).or_default();
            if a == b {
                e.0 += 1;
            } else {
                e.1 += 1;
                self.example(name, format!("{hex} ours {a} rs1090 {b}"));
            }
        }
    }
}

fn f(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

fn s(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

const OUR_REGISTERS: [&str; 7] = [
    "bds10", "bds17", "bds20", "bds30", "bds40", "bds50", "bds60",
];

#[test]
fn agrees_with_rs1090_on_the_real_corpus() {
    let frames = super::corpus::load();
    // Every line of this corpus is a Mode S frame (no Mode A/C).
    assert_eq!(frames.len(), 172_432);
    let mut t = Tally::default();
    let mut commb_same = 0u64;
    let mut commb_differs = 0u64;
    let mut commb_ours_ambiguous = 0u64;
    let mut crc_verdict_differs = 0u64;
    let mut only_ours = 0u64;
    let mut outcomes: BTreeMap<&'static str, u64> = BTreeMap::new();
    // For the position comparison: airborne frames per aircraft.
    let mut airborne: BTreeMap<
        u32,
        Vec<(
            f64,
            CprPosition,
            rs1090::decode::bds::bds05::AirbornePosition,
        )>,
    > = BTreeMap::new();

    for frame in &frames {
        let hex: String = frame.bytes.iter().map(|b| format!("{b:02x}")).collect();
        let ours = decode(&frame.bytes);
        let theirs = Message::from_bytes((&frame.bytes, 0)).ok().map(|(_, m)| m);
        if let Ok(m) = &ours {
            if let Some(c) = m.commb() {
                *outcomes.entry(commb_outcome(c)).or_default() += 1;
            }
        }
        let Some(theirs) = theirs else {
            only_ours += u64::from(ours.is_ok());
            continue;
        };
        let Ok(ours) = ours else {
            // rs1090 decodes DF17/18 with a bad CRC as if intact; vigia rejects them.
            crc_verdict_differs += 1;
            continue;
        };
        let v = serde_json::to_value(&theirs).expect("rs1090 serialises");
        t.text(
            "icao24",
            Some(ours.address.to_string()),
            s(&v, "icao24"),
            &hex,
        );
        t.text("df", Some(ours.df.to_string()), s(&v, "df"), &hex);
        match ours.body {
            Body::ShortAirAir { altitude_ft, .. }
            | Body::SurveillanceAltitude { altitude_ft, .. }
            | Body::LongAirAir { altitude_ft, .. } => {
                t.num(
                    "altitude",
                    altitude_ft.map(f64::from),
                    f(&v, "altitude"),
                    0.0,
                    &hex,
                );
            }
            Body::SurveillanceIdentity { squawk, .. } => {
                t.text("squawk", Some(squawk.to_string()), s(&v, "squawk"), &hex);
            }
            Body::CommBAltitude {
                altitude_ft, commb, ..
            } => {
                t.num(
                    "altitude",
                    altitude_ft.map(f64::from),
                    f(&v, "altitude"),
                    0.0,
                    &hex,
                );
                compare_commb(
                    &mut t,
                    commb,
                    &v,
                    &hex,
                    &mut commb_same,
                    &mut commb_differs,
                    &mut commb_ours_ambiguous,
                );
            }
            Body::CommBIdentity { squawk, commb, .. } => {
                t.text("squawk", Some(squawk.to_string()), s(&v, "squawk"), &hex);
                compare_commb(
                    &mut t,
                    commb,
                    &v,
                    &hex,
                    &mut commb_same,
                    &mut commb_differs,
                    &mut commb_ours_ambiguous,
                );
            }
            _ => {}
        }
        if let Some(me) = ours.me() {
            compare_me(&mut t, me, &v, &hex);
            if let Me::AirbornePosition(p) = me {
                if p.tc <= 18 {
                    if let Message {
                        df: rs1090::decode::DF::ExtendedSquitterADSB(adsb),
                        ..
                    } = &theirs
                    {
                        if let ME::BDS05 { inner, .. } = &adsb.message {
                            airborne
                                .entry(ours.address.get())
                                .or_default()
                                .push((frame.ts, p.cpr, *inner));
                        }
                    }
                }
            }
        }
    }

    // Positions: every even/odd pair less than 10 s apart, globally decoded by both.
    let mut pairs = 0u64;
    for list in airborne.values() {
        for w in list.windows(2) {
            let ((t0, c0, r0), (t1, c1, r1)) = (&w[0], &w[1]);
            if c0.format == c1.format || t1 - t0 > 10.0 {
                continue;
            }
            let (even, odd) = if c0.format == CprFormat::Even {
                (*c0, *c1)
            } else {
                (*c1, *c0)
            };
            let ours = cpr::airborne_global(even, odd, c1.format).ok();
            let theirs = rs1090::decode::cpr::airborne_position(r0, r1);
            if let (Some(a), Some(b)) = (ours, theirs) {
                pairs += 1;
                let hex = format!("pair at {t1}");
                t.num("latitude", Some(a.lat), Some(b.latitude), 1e-9, &hex);
                t.num("longitude", Some(a.lon), Some(b.longitude), 1e-9, &hex);
                // Local decoding against the pair's own position reproduces it.
                let local = cpr::local(
                    *c1,
                    LatLon {
                        lat: a.lat + 0.1,
                        lon: a.lon - 0.1,
                    },
                    false,
                )
                .ok();
                t.num(
                    "latitude_local",
                    local.map(|p| p.lat),
                    Some(a.lat),
                    1e-9,
                    &hex,
                );
            }
        }
    }

    let mut agree = 0u64;
    let mut disagree = 0u64;
    println!("{:<22} {:>9} {:>9}", "field", "agree", "differ");
    for (name, (a, d)) in &t.fields {
        println!("{name:<22} {a:>9} {d:>9}");
        agree += a;
        disagree += d;
    }
    println!("position pairs compared: {pairs}");
    println!("Comm-B register: same {commb_same}, different {commb_differs}, vigia ambiguous {commb_ours_ambiguous}");
    println!("frames rs1090 decodes but vigia rejects for CRC: {crc_verdict_differs}");
    println!("frames vigia decodes but rs1090 rejects: {only_ours}");
    println!("vigia Comm-B outcomes (no context): {outcomes:?}");
    for (name, list) in &t.examples {
        for e in list {
            println!("  {name}: {e}");
        }
    }
    let ratio = agree as f64 / (agree + disagree) as f64;
    println!("agreement: {:.5} over {} fields", ratio, agree + disagree);
    assert!(agree > 600_000, "the corpus compares over 600 000 fields");
    assert!(pairs > 5_000, "positions are compared");
    assert!(ratio >= 0.999, "agreement {ratio}");
    // Where rs1090 saw exactly one of our registers, vigia agrees on the register in at
    // least 99 % of the cases it decided.
    assert!(commb_same as f64 >= 0.99 * (commb_same + commb_differs) as f64);
}

fn commb_outcome(c: &CommB) -> &'static str {
    match c {
        CommB::Empty => "empty",
        CommB::Unknown => "unknown",
        CommB::Known(b) => b.code().as_str(),
        CommB::Ambiguous(_) => "ambiguous",
    }
}

fn compare_me(t: &mut Tally, me: &Me, v: &Value, hex: &str) {
    match me {
        Me::Identification(id) => {
            t.text(
                "callsign",
                id.callsign.map(|c| c.to_string()),
                s(v, "callsign").map(|c| c.trim_end().to_string()),
                hex,
            );
        }
        Me::AirbornePosition(p) => {
            if p.tc <= 18 {
                t.num(
                    "altitude",
                    p.altitude_ft.map(f64::from),
                    f(v, "altitude"),
                    0.0,
                    hex,
                );
            }
            t.num(
                "lat_cpr",
                Some(f64::from(p.cpr.lat_cpr)),
                f(v, "lat_cpr"),
                0.0,
                hex,
            );
            t.num(
                "lon_cpr",
                Some(f64::from(p.cpr.lon_cpr)),
                f(v, "lon_cpr"),
                0.0,
                hex,
            );
            let parity = match p.cpr.format {
                CprFormat::Even => "even",
                CprFormat::Odd => "odd",
            };
            t.text("cpr_format", Some(parity.to_string()), s(v, "parity"), hex);
        }
        Me::SurfacePosition(p) => {
            t.num(
                "surface_groundspeed",
                p.groundspeed_kt,
                f(v, "groundspeed"),
                1e-9,
                hex,
            );
            t.num("surface_track", p.track_deg, f(v, "track"), 1e-9, hex);
            t.num(
                "lat_cpr",
                Some(f64::from(p.cpr.lat_cpr)),
                f(v, "lat_cpr"),
                0.0,
                hex,
            );
            t.num(
                "lon_cpr",
                Some(f64::from(p.cpr.lon_cpr)),
                f(v, "lon_cpr"),
                0.0,
                hex,
            );
        }
        Me::Velocity(vel) => {
            t.num(
                "groundspeed",
                vel.groundspeed_kt,
                f(v, "groundspeed"),
                1e-6,
                hex,
            );
            t.num("track", vel.track_deg, f(v, "track"), 1e-6, hex);
            t.num(
                "vertical_rate",
                vel.vertical_rate_fpm.map(f64::from),
                f(v, "vertical_rate"),
                0.0,
                hex,
            );
            t.num(
                "geo_minus_baro",
                vel.gnss_minus_baro_ft.map(f64::from),
                f(v, "geo_minus_baro"),
                0.0,
                hex,
            );
            t.num("heading", vel.heading_deg, f(v, "heading"), 1e-3, hex);
            let key = match vel.airspeed_kind {
                AirspeedKind::Indicated => "IAS",
                AirspeedKind::True => "TAS",
            };
            t.num(
                "airspeed",
                vel.airspeed_kt.map(f64::from),
                f(v, key),
                0.0,
                hex,
            );
        }
        Me::AircraftStatus(AircraftStatus::Emergency { squawk, .. }) => {
            t.text("squawk", Some(squawk.to_string()), s(v, "squawk"), hex);
        }
        Me::TargetState(ts) => {
            t.num(
                "selected_altitude",
                ts.selected_altitude_ft.map(f64::from),
                f(v, "selected_altitude"),
                0.0,
                hex,
            );
            t.num(
                "baro_setting",
                ts.baro_setting_hpa,
                f(v, "barometric_setting"),
                0.01,
                hex,
            );
            t.num("nac_p", Some(f64::from(ts.nac_p)), f(v, "NACp"), 0.0, hex);
        }
        Me::OperationalStatus(os) => {
            t.num(
                "version",
                Some(f64::from(os.version)),
                f(v, "version"),
                0.0,
                hex,
            );
            t.num("nac_p", Some(f64::from(os.nac_p)), f(v, "NACp"), 0.0, hex);
            t.num("sil", Some(f64::from(os.sil)), f(v, "SIL"), 0.0, hex);
        }
        _ => {}
    }
}

fn compare_commb(
    t: &mut Tally,
    commb: CommB,
    v: &Value,
    hex: &str,
    same: &mut u64,
    differs: &mut u64,
    ambiguous: &mut u64,
) {
    let listed: Vec<&str> = OUR_REGISTERS
        .iter()
        .copied()
        .filter(|k| v.get(*k).is_some())
        .collect();
    if listed.len() != 1 {
        return;
    }
    let reg = listed[0];
    let bds = match commb {
        CommB::Known(b) => b,
        CommB::Ambiguous(_) => {
            *ambiguous += 1;
            return;
        }
        _ => return,
    };
    let ours_key = format!("bds{}", bds.code().as_str().replace(',', ""));
    if ours_key != reg {
        *differs += 1;
        t.example("register", format!("{hex} ours {ours_key} rs1090 {reg}"));
        return;
    }
    *same += 1;
    let r = &v[reg];
    match bds {
        Bds::Identification(cs) => t.text(
            "bds20_callsign",
            Some(cs.to_string()),
            s(r, "callsign"),
            hex,
        ),
        Bds::SelectedVerticalIntention(b) => {
            t.num(
                "bds40_selected_mcp",
                b.selected_altitude_mcp_ft.map(f64::from),
                f(r, "selected_mcp"),
                0.0,
                hex,
            );
            t.num(
                "bds40_selected_fms",
                b.selected_altitude_fms_ft.map(f64::from),
                f(r, "selected_fms"),
                0.0,
                hex,
            );
            t.num(
                "bds40_baro",
                b.baro_setting_hpa,
                f(r, "barometric_setting"),
                0.01,
                hex,
            );
        }
        Bds::TrackAndTurn(b) => {
            t.num("bds50_roll", b.roll_deg, f(r, "roll"), 1e-9, hex);
            t.num("bds50_track", b.track_deg, f(r, "track"), 1e-9, hex);
            t.num(
                "bds50_groundspeed",
                b.groundspeed_kt.map(f64::from),
                f(r, "groundspeed"),
                0.0,
                hex,
            );
            t.num(
                "bds50_track_rate",
                b.track_rate_deg_s,
                f(r, "track_rate"),
                1e-9,
                hex,
            );
            t.num("bds50_tas", b.tas_kt.map(f64::from), f(r, "TAS"), 0.0, hex);
        }
        Bds::HeadingAndSpeed(b) => {
            t.num("bds60_heading", b.heading_deg, f(r, "heading"), 1e-9, hex);
            t.num("bds60_ias", b.ias_kt.map(f64::from), f(r, "IAS"), 0.0, hex);
            t.num("bds60_mach", b.mach, f(r, "Mach"), 1e-9, hex);
            t.num(
                "bds60_baro_rate",
                b.baro_rate_fpm.map(f64::from),
                f(r, "vrate_barometric"),
                0.0,
                hex,
            );
            t.num(
                "bds60_inertial_rate",
                b.inertial_rate_fpm.map(f64::from),
                f(r, "vrate_inertial"),
                0.0,
                hex,
            );
        }
        _ => {}
    }
}
