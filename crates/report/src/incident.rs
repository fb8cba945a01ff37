//! One event's report page.

use std::fmt::Write;

use vigia_detect::contract::{EventBody, EventRecord, PlaceRecord, PositionMethod, PositionRecord};
use vigia_zones::polygon::MultiPolygon;

use crate::html::escape;
use crate::map::{svg, Layer, View};
use crate::time::utc;

/// A position of the flight's track.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrackPoint {
    /// Time, seconds.
    pub ts: f64,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Altitude, feet.
    pub altitude_ft: Option<f64>,
}

/// A zone to draw.
#[derive(Clone, Copy, Debug)]
pub struct ZoneShape<'a> {
    /// Its name (`MEX`).
    pub name: &'a str,
    /// Its polygon.
    pub geometry: &'a MultiPolygon,
}

/// What a report is made from.
#[derive(Clone, Debug)]
pub struct Incident<'a> {
    /// The event, as the event contract has it (with its evidence).
    pub event: &'a EventRecord,
    /// The flight's record, when known (identity, score, reasons).
    pub flight: Option<&'a EventRecord>,
    /// The flight's trusted positions.
    pub track: &'a [TrackPoint],
    /// Zones to draw (the event's zone first).
    pub zones: Vec<ZoneShape<'a>>,
    /// Where the frames were received (receiver name or input file), for the evidence table.
    pub receiver: Option<&'a str>,
    /// "vigia 0.1.0".
    pub generator: &'a str,
}

/// The fields of an event the page shows, whichever its type.
#[derive(Default)]
struct Shown {
    distance_nm: Option<f64>,
    uncertainty_s: Option<f64>,
    ts_before: Option<f64>,
    ts_after: Option<f64>,
    time_inside_s: Option<f64>,
    boundary: Option<(f64, f64)>,
    exit: Option<(f64, f64, f64)>,
    depth_nm: Option<f64>,
    /// An episode's start, end, and what it was (`orbit of 3 h 40 min, …`).
    episode: Option<(f64, f64, String)>,
    /// An episode's relation to each zone.
    places: Vec<PlaceRecord>,
}

impl Shown {
    fn of(e: &EventRecord) -> Self {
        let mut shown = Shown::default();
        let crossing = match &e.body {
            EventBody::ZoneEntry(c) => Some(c),
            EventBody::ZoneExit(x) => {
                shown.time_inside_s = Some(x.time_inside_s);
                Some(&x.crossing)
            }
            EventBody::ZoneTransit(t) => {
                shown.time_inside_s = Some(t.time_inside_s);
                shown.exit = Some((t.exit_ts, t.exit_latitude, t.exit_longitude));
                Some(&t.entry)
            }
            EventBody::ClosestApproach(a) => {
                shown.distance_nm = Some(a.distance_nm);
                shown.boundary = Some((a.boundary_latitude, a.boundary_longitude));
                None
            }
            EventBody::ZonePresence(p) => {
                shown.depth_nm = p.depth_nm;
                None
            }
            EventBody::Orbit(o) => {
                let what = format!(
                    "{} {} orbit of {} ({:.1} turns, radius {:.1} NM{})",
                    if o.direction == "right" {
                        "right-hand"
                    } else {
                        "left-hand"
                    },
                    o.shape,
                    duration(o.duration_s),
                    o.turns,
                    o.radius_nm,
                    o.altitude_band
                        .map(|[a, b]| format!(", {a}–{b} ft"))
                        .unwrap_or_default()
                );
                shown.episode = Some((o.start, o.end, what));
                shown.places = o.zones.clone();
                None
            }
            EventBody::Survey(v) => {
                let what = format!(
                    "survey grid of {} ({} legs {:.1} NM apart, {:.1} NM long)",
                    duration(v.duration_s),
                    v.legs,
                    v.spacing_nm,
                    v.leg_length_nm
                );
                shown.episode = Some((v.start, v.end, what));
                shown.places = v.zones.clone();
                None
            }
            _ => None,
        };
        if let Some(c) = crossing {
            shown.uncertainty_s = Some(c.uncertainty_s);
            shown.ts_before = Some(c.ts_before);
            shown.ts_after = Some(c.ts_after);
        }
        shown
    }
}

