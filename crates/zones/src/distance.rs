//! Geodesic distance from a point to a zone's boundary, fast: boundary arcs grouped in chains with bounding
//! spheres, and a grid of cells each holding the only chains that can be nearest to a point in it.
//!
//! Owns the nearest-boundary search. Does not own the distance formula ([`crate::sphere`]) nor containment.
//!
//! # Model
//! - The boundary is the polygon's edges as given: straight lines in longitude/latitude (RFC 7946). Each edge
//!   is split into great-circle pieces until the piece's midpoint strays less than [`DENSIFY_TOLERANCE_M`]
//!   from the straight edge's midpoint, so the arcs follow the edges to within that tolerance.
//! - Edges lying on the antimeridian (both ends at longitude ±180°) are cuts made by the data, not borders, and
//!   are left out.
//! - Arcs are compared by a first-order ellipsoidal rank, `c² − 2f·Δz²` for chord `c` and difference `Δz` of
//!   the auxiliary-sphere z coordinates (Lambert's formula expanded for short lines), so where two far-apart
//!   stretches of boundary are nearly equidistant the ellipsoid, not the sphere, decides. Every pruning bound
//!   is a rigorous bound on 3-D chord length scaled by (1 − 2f), the rank's floor; nothing that could win is
//!   skipped. The reported distance is Lambert's ellipsoidal distance to the winning point.
//! - Degenerate inputs are safe: points outside the grid fall back to a scan of every chain.
//!
//! # Speed
//! A query computes one unit vector, looks up its cell, and scans candidate chains in order of their lower
//! bound, stopping as soon as the bound exceeds the best distance so far. Points outside the grid (more than a
//! few degrees from the zone) scan all chains with per-chain bounds.

use std::sync::OnceLock;

use crate::sphere::{
    cross, dot, lambert_distance_m, norm, normalize, scale, sub, to_lat_lon, to_unit, UnitVector,
    WGS84_A_M,
};

/// Edges are split until the great-circle piece and the straight longitude/latitude edge differ by less than
/// this at the piece's middle.
pub const DENSIFY_TOLERANCE_M: f64 = 0.25;
const ARCS_PER_CHAIN: usize = 16;
const GRID_MARGIN_DEG: f64 = 3.0;
/// At most this many grid cells; small zones get about three per arc (building costs O(cells · candidates)).
const MAX_FINE_CELLS: f64 = 65_536.0;
const COARSE: usize = 8;
/// Ranks are at least this fraction of the squared chord (see [`Arc::rank`]).
const ONE_MINUS_TWO_F: f64 = 1.0 - 2.0 * crate::sphere::WGS84_F - 1e-12;

/// One great-circle piece of boundary with the vectors its distance test needs.
#[derive(Debug, Clone, Copy)]
struct Arc {
    a: UnitVector,
    b: UnitVector,
    /// Unit normal of the arc's great circle (zero for a degenerate, point-like arc).
    n: UnitVector,
    /// `n × a`: `p · ea ≥ 0` when p's foot on the great circle is past `a`.
    ea: UnitVector,
    /// `b × n`: `p · eb ≥ 0` when p's foot is before `b`.
    eb: UnitVector,
    /// Centre and radius of a ball holding the whole arc (chord midpoint; half chord plus sagitta).
    mid: [f64; 3],
    radius: f64,
}

impl Arc {
    fn new(a: UnitVector, b: UnitVector) -> Arc {
        let c = cross(a, b);
        let mid = scale(crate::sphere::add(a, b), 0.5);
        let half = norm(sub(a, b)) / 2.0;
        let radius = (half + 1.0 - (1.0 - half * half).max(0.0).sqrt()) * (1.0 + 1e-9) + 1e-15;
        if norm(c) < 1e-10 {
            // Shorter than ~0.6 mm: distances to its ends are exact enough; make the in-arc test fail.
            return Arc {
                a,
                b,
                n: [0.0; 3],
                ea: scale(a, -1.0),
                eb: scale(a, -1.0),
                mid,
                radius,
            };
        }
        let n = normalize(c);
        Arc {
            a,
            b,
            n,
            ea: cross(n, a),
            eb: cross(b, n),
            mid,
            radius,
        }
    }

