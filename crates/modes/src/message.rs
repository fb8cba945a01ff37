//! One Mode S reply decoded into a value: downlink format, address, and content
//! (Annex 10 Vol. IV §3.1.2, Doc 9871 Appendix A).
//!
//! Owns the dispatch on DF (first 5 bits; DF24 uses only its first 2), the parity rules of each
//! DF, and the surveillance fields of the short replies. ADS-B content is in [`crate::adsb`],
//! Comm-B in [`crate::commb`]. No allocation: a [`Message`] is a plain `Copy` value.
//!
//! | DF | reply | address from | decoded here |
//! |----|-------|--------------|--------------|
//! | 0  | short air-air surveillance (ACAS) | parity overlay | altitude, vertical status |
//! | 4  | surveillance, altitude | parity overlay | flight status, altitude |
//! | 5  | surveillance, identity | parity overlay | flight status, Mode A code |
//! | 11 | all-call reply | AA field (parity = 0 or interrogator code) | capability |
//! | 16 | long air-air surveillance (ACAS) | parity overlay | altitude |
//! | 17 | extended squitter | AA field, parity = 0 | ADS-B ME |
//! | 18 | extended squitter, non-transponder / TIS-B / ADS-R | AA field, parity = 0 | CF, ADS-B ME |
//! | 19 | military extended squitter | AA field | application field only |
//! | 20 | Comm-B, altitude | parity overlay | altitude, Comm-B MB |
//! | 21 | Comm-B, identity | parity overlay | Mode A code, Comm-B MB |
//! | 24 | Comm-D (ELM) | parity overlay | recognised only |

use crate::adsb::Me;
use crate::bits::{field56, head};
use crate::commb::{infer, CommB};
use crate::crc;
use crate::gillham::{altitude_ac13, squawk, Squawk};
use crate::IcaoAddress;

/// How the address of a message was obtained, i.e. how far it can be trusted.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AddressCheck {
    /// The address is in the AA field and the parity checked (syndrome 0, or for DF11 an
    /// interrogator code): the frame is intact.
    Verified,
    /// The parity was corrected by flipping one bit (only when asked, DF17/18).
    Corrected,
    /// The address was recovered from the Address/Parity overlay. Any corrupted reply also
    /// yields "an address": trust it only if that aircraft has been heard with a verified
    /// address (the tracker's job).
    Recovered,
}

/// What a DF18 reply carries, from its control field (DO-260B §2.2.3.1).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Df18Source {
    /// CF 0: ADS-B from a non-transponder device with an ICAO address.
    AdsbNonTransponder,
    /// CF 1: ADS-B with an anonymous / non-ICAO address.
    AdsbAnonymous,
    /// CF 2: fine TIS-B, ICAO address.
    TisbFine,
    /// CF 3: coarse TIS-B (own format, ME not decoded).
    TisbCoarse,
    /// CF 4: TIS-B/ADS-R management message.
    TisbManagement,
    /// CF 5: fine TIS-B, non-ICAO address.
    TisbFineAnonymous,
    /// CF 6: ADS-R (rebroadcast of UAT ADS-B).
    AdsR,
    /// CF 7: reserved.
    Reserved,
}

/// The flight status field of DF4/5/20/21 (3 bits).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct FlightStatus(pub u8);

impl FlightStatus {
    /// Airborne (`Some(false)`), on the ground (`Some(true)`), or unknown.
    pub fn on_ground(self) -> Option<bool> {
        match self.0 {
            0 | 2 => Some(false),
            1 | 3 => Some(true),
            _ => None,
        }
    }

    /// Alert (the Mode A code changed) or SPI (ident) condition.
    pub fn alert(self) -> bool {
        matches!(self.0, 2..=4)
    }
}

