//! Exact geometric predicates, and the crossing-number rule that defines "inside" for the whole crate.
//!
//! Owns the one definition of point-in-polygon that every index must reproduce bit for bit. Does not own any
//! acceleration structure (see [`crate::grid`]).
//!
//! # The boundary rule
//! A point is inside when a ray from it towards +longitude crosses the boundary an odd number of times, where an
//! edge counts when one endpoint is strictly above the point and the other is not (`(a.y > p.y) != (b.y > p.y)`),
//! and the edge passes strictly east of the point. This is W. R. Franklin's PNPOLY rule
//! (<https://wrfranklin.org/Research/Short_Notes/pnpoly.html>) evaluated with Shewchuk's exact orientation
//! predicate instead of a rounded division. It is equivalent to classifying the point nudged infinitesimally
//! east then, far less, north: `(lon + ε, lat + ε²)`. Consequences:
//! - points exactly on a southern or western edge are inside, on a northern or eastern edge outside;
//! - two zones sharing a border never both contain a point of it, and the plane's points each belong to exactly
//!   one of the faces of a partition;
//! - the answer is exact for the polygon as given in `f64`: no tolerance anywhere.

/// Exact orientation of `c` relative to the directed line `a → b`: positive when counter-clockwise (`c` left of
/// the line), negative when clockwise, zero when collinear. Points are `[x, y]`.
///
/// Shewchuk (1997), "Adaptive Precision Floating-Point Arithmetic and Fast Robust Geometric Predicates", via the
/// `robust` crate; the fast floating-point filter answers nearly every call.
#[inline]
pub fn orient(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> f64 {
    robust::orient2d(
        robust::Coord { x: a[0], y: a[1] },
        robust::Coord { x: b[0], y: b[1] },
        robust::Coord { x: c[0], y: c[1] },
    )
}

/// Whether edge `a → b` counts for the eastward ray from `p` under the crate's boundary rule.
#[inline]
pub fn crosses_east_ray(a: [f64; 2], b: [f64; 2], p: [f64; 2]) -> bool {
    if (a[1] > p[1]) == (b[1] > p[1]) {
        return false;
    }
    if p[0] > a[0].max(b[0]) {
        return false;
    }
    if p[0] < a[0].min(b[0]) {
        return true;
    }
    let (low, high) = if a[1] < b[1] { (a, b) } else { (b, a) };
    orient(low, high, p) > 0.0
}

/// Whether edge `a → b`, which crosses the vertical line `x = x_line` (one endpoint strictly east of it, the
/// other not), meets that line above `y` once both are nudged as in the boundary rule: strictly above, or at
/// `y` exactly while rising eastward.
#[inline]
pub fn meets_vertical_above(a: [f64; 2], b: [f64; 2], x_line: f64, y: f64) -> bool {
    let (west, east) = if a[0] > x_line { (b, a) } else { (a, b) };
    if y < west[1].min(east[1]) {
        return true;
    }
    if y > west[1].max(east[1]) {
        return false;
    }
    let o = orient(west, east, [x_line, y]);
    o < 0.0 || (o == 0.0 && east[1] > west[1])
}

/// The reference point-in-polygon test: the boundary rule applied to every edge, O(n). Used to build indexes
/// and to check them; queries go through [`crate::grid::PreparedPolygon`].
pub fn contains_by_crossing_number<'e>(
    edges: impl IntoIterator<Item = &'e ([f64; 2], [f64; 2])>,
    p: [f64; 2],
) -> bool {
    edges
        .into_iter()
        .fold(false, |inside, &(a, b)| inside ^ crosses_east_ray(a, b, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit_square() -> Vec<([f64; 2], [f64; 2])> {
        let v = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
        (0..4).map(|i| (v[i], v[(i + 1) % 4])).collect()
    }

    #[test]
    fn boundary_rule_south_west_in_north_east_out() {
        let sq = unit_square();
        assert!(contains_by_crossing_number(&sq, [0.5, 0.5]));
        assert!(contains_by_crossing_number(&sq, [0.0, 0.5]), "west edge");
        assert!(contains_by_crossing_number(&sq, [0.5, 0.0]), "south edge");
        assert!(
            contains_by_crossing_number(&sq, [0.0, 0.0]),
            "south-west corner"
        );
        assert!(!contains_by_crossing_number(&sq, [1.0, 0.5]), "east edge");
        assert!(!contains_by_crossing_number(&sq, [0.5, 1.0]), "north edge");
        assert!(
            !contains_by_crossing_number(&sq, [1.0, 0.0]),
            "south-east corner"
        );
        assert!(
            !contains_by_crossing_number(&sq, [0.0, 1.0]),
            "north-west corner"
        );
    }

    #[test]
    fn orientation_is_exact_for_nearly_collinear_points() {
        // 0.1 and 0.3 are not representable: the stored point lies off the line y = x/3 by about 1e-17, on
        // the side the exact predicate must report every time.
        let (a, b) = ([0.0, 0.0], [3.0, 1.0]);
        assert!(
            orient(a, b, [0.3, 0.1]) > 0.0,
            "0.3 (rounded down) is west of 3 × 0.1 (rounded up)"
        );
        assert!(orient(a, b, [0.6, 0.2]) > 0.0);
        assert_eq!(orient(a, b, [1.5, 0.5]), 0.0, "exactly on the line");
    }

    #[test]
    fn vertical_meeting_uses_the_nudged_rule() {
        // Edge rising eastward through (1, 1).
        let (a, b) = ([0.0, 0.0], [2.0, 2.0]);
        assert!(meets_vertical_above(a, b, 1.0, 0.5));
        assert!(!meets_vertical_above(a, b, 1.0, 1.5));
        assert!(
            meets_vertical_above(a, b, 1.0, 1.0),
            "rising: nudged point is below"
        );
        // Falling eastward through (1, 1): the nudged point is above.
        assert!(!meets_vertical_above([0.0, 2.0], [2.0, 0.0], 1.0, 1.0));
    }
}