    /// Rank of the arc's nearest point for `p`: squared chord with a first-order ellipsoidal correction,
    /// `c² − 2f·Δz²` (≈ (E/a)² for Lambert's distance E, up to O(f·σ⁴) and O(f²)), at the spherical foot.
    /// Never below `c²·(1 − 2f)`, since |Δz| ≤ c.
    #[inline]
    fn rank(&self, p: UnitVector) -> f64 {
        const TWO_F: f64 = 2.0 * crate::sphere::WGS84_F;
        if dot(p, self.ea) >= 0.0 && dot(p, self.eb) >= 0.0 {
            let t = dot(p, self.n);
            let s = t * t;
            let r = (1.0 - s).max(f64::MIN_POSITIVE).sqrt();
            let chord2 = 2.0 * s / (1.0 + r);
            let dz = (p[2] - t * self.n[2]) / r - p[2];
            chord2 - TWO_F * dz * dz
        } else {
            let (da, db) = (sub(p, self.a), sub(p, self.b));
            (dot(da, da) - TWO_F * da[2] * da[2]).min(dot(db, db) - TWO_F * db[2] * db[2])
        }
    }

    /// The arc's point nearest to `p`.
    fn foot(&self, p: UnitVector) -> UnitVector {
        if dot(p, self.ea) >= 0.0 && dot(p, self.eb) >= 0.0 {
            normalize(sub(p, scale(self.n, dot(p, self.n))))
        } else {
            let (da, db) = (sub(p, self.a), sub(p, self.b));
            if dot(da, da) <= dot(db, db) {
                self.a
            } else {
                self.b
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Chain {
    center: [f64; 3],
    radius: f64,
    first: u32,
    len: u32,
}

/// The nearest boundary point of a zone to a query point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearestBoundary {
    /// Ellipsoidal (WGS84) distance, metres.
    pub distance_m: f64,
    foot: UnitVector,
}

impl NearestBoundary {
    /// The distance in nautical miles.
    pub fn distance_nm(&self) -> f64 {
        self.distance_m / crate::sphere::METRES_PER_NM
    }

    /// The nearest boundary point as geodetic `(latitude, longitude)` in degrees.
    pub fn point(&self) -> (f64, f64) {
        to_lat_lon(self.foot)
    }
}

/// A prepared nearest-boundary index for one zone.
///
/// The grid's cells are prepared lazily, a block of `COARSE × COARSE` cells at a time, when a query
/// first lands in the block: a flight near one stretch of a country's boundary pays for that
/// stretch only (a few milliseconds), not for the whole country's grid (1.3 s for the United
/// States). Every block is built exactly as an eager build would, so answers do not depend on
/// the order of queries.
#[derive(Debug, Clone)]
pub struct BoundaryDistance {
    arcs: Vec<Arc>,
    chains: Vec<Chain>,
    lon0: f64,
    lat0: f64,
    /// Cell width and height, degrees.
    w: f64,
    h: f64,
    inv_w: f64,
    inv_h: f64,
    nx: usize,
    ny: usize,
    /// Blocks across (`nx / COARSE`).
    ncx: usize,
    /// Per block of `COARSE × COARSE` cells, its prepared cells once a query has needed them.
    blocks: Vec<OnceLock<Block>>,
    /// Per chain, its arcs' bounding balls as `f32` structure-of-arrays (x, y, z, radius), padded to
    /// [`ARCS_PER_CHAIN`] with balls that are never near: tested 16 at a time without branches.
    arc_balls: Vec<[[f32; ARCS_PER_CHAIN]; 4]>,
    chain_balls: Vec<ChainBall>,
}

/// The prepared cells of one block, row by row (`COARSE × COARSE`).
#[derive(Debug, Clone)]
struct Block {
    /// Where each cell's list starts in `candidates` (one more entry than cells).
    candidate_start: [u32; COARSE * COARSE + 1],
    /// Per cell, the chains that can hold the nearest point of some point of the cell with their lower bound
    /// for the cell (chord, `f32` rounded down), by increasing bound. Small entries: the lists are the bulk of
    /// the index, while the chains' balls stay in cache.
    candidates: Vec<(u32, f32)>,
    /// Per cell, a chord within which the winning arc lies for every point of the cell: the search starts
    /// with it, so even the first chain scanned ranks only arcs that can win.
    reach: [f32; COARSE * COARSE],
    /// Per cell, the arc nearest to the cell's centre.
    seed: [u32; COARSE * COARSE],
}

/// A chain's bounding ball and where its arcs are: small enough for all of a zone's chains to stay in cache.
#[derive(Debug, Clone, Copy)]
struct ChainBall {
    /// Centre and radius in `f64`: chains are few, and this spares conversions in the hottest loop.
    ball: [f64; 4],
    first: u32,
    /// Bit k set for each of the chain's arcs (chains may be shorter than [`ARCS_PER_CHAIN`]).
    arc_mask: u32,
}

/// Rounds a ball to `f32`, enlarging the radius (by 2e-6, ~13 m on the unit sphere) by far more than the
/// rounding of the centre and of the `f32` distance test (each below 1e-6).
fn ball_f32(centre: [f64; 3], radius: f64) -> [f32; 4] {
    [
        centre[0] as f32,
        centre[1] as f32,
        centre[2] as f32,
        ((radius + 2e-6) * (1.0 + 1e-6)) as f32,
    ]
}

impl BoundaryDistance {
    /// Builds the index over rings of `[longitude, latitude]` vertices (closed implicitly).
    pub fn new<'r>(rings: impl IntoIterator<Item = &'r [[f64; 2]]>) -> BoundaryDistance {
        Self::build(rings, true)
    }

    /// The same without the grid: built in the time it takes to read the arcs, each query scans
    /// every chain's bounding ball (exact, `O(chains)`). For a large zone asked a few questions —
    /// the distance of an event's point to a country's coast — rather than one per position.
    pub fn ungridded<'r>(rings: impl IntoIterator<Item = &'r [[f64; 2]]>) -> BoundaryDistance {
        Self::build(rings, false)
    }

    fn build<'r>(rings: impl IntoIterator<Item = &'r [[f64; 2]]>, grid: bool) -> BoundaryDistance {
        let mut arcs = Vec::new();
        let mut chains = Vec::new();
        let (mut min_lon, mut min_lat, mut max_lon, mut max_lat) =
            (180.0f64, 90.0f64, -180.0f64, -90.0f64);
        for ring in rings {
            let n = ring.len();
            let mut run: Vec<Arc> = Vec::new();
            for i in 0..n {
                let (a, b) = (ring[i], ring[(i + 1) % n]);
                min_lon = min_lon.min(a[0]);
                max_lon = max_lon.max(a[0]);
                min_lat = min_lat.min(a[1]);
                max_lat = max_lat.max(a[1]);
                if a[0].abs() == 180.0 && b[0].abs() == 180.0 {
                    flush_chains(&mut run, &mut arcs, &mut chains);
                    continue;
                }
                densify(a, b, 0, &mut run);
            }
            flush_chains(&mut run, &mut arcs, &mut chains);
        }
        let mut index = BoundaryDistance {
            arcs,
            chains,
            lon0: 0.0,
            lat0: 0.0,
            w: 0.0,
            h: 0.0,
            inv_w: 0.0,
            inv_h: 0.0,
            nx: 0,
            ny: 0,
            ncx: 0,
            blocks: Vec::new(),
            arc_balls: Vec::new(),
            chain_balls: Vec::new(),
        };
        index.arc_balls = index
            .chains
            .iter()
            .map(|c| {
                // Padding, masked out by `arc_mask`.
                let mut soa = [[0.0f32; ARCS_PER_CHAIN]; 4];
                for (k, arc) in index.arcs[c.first as usize..(c.first + c.len) as usize]
                    .iter()
                    .enumerate()
                {
                    let ball = ball_f32(arc.mid, arc.radius);
                    for axis in 0..4 {
                        soa[axis][k] = ball[axis];
                    }
                }
                soa
            })
            .collect();
        index.chain_balls = index
            .chains
            .iter()
            .map(|c| ChainBall {
                ball: [c.center[0], c.center[1], c.center[2], c.radius],
                first: c.first,
                arc_mask: ((1u64 << c.len) - 1) as u32,
            })
            .collect();
        if grid && !index.chains.is_empty() {
            index.build_grid(min_lon, min_lat, max_lon, max_lat);
        }
        index
    }

