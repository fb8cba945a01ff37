//! Every frame the simulator writes decodes with vigia and with rs1090 to the values it
//! was encoded from.

use serde_json::Value;
use vigia_modes::adsb::Me;
use vigia_modes::commb::{infer, Bds, BdsCode, CommB, CommBContext};
use vigia_modes::cpr::{self, LatLon};
use vigia_modes::{decode, AddressCheck, Body};
use vigia_sim::geo::{distance_m, Point};
use vigia_sim::{Content, FrameFault, Register, SimFrame, BUNDLED};

fn angle_gap(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(360.0);
    d.min(360.0 - d)
}

fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(|s| s.trim_end().to_string())
}

/// Check one intact frame against its content with vigia; returns the fields rs1090 must
/// agree with.
fn check_with_vigia(frame: &SimFrame) -> Vec<(&'static str, f64)> {
    let msg = decode(frame.message()).unwrap_or_else(|e| panic!("{frame:?}: {e}"));
    assert_eq!(Some(msg.address), frame.aircraft, "{frame:?}");
    let mut expect = Vec::new();
    match (&frame.content, msg.me(), msg.body) {
        (Content::Identification(id), Some(me), _) => {
            assert_eq!(*me, Me::Identification(*id));
        }
        (Content::AirbornePosition { report, at }, Some(Me::AirbornePosition(p)), _) => {
            assert_eq!(p.cpr, report.cpr);
            let alt = p.altitude_ft.unwrap();
            assert!((alt - report.altitude_ft.unwrap()).abs() <= 12, "{alt}");
            let here = LatLon {
                lat: at.lat + 0.05,
                lon: at.lon - 0.05,
            };
            let decoded = cpr::local(p.cpr, here, false).unwrap();
            let miss = distance_m(Point::new(decoded.lat, decoded.lon), *at);
            assert!(miss < 10.0, "CPR lands {miss} m away");
            expect.push(("altitude", f64::from(alt)));
            expect.push(("lat_cpr", f64::from(p.cpr.lat_cpr)));
            expect.push(("lon_cpr", f64::from(p.cpr.lon_cpr)));
        }
        (Content::SurfacePosition { report, at }, Some(Me::SurfacePosition(p)), _) => {
            assert_eq!(p.cpr, report.cpr);
            let here = LatLon {
                lat: at.lat + 0.01,
                lon: at.lon - 0.01,
            };
            let decoded = cpr::local(p.cpr, here, true).unwrap();
            let miss = distance_m(Point::new(decoded.lat, decoded.lon), *at);
            assert!(miss < 3.0, "surface CPR lands {miss} m away");
            let gs = p.groundspeed_kt.unwrap();
            assert!(gs <= report.groundspeed_kt.unwrap() + 1e-9);
            assert!(report.groundspeed_kt.unwrap() - gs < 5.0);
            assert!(angle_gap(p.track_deg.unwrap(), report.track_deg.unwrap()) <= 1.41);
            expect.push(("groundspeed", gs));
        }
        (Content::Velocity(v), Some(Me::Velocity(d)), _) => {
            let gs = d.groundspeed_kt.unwrap();
            assert!((gs - v.groundspeed_kt.unwrap()).abs() <= 0.71);
            if gs > 20.0 {
                assert!(angle_gap(d.track_deg.unwrap(), v.track_deg.unwrap()) <= 2.1);
            }
            let vr = d.vertical_rate_fpm.unwrap();
            assert!((vr - v.vertical_rate_fpm.unwrap()).abs() <= 32);
            expect.push(("groundspeed", gs));
            expect.push(("vertical_rate", f64::from(vr)));
        }
        (Content::AircraftStatus(s), Some(me), _) => {
            assert_eq!(*me, Me::AircraftStatus(*s));
        }
        (Content::OperationalStatus(s), Some(me), _) => {
            assert_eq!(*me, Me::OperationalStatus(*s));
            expect.push(("version", f64::from(s.version)));
        }
        (Content::AllCall { capability }, None, body) => {
            assert_eq!(msg.address_check, AddressCheck::Verified);
            assert_eq!(
                body,
                Body::AllCall {
                    capability: *capability,
                    interrogator: 0
                }
            );
        }
        (
            Content::SurveillanceAltitude { altitude_ft },
            None,
            Body::SurveillanceAltitude {
                altitude_ft: got, ..
            },
        ) => {
            let (a, b) = (altitude_ft.unwrap(), got.unwrap());
            assert!((a - b).abs() <= 12);
            expect.push(("altitude", f64::from(b)));
        }
        (
            Content::SurveillanceIdentity { squawk },
            None,
            Body::SurveillanceIdentity { squawk: got, .. },
        ) => {
            assert_eq!(*squawk, got);
        }
        (
            Content::CommBAltitude {
                altitude_ft,
                register,
            },
            None,
            Body::CommBAltitude {
                altitude_ft: got,
                mb,
                ..
            },
        ) => {
            assert!((altitude_ft.unwrap() - got.unwrap()).abs() <= 12);
            check_register(register, mb);
            expect.push(("altitude", f64::from(got.unwrap())));
        }
        (
            Content::CommBIdentity { squawk, register },
            None,
            Body::CommBIdentity {
                squawk: got, mb, ..
            },
        ) => {
            assert_eq!(*squawk, got);
            check_register(register, mb);
        }
        (content, me, body) => panic!("{content:?} decoded as {me:?} / {body:?}"),
    }
    expect
}