/// The content of a reply, by downlink format.
#[derive(Clone, Copy, PartialEq, Debug)]
#[non_exhaustive]
pub enum Body {
    /// DF0: short air-air surveillance.
    ShortAirAir {
        /// Vertical status: true = on the ground.
        on_ground: bool,
        /// Altitude, feet.
        altitude_ft: Option<i32>,
    },
    /// DF4: surveillance altitude reply.
    SurveillanceAltitude {
        /// Flight status.
        flight_status: FlightStatus,
        /// Altitude, feet.
        altitude_ft: Option<i32>,
    },
    /// DF5: surveillance identity reply.
    SurveillanceIdentity {
        /// Flight status.
        flight_status: FlightStatus,
        /// Mode A code.
        squawk: Squawk,
    },
    /// DF11: all-call reply.
    AllCall {
        /// Transponder capability (CA): 4 on ground, 5 airborne, 6/7 either.
        capability: u8,
        /// Interrogator identifier code the reply answers (0 for acquisition squitter).
        interrogator: u8,
    },
    /// DF16: long air-air surveillance.
    LongAirAir {
        /// Vertical status: true = on the ground.
        on_ground: bool,
        /// Altitude, feet.
        altitude_ft: Option<i32>,
    },
    /// DF17: ADS-B extended squitter from a transponder.
    ExtendedSquitter {
        /// Transponder capability (CA).
        capability: u8,
        /// The decoded ME field.
        me: Me,
    },
    /// DF18: extended squitter from a non-transponder device, TIS-B or ADS-R.
    ExtendedSquitterOther {
        /// What the CF says the message is.
        source: Df18Source,
        /// The decoded ME field (`None` for coarse TIS-B and management messages).
        me: Option<Me>,
    },
    /// DF19: military extended squitter (application field only).
    Military {
        /// Application field (AF).
        application: u8,
    },
    /// DF20: Comm-B altitude reply.
    CommBAltitude {
        /// Flight status.
        flight_status: FlightStatus,
        /// Altitude, feet.
        altitude_ft: Option<i32>,
        /// The raw 56-bit MB field.
        mb: u64,
        /// The register inferred from the MB field.
        commb: CommB,
    },
    /// DF21: Comm-B identity reply.
    CommBIdentity {
        /// Flight status.
        flight_status: FlightStatus,
        /// Mode A code.
        squawk: Squawk,
        /// The raw 56-bit MB field.
        mb: u64,
        /// The register inferred from the MB field.
        commb: CommB,
    },
    /// DF24: Comm-D extended length message segment (recognised, not decoded).
    CommD,
}

/// A decoded Mode S reply.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Message {
    /// Downlink format (0–24).
    pub df: u8,
    /// The aircraft address.
    pub address: IcaoAddress,
    /// How the address was obtained.
    pub address_check: AddressCheck,
    /// The content.
    pub body: Body,
}

/// Why bytes are not a decodable Mode S reply.
#[derive(Clone, Copy, PartialEq, Eq, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The length does not match the DF (56-bit DFs 0–11, 112-bit DFs 16–24).
    #[error("DF{df} needs {expected} bytes, got {got}")]
    WrongLength {
        /// Downlink format.
        df: u8,
        /// Bytes the DF needs.
        expected: usize,
        /// Bytes given.
        got: usize,
    },
    /// A DF11/17/18 whose parity does not check.
    #[error("DF{df} parity check failed (syndrome {syndrome:06x})")]
    BadCrc {
        /// Downlink format.
        df: u8,
        /// The non-zero syndrome.
        syndrome: u32,
    },
    /// A downlink format not assigned (1–3, 6–10, 12–15, 22, 23).
    #[error("DF{0} is not an assigned downlink format")]
    UnknownFormat(u8),
}

/// Decoding options.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DecodeOptions {
    /// Repair a single flipped bit in DF17/18 (off by default, as in readsb).
    pub fix_single_bit: bool,
}

