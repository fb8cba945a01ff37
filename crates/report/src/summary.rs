//! The end-of-run summary of an analysis (`vigia analyze`): a few lines for the terminal and a
//! Markdown report an analyst can attach — counts, every sovereignty event with its evidence
//! frames, orbits and surveys, and the flights that scored as surveillance-like with their
//! reasons. Fed event by event as they stream out, so it holds lines, not events.

use std::collections::BTreeMap;
use std::fmt::Write;

use vigia_detect::{AnalyzerStats, Event, EventKind, ZonePlace};

use crate::time::utc;

/// The counts of one analysis run that the analyzer does not keep.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunCounts {
    /// Records read (frames and reports).
    pub records: u64,
    /// Input records rejected by the framers.
    pub malformed: u64,
    /// Frames without a usable time.
    pub untimed: u64,
    /// Events by type.
    pub events: BTreeMap<&'static str, u64>,
}

/// Flights at or above this score are listed as surveillance-like: the one line of
/// [`vigia_detect::score::SURVEILLANCE_LIKE`].
pub const LISTED_SCORE: f64 = vigia_detect::score::SURVEILLANCE_LIKE;

/// What the run found, gathered as events stream out.
#[derive(Default)]
pub struct Summary {
    zone_events: Vec<String>,
    behaviour: Vec<String>,
    flights: Vec<(f64, String)>,
    total: u64,
    totals: String,
    inputs: Vec<String>,
    zones: String,
}

fn who(e: &Event) -> String {
    match e.callsign {
        Some(c) => format!("{} ({})", e.icao24, c),
        None => e.icao24.to_string(),
    }
}

fn frames(p: &vigia_detect::PositionEvidence) -> String {
    let list: Vec<String> = p
        .evidence
        .frames()
        .map(|f| format!("`{}`", f.hex()))
        .collect();
    if list.is_empty() {
        "archive row".to_string()
    } else {
        list.join(" ")
    }
}

/// Where an episode's centre is relative to the country's land: `, over MEX's land territory
/// 64.8 NM (120 km) from its coast or land border`, `, over water 3.0 NM (6 km) off MEX's land`,
/// or nothing when unknown.
pub(crate) fn land_phrase(zone: &str, over_land: Option<bool>, distance_nm: Option<f64>) -> String {
    match (over_land, distance_nm) {
        (Some(true), Some(d)) => format!(
            ", over {zone}'s land territory {d:.1} NM ({:.0} km) from its coast or land border",
            d * 1.852
        ),
        (Some(false), Some(d)) => {
            format!(
                ", over water {d:.1} NM ({:.0} km) off {zone}'s land",
                d * 1.852
            )
        }
        _ => String::new(),
    }
}

/// Where an episode lies: `inside MEX, centre 120.3 NM from the boundary; outside USA, 80.1 NM`.
fn places(places: &[ZonePlace]) -> String {
    let all: Vec<String> = places
        .iter()
        .map(|p| {
            let relation = match p.share_inside {
                s if s >= 1.0 => "inside".to_string(),
                s if s > 0.0 => format!("{:.0} % inside", s * 100.0),
                _ => "outside".to_string(),
            };
            let land = land_phrase(&p.zone, p.centre_over_land, p.centre_land_distance_nm);
            match p.centre_distance_nm {
                Some(d) => format!(
                    "{relation} {}, centre {d:.1} NM {} its boundary{land}",
                    p.zone,
                    if p.centre_inside { "inside" } else { "outside" }
                ),
                None => format!("{relation} {}{land}", p.zone),
            }
        })
        .collect();
    if all.is_empty() {
        "no zone watched".into()
    } else {
        all.join("; ")
    }
}