    /// Lays out the grid; its blocks are prepared when first queried ([`Self::block`]).
    fn build_grid(&mut self, min_lon: f64, min_lat: f64, max_lon: f64, max_lat: f64) {
        let lon0 = (min_lon - GRID_MARGIN_DEG).max(-180.0);
        let lat0 = (min_lat - GRID_MARGIN_DEG).max(-90.0);
        let lon1 = (max_lon + GRID_MARGIN_DEG).min(180.0);
        let lat1 = (max_lat + GRID_MARGIN_DEG).min(90.0);
        let cell = ((lon1 - lon0) * (lat1 - lat0)
            / (3.0 * self.arcs.len() as f64).clamp(1024.0, MAX_FINE_CELLS))
        .sqrt();
        let ncx = (((lon1 - lon0) / cell / COARSE as f64).ceil() as usize).max(1);
        let ncy = (((lat1 - lat0) / cell / COARSE as f64).ceil() as usize).max(1);
        let (nx, ny) = (ncx * COARSE, ncy * COARSE);
        let (w, h) = ((lon1 - lon0) / nx as f64, (lat1 - lat0) / ny as f64);
        self.lon0 = lon0;
        self.lat0 = lat0;
        self.w = w;
        self.h = h;
        self.inv_w = 1.0 / w;
        self.inv_h = 1.0 / h;
        self.nx = nx;
        self.ny = ny;
        self.ncx = ncx;
        self.blocks = (0..ncx * ncy).map(|_| OnceLock::new()).collect();
    }