/// Decode one reply of 7 or 14 bytes with default options.
///
/// ```
/// use vigia_modes::{decode, adsb::Me, message::Body};
/// let frame = [0x8D, 0x48, 0x40, 0xD6, 0x20, 0x2C, 0xC3, 0x71, 0xC3, 0x2C, 0xE0, 0x57, 0x60, 0x98];
/// let msg = decode(&frame).unwrap();
/// assert_eq!(msg.address.to_string(), "4840d6");
/// match msg.body {
///     Body::ExtendedSquitter { me: Me::Identification(id), .. } => {
///         assert_eq!(id.callsign.unwrap().as_str(), "KLM1023");
///     }
///     other => panic!("{other:?}"),
/// }
/// ```
pub fn decode(bytes: &[u8]) -> Result<Message, DecodeError> {
    decode_with(bytes, DecodeOptions::default())
}

/// The length in bytes the downlink format of a reply starting with `first` defines: 7 for the
/// 56-bit DFs (0, 4, 5, 11), 14 for the 112-bit ones (16–21, 24); `None` for unassigned DFs.
///
/// ```
/// use vigia_modes::message::reply_len;
/// assert_eq!(reply_len(0x5d), Some(7)); // DF11
/// assert_eq!(reply_len(0x8d), Some(14)); // DF17
/// assert_eq!(reply_len(0x08), None); // DF1
/// ```
pub fn reply_len(first: u8) -> Option<usize> {
    let df = if first >> 6 == 3 { 24 } else { first >> 3 };
    match df {
        0 | 4 | 5 | 11 => Some(7),
        16..=21 | 24 => Some(14),
        _ => None,
    }
}

/// Whether `bytes` is a 56-bit reply carried in a 112-bit container: 14 bytes whose DF
/// defines 7. [`decode`] reads the first 7; counters use this to show a receiver that pads.
pub fn is_long_container(bytes: &[u8]) -> bool {
    bytes.len() == 14 && bytes.first().and_then(|&b| reply_len(b)) == Some(7)
}

