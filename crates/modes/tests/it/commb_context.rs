//! Comm-B inference tested on the real corpus against what each aircraft's own ADS-B says.
//!
//! Replays the corpus keeping, per aircraft, the last ADS-B velocity (ground speed, track,
//! vertical rate) and identification. For every DF20/21 reply it infers the register twice —
//! without context (what `decode` does) and with that aircraft's ADS-B state — and checks that
//! (a) the decided registers agree with the aircraft's independent ADS-B data, and (b) the
//! context-free decision rarely differs from the informed one.

use std::collections::HashMap;

use vigia_modes::adsb::Me;
use vigia_modes::commb::{infer, Bds, CommB, CommBContext};
use vigia_modes::decode;

fn gap(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(360.0);
    d.min(360.0 - d)
}

#[test]
fn inferred_registers_agree_with_the_aircraft_adsb_state() {
    let frames = super::corpus::load();
    let mut state: HashMap<u32, (f64, CommBContext)> = HashMap::new();
    let (mut with_ctx, mut same_decision, mut ctx_resolved_ambiguity) = (0u64, 0u64, 0u64);
    let (mut bds50, mut bds50_gs_ok, mut bds50_trk_ok) = (0u64, 0u64, 0u64);
    let (mut bds60, mut bds60_hdg_ok) = (0u64, 0u64);
    let (mut bds20, mut bds20_same_callsign) = (0u64, 0u64);
    for f in &frames {
        let Ok(msg) = decode(&f.bytes) else { continue };
        let key = msg.address.get();
        match msg.me() {
            Some(Me::Velocity(v)) => {
                let e = state.entry(key).or_default();
                e.0 = f.ts;
                e.1.groundspeed_kt = v.groundspeed_kt;
                e.1.track_deg = v.track_deg;
                e.1.vertical_rate_fpm = v.vertical_rate_fpm.map(f64::from);
            }
            Some(Me::Identification(id)) => {
                state.entry(key).or_default().1.callsign = id.callsign;
            }
            _ => {}
        }
        let Some(&blind) = msg.commb() else { continue };
        // Context only when the ADS-B velocity is fresh (≤ 10 s) and the aircraft is moving.
        let Some((t, ctx)) = state.get(&key) else {
            continue;
        };
        if f.ts - t > 10.0 || ctx.groundspeed_kt.unwrap_or(0.0) < 50.0 {
            continue;
        }
        let mb = match msg.body {
            vigia_modes::Body::CommBAltitude { mb, .. }
            | vigia_modes::Body::CommBIdentity { mb, .. } => mb,
            _ => continue,
        };
        let informed = infer(mb, Some(ctx));
        with_ctx += 1;
        let code = |c: &CommB| match c {
            CommB::Known(b) => Some(b.code()),
            _ => None,
        };
        if code(&blind) == code(&informed) {
            same_decision += 1;
        } else if matches!(blind, CommB::Ambiguous(_)) && code(&informed).is_some() {
            ctx_resolved_ambiguity += 1;
        }
        match informed {
            CommB::Known(Bds::TrackAndTurn(b)) => {
                bds50 += 1;
                if let (Some(gs), Some(ref_gs)) = (b.groundspeed_kt, ctx.groundspeed_kt) {
                    bds50_gs_ok += u64::from((f64::from(gs) - ref_gs).abs() <= 25.0);
                }
                if let (Some(trk), Some(ref_trk)) = (b.track_deg, ctx.track_deg) {
                    bds50_trk_ok += u64::from(gap(trk, ref_trk) <= 10.0);
                }
            }
            CommB::Known(Bds::HeadingAndSpeed(b)) => {
                bds60 += 1;
                if let (Some(h), Some(trk)) = (b.heading_deg, ctx.track_deg) {
                    bds60_hdg_ok += u64::from(gap(h, trk) <= 30.0);
                }
            }
            CommB::Known(Bds::Identification(cs)) => {
                bds20 += 1;
                bds20_same_callsign += u64::from(ctx.callsign == Some(cs));
            }
            _ => {}
        }
    }
    println!("replies with fresh ADS-B context: {with_ctx}; same decision blind/informed: {same_decision}; ambiguities the context resolved: {ctx_resolved_ambiguity}");
    println!("BDS 5,0: {bds50} (GS within 25 kt of ADS-B: {bds50_gs_ok}, track within 10°: {bds50_trk_ok})");
    println!("BDS 6,0: {bds60} (heading within 30° of ADS-B track: {bds60_hdg_ok})");
    println!("BDS 2,0: {bds20} (same callsign as ADS-B: {bds20_same_callsign})");
    assert!(with_ctx > 20_000, "{with_ctx}");
    assert!(bds50 > 1_000 && bds60 > 1_000);
    let ratio = |a: u64, b: u64| a as f64 / b.max(1) as f64;
    assert!(ratio(bds50_gs_ok, bds50) >= 0.99, "5,0 ground speed");
    assert!(ratio(bds50_trk_ok, bds50) >= 0.99, "5,0 track");
    assert!(ratio(bds60_hdg_ok, bds60) >= 0.95, "6,0 heading");
    assert!(ratio(bds20_same_callsign, bds20) >= 0.95, "2,0 callsign");
    assert!(
        ratio(same_decision, with_ctx) >= 0.99,
        "blind and informed decisions agree"
    );
}
