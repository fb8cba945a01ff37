//! The JSON Lines shape of `vigia decode`: one flat object per frame, snake_case keys,
//! absent fields omitted. A presentation type, kept out of the decoder on purpose.

use serde::Serialize;
use vigia_feed::StateVector;
use vigia_modes::adsb::{AircraftStatus, AirspeedKind, AltitudeSource, Me};
use vigia_modes::commb::{Bds, CommB};
use vigia_modes::cpr::{CprFormat, LatLon};
use vigia_modes::{Body, Message};

/// One output line.
#[derive(Serialize, Default)]
pub struct Row {
    ts: Option<f64>,
    icao24: String,
    df: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tc: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bds: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    callsign: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    altitude: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    geo_altitude: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    squawk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    groundspeed: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    track: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    heading: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vertical_rate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ias: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tas: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mach: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    roll: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    track_rate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    selected_altitude: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    on_ground: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cpr_format: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    longitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nic: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nac_p: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sil: Option<u8>,
    /// Comm-B replies whose register could not be told apart: the candidates.
    #[serde(skip_serializing_if = "Option::is_none")]
    bds_candidates: Option<Vec<&'static str>>,
}

fn cpr_name(f: CprFormat) -> &'static str {
    match f {
        CprFormat::Even => "even",
        CprFormat::Odd => "odd",
    }
}

impl Row {
    /// Map a decoded frame (and its resolved position, if any).
    pub fn from_message(ts: Option<f64>, msg: &Message, position: Option<LatLon>) -> Row {
        let mut r = Row {
            ts,
            icao24: msg.address.to_string(),
            df: Some(msg.df),
            latitude: position.map(|p| p.lat),
            longitude: position.map(|p| p.lon),
            ..Row::default()
        };
        match msg.body {
            Body::ShortAirAir {
                on_ground,
                altitude_ft,
            }
            | Body::LongAirAir {
                on_ground,
                altitude_ft,
            } => {
                r.on_ground = Some(on_ground);
                r.altitude = altitude_ft;
            }
            Body::SurveillanceAltitude {
                flight_status,
                altitude_ft,
            } => {
                r.on_ground = flight_status.on_ground();
                r.altitude = altitude_ft;
            }
            Body::SurveillanceIdentity {
                flight_status,
                squawk,
            } => {
                r.on_ground = flight_status.on_ground();
                r.squawk = Some(squawk.to_string());
            }
            Body::AllCall { capability, .. } => r.on_ground = capability_on_ground(capability),
            Body::ExtendedSquitter { capability, .. } => {
                r.on_ground = capability_on_ground(capability);
            }
            Body::CommBAltitude {
                flight_status,
                altitude_ft,
                commb,
                ..
            } => {
                r.on_ground = flight_status.on_ground();
                r.altitude = altitude_ft;
                r.add_commb(commb);
            }
            Body::CommBIdentity {
                flight_status,
                squawk,
                commb,
                ..
            } => {
                r.on_ground = flight_status.on_ground();
                r.squawk = Some(squawk.to_string());
                r.add_commb(commb);
            }
            _ => {}
        }
        if let Some(me) = msg.me() {
            r.add_me(me);
        }
        r
    }

    /// Map an already-decoded report (SBS, readsb, trajectory CSV).
    pub fn from_state(s: &StateVector) -> Row {
        Row {
            ts: s.ts,
            icao24: s.icao24.to_string(),
            df: None,
            callsign: s.callsign.map(|c| c.to_string()),
            altitude: s.altitude_ft.map(|a| a.round() as i32),
            geo_altitude: s.geo_altitude_ft.map(|a| a.round() as i32),
            squawk: s.squawk.map(|q| format!("{q:04o}")),
            groundspeed: s.groundspeed_kt,
            track: s.track_deg,
            vertical_rate: s.vertical_rate_fpm,
            on_ground: s.on_ground,
            latitude: s.latitude,
            longitude: s.longitude,
            ..Row::default()
        }
    }

    fn add_me(&mut self, me: &Me) {
        self.tc = Some(me.type_code());
        match me {
            Me::Identification(id) => {
                self.callsign = id.callsign.map(|c| c.to_string());
                self.category = id
                    .category_code()
                    .map(|c| String::from_utf8_lossy(&c).into_owned());
            }
            Me::SurfacePosition(p) => {
                self.on_ground = Some(true);
                self.groundspeed = p.groundspeed_kt;
                self.track = p.track_deg;
                self.cpr_format = Some(cpr_name(p.cpr.format));
            }
            Me::AirbornePosition(p) => {
                self.on_ground = Some(false);
                match p.altitude_source {
                    AltitudeSource::Barometric => self.altitude = p.altitude_ft,
                    AltitudeSource::Gnss => self.geo_altitude = p.altitude_ft,
                }
                self.cpr_format = Some(cpr_name(p.cpr.format));
                self.nic = p.nic();
            }
            Me::Velocity(v) => {
                self.groundspeed = v.groundspeed_kt;
                self.track = v.track_deg;
                self.heading = v.heading_deg;
                self.vertical_rate = v.vertical_rate_fpm.map(f64::from);
                match v.airspeed_kind {
                    AirspeedKind::Indicated => self.ias = v.airspeed_kt.map(u32::from),
                    AirspeedKind::True => self.tas = v.airspeed_kt.map(u32::from),
                }
            }
            Me::AircraftStatus(AircraftStatus::Emergency { squawk, .. }) => {
                self.squawk = Some(squawk.to_string());
            }
            Me::TargetState(t) => {
                self.selected_altitude = t.selected_altitude_ft;
                self.nac_p = Some(t.nac_p);
                self.sil = Some(t.sil);
            }
            Me::OperationalStatus(o) => {
                self.nac_p = Some(o.nac_p);
                self.sil = Some(o.sil);
            }
            _ => {}
        }
    }

    fn add_commb(&mut self, commb: CommB) {
        match commb {
            CommB::Known(bds) => {
                self.bds = Some(bds.code().as_str());
                match bds {
                    Bds::Identification(cs) => self.callsign = Some(cs.to_string()),
                    Bds::SelectedVerticalIntention(b) => {
                        self.selected_altitude = b
                            .selected_altitude_mcp_ft
                            .or(b.selected_altitude_fms_ft)
                            .map(|a| a as i32);
                    }
                    Bds::TrackAndTurn(b) => {
                        self.roll = b.roll_deg;
                        self.track = b.track_deg;
                        self.groundspeed = b.groundspeed_kt.map(f64::from);
                        self.track_rate = b.track_rate_deg_s;
                        self.tas = b.tas_kt;
                    }
                    Bds::HeadingAndSpeed(b) => {
                        self.heading = b.heading_deg;
                        self.ias = b.ias_kt;
                        self.mach = b.mach;
                        self.vertical_rate = b.baro_rate_fpm.or(b.inertial_rate_fpm).map(f64::from);
                    }
                    _ => {}
                }
            }
            CommB::Ambiguous(c) => {
                self.bds_candidates = Some(c.iter().map(|b| b.as_str()).collect());
            }
            CommB::Empty | CommB::Unknown => {}
        }
    }
}

/// On-ground state from the CA field of DF11/17: 4 ground, 5 airborne, others unknown.
fn capability_on_ground(ca: u8) -> Option<bool> {
    match ca {
        4 => Some(true),
        5 => Some(false),
        _ => None,
    }
}
