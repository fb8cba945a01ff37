//! Who an aircraft is: country of registration (address block), military address ranges, an
//! optional aircraft database (registration, type, operator), surveillance-capable types and
//! military/state callsign prefixes — each fact with where it came from.
//!
//! Owns the lookups; it does not score (see `score`).

pub mod aircraft_db;
pub mod allocation;
pub mod tables;

pub use aircraft_db::{AircraftDb, AircraftDbError, AircraftRecord};
pub use allocation::{Allocations, Block};
pub use tables::{CallsignKind, CallsignPrefix, IsrType, IsrWeight};

use vigia_modes::{Callsign, IcaoAddress};

/// What is known of one aircraft's identity.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Identity {
    /// State of registration from the address block.
    pub country: Option<String>,
    /// The military block the address lies in, with its reasoning.
    pub military_block: Option<String>,
    /// The database's record, if a database was given and knows the address.
    pub record: Option<AircraftRecord>,
    /// The surveillance-capable type, when the database's type designator is on the list.
    pub isr_type: Option<IsrType>,
}

impl Identity {
    /// Military by address block or by the database's flag.
    pub fn military(&self) -> bool {
        self.military_block.is_some() || self.record.as_ref().is_some_and(|r| r.military)
    }
}

/// The identity tables, loaded once.
#[derive(Clone, Debug)]
pub struct IdentityResolver {
    allocations: Allocations,
    isr_types: Vec<IsrType>,
    callsigns: Vec<CallsignPrefix>,
    db: Option<AircraftDb>,
}

impl IdentityResolver {
    /// The bundled tables, with an optional aircraft database.
    pub fn new(db: Option<AircraftDb>) -> Self {
        Self {
            allocations: Allocations::bundled(),
            isr_types: tables::isr_types(),
            callsigns: tables::callsign_prefixes(),
            db,
        }
    }

    /// Identify an address.
    ///
    /// ```
    /// use vigia_detect::identity::IdentityResolver;
    /// let ids = IdentityResolver::new(None);
    /// let id = ids.identify("ae01c5".parse().unwrap());
    /// assert_eq!(id.country.as_deref(), Some("United States"));
    /// assert!(id.military());
    /// ```
    pub fn identify(&self, address: IcaoAddress) -> Identity {
        let record = self.db.as_ref().and_then(|db| db.get(address)).cloned();
        let isr_type = record
            .as_ref()
            .and_then(|r| r.type_designator.as_deref())
            .and_then(|t| self.isr_type(t))
            .cloned();
        Identity {
            country: self.allocations.country(address).map(str::to_string),
            military_block: self
                .allocations
                .military_block(address)
                .map(|b| b.name.clone()),
            record,
            isr_type,
        }
    }

    /// The ISR type entry for a designator.
    pub fn isr_type(&self, designator: &str) -> Option<&IsrType> {
        self.isr_types
            .iter()
            .find(|t| t.designator.eq_ignore_ascii_case(designator.trim()))
    }

    /// The callsign prefix entry a callsign starts with (longest prefix), if any. A prefix
    /// must be followed by a digit or the end, so `PAT` does not match `PATRIOT1` but `PAT25`.
    pub fn callsign_prefix(&self, callsign: &Callsign) -> Option<&CallsignPrefix> {
        let cs = callsign.as_str();
        self.callsigns
            .iter()
            .filter(|p| {
                cs.strip_prefix(p.prefix.as_str()).is_some_and(|rest| {
                    rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_digit())
                })
            })
            .max_by_key(|p| p.prefix.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callsign_prefixes_need_a_digit_after() {
        let ids = IdentityResolver::new(None);
        let cs = |s: &str| Callsign::parse(s).unwrap();
        assert_eq!(
            ids.callsign_prefix(&cs("RCH123"))
                .map(|p| p.prefix.as_str()),
            Some("RCH")
        );
        assert_eq!(
            ids.callsign_prefix(&cs("FORTE12")).map(|p| p.kind),
            Some(CallsignKind::Isr)
        );
        assert!(ids.callsign_prefix(&cs("PATRIOT1")).is_none());
        assert!(ids.callsign_prefix(&cs("AMX123")).is_none());
    }

    #[test]
    fn database_type_gives_the_isr_entry() {
        let db = AircraftDb::read("icao24,registration,typecode\n0d0abc,XC-ABC,B350\n".as_bytes())
            .unwrap();
        let ids = IdentityResolver::new(Some(db));
        let id = ids.identify(IcaoAddress::new(0x0d0abc));
        assert_eq!(id.country.as_deref(), Some("Mexico"));
        assert!(!id.military());
        assert_eq!(id.isr_type.map(|t| t.weight), Some(IsrWeight::Airframe));
    }
}