    /// The prepared cells of block `(cx, cy)`, prepared now if no query needed them before.
    fn block(&self, cx: usize, cy: usize) -> &Block {
        self.blocks[cy * self.ncx + cx].get_or_init(|| self.prepare_block(cx, cy))
    }

    /// Prepares every block now (what a query would otherwise do on first use): for benchmarks and
    /// for a service that would rather pay at start than at its first query there.
    pub fn prepare_all(&self) {
        for cy in 0..self.ny / COARSE {
            for cx in 0..self.ncx {
                self.block(cx, cy);
            }
        }
    }

    /// The candidate lists, reaches and seeds of the `COARSE × COARSE` cells of block `(cx, cy)`.
    fn prepare_block(&self, cx: usize, cy: usize) -> Block {
        let (lon0, lat0, w, h) = (self.lon0, self.lat0, self.w, self.h);
        let all: Vec<u32> = (0..self.chains.len() as u32).collect();
        let coarse_box = cell_box(
            lon0 + (cx * COARSE) as f64 * w,
            lat0 + (cy * COARSE) as f64 * h,
            lon0 + ((cx + 1) * COARSE) as f64 * w,
            lat0 + ((cy + 1) * COARSE) as f64 * h,
        );
        let coarse: Vec<u32> = self
            .candidates_for(&coarse_box, &all, false)
            .0
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        let mut block = Block {
            candidate_start: [0; COARSE * COARSE + 1],
            candidates: Vec::new(),
            reach: [f32::INFINITY; COARSE * COARSE],
            seed: [0; COARSE * COARSE],
        };
        for ly in 0..COARSE {
            for lx in 0..COARSE {
                let (fx, fy) = (cx * COARSE + lx, cy * COARSE + ly);
                let fine_box = cell_box(
                    lon0 + fx as f64 * w,
                    lat0 + fy as f64 * h,
                    lon0 + (fx + 1) as f64 * w,
                    lat0 + (fy + 1) as f64 * h,
                );
                let (mut list, upper) = self.candidates_for(&fine_box, &coarse, true);
                // No arc farther than `upper` (chord) from every point of the cell can win; as a
                // bound on rank-winners it grows by 1/√(1 − 2f).
                let reach = ((upper / ONE_MINUS_TWO_F.sqrt()) * (1.0 + 1e-6) + 1e-7) as f32;
                list.sort_by(|x, y| x.1.total_cmp(&y.1));
                // Seed the cell with the arc nearest to its centre: ranked first, it makes the bounds
                // tight at once.
                let centre = to_unit(lat0 + (fy as f64 + 0.5) * h, lon0 + (fx as f64 + 0.5) * w);
                let k = ly * COARSE + lx;
                block.seed[k] = self.search(centre, &list, f64::from(reach), None) as u32;
                block.reach[k] = reach;
                block.candidates.extend(list);
                block.candidate_start[k + 1] = block.candidates.len() as u32;
            }
        }
        block
    }

