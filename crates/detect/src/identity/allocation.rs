//! Country of registration from the ICAO 24-bit address block (Annex 10 Vol. III, Appendix to
//! Chapter 9), and the address ranges known not to be civil registrations.
//!
//! Owns the bundled tables `data/icao_allocations.csv` and `data/military_blocks.csv` (see
//! `data/README.md` for their provenance) and the lookup. Blocks nest (Taiwan's special block
//! sits inside China's): the smallest block containing an address wins.

use vigia_modes::IcaoAddress;

use super::aircraft_db::split_csv;

const ALLOCATIONS_CSV: &str = include_str!("../../../../data/icao_allocations.csv");
const MILITARY_CSV: &str = include_str!("../../../../data/military_blocks.csv");

/// One allocated block of addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// First address.
    pub start: u32,
    /// Last address (inclusive).
    pub end: u32,
    /// The state, or the operator for military blocks.
    pub name: String,
    /// Registration prefix pattern or the reasoning behind a military block.
    pub note: String,
}

/// The allocation and military tables.
#[derive(Clone, Debug)]
pub struct Allocations {
    countries: Vec<Block>,
    military: Vec<Block>,
}

fn parse_blocks(csv: &str) -> Vec<Block> {
    csv.lines()
        .skip(1)
        .filter_map(|line| {
            let f = split_csv(line, ',');
            Some(Block {
                start: u32::from_str_radix(f.first()?, 16).ok()?,
                end: u32::from_str_radix(f.get(1)?, 16).ok()?,
                name: f.get(2)?.clone(),
                note: f.get(3).cloned().unwrap_or_default(),
            })
        })
        .collect()
}

impl Allocations {
    /// The bundled tables.
    pub fn bundled() -> Self {
        Self {
            countries: parse_blocks(ALLOCATIONS_CSV),
            military: parse_blocks(MILITARY_CSV),
        }
    }

    /// The state whose block contains `address` (most specific block).
    ///
    /// ```
    /// use vigia_detect::identity::Allocations;
    /// let a = Allocations::bundled();
    /// assert_eq!(a.country("0d0abc".parse().unwrap()), Some("Mexico"));
    /// assert_eq!(a.country("ae1234".parse().unwrap()), Some("United States"));
    /// ```
    pub fn country(&self, address: IcaoAddress) -> Option<&str> {
        smallest(&self.countries, address.get()).map(|b| b.name.as_str())
    }

    /// The military block containing `address`, if any.
    pub fn military_block(&self, address: IcaoAddress) -> Option<&Block> {
        smallest(&self.military, address.get())
    }

    /// Number of country blocks.
    pub fn len(&self) -> usize {
        self.countries.len()
    }

    /// Whether the table is empty (never, for the bundled one).
    pub fn is_empty(&self) -> bool {
        self.countries.is_empty()
    }
}

fn smallest(blocks: &[Block], a: u32) -> Option<&Block> {
    blocks
        .iter()
        .filter(|b| b.start <= a && a <= b.end)
        .min_by_key(|b| b.end - b.start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_table_is_complete_and_nested_blocks_resolve() {
        let a = Allocations::bundled();
        assert_eq!(a.len(), 201);
        // Blocks nest: ICAO's special-use 899000–8993FF inside Taiwan's 899000–8997FF, which
        // is outside China's 780000–7BFFFF.
        assert_eq!(
            a.country(IcaoAddress::new(0x899100)),
            Some("ICAO (special use)")
        );
        assert_eq!(a.country(IcaoAddress::new(0x899500)), Some("Taiwan"));
        assert_eq!(a.country(IcaoAddress::new(0x780001)), Some("China"));
        assert_eq!(a.country(IcaoAddress::new(0x0b4001)), Some("Guatemala"));
        assert_eq!(
            a.country(IcaoAddress::new(0xfff000)),
            Some("Unassigned (reserved for future use)")
        );
    }

    #[test]
    fn us_military_range_starts_after_the_last_n_number() {
        let a = Allocations::bundled();
        // N99999 is ADF7C7: civil. ADF7C8 onwards: not a civil registration.
        assert!(a.military_block(IcaoAddress::new(0xadf7c7)).is_none());
        assert!(a.military_block(IcaoAddress::new(0xadf7c8)).is_some());
        assert!(a.military_block(IcaoAddress::new(0xae01c5)).is_some());
        assert!(a.military_block(IcaoAddress::new(0x0d0abc)).is_none());
    }
}
