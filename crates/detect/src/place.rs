//! Where a flight's samples lie relative to a zone: how deep inside a stretch went
//! ([`depth`]), and how an episode sits relative to a zone ([`place`]).
//!
//! Distances to the boundary come from `vigia-zones` (ellipsoidal, exact nearest point), asked
//! only where they can change the answer: the greatest depth is searched with the bound
//! `depth(q) ≤ depth(p) + |pq|` (the triangle inequality), so a sample is measured only when
//! it could be deeper than the deepest so far by more than the precision — 1 % of the depth, at
//! least 0.5 NM. Containment is exact (the zone's grid). For a sovereign zone bundled with its
//! land polygon, both also say whether the flight reached land territory (every sample inside is
//! tested) and how far an episode's centre is from the coast or land border.

use vigia_zones::{ZoneId, ZoneIndex};

use crate::event::{Depth, LandReach, ZonePlace};
use crate::geometry::distance_m;
use crate::sample::Sample;

const M_PER_NM: f64 = 1852.0;

/// The greatest depth inside `zone` among `samples` that lie inside it.
pub fn depth(zones: &ZoneIndex, zone: ZoneId, samples: &[Sample]) -> Option<Depth> {
    let mut best: Option<Depth> = None;
    // The last measured sample and its depth.
    let mut measured: Option<(&Sample, f64)> = None;
    for s in samples {
        if let (Some((p, d)), Some(b)) = (measured, best) {
            let bound = d + distance_m(p.lat, p.lon, s.lat, s.lon) / M_PER_NM;
            if bound <= b.max_nm + (0.01 * b.max_nm).max(0.5) {
                continue;
            }
        }
        if !zones.contains(zone, s.lat, s.lon) {
            continue;
        }
        let Some(d) = zones.distance_to_boundary_nm(zone, s.lat, s.lon) else {
            continue;
        };
        measured = Some((s, d));
        if best.is_none_or(|b| d > b.max_nm) {
            best = Some(Depth {
                max_nm: d,
                ts: s.ts,
                lat: s.lat,
                lon: s.lon,
                land: None,
            });
        }
    }
    let mut best = best?;
    best.land = land_reach(zones, zone, samples);
    Some(best)
}

/// Whether the samples inside `zone` reached its country's land territory, and where first.
fn land_reach(zones: &ZoneIndex, zone: ZoneId, samples: &[Sample]) -> Option<LandReach> {
    let land = zones.land(zone)?;
    let first = samples
        .iter()
        .find(|s| land.contains(s.lat, s.lon) && zones.contains(zone, s.lat, s.lon))
        .map(|s| (s.ts, s.lat, s.lon));
    Some(LandReach {
        reached: first.is_some(),
        first,
    })
}