    /// Chains that can hold the nearest boundary point of some point in the box, with their lower bounds
    /// (chord length, rounded down to `f32`).
    fn candidates_for(&self, b: &Box3, among: &[u32], arc_level: bool) -> (Vec<(u32, f32)>, f64) {
        let upper = among
            .iter()
            .map(|&c| {
                let chain = &self.chains[c as usize];
                let arcs = &self.arcs[chain.first as usize..(chain.first + chain.len) as usize];
                let by_ball = b.max_dist(chain.center) + chain.radius;
                if arc_level {
                    arcs.iter()
                        .map(|arc| b.max_dist(arc.a))
                        .fold(by_ball, f64::min)
                } else {
                    by_ball.min(b.max_dist(arcs[0].a))
                }
            })
            .fold(f64::INFINITY, f64::min);
        let list = among
            .iter()
            .filter_map(|&c| {
                let chain = &self.chains[c as usize];
                let lower = (b.min_dist(chain.center) - chain.radius).max(0.0);
                (lower <= upper).then_some((c, (lower * (1.0 - 1e-6)) as f32))
            })
            .collect();
        (list, upper)
    }

    /// The nearest boundary point to a geodetic position in degrees, or `None` for a zone without boundary.
    /// Never allocates.
    ///
    /// Arcs are ranked by a first-order ellipsoidal rank (module docs), pruned with rigorous chord bounds scaled by
    /// (1 − 2f); the winner's distance is Lambert's. The winner is the ellipsoidal nearest point up to the
    /// rank's error (second order in f, relative ≲ 1e-5: sampled worst 0.1 m at 32 km, i.e. 3e-6).
    pub fn nearest(&self, latitude: f64, longitude: f64) -> Option<NearestBoundary> {
        if self.chains.is_empty() || !latitude.is_finite() || !longitude.is_finite() {
            return None;
        }
        let p = to_unit(latitude, longitude);
        let fx = (longitude - self.lon0) * self.inv_w;
        let fy = (latitude - self.lat0) * self.inv_h;
        let arc = if fx >= 0.0 && fy >= 0.0 && (fx as usize) < self.nx && (fy as usize) < self.ny {
            let (fx, fy) = (fx as usize, fy as usize);
            let block = self.block(fx / COARSE, fy / COARSE);
            let k = (fy % COARSE) * COARSE + fx % COARSE;
            let list = &block.candidates
                [block.candidate_start[k] as usize..block.candidate_start[k + 1] as usize];
            self.search(
                p,
                list,
                f64::from(block.reach[k]),
                Some(block.seed[k] as usize),
            )
        } else {
            self.search_everywhere(p)
        };
        let foot = self.arcs[arc].foot(p);
        Some(NearestBoundary {
            distance_m: lambert_distance_m(p, foot),
            foot,
        })
    }

    /// Best arc among the listed chains (by increasing lower bound, so the scan stops at the first beyond
    /// reach), starting from the cell's reach and, when given, its seed arc.
    fn search(&self, p: UnitVector, list: &[(u32, f32)], reach: f64, seed: Option<usize>) -> usize {
        let mut best = Best::new();
        best.reach = reach;
        if let Some(arc) = seed {
            let r = self.arcs[arc].rank(p);
            best.arc = arc;
            best.rank = r;
            best.reach = reach.min((r / ONE_MINUS_TWO_F).max(0.0).sqrt());
        }
        for &(c, lower) in list {
            if f64::from(lower) > best.reach {
                break;
            }
            let chain = &self.chain_balls[c as usize];
            if !outside_ball(p, chain.ball, best.reach) {
                self.scan_arcs(p, c as usize, chain, &mut best);
            }
        }
        best.arc
    }

    /// Best arc over all chains, for points outside the grid.
    fn search_everywhere(&self, p: UnitVector) -> usize {
        let mut best = Best::new();
        // Nearest chain centre first, for a good bound early.
        let first = (0..self.chains.len())
            .min_by(|&x, &y| {
                norm(sub(p, self.chains[x].center)).total_cmp(&norm(sub(p, self.chains[y].center)))
            })
            .unwrap_or(0);
        for c in std::iter::once(first).chain(0..self.chains.len()) {
            let chain = &self.chain_balls[c];
            if !outside_ball(p, chain.ball, best.reach) {
                self.scan_arcs(p, c, chain, &mut best);
            }
        }
        best.arc
    }

