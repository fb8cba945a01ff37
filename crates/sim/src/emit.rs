//! The transponder: what one aircraft transmits during its flight, and when.
//!
//! Owns the schedule (DO-260B §2.2.3.3.1 rates, with the random ±0.1 s spread real
//! transponders add so that two aircraft do not stay in step): airborne or surface position
//! and airborne velocity every 0.4–0.6 s, positions alternating even/odd; identification
//! and aircraft status every 4.8–5.2 s; operational status every 2.4–2.6 s; DF11
//! acquisition squitters every 0.8–1.2 s; surveillance and Comm-B replies at random times
//! at the rates the scenario gives (Poisson: ground radars' interrogations). It also owns
//! the faults a transmitter commits: spoofed and displaced positions. The frames are built
//! with [`vigia_modes::encode`]. Reception (range, loss, noise) is [`crate::receive`].

use vigia_modes::adsb::{
    AirbornePosition, AircraftStatus, AirspeedKind, AltitudeSource, Identification,
    OperationalStatus, SurfacePosition, Velocity,
};
use vigia_modes::commb::{HeadingAndSpeed, TrackAndTurn};
use vigia_modes::cpr::{self, CprFormat};
use vigia_modes::encode::{adsb, commb, frame, EncodeError};
use vigia_modes::message::FlightStatus;
use vigia_modes::IcaoAddress;

use crate::atmosphere;
use crate::flight::{Flight, State};
use crate::frame::{Content, Emission, FrameFault, Register};
use crate::geo::{destination, Point, METRES_PER_NM, MPS_PER_KT};
use crate::rng::Rng;
use crate::scenario::{Aircraft, Fault, SpoofMode, Transmit};

/// Standard pressure setting sent in BDS 4,0, hPa.
const STANDARD_BARO_HPA: f64 = 1013.2;