/// Decode one reply with explicit options. A 56-bit reply given in 14 bytes (a long container)
/// is decoded from its first 7.
pub fn decode_with(bytes: &[u8], options: DecodeOptions) -> Result<Message, DecodeError> {
    let Some(&first) = bytes.first() else {
        return Err(DecodeError::WrongLength {
            df: 0,
            expected: 7,
            got: 0,
        });
    };
    let df = if first >> 6 == 3 { 24 } else { first >> 3 };
    let Some(expected) = reply_len(first) else {
        return Err(DecodeError::UnknownFormat(df));
    };
    // A short reply in a long container (some receivers store every reply as 112 bits, and
    // Beast long frames can carry a short DF): the DF defines the length, as in dump1090 and
    // rs1090; the trailing bits are not part of the reply.
    let long_container = expected == 7 && bytes.len() == 14;
    if bytes.len() != expected && !long_container {
        return Err(DecodeError::WrongLength {
            df,
            expected,
            got: bytes.len(),
        });
    }
    let bytes = &bytes[..expected];
    let syndrome = crc::syndrome(bytes).unwrap_or(u32::MAX);
    let aa = IcaoAddress::new(
        (u32::from(bytes[1]) << 16) | (u32::from(bytes[2]) << 8) | u32::from(bytes[3]),
    );
    let ca = first & 0x07;
    let recovered = |body| {
        Ok(Message {
            df,
            address: IcaoAddress::new(syndrome),
            address_check: AddressCheck::Recovered,
            body,
        })
    };
    match df {
        0 => recovered(Body::ShortAirAir {
            on_ground: head(bytes, 6, 6) == 1,
            altitude_ft: altitude_ac13(head(bytes, 20, 32) as u16),
        }),
        4 => recovered(Body::SurveillanceAltitude {
            flight_status: FlightStatus(ca),
            altitude_ft: altitude_ac13(head(bytes, 20, 32) as u16),
        }),
        5 => recovered(Body::SurveillanceIdentity {
            flight_status: FlightStatus(ca),
            squawk: squawk(head(bytes, 20, 32) as u16),
        }),
        11 => {
            // The syndrome holds the interrogator code (II or SI) in its low 7 bits.
            if syndrome & !0x7F != 0 {
                return Err(DecodeError::BadCrc { df, syndrome });
            }
            Ok(Message {
                df,
                address: aa,
                address_check: AddressCheck::Verified,
                body: Body::AllCall {
                    capability: ca,
                    interrogator: syndrome as u8,
                },
            })
        }
        16 => recovered(Body::LongAirAir {
            on_ground: head(bytes, 6, 6) == 1,
            altitude_ft: altitude_ac13(head(bytes, 20, 32) as u16),
        }),
        17..=19 => {
            let mut check = AddressCheck::Verified;
            let mut fixed = [0u8; 14];
            let mut frame = bytes;
            if syndrome != 0 {
                match options
                    .fix_single_bit
                    .then(|| crc::locate_single_bit_error(syndrome))
                    .flatten()
                {
                    Some(bit) => {
                        fixed.copy_from_slice(bytes);
                        fixed[bit / 8] ^= 0x80 >> (bit % 8);
                        frame = &fixed;
                        check = AddressCheck::Corrected;
                    }
                    None => return Err(DecodeError::BadCrc { df, syndrome }),
                }
            }
            let address = IcaoAddress::new(
                (u32::from(frame[1]) << 16) | (u32::from(frame[2]) << 8) | u32::from(frame[3]),
            );
            let field = field56(frame);
            let body = match df {
                17 => Body::ExtendedSquitter {
                    capability: frame[0] & 0x07,
                    me: Me::decode(field),
                },
                18 => {
                    let source = df18_source(frame[0] & 0x07);
                    let me = match source {
                        Df18Source::TisbCoarse
                        | Df18Source::TisbManagement
                        | Df18Source::Reserved => None,
                        _ => Some(Me::decode(field)),
                    };
                    Body::ExtendedSquitterOther { source, me }
                }
                _ => Body::Military {
                    application: frame[0] & 0x07,
                },
            };
            Ok(Message {
                df,
                address,
                address_check: check,
                body,
            })
        }
        20 => {
            let mb = field56(bytes);
            recovered(Body::CommBAltitude {
                flight_status: FlightStatus(ca),
                altitude_ft: altitude_ac13(head(bytes, 20, 32) as u16),
                mb,
                commb: infer(mb, None),
            })
        }
        21 => {
            let mb = field56(bytes);
            recovered(Body::CommBIdentity {
                flight_status: FlightStatus(ca),
                squawk: squawk(head(bytes, 20, 32) as u16),
                mb,
                commb: infer(mb, None),
            })
        }
        _ => recovered(Body::CommD),
    }
}

fn df18_source(cf: u8) -> Df18Source {
    match cf {
        0 => Df18Source::AdsbNonTransponder,
        1 => Df18Source::AdsbAnonymous,
        2 => Df18Source::TisbFine,
        3 => Df18Source::TisbCoarse,
        4 => Df18Source::TisbManagement,
        5 => Df18Source::TisbFineAnonymous,
        6 => Df18Source::AdsR,
        _ => Df18Source::Reserved,
    }
}

impl Message {
    /// The ADS-B ME field, for DF17 and for DF18 messages that carry one.
    pub fn me(&self) -> Option<&Me> {
        match &self.body {
            Body::ExtendedSquitter { me, .. } => Some(me),
            Body::ExtendedSquitterOther { me, .. } => me.as_ref(),
            _ => None,
        }
    }

    /// The Comm-B inference, for DF20/21.
    pub fn commb(&self) -> Option<&CommB> {
        match &self.body {
            Body::CommBAltitude { commb, .. } | Body::CommBIdentity { commb, .. } => Some(commb),
            _ => None,
        }
    }
}