impl Summary {
    /// Events seen.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Take note of one event.
    pub fn add(&mut self, e: &Event) {
        self.total += 1;
        match &e.kind {
            EventKind::ZoneEntry(z) => self.zone_events.push(format!(
                "| {} | entry | {} | {} | {:.4}, {:.4} | ±{:.0} s | {} → {} |",
                utc(z.crossing.ts), z.zone, who(e), z.crossing.latitude, z.crossing.longitude,
                z.crossing.uncertainty_s, frames(&z.before), frames(&z.after)
            )),
            EventKind::ZonePresence(p) => self.zone_events.push(format!(
                "| {} | presence (entry not observed){} | {} | {} | {:.4}, {:.4} | | {} → {} |",
                utc(p.first.ts),
                p.depth_nm.map(|d| format!(", {d:.1} NM inside")).unwrap_or_default(),
                p.zone, who(e), p.first.lat, p.first.lon, frames(&p.first), frames(&p.second)
            )),
            EventKind::ZoneExit { crossing: z, time_inside_s, depth, .. } => self.zone_events.push(format!(
                "| {} | exit after {:.0} min{} | {} | {} | {:.4}, {:.4} | ±{:.0} s | {} → {} |",
                utc(z.crossing.ts), time_inside_s / 60.0,
                depth.map(|d| format!(", at most {:.1} NM inside", d.max_nm)).unwrap_or_default(),
                z.zone, who(e), z.crossing.latitude,
                z.crossing.longitude, z.crossing.uncertainty_s, frames(&z.before), frames(&z.after)
            )),
            EventKind::ZoneTransit { entry, exit } => self.zone_events.push(format!(
                "| {} | transit ({:.0} s inside) | {} | {} | {:.4}, {:.4} | ±{:.0} s | {} → {} |",
                utc(entry.crossing.ts), exit.crossing.ts - entry.crossing.ts, entry.zone, who(e),
                entry.crossing.latitude, entry.crossing.longitude, entry.crossing.uncertainty_s,
                frames(&entry.before), frames(&entry.after)
            )),
            EventKind::ClosestApproach(a) => self.zone_events.push(format!(
                "| {} | closest approach {:.1} NM | {} | {} | {:.4}, {:.4} | | {} → {} |",
                utc(a.approach.ts), a.approach.distance_nm, a.zone, who(e), a.approach.latitude,
                a.approach.longitude, frames(&a.before), frames(&a.after)
            )),
            EventKind::InferredCrossing(c) => self.zone_events.push(format!(
                "| {} | inferred {} across a {:.0} s gap (not observed) | {} | {} | {:.4}, {:.4} | ±{:.0} s | {} → {} |",
                utc(c.ts),
                match c.direction { vigia_zones::Direction::Entry => "entry", vigia_zones::Direction::Exit => "exit" },
                c.gap_s, c.zone, who(e), c.lat, c.lon, (c.ts - c.before.ts).max(c.after.ts - c.ts),
                frames(&c.before), frames(&c.after)
            )),
            EventKind::AppearedInside(a) => self.zone_events.push(format!(
                "| {} | first heard inside{}, {:.1} % covered (entry not observed) | {} | {} | {:.4}, {:.4} | | {} |",
                utc(a.first.ts),
                a.depth_nm.map(|d| format!(", {d:.1} NM")).unwrap_or_default(),
                100.0 * a.coverage, a.zone, who(e), a.first.lat, a.first.lon, frames(&a.first)
            )),
            EventKind::SignalLost(l) => self.behaviour.push(format!(
                "- {} went dark ({}) at {} in covered airspace (≥ {:.1} % of broadcasts heard along its path, {:.0} % heard the minute before){}",
                who(e), l.kind.name(), utc(l.since),
                100.0 * l.path.iter().map(|p| p.coverage).fold(1.0, f64::min),
                100.0 * l.reliability,
                l.boundary.as_ref().map(|b| format!(", {:.1} NM {} {}", b.distance_nm, if b.inside { "inside" } else { "outside" }, b.zone)).unwrap_or_default()
            )),
            EventKind::SignalRegained(r) => self.behaviour.push(format!(
                "- {} heard again at {} after {:.0} s, {:.1} NM from where it went dark",
                who(e), utc(r.after.ts), r.gap_s, r.distance_nm
            )),
            EventKind::Orbit(o) => self.behaviour.push(format!(
                "- {} {} ({}): {} for {:.0} min from {}, {:.1} turns, radius {:.1} NM around {:.4}, {:.4}; {}",
                who(e),
                match o.shape { vigia_detect::orbit::OrbitShape::Circle => "orbit", _ => "racetrack" },
                match o.pattern {
                    vigia_detect::orbit::OrbitPattern::Station => "on station",
                    vigia_detect::orbit::OrbitPattern::Thermal => "thermalling, not surveillance",
                    vigia_detect::orbit::OrbitPattern::TightTurns => "tight turns, not surveillance",
                    vigia_detect::orbit::OrbitPattern::Holding => "holding pattern, not surveillance",
                },
                if o.clockwise { "right-hand" } else { "left-hand" },
                o.duration_s() / 60.0, utc(o.start_ts), o.turns, o.radius_m / 1852.0,
                o.centre_lat, o.centre_lon, places(&e.places)
            )),
            EventKind::Survey(s) => self.behaviour.push(format!(
                "- {} survey grid: {} legs {:.1} NM apart, from {} for {:.0} min around {:.4}, {:.4}; {}",
                who(e), s.legs, s.spacing_m / 1852.0, utc(s.start_ts),
                (s.end_ts - s.start_ts) / 60.0, s.centre_lat, s.centre_lon, places(&e.places)
            )),
            EventKind::Flight(f) if f.score >= LISTED_SCORE => {
                let reasons: Vec<&str> = f.reasons.iter().map(|r| r.text.as_str()).collect();
                let zones: Vec<String> = f
                    .zones
                    .iter()
                    .map(|z| format!("{} {:.0} min", z.zone, z.time_inside_s / 60.0))
                    .collect();
                self.flights.push((
                    f.score,
                    format!(
                        "| {:.2} | {} | {} – {} | {} | {} | {} |",
                        f.score, who(e), utc(f.start_ts), utc(f.end_ts),
                        f.identity.country.as_deref().unwrap_or("?"),
                        reasons.join("; "),
                        if zones.is_empty() { "none".to_string() } else { zones.join(", ") }
                    ),
                ));
            }
            _ => {}
        }
    }