/// Everything one aircraft transmits, in time order.
pub fn transmit(
    aircraft: &Aircraft,
    flight: &Flight,
    faults: &[Fault],
    seed: u64,
) -> Result<Vec<Emission>, EncodeError> {
    let tx = Transmitter {
        aircraft,
        address: aircraft.icao24,
    };
    let mut rng = Rng::stream(seed, &format!("tx:{}", aircraft.icao24));
    let (start, end) = (flight.start_s(), flight.end_s());
    let mut out = Vec::new();
    let spoofs: Vec<Spoof> = faults
        .iter()
        .filter_map(|f| match *f {
            Fault::Spoof {
                aircraft: a,
                start_s,
                end_s,
                distance_nm,
                bearing_deg,
                mode,
            } if a == aircraft.icao24 => Some(Spoof {
                start_s,
                end_s,
                offset: Offset::new(distance_nm, bearing_deg),
                mode,
            }),
            _ => None,
        })
        .collect();
    let mut displaced: Vec<(f64, Offset)> = faults
        .iter()
        .filter_map(|f| match *f {
            Fault::DisplacedPosition {
                aircraft: a,
                at_s,
                distance_nm,
                bearing_deg,
            } if a == aircraft.icao24 => Some((at_s, Offset::new(distance_nm, bearing_deg))),
            _ => None,
        })
        .collect();
    displaced.sort_by(|a, b| b.0.total_cmp(&a.0)); // pop() takes the earliest

    if aircraft.transponder.adsb {
        let mut odd = false;
        for t in periodic(&mut rng, start, end, 0.4, 0.6) {
            let Some(state) = flight.at(t) else { continue };
            let mut at = state.position;
            let mut fault = None;
            let replaced = spoofs
                .iter()
                .find(|w| w.mode == SpoofMode::Replace && w.covers(t));
            if let Some(w) = replaced {
                at = w.offset.apply(at);
                fault = Some(FrameFault::Spoofed);
            } else if displaced.last().is_some_and(|d| d.0 <= t) {
                if let Some((_, offset)) = displaced.pop() {
                    at = offset.apply(at);
                    fault = Some(FrameFault::Displaced);
                }
            }
            out.push(tx.position(&state, at, odd, fault)?);
            odd = !odd;
        }
        for w in spoofs.iter().filter(|w| w.mode == SpoofMode::Interleave) {
            // A second transmitter with its own schedule and its own even/odd sequence.
            let mut odd = false;
            for t in periodic(&mut rng, w.start_s.max(start), w.end_s.min(end), 0.4, 0.6) {
                let Some(state) = flight.at(t) else { continue };
                let at = w.offset.apply(state.position);
                out.push(tx.position(&state, at, odd, Some(FrameFault::Spoofed))?);
                odd = !odd;
            }
        }
        for t in periodic(&mut rng, start, end, 0.4, 0.6) {
            if let Some(state) = flight.at(t).filter(|s| !s.on_ground) {
                out.push(tx.velocity(&state)?);
            }
        }
        for t in periodic(&mut rng, start, end, 4.8, 5.2) {
            if let Some(state) = flight.at(t) {
                out.push(tx.identification(&state)?);
            }
        }
        for t in periodic(&mut rng, start, end, 2.4, 2.6) {
            if let Some(state) = flight.at(t) {
                out.push(tx.operational_status(&state)?);
            }
        }
        if aircraft.squawk.is_some() {
            for t in periodic(&mut rng, start, end, 4.8, 5.2) {
                if let Some(state) = flight.at(t) {
                    out.push(tx.aircraft_status(&state)?);
                }
            }
        }
    }
    if aircraft.transponder.acquisition_squitter {
        for t in periodic(&mut rng, start, end, 0.8, 1.2) {
            if let Some(state) = flight.at(t) {
                let capability = if state.on_ground { 4 } else { 5 };
                let bytes = frame::df11(tx.address, capability, 0)?;
                out.push(tx.short(&state, bytes, Content::AllCall { capability }));
            }
        }
    }
    let rate = aircraft.transponder.surveillance_per_s;
    if rate > 0.0 {
        for t in poisson(&mut rng, start, end, rate) {
            if let Some(state) = flight.at(t) {
                let altitude_ft = Some(state.altitude_ft.round() as i32);
                let bytes = frame::df4(tx.address, flight_status(&state), altitude_ft)?;
                out.push(tx.short(&state, bytes, Content::SurveillanceAltitude { altitude_ft }));
            }
        }
        if let Some(squawk) = aircraft.squawk {
            for t in poisson(&mut rng, start, end, rate) {
                if let Some(state) = flight.at(t) {
                    let bytes = frame::df5(tx.address, flight_status(&state), squawk)?;
                    out.push(tx.short(&state, bytes, Content::SurveillanceIdentity { squawk }));
                }
            }
        }
    }
    let rate = aircraft.transponder.commb_per_s;
    if rate > 0.0 {
        let mut turn = 0usize;
        for t in poisson(&mut rng, start, end, rate) {
            let Some(state) = flight.at(t).filter(|s| !s.on_ground) else {
                continue;
            };
            let registers = tx.registers(&state);
            let Some(&register) = registers.get(turn % registers.len().max(1)) else {
                continue;
            };
            out.push(tx.commb(&state, register, turn % 2 == 1)?);
            turn += 1;
        }
    }
    // Legs flown with ADS-B or the whole transponder switched off.
    out.retain(|e| {
        let leg = flight.at(e.t).map(|s| s.leg);
        match leg
            .and_then(|l| aircraft.legs.get(l))
            .and_then(|l| l.transmit)
        {
            Some(Transmit::None) => false,
            Some(Transmit::ModeS) => e.bytes[0] >> 3 != 17,
            Some(Transmit::All) | None => true,
        }
    });
    out.sort_by(|a, b| a.t.total_cmp(&b.t));
    Ok(out)
}

/// A spoofing window.
struct Spoof {
    start_s: f64,
    end_s: f64,
    offset: Offset,
    mode: SpoofMode,
}

impl Spoof {
    fn covers(&self, t: f64) -> bool {
        (self.start_s..self.end_s).contains(&t)
    }
}

/// A displacement: so far, that way.
#[derive(Clone, Copy)]
struct Offset {
    distance_m: f64,
    bearing_deg: f64,
}

impl Offset {
    fn new(distance_nm: f64, bearing_deg: f64) -> Self {
        Self {
            distance_m: distance_nm * METRES_PER_NM,
            bearing_deg,
        }
    }