/// `3 h 40 min`, `12 min 05 s`, `45 s`.
fn duration(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    let (h, m) = (s / 3600, s % 3600 / 60);
    match (h, m) {
        (0, 0) => format!("{s} s"),
        (0, _) => format!("{m} min {:02} s", s % 60),
        _ => format!("{h} h {m:02} min"),
    }
}

/// An uncertainty in seconds at its real precision: `0.5 s`, `12 s`.
fn uncertainty(seconds: f64) -> String {
    if seconds < 10.0 {
        format!("{seconds:.1} s")
    } else {
        format!("{seconds:.0} s")
    }
}

/// Where an episode lies: `entirely inside MEX, its centre 104.2 NM inside the boundary`.
fn places_sentence(places: &[PlaceRecord]) -> String {
    let parts: Vec<String> = places
        .iter()
        .map(|p| {
            let relation = match p.relation.as_str() {
                "inside" => format!("entirely inside {}", p.zone),
                "part" => format!(
                    "{:.0} % of the time ({}) inside {}",
                    p.share_inside * 100.0,
                    duration(p.time_inside_s),
                    p.zone
                ),
                _ => format!("outside {}", p.zone),
            };
            match p.centre_distance_nm {
                Some(d) => format!(
                    "{relation}, its centre {d:.1} NM {} the boundary",
                    if p.centre_inside { "inside" } else { "outside" }
                ),
                None => relation,
            }
        })
        .collect();
    parts.join("; ")
}

fn method_name(p: &PositionRecord) -> &'static str {
    match p.method {
        PositionMethod::CprPair { .. } => "cpr_pair",
        PositionMethod::CprLocal { .. } => "cpr_local",
        PositionMethod::Report { .. } => "report",
    }
}

fn latlon(lat: f64, lon: f64) -> String {
    format!(
        "{:.4}° {}, {:.4}° {}",
        lat.abs(),
        if lat >= 0.0 { "N" } else { "S" },
        lon.abs(),
        if lon >= 0.0 { "E" } else { "W" }
    )
}

