//! Any bytes as an aircraft database (OpenSky `aircraftDatabase.csv` or tar1090-db CSV):
//! whatever reads is used to identify addresses. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigia_detect::identity::{AircraftDb, IdentityResolver};
use vigia_modes::IcaoAddress;

fuzz_target!(|data: &[u8]| {
    let Ok(db) = AircraftDb::read(data) else {
        return;
    };
    for (line, why) in &db.rejected_lines {
        let _ = format!("{line}: {why}");
    }
    let resolver = IdentityResolver::new(Some(db));
    for address in [0, 0xae01c5, 0x0d0abc, 0xffffff] {
        let identity = resolver.identify(IcaoAddress::new(address));
        let _ = identity.military();
    }
});