    /// Improves `best` with the arcs of chain `c`: all their balls are tested at once in `f32` (vectorised, no
    /// branches), then the arcs within reach are ranked exactly, each ball re-tested first against the reach
    /// as it shrinks.
    #[inline]
    fn scan_arcs(&self, p: UnitVector, c: usize, chain: &ChainBall, best: &mut Best) {
        let first = chain.first as usize;
        let [xs, ys, zs, rs] = &self.arc_balls[c];
        let (px, py, pz) = (p[0] as f32, p[1] as f32, p[2] as f32);
        let reach = best.reach as f32;
        // Lane-wise and branch-free so the compiler vectorises it; the bits are gathered afterwards.
        let mut pass = [0u32; ARCS_PER_CHAIN];
        for k in 0..ARCS_PER_CHAIN {
            let (dx, dy, dz) = (px - xs[k], py - ys[k], pz - zs[k]);
            let limit = rs[k] + reach;
            pass[k] = u32::from(dx * dx + dy * dy + dz * dz <= limit * limit);
        }
        let mut within = pass
            .iter()
            .enumerate()
            .fold(0u32, |bits, (k, &b)| bits | (b << k));
        within &= chain.arc_mask;
        while within != 0 {
            let k = within.trailing_zeros() as usize;
            within &= within - 1;
            let (dx, dy, dz) = (px - xs[k], py - ys[k], pz - zs[k]);
            let limit = rs[k] + best.reach as f32;
            if dx * dx + dy * dy + dz * dz > limit * limit {
                continue;
            }
            let r = self.arcs[first + k].rank(p);
            if r < best.rank {
                best.arc = first + k;
                best.rank = r;
                best.reach = (r / ONE_MINUS_TWO_F).max(0.0).sqrt();
            }
        }
    }

    /// The slow reference: Lambert's distance to the nearest point of every arc, no grid. For tests.
    pub fn nearest_brute_force(&self, latitude: f64, longitude: f64) -> Option<NearestBoundary> {
        let p = to_unit(latitude, longitude);
        self.arcs
            .iter()
            .map(|arc| {
                let foot = arc.foot(p);
                NearestBoundary {
                    distance_m: lambert_distance_m(p, foot),
                    foot,
                }
            })
            .min_by(|x, y| x.distance_m.total_cmp(&y.distance_m))
    }

    /// Number of great-circle arcs after densification.
    pub fn arc_count(&self) -> usize {
        self.arcs.len()
    }

    /// Grid cells, and candidate entries over the cells prepared so far (the index's size; all of
    /// them after [`Self::prepare_all`]).
    pub fn grid_size(&self) -> (usize, usize) {
        let entries = self
            .blocks
            .iter()
            .filter_map(OnceLock::get)
            .map(|b| b.candidates.len())
            .sum();
        (self.nx * self.ny, entries)
    }

    /// Blocks of the grid, and how many of them queries have prepared so far.
    pub fn blocks_prepared(&self) -> (usize, usize) {
        let prepared = self.blocks.iter().filter(|b| b.get().is_some()).count();
        (self.blocks.len(), prepared)
    }
}

/// The best arc so far: its index, its rank, and the chord beyond which nothing can beat it
/// (`√(rank / (1 − 2f))`, since ranks are at least `(1 − 2f)·chord²`).
struct Best {
    arc: usize,
    rank: f64,
    reach: f64,
}

impl Best {
    fn new() -> Best {
        Best {
            arc: 0,
            rank: f64::INFINITY,
            reach: f64::INFINITY,
        }
    }
}

/// Whether the ball `[x, y, z, radius]` lies entirely farther than chord `reach` from `p` (no square root).
#[inline]
fn outside_ball(p: UnitVector, ball: [f64; 4], reach: f64) -> bool {
    let d = sub(p, [ball[0], ball[1], ball[2]]);
    let limit = ball[3] + reach;
    dot(d, d) > limit * limit
}

/// Splits the straight longitude/latitude edge `a → b` into great-circle arcs that follow it within
/// [`DENSIFY_TOLERANCE_M`].
fn densify(a: [f64; 2], b: [f64; 2], depth: u32, out: &mut Vec<Arc>) {
    let (ua, ub) = (to_unit(a[1], a[0]), to_unit(b[1], b[0]));
    if depth < 24 {
        let mid = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
        let um = to_unit(mid[1], mid[0]);
        let c = cross(ua, ub);
        let straying_m = if norm(c) < 1e-10 {
            norm(sub(um, ua)).min(norm(sub(um, ub))) * WGS84_A_M
        } else {
            dot(um, normalize(c)).abs() * WGS84_A_M
        };
        if straying_m > DENSIFY_TOLERANCE_M {
            densify(a, mid, depth + 1, out);
            densify(mid, b, depth + 1, out);
            return;
        }
    }
    out.push(Arc::new(ua, ub));
}

