//! CRC-24 parity of Mode S replies (ICAO Annex 10 Vol. IV §3.1.2.3.3, Doc 9871 §A.2.1).
//!
//! Owns the generator polynomial, the byte-wise table, the syndrome of a whole reply and the
//! optional single-bit error correction. It does not decide what a syndrome *means* for a given
//! downlink format; `message` does (DF11/17/18 expect 0, DF0/4/5/16/20/21 overlay the address).

/// The generator polynomial `1111 1111 1111 0100 0000 1001` (x^24 term implicit).
pub const GENERATOR: u32 = 0xFF_F409;

/// Byte-wise CRC table, built at compile time.
const TABLE: [u32; 256] = build_table();

const fn build_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = (i as u32) << 16;
        let mut bit = 0;
        while bit < 8 {
            crc <<= 1;
            if crc & 0x100_0000 != 0 {
                crc ^= GENERATOR;
            }
            bit += 1;
        }
        table[i] = crc & 0xFF_FFFF;
        i += 1;
    }
    table
}

/// `SHIFTED[k][x]`: the CRC of byte `x` followed by `k` zero bytes.
///
/// The CRC is linear, so the CRC of a message is the XOR of each byte's contribution at its
/// distance from the end: 11 independent lookups instead of a chain of 11 dependent steps
/// (the decoder's hot path; see the `decode` bench).
const SHIFTED: [[u32; 256]; 11] = build_shifted();

const fn build_shifted() -> [[u32; 256]; 11] {
    let mut out = [[0u32; 256]; 11];
    let mut x = 0;
    while x < 256 {
        let mut crc = TABLE[x];
        out[0][x] = crc;
        let mut k = 1;
        while k < 11 {
            // one more zero byte
            crc = ((crc << 8) ^ TABLE[(crc >> 16) as usize]) & 0xFF_FFFF;
            out[k][x] = crc;
            k += 1;
        }
        x += 1;
    }
    out
}

/// CRC-24 of `data` (the bits before the parity field).
#[inline]
pub fn checksum(data: &[u8]) -> u32 {
    let n = data.len();
    if n <= SHIFTED.len() {
        let mut crc = 0u32;
        for (i, &byte) in data.iter().enumerate() {
            crc ^= SHIFTED[n - 1 - i][byte as usize];
        }
        return crc;
    }
    let mut crc = 0u32;
    for &byte in data {
        crc = ((crc << 8) ^ TABLE[(((crc >> 16) as u8) ^ byte) as usize]) & 0xFF_FFFF;
    }
    crc
}

/// The syndrome of a whole reply: the CRC of its data XORed with its 24-bit parity field.
///
/// Zero for an intact DF11/17/18 (with the interrogator code in the low bits for DF11);
/// the aircraft address for an intact DF0/4/5/16/20/21 (Address/Parity overlay).
/// `message` must be 7 or 14 bytes; other lengths give `None`.
///
/// ```
/// // An intact DF17 (pyModeS' documented example): syndrome 0.
/// let msg = [0x8D, 0x48, 0x40, 0xD6, 0x20, 0x2C, 0xC3, 0x71, 0xC3, 0x2C, 0xE0, 0x57, 0x60, 0x98];
/// assert_eq!(vigia_modes::crc::syndrome(&msg), Some(0));
/// ```
#[inline]
pub fn syndrome(message: &[u8]) -> Option<u32> {
    let n = message.len();
    if n != 7 && n != 14 {
        return None;
    }
    let parity = (u32::from(message[n - 3]) << 16)
        | (u32::from(message[n - 2]) << 8)
        | u32::from(message[n - 1]);
    Some(checksum(&message[..n - 3]) ^ parity)
}

/// The syndrome a single flipped bit produces in a 112-bit reply, indexed by bit position
/// (0 = first transmitted bit). Linear in the message: flipping bit `i` XORs `SINGLE_BIT[i]`
/// into the syndrome.
const SINGLE_BIT_112: [u32; 112] = single_bit_syndromes();

const fn single_bit_syndromes() -> [u32; 112] {
    let mut out = [0u32; 112];
    let mut i = 0;
    while i < 112 {
        let mut msg = [0u8; 14];
        msg[i / 8] = 0x80 >> (i % 8);
        // inline checksum (const context)
        let mut crc = 0u32;
        let mut k = 0;
        while k < 11 {
            crc = ((crc << 8) ^ TABLE[(((crc >> 16) as u8) ^ msg[k]) as usize]) & 0xFF_FFFF;
            k += 1;
        }
        let parity = ((msg[11] as u32) << 16) | ((msg[12] as u32) << 8) | msg[13] as u32;
        out[i] = crc ^ parity;
        i += 1;
    }
    out
}

/// Find the single bit whose flip explains a non-zero syndrome of a 112-bit DF17/18 reply.
///
/// Returns the bit index (0 = first bit) or `None` when no single-bit error explains it.
/// The first five bits (the DF) are never corrected: a "corrected" DF would turn one format
/// into another. This is the repair readsb and dump1090 offer as an option, off by default
/// because it also "repairs" some noise into plausible frames.
pub fn locate_single_bit_error(syndrome: u32) -> Option<usize> {
    if syndrome == 0 {
        return None;
    }
    SINGLE_BIT_112
        .iter()
        .skip(5)
        .position(|&s| s == syndrome)
        .map(|p| p + 5)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap_or(0))
            .collect()
    }

    #[test]
    fn df17_examples_have_zero_syndrome() {
        // pyModeS documentation examples (The 1090MHz Riddle, ch. ADS-B basics).
        for m in [
            "8D406B902015A678D4D220AA4BDA",
            "8D485020994409940838175B284F",
            "8DA05F219B06B6AF189400CBC33F",
        ] {
            assert_eq!(syndrome(&hex(m)), Some(0), "{m}");
        }
    }

    #[test]
    fn df20_syndrome_is_the_address() {
        // Address/Parity: the transponder XORs its address into the parity field.
        let mut msg = hex("8D406B902015A678D4D220AA4BDA");
        msg[0] = 0xA0; // DF20
        let data_crc = checksum(&msg[..11]);
        let address = 0x4840D6;
        let ap = data_crc ^ address;
        msg[11] = (ap >> 16) as u8;
        msg[12] = (ap >> 8) as u8;
        msg[13] = ap as u8;
        assert_eq!(syndrome(&msg), Some(address));
    }

    #[test]
    fn single_bit_errors_are_located() {
        let good = hex("8D406B902015A678D4D220AA4BDA");
        for bit in 5..112 {
            let mut bad = good.clone();
            bad[bit / 8] ^= 0x80 >> (bit % 8);
            let s = syndrome(&bad).unwrap_or(0);
            assert_ne!(s, 0);
            assert_eq!(locate_single_bit_error(s), Some(bit));
        }
    }

    #[test]
    fn positional_tables_match_the_bytewise_crc() {
        let mut state = 0x1234_5678u32;
        for len in 0..=16 {
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    (state >> 24) as u8
                })
                .collect();
            let mut crc = 0u32;
            for &byte in &data {
                crc = ((crc << 8) ^ TABLE[(((crc >> 16) as u8) ^ byte) as usize]) & 0xFF_FFFF;
            }
            assert_eq!(checksum(&data), crc, "length {len}");
        }
    }

    #[test]
    fn wrong_lengths_have_no_syndrome() {
        assert_eq!(syndrome(&[0; 3]), None);
        assert_eq!(syndrome(&[0; 13]), None);
    }
}
