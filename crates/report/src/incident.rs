//! One event's report page.

use maud::{html, PreEscaped, DOCTYPE};

use vigia_detect::contract::{EventBody, EventRecord, PlaceRecord, PositionMethod, PositionRecord};
use vigia_zones::polygon::MultiPolygon;

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
    over_land: Option<bool>,
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
                shown.over_land = p.over_land;
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
            let land =
                crate::summary::land_phrase(&p.zone, p.centre_over_land, p.centre_land_distance_nm);
            match p.centre_distance_nm {
                Some(d) => format!(
                    "{relation}, its centre {d:.1} NM {} the boundary{land}",
                    if p.centre_inside { "inside" } else { "outside" }
                ),
                None => format!("{relation}{land}"),
            }
        })
        .collect();
    parts.join("; ")
}

/// The MLAT claim of a crossing or presence, if its positions are multilaterated.
fn mlat_claim(e: &EventRecord) -> Option<&vigia_detect::contract::MlatClaimRecord> {
    match &e.body {
        EventBody::ZoneEntry(c) => c.mlat.as_ref(),
        EventBody::ZoneExit(x) => x.crossing.mlat.as_ref(),
        EventBody::ZoneTransit(t) => t.entry.mlat.as_ref(),
        EventBody::ZonePresence(p) => p.mlat.as_ref(),
        _ => None,
    }
}

fn method_name(p: &PositionRecord) -> &'static str {
    match p.method {
        PositionMethod::CprPair { .. } => "cpr_pair",
        PositionMethod::CprLocal { .. } => "cpr_local",
        PositionMethod::Report { .. } => "report",
        PositionMethod::Mlat { .. } => "mlat",
    }
}

pub(crate) fn latlon(lat: f64, lon: f64) -> String {
    format!(
        "{:.4}° {}, {:.4}° {}",
        lat.abs(),
        if lat >= 0.0 { "N" } else { "S" },
        lon.abs(),
        if lon >= 0.0 { "E" } else { "W" }
    )
}

/// The page's own Content-Security-Policy: nothing may load or run; its inline style applies.
pub const PAGE_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