fn code_of(register: &Register) -> BdsCode {
    match register {
        Register::Identification(_) => BdsCode::Bds20,
        Register::SelectedVerticalIntention { .. } => BdsCode::Bds40,
        Register::TrackAndTurn(_) => BdsCode::Bds50,
        Register::HeadingAndSpeed(_) => BdsCode::Bds60,
    }
}

fn check_register(register: &Register, mb: u64) {
    let decoded = Bds::decode_as(mb, code_of(register))
        .unwrap_or_else(|| panic!("{register:?} does not decode as its register"));
    match (register, decoded) {
        (Register::Identification(cs), Bds::Identification(got)) => assert_eq!(*cs, got),
        (
            Register::SelectedVerticalIntention {
                mcp_ft,
                fms_ft,
                baro_setting_hpa,
            },
            Bds::SelectedVerticalIntention(b),
        ) => {
            assert_eq!(b.selected_altitude_mcp_ft, Some(*mcp_ft));
            assert_eq!(b.selected_altitude_fms_ft, Some(*fms_ft));
            assert!((b.baro_setting_hpa.unwrap() - baro_setting_hpa).abs() <= 0.05 + 1e-9);
        }
        (Register::TrackAndTurn(r), Bds::TrackAndTurn(b)) => {
            assert!((b.roll_deg.unwrap() - r.roll_deg.unwrap()).abs() <= 45.0 / 512.0 + 1e-9);
            assert!(angle_gap(b.track_deg.unwrap(), r.track_deg.unwrap()) <= 90.0 / 1024.0 + 1e-9);
            assert!(
                b.groundspeed_kt
                    .unwrap()
                    .abs_diff(r.groundspeed_kt.unwrap())
                    <= 1
            );
            assert!(b.tas_kt.unwrap().abs_diff(r.tas_kt.unwrap()) <= 1);
        }
        (Register::HeadingAndSpeed(r), Bds::HeadingAndSpeed(b)) => {
            assert!(
                angle_gap(b.heading_deg.unwrap(), r.heading_deg.unwrap()) <= 90.0 / 1024.0 + 1e-9
            );
            assert_eq!(b.ias_kt, r.ias_kt);
            assert!((b.mach.unwrap() - r.mach.unwrap()).abs() <= 1.024 / 512.0 + 1e-9);
            // Half a step, or one and a half where −32 ft/min had to go out as "−0".
            assert!((b.baro_rate_fpm.unwrap() - r.baro_rate_fpm.unwrap()).abs() <= 48);
        }
        (r, b) => panic!("{r:?} decoded as {b:?}"),
    }
}

