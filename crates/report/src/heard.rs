//! The report page of an aircraft heard without a position (`heard_without_position`): who
//! was heard, by which receivers, when, and the replies themselves — and, on the map, where it
//! can have been: within each receiver's radio horizon for its altitude. It states presence
//! within reach, never a position.

use maud::{html, PreEscaped, DOCTYPE};
use vigia_detect::contract::HeardRecord;

use crate::incident::{latlon, push_zones, zone_labels, Incident, PAGE_CSP, STYLE};
use crate::map::{ellipse_outline, svg, Layer, View};
use crate::time::utc;

/// Radio horizon between an antenna near the ground (about 30 m) and an aircraft at
/// `altitude_ft`, nautical miles (4/3-Earth refraction: 1.23 √h(ft) each way).
pub fn horizon_nm(altitude_ft: f64) -> f64 {
    1.23 * (altitude_ft.max(0.0).sqrt() + 100f64.sqrt())
}

/// Render the page of `h`, the body of `incident.event`.
pub fn render(incident: &Incident, h: &HeardRecord) -> String {
    let e = incident.event;
    let who = match &e.callsign {
        Some(c) => format!("{} ({c})", e.icao24),
        None => e.icao24.clone(),
    };
    let placed: Vec<(&str, f64, f64)> = h
        .receivers
        .iter()
        .filter_map(|r| r.position.map(|[lat, lon]| (r.id.as_str(), lat, lon)))
        .collect();
    // Without an altitude, the horizon of the highest cruising level.
    let altitude = h.altitude_ft.map_or(45_000.0, f64::from);
    let reach_nm = horizon_nm(altitude);
    let rings: Vec<Vec<(f64, f64)>> = placed
        .iter()
        .map(|&(_, lat, lon)| ellipse_outline(lat, lon, reach_nm * 1852.0, reach_nm * 1852.0, 0.0))
        .collect();
    let mut fit: Vec<(f64, f64)> = rings.iter().flatten().copied().collect();
    fit.extend(placed.iter().map(|&(_, lat, lon)| (lat, lon)));
    let mut layers = Vec::new();
    let labels = zone_labels(&incident.zones);
    push_zones(&mut layers, &incident.zones, &labels);
    let ring_label = format!(
        "radio horizon of each receiver for an aircraft at {} ft ({reach_nm:.0} NM)",
        altitude as i64
    );
    if !rings.is_empty() {
        layers.push(Layer::Outlines {
            outlines: rings,
            stroke: "#6a1b9a",
            label: &ring_label,
        });
    }
    for &(id, lat, lon) in &placed {
        layers.push(Layer::Marker {
            lat,
            lon,
            color: "#0a58ca",
            label: id.to_string(),
        });
    }
    let map = (!fit.is_empty()).then(|| svg(&View::fit(&fit, 880.0, 560.0, 0.1, 0.1), &layers));
    let receivers: Vec<&str> = h.receivers.iter().map(|r| r.id.as_str()).collect();
    let identity = match (&h.country, h.military) {
        (Some(c), true) => format!("an address in the {c} military block"),
        (Some(c), false) => format!("an address registered in {c}"),
        (None, true) => "a military address".to_string(),
        (None, false) => "an address of no known block".to_string(),
    };
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(PAGE_CSP);
                title { "Heard without a position — " (who) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                h1 { "Heard without a position" }
                p.muted { (who) " · event of type " code { "heard_without_position" } " · " code { (e.flight_id) } }
                p.lead {
                    "Aircraft " (who) ", " (identity) ", was heard through " b { (h.replies) " Mode S replies" }
                    " from " b { (utc(h.first_heard)) } " to " (utc(h.last_heard)) " by "
                    (receivers.join(", ")) ". "
                    @if let Some(a) = h.altitude_ft { "It replied an altitude of " (a) " ft. " }
                    @if let Some(s) = &h.squawk { "Its Mode A code was " (s) ". " }
                    "It broadcast no position and none could be computed: it was within reach of "
                    @if receivers.len() == 1 { "that receiver" } @else { "each of those receivers" }
                    ", not at a known place. This page states presence within reach, not a position."
                }
                @if let Some(map) = map {
                    h2 { "Map" }
                    (map)
                    p.muted { "Each dashed circle is a receiver's radio horizon for an aircraft at the altitude replied: a receiver hears only what is above its horizon, so the aircraft was inside every circle of a receiver that heard it. Terrain and the antenna's real height change the reach; the circles are a bound, not a position." }
                }
                h2 { "Evidence" }
                p { "The first replies heard, as received. Their parity field carries the address (Address/Parity): recompute it to check." }
                table {
                    tr { th { "received (UTC)" } th { "frame (hex)" } th { "receiver" } }
                    @for f in &h.frames {
                        tr {
                            td { (utc(f.ts)) " " span.muted { "(" (format!("{:.6}", f.ts)) ")" } }
                            td { code { (f.hex) } }
                            td { (f.receiver) }
                        }
                    }
                }
                h2 { "Receivers" }
                table {
                    tr { th { "receiver" } th { "position" } }
                    @for r in &h.receivers {
                        tr {
                            td { (r.id) }
                            td { (r.position.map_or_else(|| "not given".to_string(), |[lat, lon]| latlon(lat, lon))) }
                        }
                    }
                }
                h2 { "How to verify independently" }
                ol {
                    li { "Decode each frame with another decoder, e.g. pyModeS: " code { "pyModeS.icao(msg)" } " recovers the address from the parity of an altitude or identity reply (DF4/5/20/21) and reads it from an all-call reply (DF11)." }
                    li { "A receiver hears an aircraft only above its horizon: check the receivers' positions and the altitude replied (" code { "pyModeS.common.altcode(msg)" } ")." }
                }
                p.muted { "Generated by " (incident.generator) " from open Mode S broadcasts. Boundaries © OpenStreetMap contributors (ODbL)." }
            }
        }
    };
    page.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::{render as render_any, ZoneShape};
    use vigia_zones::polygon::MultiPolygon;

    #[test]
    fn the_page_states_presence_within_reach_with_the_replies() {
        let event: vigia_detect::contract::EventRecord = serde_json::from_value(serde_json::json!({
            "type": "heard_without_position", "icao24": "ae5421", "flight_id": "ae5421-heard-1714572003",
            "ts": 1714572040.0, "first_heard": 1714572003.0, "last_heard": 1714572040.0, "replies": 57,
            "country": "United States", "military": true, "altitude_ft": 18000, "squawk": "4401",
            "receivers": [{"id": "nogales", "position": [31.34, -110.94]}, {"id": "<b>x</b>", "position": null}],
            "frames": [{"ts": 1714572003.1, "hex": "5dae5421d397b3", "receiver": "nogales"}]
        }))
        .unwrap();
        let mp = MultiPolygon::default();
        let html = render_any(&Incident {
            event: &event,
            flight: None,
            track: &[],
            zones: vec![ZoneShape {
                name: "MEX",
                geometry: &mp,
            }],
            receiver: None,
            generator: "vigia test",
        });
        assert!(html.contains("Heard without a position"));
        assert!(html.contains("United States military block"));
        assert!(html.contains("57 Mode S replies"));
        assert!(html.contains("5dae5421d397b3"));
        assert!(html.contains("not a position"));
        assert!(html.contains("radio horizon"), "the reach drawn");
        assert!(html.contains("&lt;b&gt;x&lt;/b&gt;"), "escaped");
        assert!(!html.contains("<script"));
        // 18 000 ft: about 177 NM.
        assert!((horizon_nm(18_000.0) - 177.3).abs() < 1.0);
    }
}