    fn apply(self, p: Point) -> Point {
        destination(p, self.bearing_deg, self.distance_m)
    }
}

/// Times from `start` to `end`, the first within one period, the next each a random
/// `low..high` seconds after the last.
fn periodic(rng: &mut Rng, start: f64, end: f64, low: f64, high: f64) -> Vec<f64> {
    let mut times = Vec::new();
    let mut t = start + rng.uniform(0.0, high);
    while t <= end {
        times.push(t);
        t += rng.uniform(low, high);
    }
    times
}

/// Poisson arrivals at `rate` per second from `start` to `end`.
fn poisson(rng: &mut Rng, start: f64, end: f64, rate: f64) -> Vec<f64> {
    let mut times = Vec::new();
    let mut t = start + rng.exponential(rate);
    while t <= end {
        times.push(t);
        t += rng.exponential(rate);
    }
    times
}

fn flight_status(state: &State) -> FlightStatus {
    FlightStatus(u8::from(state.on_ground))
}

struct Transmitter<'a> {
    aircraft: &'a Aircraft,
    address: IcaoAddress,
}

impl Transmitter<'_> {
    fn emission(&self, state: &State, len: u8, bytes: [u8; 14], content: Content) -> Emission {
        Emission {
            t: state.t,
            from: state.position,
            altitude_ft: state.altitude_ft,
            aircraft: self.address,
            len,
            bytes,
            content,
            fault: None,
        }
    }

    fn long(&self, state: &State, bytes: [u8; 14], content: Content) -> Emission {
        self.emission(state, 14, bytes, content)
    }

    fn short(&self, state: &State, bytes: [u8; 7], content: Content) -> Emission {
        let mut long = [0u8; 14];
        long[..7].copy_from_slice(&bytes);
        self.emission(state, 7, long, content)
    }

    fn squitter(&self, state: &State, me: u64, content: Content) -> Result<Emission, EncodeError> {
        let capability = if state.on_ground { 4 } else { 5 };
        Ok(self.long(state, frame::df17(self.address, capability, me)?, content))
    }

    fn position(
        &self,
        state: &State,
        at: Point,
        odd: bool,
        fault: Option<FrameFault>,
    ) -> Result<Emission, EncodeError> {
        let format = if odd { CprFormat::Odd } else { CprFormat::Even };
        let mut emission = if state.on_ground {
            let report = SurfacePosition {
                tc: 7,
                groundspeed_kt: Some(state.groundspeed_kt),
                track_deg: Some(state.track_deg),
                cpr: cpr::encode(at.lat, at.lon, format, true),
            };
            let me = adsb::surface_position(&report)?;
            self.squitter(state, me, Content::SurfacePosition { report, at })?
        } else {
            let report = AirbornePosition {
                tc: 11,
                surveillance_status: 0,
                nic_b: false,
                altitude_ft: Some(state.altitude_ft.round() as i32),
                altitude_source: AltitudeSource::Barometric,
                cpr: cpr::encode(at.lat, at.lon, format, false),
            };
            let me = adsb::airborne_position(&report)?;
            self.squitter(state, me, Content::AirbornePosition { report, at })?
        };
        emission.fault = fault;
        Ok(emission)
    }

    fn velocity(&self, state: &State) -> Result<Emission, EncodeError> {
        let velocity = Velocity {
            subtype: 1,
            nac_v: 1,
            groundspeed_kt: Some(state.groundspeed_kt),
            track_deg: Some(state.track_deg),
            heading_deg: None,
            airspeed_kt: None,
            airspeed_kind: AirspeedKind::Indicated,
            vertical_rate_fpm: Some(state.vertical_rate_fpm.round() as i32),
            vertical_rate_barometric: true,
            gnss_minus_baro_ft: None,
        };
        let me = adsb::velocity(&velocity)?;
        self.squitter(state, me, Content::Velocity(velocity))
    }

    fn identification(&self, state: &State) -> Result<Emission, EncodeError> {
        let (tc, category) = self.aircraft.category_code().unwrap_or((4, 0));
        let id = Identification {
            tc,
            category,
            callsign: self.aircraft.callsign,
        };
        let me = adsb::identification(&id)?;
        self.squitter(state, me, Content::Identification(id))
    }

    fn operational_status(&self, state: &State) -> Result<Emission, EncodeError> {
        let status = OperationalStatus {
            surface: state.on_ground,
            version: 2,
            nic_a: false,
            nac_p: self.aircraft.transponder.nac_p,
            sil: 3,
            heading_magnetic: false,
        };
        let me = adsb::operational_status(&status)?;
        self.squitter(state, me, Content::OperationalStatus(status))
    }

    fn aircraft_status(&self, state: &State) -> Result<Emission, EncodeError> {
        let status = AircraftStatus::Emergency {
            emergency: 0,
            squawk: self.aircraft.squawk.unwrap_or(vigia_modes::Squawk(0)),
        };
        let me = adsb::aircraft_status(&status)?;
        self.squitter(state, me, Content::AircraftStatus(status))
    }

    /// The Comm-B registers a ground station would read from this aircraft, in turn.
    fn registers(&self, state: &State) -> Vec<Register> {
        let v_mps = state.groundspeed_kt * MPS_PER_KT;
        let roll = (state.turn_rate_deg_s.to_radians() * v_mps / 9.806_65)
            .atan()
            .to_degrees();
        let selected = ((state.selected_altitude_ft / 100.0).round() * 100.0).max(0.0) as u32;
        let ias = atmosphere::calibrated_airspeed_kt(state.groundspeed_kt, state.altitude_ft);
        let mut registers = Vec::with_capacity(4);
        if let Some(cs) = self.aircraft.callsign {
            registers.push(Register::Identification(cs));
        }
        registers.push(Register::SelectedVerticalIntention {
            mcp_ft: selected,
            fms_ft: selected,
            baro_setting_hpa: STANDARD_BARO_HPA,
        });
        registers.push(Register::TrackAndTurn(TrackAndTurn {
            roll_deg: Some(roll),
            track_deg: Some(state.track_deg),
            groundspeed_kt: Some(state.groundspeed_kt.round() as u32),
            track_rate_deg_s: Some(state.turn_rate_deg_s),
            tas_kt: Some(state.groundspeed_kt.round() as u32),
        }));
        if ias >= 1.0 {
            let rate = state.vertical_rate_fpm.round() as i32;
            registers.push(Register::HeadingAndSpeed(HeadingAndSpeed {
                heading_deg: Some(state.track_deg),
                ias_kt: Some(ias.round() as u32),
                mach: Some(atmosphere::mach(state.groundspeed_kt, state.altitude_ft)),
                baro_rate_fpm: Some(rate),
                inertial_rate_fpm: Some(rate),
            }));
        }
        registers
    }

    fn commb(
        &self,
        state: &State,
        register: Register,
        identity: bool,
    ) -> Result<Emission, EncodeError> {
        let mb = register_mb(&register)?;
        let status = flight_status(state);
        match self.aircraft.squawk.filter(|_| identity) {
            Some(squawk) => {
                let bytes = frame::df21(self.address, status, squawk, mb)?;
                Ok(self.long(state, bytes, Content::CommBIdentity { squawk, register }))
            }
            None => {
                let altitude_ft = Some(state.altitude_ft.round() as i32);
                let bytes = frame::df20(self.address, status, altitude_ft, mb)?;
                Ok(self.long(
                    state,
                    bytes,
                    Content::CommBAltitude {
                        altitude_ft,
                        register,
                    },
                ))
            }
        }
    }
}

/// The MB field of a register.
pub fn register_mb(register: &Register) -> Result<u64, EncodeError> {
    match register {
        Register::Identification(cs) => Ok(commb::bds20(cs)),
        Register::SelectedVerticalIntention {
            mcp_ft,
            fms_ft,
            baro_setting_hpa,
        } => commb::bds40(Some(*mcp_ft), Some(*fms_ft), Some(*baro_setting_hpa)),
        Register::TrackAndTurn(r) => commb::bds50(r),
        Register::HeadingAndSpeed(r) => commb::bds60(r),
    }
}
