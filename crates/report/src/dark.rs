//! What the incident page says of going-dark events (`signal_lost`, `signal_regained`,
//! `inferred_crossing`, `appeared_inside`): the title, the lead and the timeline line. Every
//! claim states how strong it is — a crossing across a gap is inferred, never observed.

use maud::{html, Markup};
use vigia_detect::contract::{EventBody, EventRecord};

use crate::incident::latlon;
use crate::time::utc;

/// The page's title for a going-dark event; `None` for other events.
pub fn title(e: &EventRecord) -> Option<String> {
    Some(match &e.body {
        EventBody::SignalLost(l) => match l.kind.as_str() {
            "adsb_off" => "ADS-B positions stopped in covered airspace".to_string(),
            _ => "Signal lost in covered airspace".to_string(),
        },
        EventBody::SignalRegained(_) => "Signal regained after a gap".to_string(),
        EventBody::InferredCrossing(c) => format!(
            "Inferred {} {} sovereign airspace (not observed)",
            if c.direction == "entry" {
                "entry into"
            } else {
                "exit from"
            },
            c.zone
        ),
        EventBody::AppearedInside(a) => {
            format!("First heard inside {} sovereign airspace", a.zone)
        }
        _ => return None,
    })
}

/// The lead paragraph; `None` for other events.
pub fn lead(e: &EventRecord, who: &str) -> Option<Markup> {
    Some(match &e.body {
        EventBody::SignalLost(l) => {
            let what = match l.kind.as_str() {
                "adsb_off" => format!(
                    "stopped broadcasting its ADS-B position while still heard ({} other frames since: Mode S replies or squitters)",
                    l.other_frames
                ),
                _ => "stopped being heard altogether".to_string(),
            };
            html! {
                "Aircraft " (who) " " (what) " after its last trusted position at " b { (utc(l.since)) }
                " (" (latlon(l.latitude, l.longitude)) "). It had been heard reliably ("
                (format!("{:.0} %", 100.0 * l.reliability)) " of its position broadcasts in the minute before), and the path it was flying stays in cells where the receivers hear at least "
                (format!("{:.1} %", 100.0 * l.coverage_min)) " of broadcasts. "
                @if let (Some(z), Some(inside), Some(d)) = (&l.nearest_zone, l.inside_zone, l.boundary_distance_nm) {
                    "The last position was " (format!("{d:.1} NM")) " " (if inside { "inside" } else { "outside" }) " " (z) "'s sovereign boundary. "
                }
                "Judged at " (utc(l.noticed)) ". Coverage is what these receivers heard of other traffic: a gap is evidence of a transponder switched off, not proof."
            }
        }
        EventBody::SignalRegained(r) => html! {
            "Aircraft " (who) " was heard again at " b { (utc(r.ts_after)) } " (" (latlon(r.latitude, r.longitude)) "), "
            (format!("{:.0} s", r.gap_s)) " after its last trusted position and "
            (format!("{:.1} NM", r.distance_nm)) " from it (" (format!("{:.0} kt", r.implied_speed_kt)) " on average across the gap)."
        },
        EventBody::InferredCrossing(c) => html! {
            "Aircraft " (who) " was outside and then inside, or inside and then outside, " (c.zone)
            "'s sovereign airspace on either side of a gap in its signal: the great circle between its last position before the gap ("
            (utc(c.ts_before)) ") and its first after it (" (utc(c.ts_after)) ") crosses the boundary at " (latlon(c.latitude, c.longitude))
            ". " b { "The crossing is inferred, not observed" } ": it happened at some time within the "
            (format!("{:.0} s", c.gap_s)) " gap, by some path; the time shown assumes constant speed along the great circle (± "
            (format!("{:.0} s", c.uncertainty_s)) ")."
        },
        EventBody::AppearedInside(a) => html! {
            "Aircraft " (who) " was first heard inside " (a.zone) "'s sovereign airspace at " b { (utc(e.ts)) }
            " at " (latlon(a.latitude, a.longitude))
            @if let Some(d) = a.depth_nm { ", " (format!("{d:.1} NM")) " inside the boundary" }
            @if let Some(alt) = a.altitude { ", at " (alt) " ft" }
            ", airborne, where the receivers hear " (format!("{:.1} %", 100.0 * a.coverage))
            " of position broadcasts (at least " (format!("{:.1} %", 100.0 * a.coverage_around_min))
            " in the cells around). Its entry was not observed: it was not broadcasting its position before, or came from where nobody hears."
        },
        _ => return None,
    })
}

/// The timeline's line for the event itself; `None` for other events.
pub fn timeline(e: &EventRecord) -> Option<String> {
    Some(match &e.body {
        EventBody::SignalLost(l) => format!("last trusted position before the gap ({})", l.kind),
        EventBody::SignalRegained(r) => format!("heard again after {:.0} s", r.gap_s),
        EventBody::InferredCrossing(c) => {
            format!(
                "boundary crossed ({}), inferred within the gap",
                c.direction
            )
        }
        EventBody::AppearedInside(_) => "first heard, inside the zone".to_string(),
        _ => return None,
    })
}
