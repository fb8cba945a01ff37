//! Integration tests of vigia-zones: real boundaries, differential checks, crossings on real flights.
fn main() {}
