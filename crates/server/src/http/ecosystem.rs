//! The ecosystem's endpoints: `/data/aircraft.json` and `/data/receiver.json` in the schema
//! readsb documents (readsb's README-json.md; dump1090-fa's and tar1090's readers use the same
//! names), so that tar1090, graphs1090 and feeders' scripts can read vigia.
//!
//! Units and names as readsb has them: `alt_baro` feet (or `"ground"`), `gs` knots, `track`
//! degrees, `baro_rate` ft/min, `squawk` four octal digits, `flight` the callsign padded to 8,
//! `seen` and `seen_pos` seconds ago, `rssi` dBFS, `messages` counted, `type` where the
//! position came from (`adsb_icao`, `mlat`, `mode_s` without one, `other`), `mlat` the fields
//! multilateration gave. What only vigia knows is under `vigia`, a key readsb does not use.

use serde_json::{json, Map, Value};

use crate::service::live::{LiveAircraft, Snapshot};
use crate::service::receivers::Heard;

/// `/data/aircraft.json`: every aircraft with a position, then those heard without one.
pub fn aircraft_json(now: f64, messages: u64, live: &Snapshot, heard: &[Heard]) -> Value {
    let mut aircraft: Vec<Value> = live
        .aircraft
        .iter()
        .map(|a| with_position(now, a))
        .collect();
    aircraft.extend(
        heard
            .iter()
            .filter(|h| !live.aircraft.iter().any(|a| a.icao24 == h.icao24))
            .map(|h| without_position(now, h)),
    );
    json!({ "now": round1(now), "messages": messages, "aircraft": aircraft })
}

/// `/data/receiver.json`.
pub fn receiver_json(receiver: Option<(f64, f64)>) -> Value {
    let mut out = json!({
        "version": concat!("vigia ", env!("CARGO_PKG_VERSION")),
        "refresh": 1000,
        "history": 0,
    });
    if let (Some((lat, lon)), Some(map)) = (receiver, out.as_object_mut()) {
        map.insert("lat".into(), json!(round(lat, 4)));
        map.insert("lon".into(), json!(round(lon, 4)));
    }
    out
}

fn with_position(now: f64, a: &LiveAircraft) -> Value {
    let mut m = Map::new();
    m.insert("hex".into(), json!(a.icao24));
    let kind = match a.position_source {
        "mlat" => "mlat",
        "archive" => "other",
        _ => "adsb_icao",
    };
    m.insert("type".into(), json!(kind));
    if let Some(c) = &a.callsign {
        m.insert("flight".into(), json!(format!("{c:<8}")));
    }
    if let Some(r) = &a.registration {
        m.insert("r".into(), json!(r));
    }
    if let Some(t) = &a.type_designator {
        m.insert("t".into(), json!(t));
    }
    match (a.on_ground, a.altitude_ft) {
        (Some(true), _) => {
            m.insert("alt_baro".into(), json!("ground"));
        }
        (_, Some(ft)) => {
            m.insert("alt_baro".into(), json!(ft.round() as i64));
        }
        _ => {}
    }
    if let Some(gs) = a.groundspeed_kt {
        m.insert("gs".into(), json!(round1(gs)));
    }
    if let Some(track) = a.track_deg {
        m.insert("track".into(), json!(round1(track)));
    }
    if let Some(rate) = a.vertical_rate_fpm {
        m.insert("baro_rate".into(), json!(rate.round() as i64));
    }
    if let Some(sq) = &a.squawk {
        m.insert("squawk".into(), json!(sq));
    }
    m.insert("lat".into(), json!(round(a.lat, 6)));
    m.insert("lon".into(), json!(round(a.lon, 6)));
    m.insert(
        "seen_pos".into(),
        json!(round1((now - a.last_update).max(0.0))),
    );
    let mlat: Vec<&str> = if a.position_source == "mlat" {
        vec!["lat", "lon"]
    } else {
        Vec::new()
    };
    m.insert("mlat".into(), json!(mlat));
    m.insert("tisb".into(), json!([]));
    m.insert("messages".into(), json!(a.messages.max(a.positions)));
    m.insert(
        "seen".into(),
        json!(round1((now - a.last_seen.max(a.last_update)).max(0.0))),
    );
    if let Some(rssi) = a.rssi {
        m.insert("rssi".into(), json!(rssi));
    }
    m.insert(
        "vigia".into(),
        json!({
            "flight_id": a.flight_id,
            "score": a.score,
            "surveillance_like": a.surveillance_like,
            "military": a.military,
            "country": a.country,
            "zones": a.zones,
            "reasons": a.reasons,
            "positions": a.positions,
        }),
    );
    Value::Object(m)
}

fn without_position(now: f64, h: &Heard) -> Value {
    let mut m = Map::new();
    m.insert("hex".into(), json!(h.icao24));
    m.insert("type".into(), json!("mode_s"));
    if let Some(c) = &h.callsign {
        m.insert("flight".into(), json!(format!("{c:<8}")));
    }
    if let Some(ft) = h.altitude_ft {
        m.insert("alt_baro".into(), json!(ft));
    }
    if let Some(sq) = &h.squawk {
        m.insert("squawk".into(), json!(sq));
    }
    m.insert("mlat".into(), json!([]));
    m.insert("tisb".into(), json!([]));
    m.insert("messages".into(), json!(h.replies));
    m.insert("seen".into(), json!(round1((now - h.last_heard).max(0.0))));
    m.insert(
        "vigia".into(),
        json!({
            "military": h.military,
            "country": h.country,
            "receivers": h.receivers,
            "first_heard": h.first_heard,
            "heard_without_position": true,
        }),
    );
    Value::Object(m)
}

fn round(x: f64, digits: i32) -> f64 {
    let k = 10f64.powi(digits);
    (x * k).round() / k
}

fn round1(x: f64) -> f64 {
    round(x, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receiver_json_has_readsbs_keys() {
        let r = receiver_json(Some((32.51234567, -117.0)));
        assert_eq!(r["refresh"], 1000);
        assert_eq!(r["lat"], 32.5123);
        assert!(r["version"].as_str().unwrap().starts_with("vigia "));
        assert!(receiver_json(None).get("lat").is_none());
    }
}