pub(crate) const STYLE: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111;line-height:1.45}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:1.8rem}
.lead{font-size:1.05rem;background:#f6f6f2;border-left:4px solid #c60;padding:.6rem .8rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border:1px solid #ccc;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem;word-break:break-all}
svg{max-width:100%;height:auto;border:1px solid #bbb}.muted{color:#555;font-size:.85rem}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,svg{break-inside:avoid}}
"#;

/// The legend label of each zone drawn.
pub(crate) fn zone_labels(zones: &[ZoneShape]) -> Vec<String> {
    zones
        .iter()
        .map(|z| format!("{} sovereign airspace (land + 12 NM)", z.name))
        .collect()
}

/// The zones as filled layers, each in its colour, labelled with `labels` (`zone_labels`).
pub(crate) fn push_zones<'a>(
    layers: &mut Vec<Layer<'a>>,
    zones: &[ZoneShape<'a>],
    labels: &'a [String],
) {
    let fills = ["#f6c89f", "#cfe3c1", "#d8d2ee", "#f3e3a1"];
    let strokes = ["#b4570d", "#4e7d36", "#5b4a99", "#9a7d12"];
    for (k, (z, label)) in zones.iter().zip(labels).enumerate() {
        layers.push(Layer::Rings {
            rings: z.geometry.rings().map(|r| r.vertices()).collect(),
            fill: fills[k % fills.len()],
            stroke: strokes[k % strokes.len()],
            label,
        });
    }
}

/// Render the report page.
pub fn render(incident: &Incident) -> String {
    let e = incident.event;
    if let EventBody::HeardWithoutPosition(h) = &e.body {
        return crate::heard::render(incident, h);
    }
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
        other => crate::dark::title(e).unwrap_or_else(|| format!("Event: {other}")),
    };
    let evidence = e.evidence();
    // The lead: the template escapes everything that comes from the event.
    let lead = match kind {
        _ if crate::dark::lead(e, &who).is_some() => {
            crate::dark::lead(e, &who).unwrap_or_else(|| html! {})
        }
        "closest_approach" => html! {
            "Aircraft " (who) " came within " b { (format!("{:.1} NM", shown.distance_nm.unwrap_or(f64::NAN))) }
            " of " (zone) "'s sovereign airspace at " (utc(ts)) " (" (latlon(lat, lon)) ") and did not enter it."
        },
        "zone_presence" => {
            let second = evidence.get(1).map_or(ts, |p| p.ts);
            let depth = shown
                .depth_nm
                .map(|d| format!(", {d:.1} NM inside the boundary"))
                .unwrap_or_default();
            let depth = match shown.over_land {
                Some(true) => format!("{depth}, over its land territory"),
                Some(false) => format!("{depth}, over its territorial sea"),
                None => depth,
            };
            html! {
                "Aircraft " (who) " was in " (zone) "'s sovereign airspace when first seen, at " b { (utc(ts)) }
                " at " (latlon(lat, lon)) (depth) ", and still inside at its next trusted position ("
                (utc(second)) "). Its entry was not observed: this page states presence, not a crossing."
            }
        }
        "orbit" | "survey" => match &shown.episode {
            Some((start, end, what)) => html! {
                "Aircraft " (who) " flew a " (what) " from " b { (utc(*start)) } " to " (utc(*end))
                ", centred at " (latlon(lat, lon)) ": " (places_sentence(&shown.places)) "."
            },
            None => html! {},
        },
        _ => {
            let verb = match kind {
                "zone_exit" => "left",
                "zone_transit" => "crossed into",
                _ => "entered",
            };
            html! {
                "Aircraft " (who) " " (verb) " " (zone) "'s sovereign airspace at " b { (utc(ts)) }
                " (± " (uncertainty(shown.uncertainty_s.unwrap_or(0.0))) ") at " (latlon(lat, lon))
                ", between trusted positions received at " (utc(shown.ts_before.unwrap_or(ts)))
                " and " (utc(shown.ts_after.unwrap_or(ts))) "."
                @if let Some(t) = shown.time_inside_s {
                    " Time inside: " (duration(t)) "."
                }
            }
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
    let labels = zone_labels(&incident.zones);
    push_zones(&mut layers, &incident.zones, &labels);
    layers.push(Layer::Line {
        points: near.iter().map(|p| (p.lat, p.lon)).collect(),
        stroke: "#0a58ca",
        width: 2.0,
        label: "flight track (trusted positions)",
    });
    // Multilaterated positions: their 95 % error ellipses.
    let ellipses: Vec<Vec<(f64, f64)>> = evidence
        .iter()
        .filter_map(|p| match &p.method {
            PositionMethod::Mlat { error_95, .. } => Some(crate::map::ellipse_outline(
                p.latitude,
                p.longitude,
                error_95.semi_major_m,
                error_95.semi_minor_m,
                error_95.orientation_deg,
            )),
            _ => None,
        })
        .collect();
    if !ellipses.is_empty() {
        layers.push(Layer::Outlines {
            outlines: ellipses,
            stroke: "#6a1b9a",
            label: "95 % error of each multilaterated position",
        });
    }
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

    // Timeline rows in time order: (time, bold, what, where).
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
        _ if crate::dark::timeline(e).is_some() => rows.push((
            ts,
            true,
            crate::dark::timeline(e).unwrap_or_default(),
            latlon(lat, lon),
        )),
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

    let flight = incident.flight.and_then(|r| match &r.body {
        EventBody::Flight(f) => Some((r, f)),
        _ => None,
    });
    let receiver = incident.receiver.unwrap_or("");
    // The first evidence position's frames, for the pyModeS recipe.
    let pair: Vec<&str> = match evidence.first().map(|p| &p.method) {
        Some(PositionMethod::CprPair { frames } | PositionMethod::CprLocal { frames }) => {
            frames.iter().map(|f| f.hex.as_str()).collect()
        }
        _ => Vec::new(),
    };

    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                // A file opened from disk has no HTTP headers: the page carries its own policy
                // (no script at all; only its inline style).
                meta http-equiv="Content-Security-Policy" content=(PAGE_CSP);
                title { (title) " — " (who) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                h1 { (title) }
                p.muted { (who) " · event of type " code { (kind) } " · flight " code { (e.flight_id) } }
                p.lead { (lead) }
                h2 { "Map" }
                (map)
                p.muted { "Drawn by vigia from the bundled boundary polygons (OpenStreetMap, ODbL) and the flight's trusted positions. P1, P2: the positions the event rests on." }

                h2 { "Timeline" }
                table {
                    tr { th { "time (UTC)" } th { "what" } th { "where" } }
                    @for (t, bold, what, place) in &rows {
                        tr {
                            @if *bold {
                                td { b { (utc(*t)) } } td { b { (what) } }
                            } @else {
                                td { (utc(*t)) } td { (what) }
                            }
                            td { (place) }
                        }
                    }
                }

                h2 { "Identity and reasons" }
                @match flight {
                    Some((record, f)) => {
                        table {
                            tr { th { "ICAO address" } td { code { (e.icao24) } } }
                            tr { th { "callsigns" } td { (f.callsigns.join(", ")) } }
                            tr { th { "registered in (address block)" } td { (f.country.as_deref().unwrap_or("")) } }
                            tr { th { "military" } td { (if f.military { "yes" } else { "no" }) } }
                            @for (key, value) in [("registration", &f.registration), ("type", &f.type_designator), ("operator", &f.operator)] {
                                @if let Some(v) = value {
                                    tr { th { (key) } td { (v) } }
                                }
                            }
                            tr { th { "surveillance score" } td { b { (format!("{:.2}", record.score.unwrap_or(0.0))) } } }
                        }
                        @if f.reasons.is_empty() {
                            p { "No surveillance indicator." }
                        } @else {
                            ul {
                                @for r in &f.reasons {
                                    li { (r.text) " (weight " (format!("{:.2}", r.weight)) ")" }
                                }
                            }
                        }
                    }
                    None => {
                        p { "The flight's record is not available (the flight may still be in progress)." }
                    }
                }

                h2 { "Evidence" }
                @if evidence.is_empty() {
                    p { "This event is a pattern of the flight's whole track: it rests on the flight's trusted positions (drawn above, kept in the store with the flight), not on two positions around a boundary." }
                } @else {
                    p { "The positions this event rests on, and the raw Mode S frames (hex, as received) each was decoded from." }
                }
                @if let Some(claim) = mlat_claim(e) {
                    p {
                        b { "Multilaterated positions. " }
                        "The aircraft broadcast no position here: each position was located from the arrival times of one Mode S reply at several synchronised receivers (each receiver's raw counter reading is listed). "
                        @if claim.confidence == "observed" {
                            "Every one lies farther from the boundary than its 95 % error (" (format!("{:.0} m", claim.uncertainty_m)) "; " (format!("{:.1}", claim.clearance)) " times that error away): the claim holds whatever the error. "
                        } @else {
                            b { "Possible only: " }
                            "a position lies within " (format!("{:.1}", claim.clearance)) " times its 95 % error (" (format!("{:.0} m", claim.uncertainty_m)) ") of the boundary, so the error could put it on the other side. "
                        }
                        "The dashed outlines on the map are those errors, to scale."
                    }
                }
                table {
                    tr { th { "position" } th { "received (UTC)" } th { "frame (hex)" } th { "receiver / source" } }
                    @for (k, p) in evidence.iter().enumerate() {
                        @match &p.method {
                            PositionMethod::Report { source } => {
                                tr {
                                    td { "P" (k + 1) }
                                    td { (utc(p.ts)) }
                                    td { "(decoded archive row)" }
                                    td { (source.file) " record " (source.record) }
                                }
                            }
                            PositionMethod::Mlat { frames, receivers, error_95, solution } => {
                                @for fr in frames {
                                    tr {
                                        td { "P" (k + 1) }
                                        td { (utc(fr.ts)) " " span.muted { "(" (format!("{:.6}", fr.ts)) ")" } }
                                        td { code { (fr.hex) } }
                                        td {
                                            "MLAT, 95 % error " (format!("{:.0} × {:.0} m", error_95.semi_major_m, error_95.semi_minor_m))
                                            " (this reply alone: " (format!("{:.5}, {:.5} ± {:.0} m", solution.latitude, solution.longitude, solution.error_95_m)) "): "
                                            @for (i, r) in receivers.iter().enumerate() {
                                                @if i > 0 { ", " }
                                                (r.receiver) " @" (r.ticks)
                                            }
                                        }
                                    }
                                }
                            }
                            PositionMethod::CprPair { frames } | PositionMethod::CprLocal { frames } => {
                                @for fr in frames {
                                    tr {
                                        td { "P" (k + 1) }
                                        td { (utc(fr.ts)) " " span.muted { "(" (format!("{:.6}", fr.ts)) ")" } }
                                        td { code { (fr.hex) } }
                                        td { (receiver) }
                                    }
                                }
                            }
                        }
                    }
                }

                h2 { "How to verify independently" }
                ol {
                    li { "Check each frame's parity and decode it with another decoder, e.g. pyModeS: " code { "pyModeS.crc(msg)" } " is 0 for an intact DF17/18 frame; " code { "pyModeS.adsb.icao(msg)" } " gives the address." }
                    @if pair.len() == 2 {
                        li { "Recompute P1 from its even/odd pair: " code { "pyModeS.adsb.position(\"" (pair[0]) "\", \"" (pair[1]) "\", t0, t1)" } " with the two receive times above (order the arguments even, odd as their CPR format bit says)." }
                    }
                    li { "Test the positions against the boundary: " code { "vigia zones classify --zones " (zone) } " with " code { "lat,lon" } " lines, or load " code { "vigia zones export --zones " (zone) } " into QGIS." }
                    @match kind {
                        "zone_entry" | "zone_exit" | "zone_transit" => {
                            li { "The crossing time is interpolated along the great circle between the two positions; its uncertainty is the time between them." }
                        }
                        "zone_presence" => {
                            li { "Both positions lie inside the boundary; the flight was not heard before the first, so when and where it entered is not known." }
                        }
                        _ => {}
                    }
                }
                p.muted { "Generated by " (incident.generator) " from open ADS-B broadcasts. Boundaries © OpenStreetMap contributors (ODbL)." }
            }
        }
    };
    page.into_string()
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
                centre_over_land: Some(true),
                centre_land_distance_nm: Some(64.8),
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
        assert!(html.contains("entirely inside MEX, its centre 120.0 NM inside the boundary, over MEX's land territory 64.8 NM (120 km) from its coast or land border"), "{html}");
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
        assert!(html.contains("4.2 NM inside the boundary, over its territorial sea"));
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
    fn everything_from_the_event_is_escaped_on_every_page() {
        // Every field that comes from input — zone, callsign, flight record, evidence frames,
        // source file, receiver, generator — carries markup, on every event type's page.
        let evil = "MX<img src=x onerror=alert(1)>";
        let mut flight = vigia_detect::contract::samples::record("flight", Some(evil), 1.0);
        if let EventBody::Flight(f) = &mut flight.body {
            f.callsigns = vec!["<b>x</b>".into()];
            f.country = Some("<i>".into());
            f.registration = Some("\"><svg onload=1>".into());
            f.operator = Some("<iframe>".into());
            f.reasons = vec![vigia_detect::contract::ReasonRecord {
                code: "<x>".into(),
                text: "<script>alert(1)</script>".into(),
                weight: 0.5,
            }];
        }
        for kind in [
            "zone_entry",
            "zone_exit",
            "zone_presence",
            "zone_transit",
            "closest_approach",
            "orbit",
            "survey",
        ] {
            let mut event = vigia_detect::contract::samples::record(kind, Some(evil), 1.0);
            event.callsign = Some("<script>".into());
            event.flight_id = "</code><img>".into();
            if let EventBody::Orbit(o) = &mut event.body {
                o.zones = vec![PlaceRecord {
                    zone: evil.into(),
                    relation: "inside".into(),
                    time_inside_s: 900.0,
                    share_inside: 1.0,
                    centre_inside: true,
                    centre_distance_nm: Some(3.0),
                    centre_over_land: Some(true),
                    centre_land_distance_nm: Some(2.0),
                }];
            }
            let mp = MultiPolygon::default();
            let html = render(&Incident {
                event: &event,
                flight: Some(&flight),
                track: &[],
                zones: vec![ZoneShape {
                    name: evil,
                    geometry: &mp,
                }],
                receiver: Some("<marquee>"),
                generator: "<blink>",
            });
            for tag in [
                "<img",
                "<script",
                "<svg onload",
                "<iframe",
                "<marquee",
                "<blink",
                "<i>",
                "<b>x",
            ] {
                assert!(!html.contains(tag), "{kind}: {tag} in {html}");
            }
            assert!(html.contains("&lt;img"), "{kind}");
            assert!(html.contains("Content-Security-Policy"), "{kind}");
        }
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