fn flush_chains(run: &mut Vec<Arc>, arcs: &mut Vec<Arc>, chains: &mut Vec<Chain>) {
    for group in run.chunks(ARCS_PER_CHAIN) {
        let sum = group.iter().fold([0.0; 3], |s, arc| {
            crate::sphere::add(s, crate::sphere::add(arc.a, arc.b))
        });
        let center = normalize(sum);
        let radius = group
            .iter()
            .map(|arc| {
                // Every point of the arc is within its sagitta of the chord, and the chord within the ball.
                let half = norm(sub(arc.a, arc.b)) / 2.0;
                let sagitta = 1.0 - (1.0 - half * half).max(0.0).sqrt();
                norm(sub(arc.a, center)).max(norm(sub(arc.b, center))) + sagitta
            })
            .fold(0.0, f64::max)
            * (1.0 + 1e-9)
            + 1e-12;
        chains.push(Chain {
            center,
            radius,
            first: arcs.len() as u32,
            len: group.len() as u32,
        });
        arcs.extend_from_slice(group);
    }
    run.clear();
}

/// An axis-aligned box in 3-D containing a patch of the auxiliary sphere.
struct Box3 {
    lo: [f64; 3],
    hi: [f64; 3],
}

impl Box3 {
    fn min_dist(&self, p: [f64; 3]) -> f64 {
        (0..3)
            .map(|k| {
                let d = (self.lo[k] - p[k]).max(p[k] - self.hi[k]).max(0.0);
                d * d
            })
            .sum::<f64>()
            .sqrt()
    }

    fn max_dist(&self, p: [f64; 3]) -> f64 {
        (0..3)
            .map(|k| {
                let d = (p[k] - self.lo[k]).abs().max((self.hi[k] - p[k]).abs());
                d * d
            })
            .sum::<f64>()
            .sqrt()
    }
}

