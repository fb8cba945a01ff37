//! Simplifying rings for drawing: Douglas–Peucker in plane coordinates (degrees), and the
//! extent test that leaves out rings too small to see.
//!
//! For drawing only (the map's base layer, report maps): every containment or distance answer
//! comes from the exact polygons. Reference: D. Douglas and T. Peucker, "Algorithms for the
//! reduction of the number of points required to represent a digitized line or its
//! caricature", The Canadian Cartographer 10(2), 1973.

/// Douglas–Peucker on a closed ring (first vertex not repeated): the vertices farther than
/// `tolerance` from the chord of their span are kept, in plane coordinates (degrees).
pub fn simplify(ring: &[[f64; 2]], tolerance: f64) -> Vec<[f64; 2]> {
    if ring.len() <= 4 {
        return ring.to_vec();
    }
    // The ring is closed through its first vertex: simplify the path first → … → last → first.
    let path: Vec<[f64; 2]> = ring.iter().chain(ring.first()).copied().collect();
    let mut keep = vec![false; path.len()];
    keep[0] = true;
    keep[path.len() - 1] = true;
    let mut spans = vec![(0, path.len() - 1)];
    while let Some((first, last)) = spans.pop() {
        let [ax, ay] = path[first];
        let (dx, dy) = (path[last][0] - ax, path[last][1] - ay);
        let length2 = dx * dx + dy * dy;
        let mut farthest = None;
        let mut max2 = tolerance * tolerance;
        for (i, [x, y]) in path.iter().enumerate().take(last).skip(first + 1) {
            let (px, py) = (x - ax, y - ay);
            // To the chord; to its first end when the chord is a point (the closing span).
            let d2 = if length2 > 0.0 {
                (px * dy - py * dx).powi(2) / length2
            } else {
                px * px + py * py
            };
            if d2 > max2 {
                max2 = d2;
                farthest = Some(i);
            }
        }
        if let Some(i) = farthest {
            keep[i] = true;
            spans.push((first, i));
            spans.push((i, last));
        }
    }
    path.iter()
        .zip(&keep)
        .take(path.len() - 1)
        .filter(|(_, &k)| k)
        .map(|(v, _)| *v)
        .collect()
}

/// The larger side of a ring's bounding box, degrees.
pub fn extent(ring: &[[f64; 2]]) -> f64 {
    let (mut min, mut max) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for v in ring {
        for axis in 0..2 {
            min[axis] = min[axis].min(v[axis]);
            max[axis] = max[axis].max(v[axis]);
        }
    }
    (max[0] - min[0]).max(max[1] - min[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simplification_keeps_corners_and_drops_what_is_within_tolerance() {
        // A square with a 0.001° bump on one side and points along the others.
        let square = [
            [0.0, 0.0],
            [0.5, 0.001],
            [1.0, 0.0],
            [1.0, 0.5],
            [1.0, 1.0],
            [0.5, 1.0],
            [0.0, 1.0],
            [0.0, 0.5],
        ];
        assert_eq!(
            simplify(&square, 0.01),
            [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]
        );
        // Under a finer tolerance the bump stays.
        assert!(simplify(&square, 0.0005).contains(&[0.5, 0.001]));
    }

    #[test]
    fn extent_is_the_larger_side() {
        assert_eq!(extent(&[[0.0, 0.0], [2.0, 0.5], [1.0, 1.0]]), 2.0);
    }
}
