//! The tracker's settings: one serde struct with defaults, the single source of truth that the
//! CLI's flags override.
//!
//! Owns the knobs and their defaults, each with the reason for its value. It does not hold the
//! physical limits of aircraft categories (`plausibility`), which are facts rather than choices.

use serde::{Deserialize, Serialize};
use vigia_modes::cpr::LatLon;

/// Tracker settings. `TrackerConfig::default()` is what `vigia tracks` uses without flags.
///
/// ```
/// let config: vigia_track::TrackerConfig = serde_json::from_str(r#"{"trusted_after": 3}"#).unwrap();
/// assert_eq!(config.trusted_after, 3);
/// assert_eq!(config.flight_gap_s, 900.0); // the rest keep their defaults
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrackerConfig {
    /// Mutually consistent positions a track needs before any of them is trusted (readsb's
    /// reliability idea); values below 1 count as 1. Default 2: one position is never enough.
    pub trusted_after: u8,
    /// A flight ends when the aircraft has no trusted position for this long, seconds.
    /// Default 900 (15 min): longer than coverage holes over a receiver's edge, shorter than a
    /// turnaround.
    pub flight_gap_s: f64,
    /// An aircraft not heard for this long (seconds, by the stream's clock) is finalised: its
    /// flight ends and its state is dropped. Default 600. It also bounds the flight gap of an
    /// aircraft that falls silent.
    pub expire_after_s: f64,
    /// Records are held this long (seconds, by timestamp) so that frames merged from several
    /// receivers are processed in time order. Default 2. A record older than what its aircraft
    /// has already processed is late: counted, and reported when it carries a position.
    pub reorder_window_s: f64,
    /// The receiver's position, for local CPR decoding of an aircraft's first frames and of
    /// surface frames before the aircraft has a trusted position of its own.
    #[serde(with = "optional_lat_lon")]
    pub receiver: Option<LatLon>,
    /// Keep every trusted point of the current flight and hand them over with the flight when
    /// it ends. Default false: memory per aircraft stays constant.
    pub keep_points: bool,
    /// A trusted track that gets no trusted position for this long (seconds) must be confirmed
    /// again by `trusted_after` new consistent positions. Default 60: past a minute, an
    /// orbiting aircraft can be anywhere within a speed bound, so the old position validates
    /// little.
    pub retrust_after_s: f64,
    /// An aircraft that was airborne, then on the ground for at least this long (seconds),
    /// starts a new flight when it is airborne again. Default 120: the on-ground flag of real
    /// data flickers for up to a minute during a landing roll, while a turnaround on the same
    /// transponder takes much longer.
    pub ground_split_s: f64,
    /// Most aircraft held at once. Default 50 000 (a busy receiver hears 1–2 000, a network
    /// along a border several thousand): a spoofer inventing addresses cannot grow memory past
    /// it. At the limit, a tenth are finalised and dropped — those never confirmed first, then
    /// the least recently heard — and counted (`TrackStats::evicted`).
    pub max_aircraft: usize,
    /// An aircraft that never had a trusted position is dropped after this long without a
    /// record, seconds. Default 60: one heard once (a corrupted address, a spoofed one) does not
    /// stay for `expire_after_s`.
    pub unconfirmed_expire_s: f64,
    /// A flight whose last trusted position is this old (seconds, by the stream's clock) is
    /// reported once as quiet ([`crate::TrackEvent::Quiet`]), with what was still heard from
    /// the aircraft since: the start of a gap the detection stage judges against coverage.
    /// Default 60. Infinite: never.
    pub quiet_after_s: f64,
}

impl Default for TrackerConfig {
    fn default() -> Self {
        Self {
            trusted_after: 2,
            flight_gap_s: 900.0,
            expire_after_s: 600.0,
            reorder_window_s: 2.0,
            receiver: None,
            keep_points: false,
            retrust_after_s: 60.0,
            ground_split_s: 120.0,
            max_aircraft: 50_000,
            unconfirmed_expire_s: 60.0,
            quiet_after_s: 60.0,
        }
    }
}

impl TrackerConfig {
    /// `trusted_after`, at least 1.
    pub(crate) fn confirmations(&self) -> usize {
        usize::from(self.trusted_after.max(1))
    }
}

/// `receiver` as `{"lat": .., "lon": ..}` or `null`.
mod optional_lat_lon {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use vigia_modes::cpr::LatLon;

    #[derive(Serialize, Deserialize)]
    struct Position {
        lat: f64,
        lon: f64,
    }

    pub(super) fn serialize<S: Serializer>(
        value: &Option<LatLon>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value
            .map(|p| Position {
                lat: p.lat,
                lon: p.lon,
            })
            .serialize(serializer)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<LatLon>, D::Error> {
        Ok(
            Option::<Position>::deserialize(deserializer)?.map(|p| LatLon {
                lat: p.lat,
                lon: p.lon,
            }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receiver_round_trips_through_json() {
        let config = TrackerConfig {
            receiver: Some(LatLon {
                lat: 43.7,
                lon: 1.36,
            }),
            ..TrackerConfig::default()
        };
        let text = serde_json::to_string(&config).unwrap();
        assert!(
            text.contains(r#""receiver":{"lat":43.7,"lon":1.36}"#),
            "{text}"
        );
        let back: TrackerConfig = serde_json::from_str(&text).unwrap();
        assert_eq!(back, config);
        assert!(serde_json::from_str::<TrackerConfig>(r#"{"trusted":1}"#).is_err());
    }

    #[test]
    fn zero_confirmations_mean_one() {
        let config = TrackerConfig {
            trusted_after: 0,
            ..TrackerConfig::default()
        };
        assert_eq!(config.confirmations(), 1);
    }
}