fn check_with_rs1090(frame: &SimFrame, expect: &[(&'static str, f64)]) {
    use rs1090::prelude::*;
    let (_, msg) = Message::from_bytes((frame.message(), 0))
        .unwrap_or_else(|e| panic!("rs1090 rejects {frame:?}: {e:?}"));
    let v = serde_json::to_value(&msg).unwrap();
    let address = frame.aircraft.map(|a| a.to_string());
    assert_eq!(text(&v, "icao24"), address, "{v}");
    for (key, value) in expect {
        let theirs = num(&v, key).unwrap_or_else(|| panic!("no {key} in {v}"));
        assert!((theirs - value).abs() < 1e-6, "{key}: ours {value} in {v}");
    }
    match &frame.content {
        Content::Identification(id) => {
            if let Some(cs) = id.callsign {
                assert_eq!(text(&v, "callsign"), Some(cs.to_string()));
            }
        }
        Content::AircraftStatus(vigia_modes::adsb::AircraftStatus::Emergency {
            squawk, ..
        })
        | Content::SurveillanceIdentity { squawk }
        | Content::CommBIdentity { squawk, .. } => {
            assert_eq!(text(&v, "squawk"), Some(squawk.to_string()));
        }
        _ => {}
    }
    // rs1090 lists every register a Comm-B payload could be; ours must be among them, with
    // the same values.
    if let Content::CommBAltitude { register, .. } | Content::CommBIdentity { register, .. } =
        &frame.content
    {
        let key = format!("bds{}", code_of(register).as_str().replace(',', ""));
        let r = v
            .get(&key)
            .unwrap_or_else(|| panic!("rs1090 does not see {key} in {v}"));
        match register {
            Register::Identification(cs) => assert_eq!(text(r, "callsign"), Some(cs.to_string())),
            Register::SelectedVerticalIntention { mcp_ft, .. } => {
                assert_eq!(num(r, "selected_mcp"), Some(f64::from(*mcp_ft)));
            }
            Register::TrackAndTurn(t) => {
                assert_eq!(
                    num(r, "groundspeed")
                        .map(|g| g as u32)
                        .map(|g| g.abs_diff(t.groundspeed_kt.unwrap()) <= 1),
                    Some(true)
                );
            }
            Register::HeadingAndSpeed(h) => assert_eq!(num(r, "IAS"), h.ias_kt.map(f64::from)),
        }
    }
}

#[test]
fn every_frame_of_every_bundled_scenario_decodes_to_what_was_meant() {
    for b in BUNDLED {
        let sim = crate::bundled(b.name);
        let (mut intact, mut damaged, mut commb, mut commb_inferred) = (0, 0, 0, 0);
        let mut context = std::collections::HashMap::new();
        for frame in &sim.frames {
            if !frame.is_intact() {
                damaged += 1;
                if frame.fault == Some(FrameFault::BitError) {
                    // A flipped bit: a DF11/17 fails its CRC; an Address/Parity reply
                    // yields the wrong address.
                    if let Ok(m) = decode(frame.message()) {
                        assert_ne!(Some(m.address), frame.aircraft, "{frame:?}");
                    }
                }
                continue;
            }
            intact += 1;
            let expect = check_with_vigia(frame);
            check_with_rs1090(frame, &expect);
            if let Content::Velocity(v) = frame.content {
                context.insert(
                    frame.aircraft,
                    CommBContext {
                        groundspeed_kt: v.groundspeed_kt,
                        track_deg: v.track_deg,
                        vertical_rate_fpm: v.vertical_rate_fpm.map(f64::from),
                        callsign: None,
                    },
                );
            }
            if let Content::CommBAltitude { register, .. }
            | Content::CommBIdentity { register, .. } = frame.content
            {
                commb += 1;
                let mb = decode(frame.message()).ok().and_then(|m| match m.body {
                    Body::CommBAltitude { mb, .. } | Body::CommBIdentity { mb, .. } => Some(mb),
                    _ => None,
                });
                let ctx = context.get(&frame.aircraft);
                if let Some(CommB::Known(bds)) = mb.map(|mb| infer(mb, ctx)) {
                    commb_inferred += u32::from(bds.code() == code_of(&register));
                }
            }
        }
        println!("{}: {intact} intact frames checked, {damaged} damaged, Comm-B inferred {commb_inferred}/{commb}", b.name);
        assert!(intact > 10_000, "{}", b.name);
        // vigia's Comm-B inference, given each aircraft's ADS-B velocity as context, names
        // the register the simulator sent for nearly every reply.
        assert!(
            f64::from(commb_inferred) >= 0.95 * f64::from(commb),
            "{}: {commb_inferred}/{commb}",
            b.name
        );
    }
}