const STYLE: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111;line-height:1.45}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:1.8rem}
.lead{font-size:1.05rem;background:#f6f6f2;border-left:4px solid #c60;padding:.6rem .8rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border:1px solid #ccc;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem;word-break:break-all}
svg{max-width:100%;height:auto;border:1px solid #bbb}.muted{color:#555;font-size:.85rem}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,svg{break-inside:avoid}}
"#;

/// Render the report page.
pub fn render(incident: &Incident) -> String {
    let e = incident.event;
    let shown = Shown::of(e);
    let kind = e.type_name();
    let zone = e.zone().unwrap_or("");
    let who = match &e.callsign {
        Some(c) => format!("{} ({c})", e.icao24),
        None => e.icao24.clone(),
    };
    let ts = e.ts;
    let (lat, lon) = e.position().unwrap_or((0.0, 0.0));
    let title = match kind {
        "zone_entry" => format!("Entry into {zone} sovereign airspace"),
        "zone_presence" => {
            format!("Presence in {zone} sovereign airspace (entry not observed)")
        }
        "orbit" | "survey" => {
            let name = if kind == "orbit" {
                "Orbit"
            } else {
                "Survey grid"
            };
            match shown.places.iter().find(|p| p.relation != "outside") {
                Some(p) if p.relation == "inside" => {
                    format!("{name} inside {} sovereign airspace", p.zone)
                }
                Some(p) => format!("{name} partly inside {} sovereign airspace", p.zone),
                None => format!("{name} outside the zones watched"),
            }
        }
        "zone_exit" => format!("Exit from {zone} sovereign airspace"),
        "zone_transit" => format!("Transit through {zone} sovereign airspace"),
        "closest_approach" => format!("Closest approach to {zone} sovereign airspace"),
        other => format!("Event: {other}"),
    };
    let evidence = e.evidence();
    // The lead is markup: everything that comes from the event is escaped into it.
    let (who_html, zone_html) = (escape(&who), escape(zone));
    let lead = match kind {
        "closest_approach" => format!(
            "Aircraft {who_html} came within <b>{:.1} NM</b> of {zone_html}'s sovereign airspace at {} ({}) and did not enter it.",
            shown.distance_nm.unwrap_or(f64::NAN),
            utc(ts),
            latlon(lat, lon)
        ),
        "zone_presence" => {
            let second = evidence.get(1).map_or(ts, |p| p.ts);
            format!(
                "Aircraft {who_html} was in {zone_html}'s sovereign airspace when first seen, at <b>{}</b> at {}{}, and still inside at its next trusted position ({}). Its entry was not observed: this page states presence, not a crossing.",
                utc(ts),
                latlon(lat, lon),
                shown
                    .depth_nm
                    .map(|d| format!(", {d:.1} NM inside the boundary"))
                    .unwrap_or_default(),
                utc(second),
            )
        }
        "orbit" | "survey" => match &shown.episode {
            Some((start, end, what)) => format!(
                "Aircraft {who_html} flew a {} from <b>{}</b> to {}, centred at {}: {}.",
                escape(what),
                utc(*start),
                utc(*end),
                latlon(lat, lon),
                escape(&places_sentence(&shown.places))
            ),
            None => String::new(),
        },
        _ => {
            let verb = match kind {
                "zone_exit" => "left",
                "zone_transit" => "crossed into",
                _ => "entered",
            };
            let mut s = format!(
                "Aircraft {who_html} {verb} {zone_html}'s sovereign airspace at <b>{}</b> (± {}) at {}, between trusted positions received at {} and {}.",
                utc(ts),
                uncertainty(shown.uncertainty_s.unwrap_or(0.0)),
                latlon(lat, lon),
                utc(shown.ts_before.unwrap_or(ts)),
                utc(shown.ts_after.unwrap_or(ts)),
            );
            if let Some(t) = shown.time_inside_s {
                let _ = write!(s, " Time inside: {}.", duration(t));
            }
            s
        }
    };

    // Map: the track within ±20 min of the event, the evidence positions and the event point.
    let near: Vec<&TrackPoint> = incident
        .track
        .iter()
        .filter(|p| (p.ts - ts).abs() <= 1200.0)
        .collect();
    let mut fit: Vec<(f64, f64)> = near.iter().map(|p| (p.lat, p.lon)).collect();
    fit.push((lat, lon));
    for p in evidence {
        fit.push((p.latitude, p.longitude));
    }
    if let Some(b) = shown.boundary {
        fit.push(b);
    }
    let view = View::fit(&fit, 880.0, 560.0, 0.35, 0.15);
    let mut layers = Vec::new();
    let fills = ["#f6c89f", "#cfe3c1", "#d8d2ee", "#f3e3a1"];
    let strokes = ["#b4570d", "#4e7d36", "#5b4a99", "#9a7d12"];
    let labels: Vec<String> = incident
        .zones
        .iter()
        .map(|z| format!("{} sovereign airspace (land + 12 NM)", z.name))
        .collect();
    for (k, z) in incident.zones.iter().enumerate() {
        layers.push(Layer::Rings {
            rings: z.geometry.rings().map(|r| r.vertices()).collect(),
            fill: fills[k % fills.len()],
            stroke: strokes[k % strokes.len()],
            label: &labels[k],
        });
    }
    layers.push(Layer::Line {
        points: near.iter().map(|p| (p.lat, p.lon)).collect(),
        stroke: "#0a58ca",
        width: 2.0,
        label: "flight track (trusted positions)",
    });
    for (k, p) in evidence.iter().enumerate() {
        layers.push(Layer::Marker {
            lat: p.latitude,
            lon: p.longitude,
            color: "#0a58ca",
            label: format!("P{} {}", k + 1, utc(p.ts).get(11..19).unwrap_or("")),
        });
    }
    layers.push(Layer::Marker {
        lat,
        lon,
        color: "#c00",
        label: match kind {
            "closest_approach" => "closest point".to_string(),
            "zone_exit" => "exit".to_string(),
            "zone_presence" => "first seen".to_string(),
            "orbit" | "survey" => "centre".to_string(),
            _ => "entry".to_string(),
        },
    });
    if let Some((_, a, b)) = shown.exit {
        layers.push(Layer::Marker {
            lat: a,
            lon: b,
            color: "#c00",
            label: "exit".into(),
        });
    }
    if let Some((a, b)) = shown.boundary {
        layers.push(Layer::Marker {
            lat: a,
            lon: b,
            color: "#b4570d",
            label: "nearest boundary point".into(),
        });
    }
    let map = svg(&view, &layers);

    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>",
        escape(&format!("{title} — {who}"))
    );
    let _ = write!(h, "<h1>{}</h1><p class=\"muted\">{} · event of type <code>{}</code> · flight <code>{}</code></p>", escape(&title), escape(&who), escape(kind), escape(&e.flight_id));
    let _ = write!(h, "<p class=\"lead\">{lead}</p>");
    let _ = write!(h, "<h2>Map</h2>{map}<p class=\"muted\">Drawn by vigia from the bundled boundary polygons (OpenStreetMap, ODbL) and the flight's trusted positions. P1, P2: the positions the event rests on.</p>");

    // Timeline
    let _ = write!(
        h,
        "<h2>Timeline</h2><table><tr><th>time (UTC)</th><th>what</th><th>where</th></tr>"
    );
    // Rows in time order: (time, bold, what, where).
    let mut rows: Vec<(f64, bool, String, String)> = Vec::new();
    if let Some(first) = incident.track.first() {
        rows.push((
            first.ts,
            false,
            "first trusted position of the flight".into(),
            latlon(first.lat, first.lon),
        ));
    }
    for p in evidence {
        rows.push((
            p.ts,
            false,
            format!("trusted position ({})", method_name(p)),
            latlon(p.latitude, p.longitude),
        ));
    }
    match (kind, &shown.episode) {
        ("orbit" | "survey", Some((start, end, _))) => {
            rows.push((*start, true, format!("{kind} begins"), latlon(lat, lon)));
            rows.push((*end, true, format!("{kind} ends"), latlon(lat, lon)));
        }
        ("zone_presence", _) => rows.push((
            ts,
            true,
            "first seen inside the zone (entry not observed)".into(),
            latlon(lat, lon),
        )),
        _ => {
            let what = match kind {
                "closest_approach" => format!(
                    "closest approach, {:.1} NM from the boundary",
                    shown.distance_nm.unwrap_or(f64::NAN)
                ),
                "zone_exit" => "boundary crossed outwards".to_string(),
                _ => "boundary crossed inwards".to_string(),
            };
            rows.push((ts, true, what, latlon(lat, lon)));
        }
    }
    if let Some((t, a, b)) = shown.exit {
        rows.push((
            t,
            true,
            format!(
                "boundary crossed outwards ({} inside)",
                duration(shown.time_inside_s.unwrap_or(0.0))
            ),
            latlon(a, b),
        ));
    }
    if let Some(last) = incident.track.last() {
        rows.push((
            last.ts,
            false,
            "last trusted position of the flight".into(),
            latlon(last.lat, last.lon),
        ));
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (t, bold, what, place) in &rows {
        let (open, close) = if *bold { ("<b>", "</b>") } else { ("", "") };
        let _ = write!(
            h,
            "<tr><td>{open}{}{close}</td><td>{open}{}{close}</td><td>{}</td></tr>",
            utc(*t),
            escape(what),
            place
        );
    }
    let _ = write!(h, "</table>");

    // Identity
    let _ = write!(h, "<h2>Identity and reasons</h2>");
    match incident.flight.and_then(|r| match &r.body {
        EventBody::Flight(f) => Some((r, f)),
        _ => None,
    }) {
        Some((record, f)) => {
            let _ = write!(h, "<table><tr><th>ICAO address</th><td><code>{}</code></td></tr><tr><th>callsigns</th><td>{}</td></tr><tr><th>registered in (address block)</th><td>{}</td></tr><tr><th>military</th><td>{}</td></tr>",
                escape(&e.icao24),
                escape(&f.callsigns.join(", ")),
                escape(f.country.as_deref().unwrap_or("")),
                if f.military { "yes" } else { "no" });
            for (key, value) in [
                ("registration", &f.registration),
                ("type", &f.type_designator),
                ("operator", &f.operator),
            ] {
                if let Some(v) = value {
                    let _ = write!(h, "<tr><th>{key}</th><td>{}</td></tr>", escape(v));
                }
            }
            let _ = write!(
                h,
                "<tr><th>surveillance score</th><td><b>{:.2}</b></td></tr></table>",
                record.score.unwrap_or(0.0)
            );
            let reasons: Vec<String> = f
                .reasons
                .iter()
                .map(|r| format!("<li>{} (weight {:.2})</li>", escape(&r.text), r.weight))
                .collect();
            if reasons.is_empty() {
                let _ = write!(h, "<p>No surveillance indicator.</p>");
            } else {
                let _ = write!(h, "<ul>{}</ul>", reasons.join(""));
            }
        }
        None => {
            let _ = write!(h, "<p>The flight's record is not available (the flight may still be in progress).</p>");
        }
    }

    // Evidence
    let receiver = incident.receiver.unwrap_or("");
    if evidence.is_empty() {
        let _ = write!(h, "<h2>Evidence</h2><p>This event is a pattern of the flight's whole track: it rests on the flight's trusted positions (drawn above, kept in the store with the flight), not on two positions around a boundary.</p>");
    } else {
        let _ = write!(h, "<h2>Evidence</h2><p>The positions this event rests on, and the raw Mode S frames (hex, as received) each was decoded from.</p>");
    }
    let _ = write!(h, "<table><tr><th>position</th><th>received (UTC)</th><th>frame (hex)</th><th>receiver / source</th></tr>");
    for (k, p) in evidence.iter().enumerate() {
        match &p.method {
            PositionMethod::Report { source } => {
                let src = format!("{} record {}", source.file, source.record);
                let _ = write!(
                    h,
                    "<tr><td>P{}</td><td>{}</td><td>(decoded archive row)</td><td>{}</td></tr>",
                    k + 1,
                    utc(p.ts),
                    escape(&src)
                );
            }
            PositionMethod::CprPair { frames } | PositionMethod::CprLocal { frames } => {
                for fr in frames {
                    let _ = write!(h, "<tr><td>P{}</td><td>{} <span class=\"muted\">({:.6})</span></td><td><code>{}</code></td><td>{}</td></tr>", k + 1, utc(fr.ts), fr.ts, escape(&fr.hex), escape(receiver));
                }
            }
        }
    }
    let _ = write!(h, "</table>");

    // Verification
    let pair: Vec<&str> = match evidence.first().map(|p| &p.method) {
        Some(PositionMethod::CprPair { frames } | PositionMethod::CprLocal { frames }) => {
            frames.iter().map(|f| f.hex.as_str()).collect()
        }
        _ => Vec::new(),
    };
    let _ = write!(h, "<h2>How to verify independently</h2><ol>");
    let _ = write!(h, "<li>Check each frame's parity and decode it with another decoder, e.g. pyModeS: <code>pyModeS.crc(msg)</code> is 0 for an intact DF17/18 frame; <code>pyModeS.adsb.icao(msg)</code> gives the address.</li>");
    if pair.len() == 2 {
        let _ = write!(h, "<li>Recompute P1 from its even/odd pair: <code>pyModeS.adsb.position(\"{}\", \"{}\", t0, t1)</code> with the two receive times above (order the arguments even, odd as their CPR format bit says).</li>", escape(pair[0]), escape(pair[1]));
    }
    let _ = write!(h, "<li>Test the positions against the boundary: <code>vigia zones classify --zones {} </code> with <code>lat,lon</code> lines, or load <code>vigia zones export --zones {}</code> into QGIS.</li>", escape(zone), escape(zone));
    let _ = match kind {
        "zone_entry" | "zone_exit" | "zone_transit" => write!(h, "<li>The crossing time is interpolated along the great circle between the two positions; its uncertainty is the time between them.</li></ol>"),
        "zone_presence" => write!(h, "<li>Both positions lie inside the boundary; the flight was not heard before the first, so when and where it entered is not known.</li></ol>"),
        _ => write!(h, "</ol>"),
    };
    let _ = write!(h, "<p class=\"muted\">Generated by {} from open ADS-B broadcasts. Boundaries © OpenStreetMap contributors (ODbL).</p></body></html>", escape(incident.generator));
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_an_entry_with_its_frames() {
        let event: EventRecord = serde_json::from_value(serde_json::json!({
            "type": "zone_entry", "zone": "MEX", "icao24": "ae01c5", "callsign": "P8TEST",
            "flight_id": "ae01c5-1700000000", "ts": 1700000100.5, "latitude": 31.5, "longitude": -116.9,
            "ts_before": 1700000099.0, "ts_after": 1700000101.0, "uncertainty_s": 1.0,
            "uncertainty_nm": 0.2,
            "evidence": {"positions": [
                {"ts": 1700000099.0, "latitude": 31.49, "longitude": -116.91, "altitude": 20000, "method": "cpr_pair",
                 "frames": [{"ts": 1700000099.0, "hex": "8dae01c558c382d690c8ac2863a7"}, {"ts": 1700000098.5, "hex": "8dae01c558c386435cc412692ad6"}]},
                {"ts": 1700000101.0, "latitude": 31.51, "longitude": -116.89, "altitude": 20000, "method": "cpr_local",
                 "frames": [{"ts": 1700000101.0, "hex": "8dae01c558c382d690c8ac2863a8"}]}
            ]}
        }))
        .unwrap();
        let mp = MultiPolygon::default();
        let track = [TrackPoint {
            ts: 1700000000.0,
            lat: 31.4,
            lon: -117.0,
            altitude_ft: Some(20000.0),
        }];
        let html = render(&Incident {
            event: &event,
            flight: None,
            track: &track,
            zones: vec![ZoneShape {
                name: "MEX",
                geometry: &mp,
            }],
            receiver: Some("test-receiver"),
            generator: "vigia test",
        });
        assert!(html.contains("Entry into MEX sovereign airspace"));
        assert!(html.contains("2023-11-14 22:15:00Z"));
        assert!(html.contains("8dae01c558c386435cc412692ad6"));
        assert!(html.contains("<svg"));
        assert!(html.contains("pyModeS.adsb.position"));
        assert!(!html.contains("<script"), "self-contained, no scripts");
    }

    /// The page of `event` over a track, with one zone named MEX drawn.
    fn page(event: &EventRecord, track: &[TrackPoint], zone: &MultiPolygon) -> String {
        render(&Incident {
            event,
            flight: None,
            track,
            zones: vec![ZoneShape {
                name: "MEX",
                geometry: zone,
            }],
            receiver: None,
            generator: "vigia test",
        })
    }

    /// A square zone of `half` degrees around (30 N, 110 W).
    fn square(half: f64) -> MultiPolygon {
        let text = format!(
            r#"{{"type":"Feature","properties":{{"name":"MEX"}},"geometry":{{"type":"Polygon",
            "coordinates":[[[{w},{s}],[{e},{s}],[{e},{n}],[{w},{n}],[{w},{s}]]]}}}}"#,
            w = -110.0 - half,
            e = -110.0 + half,
            s = 30.0 - half,
            n = 30.0 + half
        );
        let set = vigia_zones::ZoneSet::from_geojson_str(&text, "square.geojson").unwrap();
        set.zones()[0].geometry.clone()
    }

    #[test]
    fn an_orbit_inside_a_zone_says_so_and_the_zone_covering_the_map_is_filled() {
        let mut event: EventRecord =
            vigia_detect::contract::samples::record("orbit", None, 1_700_000_000.0);
        if let EventBody::Orbit(o) = &mut event.body {
            o.zone = Some("MEX".into());
            o.zones = vec![PlaceRecord {
                zone: "MEX".into(),
                relation: "inside".into(),
                time_inside_s: 900.0,
                share_inside: 1.0,
                centre_inside: true,
                centre_distance_nm: Some(120.0),
            }];
        }
        // The orbit at (30 N, 110 W), well inside a zone 10° wide: no vertex in the view.
        let mp = square(5.0);
        let track: Vec<TrackPoint> = (0..=60)
            .map(|k| {
                let a = f64::from(k) * 0.3;
                TrackPoint {
                    ts: 1_700_000_000.0 + f64::from(k) * 15.0,
                    lat: 30.0 + 0.05 * a.sin(),
                    lon: -110.0 + 0.05 * a.cos(),
                    altitude_ft: Some(20_000.0),
                }
            })
            .collect();
        let html = page(&event, &track, &mp);
        assert!(
            html.contains("Orbit inside MEX sovereign airspace"),
            "{html}"
        );
        assert!(html.contains("entirely inside MEX, its centre 120.0 NM inside the boundary"));
        assert!(!html.contains("boundary crossed inwards"));
        assert!(!html.contains(">entry<"));
        assert!(
            html.contains("fill=\"#f6c89f\""),
            "the zone is drawn as a fill"
        );
        // The timeline is in time order: the orbit begins where the track begins.
        let begins = html.find("orbit begins").unwrap();
        let ends = html.find("orbit ends").unwrap();
        let last = html.find("last trusted position").unwrap();
        assert!(begins < ends && ends < last);
    }

    #[test]
    fn a_presence_states_presence_not_a_crossing() {
        let event =
            vigia_detect::contract::samples::record("zone_presence", Some("MEX"), 1_700_000_000.0);
        let mp = square(5.0);
        let html = page(&event, &[], &mp);
        assert!(html.contains("Presence in MEX sovereign airspace (entry not observed)"));
        assert!(html.contains("4.2 NM inside the boundary"));
        assert!(html.contains("first seen inside the zone"));
        assert!(!html.contains("boundary crossed"));
        assert!(
            html.contains("8d0d0abc58b9768b5a4c2d2a0c8b"),
            "the frames are cited"
        );
    }

    #[test]
    fn uncertainties_keep_their_precision() {
        assert_eq!(uncertainty(0.5), "0.5 s");
        assert_eq!(uncertainty(12.4), "12 s");
        assert_eq!(duration(13_200.0), "3 h 40 min");
        assert_eq!(duration(65.0), "1 min 05 s");
    }

    #[test]
    fn names_from_the_event_are_escaped_in_every_sentence() {
        let mut event = vigia_detect::contract::samples::record(
            "zone_entry",
            Some("MX<img src=x onerror=alert(1)>"),
            1.0,
        );
        event.callsign = Some("<script>".into());
        let mp = MultiPolygon::default();
        let html = page(&event, &[], &mp);
        assert!(
            !html.contains("<img") && !html.contains("<script>"),
            "{html}"
        );
        assert!(html.contains("MX&lt;img"));
    }
}