    /// Record the run's totals.
    pub fn set_totals(
        &mut self,
        n: &RunCounts,
        detect: AnalyzerStats,
        elapsed_s: f64,
        inputs: &[String],
        zones: &str,
    ) {
        self.inputs = inputs.to_vec();
        self.zones = zones.to_string();
        let events: Vec<String> = n.events.iter().map(|(k, v)| format!("{k} {v}")).collect();
        self.totals = format!(
            "records {} ({} malformed, {} untimed), trusted positions {}, rejected positions {}, flights {}\n\
             events: {}\n\
             elapsed {:.2} s, {:.0} records/s\n",
            n.records, n.malformed, n.untimed, detect.positions, detect.rejected, detect.flights,
            if events.is_empty() { "none".to_string() } else { events.join(", ") },
            elapsed_s, n.records as f64 / elapsed_s.max(1e-9),
        );
    }

    /// The few lines printed on the terminal.
    pub fn human(&self) -> String {
        let mut s = self.totals.clone();
        let sovereignty = self
            .zone_events
            .iter()
            .filter(|l| !l.contains("closest approach"))
            .count();
        let _ = writeln!(
            s,
            "sovereignty events {sovereignty}, surveillance-like flights (score ≥ {LISTED_SCORE}) {}",
            self.flights.len()
        );
        s
    }

    /// The Markdown report.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# vigia analysis\n");
        let _ = writeln!(
            s,
            "Inputs: {}  \nZones: {}\n",
            self.inputs.join(", "),
            self.zones
        );
        let _ = writeln!(s, "```\n{}```\n", self.totals);
        let _ = writeln!(s, "## Zone events\n");
        if self.zone_events.is_empty() {
            let _ = writeln!(s, "None.\n");
        } else {
            let _ = writeln!(s, "| time (UTC) | event | zone | aircraft | where | uncertainty | evidence frames (before → after) |");
            let _ = writeln!(s, "|---|---|---|---|---|---|---|");
            for l in &self.zone_events {
                let _ = writeln!(s, "{l}");
            }
            let _ = writeln!(s);
        }
        let _ = writeln!(s, "## Orbits and surveys\n");
        if self.behaviour.is_empty() {
            let _ = writeln!(s, "None.\n");
        } else {
            for l in &self.behaviour {
                let _ = writeln!(s, "{l}");
            }
            let _ = writeln!(s);
        }
        let _ = writeln!(s, "## Surveillance-like flights (score ≥ {LISTED_SCORE})\n");
        if self.flights.is_empty() {
            let _ = writeln!(s, "None.\n");
        } else {
            let _ = writeln!(
                s,
                "| score | aircraft | time (UTC) | registered in | reasons | time in zones |"
            );
            let _ = writeln!(s, "|---|---|---|---|---|---|");
            let mut flights = self.flights.clone();
            flights.sort_by(|a, b| b.0.total_cmp(&a.0));
            for (_, l) in &flights {
                let _ = writeln!(s, "{l}");
            }
            let _ = writeln!(s);
        }
        let _ = writeln!(
            s,
            "## How to verify\n\nEvery zone event cites the two trusted positions that bracket it and the raw \
             Mode S frames (hex) they were decoded from. Decode those frames with any decoder (pyModeS, rs1090, \
             dump1090) to recover the positions, then test them against the zone polygon \
             (`vigia zones classify`, or any GIS tool with the bundled GeoJSON from `vigia zones export`)."
        );
        s
    }
}