/// Where the episode flown through `samples` (time order), centred at `centre`, lies
/// relative to `zone`.
pub fn place(zones: &ZoneIndex, zone: ZoneId, samples: &[Sample], centre: (f64, f64)) -> ZonePlace {
    let mut time_inside_s = 0.0;
    let mut previous: Option<(f64, bool)> = None;
    for s in samples {
        let inside = zones.contains(zone, s.lat, s.lon);
        if let Some((ts, was_inside)) = previous {
            // An interval counts inside when it starts inside.
            if was_inside {
                time_inside_s += s.ts - ts;
            }
        }
        previous = Some((s.ts, inside));
    }
    let duration = match (samples.first(), samples.last()) {
        (Some(a), Some(b)) => b.ts - a.ts,
        _ => 0.0,
    };
    let centre_inside = zones.contains(zone, centre.0, centre.1);
    // Land facts for an episode that touches the zone (a country's land polygon is loaded only
    // when an event needs it).
    let land = (centre_inside || time_inside_s > 0.0)
        .then(|| zones.land(zone))
        .flatten();
    ZonePlace {
        zone: zones.name(zone).to_string(),
        time_inside_s,
        share_inside: if duration > 0.0 {
            (time_inside_s / duration).clamp(0.0, 1.0)
        } else {
            f64::from(u8::from(previous.is_some_and(|(_, inside)| inside)))
        },
        centre_inside,
        centre_distance_nm: zones.distance_to_boundary_nm(zone, centre.0, centre.1),
        centre_over_land: land.map(|l| l.contains(centre.0, centre.1)),
        centre_land_distance_nm: land.and_then(|l| l.distance_nm(centre.0, centre.1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zones() -> (ZoneIndex, ZoneId) {
        crate::testing::box_zone()
    }

    fn along(lat: f64, from_lon: f64, to_lon: f64, n: u32) -> Vec<Sample> {
        (0..=n)
            .map(|k| Sample {
                ts: f64::from(k) * 5.0,
                lat,
                lon: from_lon + (to_lon - from_lon) * f64::from(k) / f64::from(n),
                altitude_ft: None,
                segment: 0,
            })
            .collect()
    }

    #[test]
    fn the_deepest_point_of_a_crossing_is_the_middle() {
        let (index, zone) = zones();
        let samples = along(10.5, 19.5, 21.5, 400);
        let d = depth(&index, zone, &samples).unwrap();
        // The box is 60 NM wide; its middle is 30 NM from the nearest side (north/south and
        // east/west alike at 10.5 N), within the search's precision.
        assert!((d.max_nm - 30.0).abs() < 0.6, "{d:?}");
        assert!((d.lon - 20.5).abs() < 0.02, "{d:?}");
        // Every sample measured: the same answer to the precision.
        let exact = samples
            .iter()
            .filter(|s| index.contains(zone, s.lat, s.lon))
            .filter_map(|s| index.distance_to_boundary_nm(zone, s.lat, s.lon))
            .fold(0.0, f64::max);
        assert!(exact - d.max_nm <= (0.01 * exact).max(0.5), "{exact} {d:?}");
        assert_eq!(depth(&index, zone, &along(9.0, 19.0, 22.0, 50)), None);
    }

    #[test]
    fn an_episode_half_inside_says_so() {
        let (index, zone) = zones();
        let p = place(&index, zone, &along(10.5, 20.5, 21.5, 200), (10.5, 21.0));
        assert_eq!(p.zone, "BOX");
        assert!((p.share_inside - 0.5).abs() < 0.01, "{p:?}");
        assert!((p.time_inside_s - 500.0).abs() < 6.0, "{p:?}");
        let outside = place(&index, zone, &along(9.0, 20.0, 21.0, 10), (9.0, 20.5));
        assert_eq!(outside.share_inside, 0.0);
        assert!(!outside.centre_inside);
        // 1° of latitude south of the box: 60 NM.
        assert!((outside.centre_distance_nm.unwrap() - 60.0).abs() < 0.5);
    }

    #[test]
    fn a_stretch_in_a_sovereign_zone_says_whether_it_reached_land() {
        let set = vigia_zones::ZoneSet::parse_spec("MEX").unwrap();
        let index = ZoneIndex::new(&set);
        let mex = index.id("MEX").unwrap();
        // From the territorial sea off Ensenada east over Baja California.
        let samples = along(31.80, -116.80, -116.40, 40);
        let d = depth(&index, mex, &samples).unwrap();
        let land = d.land.expect("MEX has a land polygon");
        assert!(land.reached);
        let (ts, lat, lon) = land.first.unwrap();
        assert!(
            ts > 0.0 && index.land(mex).unwrap().contains(lat, lon),
            "{land:?}"
        );
        // Staying at sea, inside the 12 NM line: in MEX, never over land.
        let sea = along(31.80, -116.80, -116.75, 4);
        let d = depth(&index, mex, &sea).unwrap();
        assert_eq!(d.land.map(|l| l.reached), Some(false));
        // An orbit over Sonora: its centre over land, ~90 NM from the coast.
        let p = place(
            &index,
            mex,
            &along(29.55, -110.40, -110.30, 10),
            (29.55, -110.35),
        );
        assert_eq!(p.centre_over_land, Some(true));
        assert!(
            (80.0..100.0).contains(&p.centre_land_distance_nm.unwrap()),
            "{p:?}"
        );
    }
}