/// The exact bounding box of the sphere patch `[lon0, lon1] × [lat0, lat1]` (degrees), slightly padded.
fn cell_box(lon0: f64, lat0: f64, lon1: f64, lat1: f64) -> Box3 {
    let z0 = to_unit(lat0, 0.0);
    let z1 = to_unit(lat1, 0.0);
    // cos β of the band: z0[0] and z1[0] are cos β at the band's edges.
    let r_min = z0[0].min(z1[0]);
    let r_max = if lat0 <= 0.0 && lat1 >= 0.0 {
        1.0
    } else {
        z0[0].max(z1[0])
    };
    let (l0, l1) = (lon0.to_radians(), lon1.to_radians());
    let range = |f: fn(f64) -> f64, peaks: &[(f64, f64)]| {
        let (mut lo, mut hi) = (f(l0).min(f(l1)), f(l0).max(f(l1)));
        for &(angle, value) in peaks {
            if l0 <= angle && angle <= l1 {
                lo = lo.min(value);
                hi = hi.max(value);
            }
        }
        (lo, hi)
    };
    use std::f64::consts::{FRAC_PI_2, PI};
    let cos_range = range(f64::cos, &[(0.0, 1.0), (PI, -1.0), (-PI, -1.0)]);
    let sin_range = range(f64::sin, &[(FRAC_PI_2, 1.0), (-FRAC_PI_2, -1.0)]);
    let product = |(lo, hi): (f64, f64)| {
        let c = [r_min * lo, r_min * hi, r_max * lo, r_max * hi];
        (
            c.iter().copied().fold(f64::INFINITY, f64::min),
            c.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        )
    };
    let (x, y) = (product(cos_range), product(sin_range));
    const PAD: f64 = 1e-12;
    Box3 {
        lo: [x.0 - PAD, y.0 - PAD, z0[2].min(z1[2]) - PAD],
        hi: [x.1 + PAD, y.1 + PAD, z0[2].max(z1[2]) + PAD],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_prepared_when_first_queried_and_answer_as_prepared_ahead() {
        // A wiggly ring of 2 000 vertices, so the grid has many blocks.
        let ring: Vec<[f64; 2]> = (0..2000)
            .map(|k| {
                let t = k as f64 / 2000.0 * std::f64::consts::TAU;
                let r = 2.0 + 0.3 * (t * 40.0).sin();
                [-100.0 + r * t.cos(), 25.0 + r * t.sin()]
            })
            .collect();
        let lazy = BoundaryDistance::new([ring.as_slice()]);
        let eager = BoundaryDistance::new([ring.as_slice()]);
        eager.prepare_all();
        let (blocks, prepared) = lazy.blocks_prepared();
        assert!(blocks > 4, "{blocks} blocks");
        assert_eq!(prepared, 0, "nothing prepared before a query");
        assert_eq!(eager.blocks_prepared(), (blocks, blocks));
        let first = lazy.nearest(25.0, -98.0).unwrap();
        assert_eq!(lazy.blocks_prepared(), (blocks, 1), "one query, one block");
        assert_eq!(first, eager.nearest(25.0, -98.0).unwrap());
        let mut next = crate::testing::uniform(0x2545_f491_4f6c_dd1d);
        for _ in 0..20_000 {
            let (lat, lon) = (20.0 + next() * 10.0, -105.0 + next() * 10.0);
            assert_eq!(
                lazy.nearest(lat, lon),
                eager.nearest(lat, lon),
                "at {lat},{lon}"
            );
        }
        lazy.prepare_all();
        assert_eq!(
            lazy.grid_size(),
            eager.grid_size(),
            "every block prepared alike"
        );
    }

    #[test]
    fn distance_to_a_square_equals_brute_force_around_it() {
        let ring = [[-100.0, 20.0], [-99.0, 20.0], [-99.0, 21.0], [-100.0, 21.0]];
        let index = BoundaryDistance::new([&ring[..]]);
        for i in 0..60 {
            for j in 0..60 {
                let (lat, lon) = (17.0 + j as f64 * 0.12, -103.0 + i as f64 * 0.12);
                let fast = index.nearest(lat, lon).map(|n| n.distance_m);
                let slow = index.nearest_brute_force(lat, lon).map(|n| n.distance_m);
                assert_eq!(fast, slow, "at {lat},{lon}");
            }
        }
        // 1° of latitude north of the square's northern edge at 21°N: ≈ 110.7 km.
        let north = index
            .nearest(22.0, -99.5)
            .map(|n| n.distance_m)
            .unwrap_or(0.0);
        assert!((north - 110_704.0).abs() < 50.0, "{north}");
    }

    #[test]
    fn long_east_west_edge_follows_the_parallel_not_the_great_circle() {
        // A 10° edge along 45°N: the great circle would bulge ~100 km north of the parallel.
        let ring = [[0.0, 40.0], [10.0, 40.0], [10.0, 45.0], [0.0, 45.0]];
        let index = BoundaryDistance::new([&ring[..]]);
        let on_parallel = index
            .nearest(45.0, 5.0)
            .map(|n| n.distance_m)
            .unwrap_or(f64::NAN);
        assert!(on_parallel < 2.0 * DENSIFY_TOLERANCE_M, "{on_parallel}");
    }

    #[test]
    fn antimeridian_cut_is_not_a_boundary() {
        let east = [[170.0, 50.0], [180.0, 50.0], [180.0, 55.0], [170.0, 55.0]];
        let index = BoundaryDistance::new([&east[..]]);
        // On the cut itself, 2.5° from the northern and southern edges: not 0.
        let d = index
            .nearest(52.5, 180.0)
            .map(|n| n.distance_nm())
            .unwrap_or(0.0);
        assert!(d > 100.0, "{d}");
    }

    #[test]
    fn short_chain_queried_from_afar_regression_fuzz() {
        // A chain shorter than ARCS_PER_CHAIN, first scanned with an unbounded reach (found by cargo-fuzz).
        let ring = [[0.0, 0.0], [1e-4, 0.0], [1e-4, 1e-4]];
        let index = BoundaryDistance::new([&ring[..]]);
        for &(lat, lon) in &[(45.0, 0.0), (0.0, 180.0), (-90.0, 0.0)] {
            assert_eq!(
                index.nearest(lat, lon).map(|n| n.distance_m),
                index.nearest_brute_force(lat, lon).map(|n| n.distance_m)
            );
        }
    }

    #[test]
    fn far_points_use_the_fallback_and_agree() {
        let ring = [[-100.0, 20.0], [-99.0, 20.0], [-99.0, 21.0], [-100.0, 21.0]];
        let index = BoundaryDistance::new([&ring[..]]);
        for &(lat, lon) in &[(60.0, 10.0), (-40.0, 100.0), (20.5, -60.0)] {
            assert_eq!(
                index.nearest(lat, lon).map(|n| n.distance_m),
                index.nearest_brute_force(lat, lon).map(|n| n.distance_m)
            );
        }
    }
}
