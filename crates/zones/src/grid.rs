//! The prepared point-in-polygon index: a two-level grid whose cells are classified once as inside, outside or
//! boundary, with exact edge tests only in boundary cells.
//!
//! Owns fast containment and the "which edges are near this segment" lookup that crossings use. Does not own
//! the definition of inside (that is [`crate::predicates`]; this index reproduces it exactly) nor distances.
//!
//! # Layout
//! - Level 1: a flat grid of `u32` over the polygon's bounding box, about four cells per edge. A cell holds
//!   `0` (outside), `1` (inside), a leaf id, or a block id.
//! - A boundary cell with few edges is a *leaf*: its edges, copied next to each other, and the inside/outside
//!   state of its south-east corner. A busier one becomes a *block* of 16 × 16 sub-cells, two bits each (64
//!   bytes: one cache line), whose boundary sub-cells are leaves found by a popcount rank.
//!
//! # Why a corner and an L-shaped path are exact
//! With the crate's rule a point `p` is classified as `p* = p + (ε, ε²)` (see [`crate::predicates`]). For a
//! query `p` in a leaf with south-east corner `r = (x₁, y₀)`, walk `p → q = (x₁, p.y) → r`:
//! - `inside(p) ⊕ inside(q)` is the parity of edges whose eastward-ray count differs between `p` and `q`, i.e.
//!   that cross the row `y = p.y` between `p.x` and `x₁`;
//! - `inside(q) ⊕ inside(r)` is the parity of edges crossing the nudged vertical segment `x = x₁ + ε` between
//!   `y₀` and `p.y`.
//!
//! Every such edge meets the (closed, slightly enlarged) leaf, so the leaf's own edge list suffices, and
//! `inside(r)` was computed once at build time by sweeping each grid row. Each test uses Shewchuk's exact
//! orientation, so the result equals [`crate::predicates::contains_by_crossing_number`] for every `f64` point,
//! boundary points included.

use std::sync::OnceLock;

use crate::predicates::{contains_by_crossing_number, crosses_east_ray, meets_vertical_above};

/// Sub-cells per side of a block.
const SUB: usize = 16;
/// A boundary cell with more edges than this is split into a block of sub-cells.
const LEAF_MAX_EDGES: usize = 8;
/// Cells are enlarged by this many degrees (≈ 0.1 mm) when collecting their edges, far above the rounding of
/// the cell arithmetic, so a query rounded into a neighbouring cell still sees every edge near it.
const MARGIN_DEG: f64 = 1e-9;
/// Level-1 values at or above this are block ids (`value - BLOCK_TAG`); values in `2..BLOCK_TAG` are leaf ids
/// (`value - 2`).
const BLOCK_TAG: u32 = 1 << 31;

/// A busy boundary cell, split into sub-cells when a query first lands in it (splitting every
/// busy cell of the United States at start took 45 ms; a flight meets a handful).
#[derive(Debug, Clone)]
struct LazyBlock {
    ix: u32,
    iy: u32,
    corner_inside: bool,
    block: OnceLock<Block>,
}

#[derive(Debug, Clone)]
struct Block {
    /// Two bits per sub-cell, row-major: 0 outside, 1 inside, 2 boundary (a leaf).
    states: [u64; SUB * SUB / 32],
    /// The boundary sub-cells' leaves, in row-major order, with their edges.
    leaves: Vec<Leaf>,
    leaf_edges: Vec<[f64; 4]>,
}

#[derive(Debug, Clone)]
struct Leaf {
    start: u32,
    len: u32,
    corner_inside: bool,
    x_east: f64,
    y_south: f64,
}

/// A polygon's edges prepared for O(1) exact containment queries. Coordinates are planar `[x, y]`, which the
/// crate uses as `[longitude, latitude]` degrees.
#[derive(Debug, Clone)]
pub struct PreparedPolygon {
    x0: f64,
    y0: f64,
    cell_w: f64,
    cell_h: f64,
    inv_w: f64,
    inv_h: f64,
    sub_w: f64,
    sub_h: f64,
    nx: usize,
    ny: usize,
    cells: Vec<u32>,
    blocks: Vec<LazyBlock>,
    leaves: Vec<Leaf>,
    leaf_edges: Vec<[f64; 4]>,
    cell_edge_start: Vec<u32>,
    cell_edge_ids: Vec<u32>,
    edges: Vec<([f64; 2], [f64; 2])>,
}

/// Sizes of a built index, for reports and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GridStats {
    /// Level-1 cells (columns × rows).
    pub cells: usize,
    /// Level-1 cells split into sub-cell blocks (when first queried).
    pub blocks: usize,
    /// Of those, the blocks split so far.
    pub blocks_split: usize,
    /// Boundary cells and sub-cells (of the blocks split so far) that run exact edge tests.
    pub leaves: usize,
    /// Edge copies stored in leaves (of the blocks split so far).
    pub leaf_edges: usize,
}

impl PreparedPolygon {
    /// Builds the index over the edges of all rings (holes included; even-odd rule). Zero-length edges are
    /// dropped: they never count for a ray. Costs O(n) memory and time for real boundaries.
    pub fn new(edges: impl IntoIterator<Item = ([f64; 2], [f64; 2])>) -> PreparedPolygon {
        let edges: Vec<_> = edges.into_iter().filter(|(a, b)| a != b).collect();
        let Some((min_x, min_y, max_x, max_y)) = bounds(&edges) else {
            return PreparedPolygon::empty(edges);
        };
        let width = (max_x - min_x).max(1e-6);
        let height = (max_y - min_y).max(1e-6);
        let target = ((edges.len() * 4) as f64).clamp(1024.0, (1u64 << 22) as f64);
        let cell = (width * height / target).sqrt();
        let nx = ((width / cell).ceil() as usize).clamp(1, 1 << 14);
        let ny = ((height / cell).ceil() as usize).clamp(1, 1 << 14);
        let mut cell_w = width / nx as f64;
        let mut cell_h = height / ny as f64;
        // The grid must end strictly beyond the last vertex so every vertex lies in a cell.
        while min_x + nx as f64 * cell_w <= max_x {
            cell_w *= 1.0 + 1e-12;
        }
        while min_y + ny as f64 * cell_h <= max_y {
            cell_h *= 1.0 + 1e-12;
        }
        let mut grid = PreparedPolygon {
            x0: min_x,
            y0: min_y,
            cell_w,
            cell_h,
            inv_w: 1.0 / cell_w,
            inv_h: 1.0 / cell_h,
            sub_w: cell_w / SUB as f64,
            sub_h: cell_h / SUB as f64,
            nx,
            ny,
            cells: vec![0; nx * ny],
            blocks: Vec::new(),
            leaves: Vec::new(),
            leaf_edges: Vec::new(),
            cell_edge_start: Vec::new(),
            cell_edge_ids: Vec::new(),
            edges,
        };
        grid.bucket_edges();
        let corner_inside = grid.grid_point_states();
        grid.classify_cells(&corner_inside);
        grid
    }

    fn empty(edges: Vec<([f64; 2], [f64; 2])>) -> PreparedPolygon {
        PreparedPolygon {
            x0: 0.0,
            y0: 0.0,
            cell_w: 1.0,
            cell_h: 1.0,
            inv_w: 1.0,
            inv_h: 1.0,
            sub_w: 1.0 / SUB as f64,
            sub_h: 1.0 / SUB as f64,
            nx: 1,
            ny: 1,
            cells: vec![0],
            blocks: Vec::new(),
            leaves: Vec::new(),
            leaf_edges: Vec::new(),
            cell_edge_start: vec![0, 0],
            cell_edge_ids: Vec::new(),
            edges,
        }
    }

    /// Whether `[x, y]` is inside under the crate's boundary rule (see [`crate::predicates`]). O(1) outside
    /// boundary cells; NaN coordinates are outside. Never allocates.
    #[inline]
    pub fn contains(&self, p: [f64; 2]) -> bool {
        let fx = (p[0] - self.x0) * self.inv_w;
        let fy = (p[1] - self.y0) * self.inv_h;
        if !(fx >= 0.0 && fy >= 0.0) {
            return false;
        }
        let (ix, iy) = (fx as usize, fy as usize);
        if ix >= self.nx || iy >= self.ny {
            return false;
        }
        let value = self.cells[iy * self.nx + ix];
        if value < 2 {
            return value == 1;
        }
        self.contains_in_boundary_cell(value, ix, iy, fx, fy, p)
    }

    #[cold]
    #[inline(never)]
    fn contains_in_boundary_cell(
        &self,
        value: u32,
        ix: usize,
        iy: usize,
        fx: f64,
        fy: f64,
        p: [f64; 2],
    ) -> bool {
        if value >= BLOCK_TAG {
            let block = self.block((value - BLOCK_TAG) as usize);
            let sx = (((fx - ix as f64) * SUB as f64) as usize).min(SUB - 1);
            let sy = (((fy - iy as f64) * SUB as f64) as usize).min(SUB - 1);
            let s = sy * SUB + sx;
            let (word, shift) = (s / 32, 2 * (s % 32));
            let state = (block.states[word] >> shift) & 3;
            if state < 2 {
                return state == 1;
            }
            const HIGH_BITS: u64 = 0xAAAA_AAAA_AAAA_AAAA;
            let before: u32 = block.states[..word]
                .iter()
                .map(|w| (w & HIGH_BITS).count_ones())
                .sum::<u32>()
                + (block.states[word] & HIGH_BITS & ((1u64 << shift) - 1)).count_ones();
            let leaf = &block.leaves[before as usize];
            let edges = &block.leaf_edges[leaf.start as usize..(leaf.start + leaf.len) as usize];
            return leaf_contains(edges, leaf.corner_inside, leaf.x_east, leaf.y_south, p);
        }
        let leaf = &self.leaves[(value - 2) as usize];
        let edges = &self.leaf_edges[leaf.start as usize..(leaf.start + leaf.len) as usize];
        leaf_contains(edges, leaf.corner_inside, leaf.x_east, leaf.y_south, p)
    }

    /// All edges, as given minus zero-length ones.
    pub fn edges(&self) -> &[([f64; 2], [f64; 2])] {
        &self.edges
    }

    /// Calls `visit` with the id (index into [`Self::edges`]) of every edge that may meet the segment `a → b`,
    /// possibly more than once and possibly with a few that do not: callers test each exactly.
    pub fn for_each_edge_near_segment(
        &self,
        a: [f64; 2],
        b: [f64; 2],
        mut visit: impl FnMut(usize),
    ) {
        let cell_range = |lo: f64, hi: f64, origin: f64, inv: f64, n: usize| {
            let first = ((lo - MARGIN_DEG - origin) * inv).floor().max(0.0);
            let last = ((hi + MARGIN_DEG - origin) * inv).floor();
            if last.is_nan() || last < 0.0 || first >= n as f64 {
                None
            } else {
                Some((first as usize, (last as usize).min(n - 1)))
            }
        };
        let Some((cx0, cx1)) =
            cell_range(a[0].min(b[0]), a[0].max(b[0]), self.x0, self.inv_w, self.nx)
        else {
            return;
        };
        let Some((cy0, cy1)) =
            cell_range(a[1].min(b[1]), a[1].max(b[1]), self.y0, self.inv_h, self.ny)
        else {
            return;
        };
        for iy in cy0..=cy1 {
            for ix in cx0..=cx1 {
                let cell = iy * self.nx + ix;
                let (start, end) = (
                    self.cell_edge_start[cell] as usize,
                    self.cell_edge_start[cell + 1] as usize,
                );
                if start == end || !segment_touches_rect(a, b, self.cell_rect(ix, iy)) {
                    continue;
                }
                for &id in &self.cell_edge_ids[start..end] {
                    visit(id as usize);
                }
            }
        }
    }

    /// Whether any edge may lie in the box `[x0, y0] – [x1, y1]` (conservative: true when a level-1 cell
    /// meeting the box holds an edge). O(cells in the box); never allocates.
    pub fn any_edge_in_box(&self, lo: [f64; 2], hi: [f64; 2]) -> bool {
        let (x0, y0) = (
            self.clamp_x(lo[0] - MARGIN_DEG),
            self.clamp_y(lo[1] - MARGIN_DEG),
        );
        let (x1, y1) = (
            self.clamp_x(hi[0] + MARGIN_DEG),
            self.clamp_y(hi[1] + MARGIN_DEG),
        );
        if hi[0] + MARGIN_DEG < self.x0 || hi[1] + MARGIN_DEG < self.y0 {
            return false;
        }
        if lo[0] - MARGIN_DEG > self.x_of(self.nx) || lo[1] - MARGIN_DEG > self.y_of(self.ny) {
            return false;
        }
        (y0..=y1).any(|j| {
            let row = j * self.nx;
            self.cell_edge_start[row + x0] != self.cell_edge_start[row + x1 + 1]
        })
    }

    /// Index sizes.
    pub fn stats(&self) -> GridStats {
        let split: Vec<&Block> = self.blocks.iter().filter_map(|b| b.block.get()).collect();
        GridStats {
            cells: self.cells.len(),
            blocks: self.blocks.len(),
            blocks_split: split.len(),
            leaves: self.leaves.len() + split.iter().map(|b| b.leaves.len()).sum::<usize>(),
            leaf_edges: self.leaf_edges.len()
                + split.iter().map(|b| b.leaf_edges.len()).sum::<usize>(),
        }
    }

    /// Splits every busy cell now (what a query would otherwise do on first use): for benchmarks.
    pub fn split_all(&self) {
        for id in 0..self.blocks.len() {
            self.block(id);
        }
    }

    fn x_of(&self, i: usize) -> f64 {
        self.x0 + i as f64 * self.cell_w
    }

    fn y_of(&self, j: usize) -> f64 {
        self.y0 + j as f64 * self.cell_h
    }

    fn sub_x(&self, i: usize, s: usize) -> f64 {
        self.x_of(i) + s as f64 * self.sub_w
    }

    fn sub_y(&self, j: usize, s: usize) -> f64 {
        self.y_of(j) + s as f64 * self.sub_h
    }

    /// The cell's rectangle `[x0, y0, x1, y1]`, enlarged by the margin.
    fn cell_rect(&self, i: usize, j: usize) -> [f64; 4] {
        [
            self.x_of(i) - MARGIN_DEG,
            self.y_of(j) - MARGIN_DEG,
            self.x_of(i + 1) + MARGIN_DEG,
            self.y_of(j + 1) + MARGIN_DEG,
        ]
    }

    /// Fills the CSR lists of edge ids per level-1 cell.
    fn bucket_edges(&mut self) {
        let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(self.edges.len() * 2);
        for (id, &(a, b)) in self.edges.iter().enumerate() {
            let i0 = self.clamp_x(a[0].min(b[0]) - MARGIN_DEG);
            let i1 = self.clamp_x(a[0].max(b[0]) + MARGIN_DEG);
            let j0 = self.clamp_y(a[1].min(b[1]) - MARGIN_DEG);
            let j1 = self.clamp_y(a[1].max(b[1]) + MARGIN_DEG);
            for j in j0..=j1 {
                for i in i0..=i1 {
                    if segment_touches_rect(a, b, self.cell_rect(i, j)) {
                        pairs.push(((j * self.nx + i) as u32, id as u32));
                    }
                }
            }
        }
        pairs.sort_unstable();
        let mut start = vec![0u32; self.nx * self.ny + 1];
        for &(cell, _) in &pairs {
            start[cell as usize + 1] += 1;
        }
        for k in 1..start.len() {
            start[k] += start[k - 1];
        }
        self.cell_edge_ids = pairs.into_iter().map(|(_, id)| id).collect();
        self.cell_edge_start = start;
    }

    fn clamp_x(&self, x: f64) -> usize {
        (((x - self.x0) * self.inv_w).floor().max(0.0) as usize).min(self.nx - 1)
    }

    fn clamp_y(&self, y: f64) -> usize {
        (((y - self.y0) * self.inv_h).floor().max(0.0) as usize).min(self.ny - 1)
    }

    /// The inside state of every grid point `(x_of(i), y_of(j))`, `i ∈ 0..=nx`, `j ∈ 0..=ny`, row-major, by one
    /// sweep per grid row: an edge crossing row `j` toggles all grid points west of its crossing.
    fn grid_point_states(&self) -> Vec<bool> {
        let stride = self.nx + 1;
        // One spare column per row: an edge east of every grid point toggles index `stride`.
        let row = stride + 1;
        let mut toggles = vec![false; row * (self.ny + 1)];
        for &(a, b) in &self.edges {
            let (low, high) = if a[1] < b[1] { (a, b) } else { (b, a) };
            if low[1] == high[1] {
                continue;
            }
            // Rows j with low.y <= y_of(j) < high.y, i.e. where (a.y > y) != (b.y > y).
            let mut j = ((low[1] - self.y0) * self.inv_h).floor().max(0.0) as usize;
            while j > 0 && self.y_of(j) >= low[1] {
                j -= 1;
            }
            while j <= self.ny && self.y_of(j) < low[1] {
                j += 1;
            }
            while j <= self.ny && self.y_of(j) < high[1] {
                let y = self.y_of(j);
                let x_cross = low[0] + (y - low[1]) * (high[0] - low[0]) / (high[1] - low[1]);
                // k = number of grid points in the row whose ray this edge crosses (they are the westmost).
                let mut k = ((x_cross - self.x0) * self.inv_w)
                    .ceil()
                    .clamp(0.0, stride as f64) as usize;
                while k > 0 && !crosses_east_ray(a, b, [self.x_of(k - 1), y]) {
                    k -= 1;
                }
                while k < stride && crosses_east_ray(a, b, [self.x_of(k), y]) {
                    k += 1;
                }
                if k > 0 {
                    toggles[j * row] ^= true;
                    toggles[j * row + k] ^= true;
                }
                j += 1;
            }
        }
        let mut states = vec![false; stride * (self.ny + 1)];
        for j in 0..=self.ny {
            let mut inside = false;
            for i in 0..stride {
                inside ^= toggles[j * row + i];
                states[j * stride + i] = inside;
            }
        }
        states
    }

    fn classify_cells(&mut self, grid_points: &[bool]) {
        let stride = self.nx + 1;
        for j in 0..self.ny {
            for i in 0..self.nx {
                let cell = j * self.nx + i;
                let corner_inside = grid_points[j * stride + i + 1];
                let ids = &self.cell_edge_ids
                    [self.cell_edge_start[cell] as usize..self.cell_edge_start[cell + 1] as usize];
                if ids.is_empty() {
                    self.cells[cell] = u32::from(corner_inside);
                    continue;
                }
                if ids.len() <= LEAF_MAX_EDGES {
                    let mut cell_edges = [[0.0; 4]; LEAF_MAX_EDGES];
                    for (slot, &id) in cell_edges.iter_mut().zip(ids) {
                        let (a, b) = self.edges[id as usize];
                        *slot = [a[0], a[1], b[0], b[1]];
                    }
                    let (x_east, y_south) = (self.x_of(i + 1), self.y_of(j));
                    self.cells[cell] = 2 + self.leaves.len() as u32;
                    let n = ids.len();
                    self.push_leaf(&cell_edges[..n], corner_inside, x_east, y_south);
                    continue;
                }
                self.cells[cell] = BLOCK_TAG + self.blocks.len() as u32;
                self.blocks.push(LazyBlock {
                    ix: i as u32,
                    iy: j as u32,
                    corner_inside,
                    block: OnceLock::new(),
                });
            }
        }
    }

    /// Block `id`, split into sub-cells now if no query needed it before.
    fn block(&self, id: usize) -> &Block {
        let lazy = &self.blocks[id];
        lazy.block
            .get_or_init(|| self.split_cell(lazy.ix as usize, lazy.iy as usize, lazy.corner_inside))
    }

    /// The sub-cells of the busy cell `(i, j)`: inside, outside, or a leaf with its edges.
    fn split_cell(&self, i: usize, j: usize, corner_inside: bool) -> Block {
        let cell = j * self.nx + i;
        let cell_edges: Vec<[f64; 4]> = self.cell_edge_ids
            [self.cell_edge_start[cell] as usize..self.cell_edge_start[cell + 1] as usize]
            .iter()
            .map(|&id| {
                let (a, b) = self.edges[id as usize];
                [a[0], a[1], b[0], b[1]]
            })
            .collect();
        let (x_east, y_south) = (self.x_of(i + 1), self.y_of(j));
        let mut block = Block {
            states: [0; SUB * SUB / 32],
            leaves: Vec::new(),
            leaf_edges: Vec::new(),
        };
        for sy in 0..SUB {
            for sx in 0..SUB {
                let rect = [
                    self.sub_x(i, sx) - MARGIN_DEG,
                    self.sub_y(j, sy) - MARGIN_DEG,
                    self.sub_x(i, sx + 1) + MARGIN_DEG,
                    self.sub_y(j, sy + 1) + MARGIN_DEG,
                ];
                let sub_edges: Vec<[f64; 4]> = cell_edges
                    .iter()
                    .filter(|e| segment_touches_rect([e[0], e[1]], [e[2], e[3]], rect))
                    .copied()
                    .collect();
                let corner = [self.sub_x(i, sx + 1), self.sub_y(j, sy)];
                let sub_corner_inside =
                    leaf_contains(&cell_edges, corner_inside, x_east, y_south, corner);
                let s = sy * SUB + sx;
                let state: u64 = if sub_edges.is_empty() {
                    u64::from(sub_corner_inside)
                } else {
                    block.leaves.push(Leaf {
                        start: block.leaf_edges.len() as u32,
                        len: sub_edges.len() as u32,
                        corner_inside: sub_corner_inside,
                        x_east: corner[0],
                        y_south: corner[1],
                    });
                    block.leaf_edges.extend_from_slice(&sub_edges);
                    2
                };
                block.states[s / 32] |= state << (2 * (s % 32));
            }
        }
        block
    }

    fn push_leaf(&mut self, edges: &[[f64; 4]], corner_inside: bool, x_east: f64, y_south: f64) {
        self.leaves.push(Leaf {
            start: self.leaf_edges.len() as u32,
            len: edges.len() as u32,
            corner_inside,
            x_east,
            y_south,
        });
        self.leaf_edges.extend_from_slice(edges);
    }

    /// The reference answer for `p`: the boundary rule over all edges, O(n).
    pub fn contains_slow(&self, p: [f64; 2]) -> bool {
        contains_by_crossing_number(&self.edges, p)
    }
}

/// Inside state of `p` from the leaf's corner state and its edges, by the L-shaped path of the module docs.
#[inline]
fn leaf_contains(
    edges: &[[f64; 4]],
    corner_inside: bool,
    x_east: f64,
    y_south: f64,
    p: [f64; 2],
) -> bool {
    let q = [x_east, p[1]];
    let mut inside = corner_inside;
    for e in edges {
        let (a, b) = ([e[0], e[1]], [e[2], e[3]]);
        if (a[1] > p[1]) != (b[1] > p[1]) {
            inside ^= crosses_east_ray(a, b, p) != crosses_east_ray(a, b, q);
        }
        if (a[0] > x_east) != (b[0] > x_east) {
            inside ^= meets_vertical_above(a, b, x_east, p[1])
                != meets_vertical_above(a, b, x_east, y_south);
        }
    }
    inside
}

fn bounds(edges: &[([f64; 2], [f64; 2])]) -> Option<(f64, f64, f64, f64)> {
    let mut points = edges.iter().flat_map(|(a, b)| [a, b]);
    let first = points.next()?;
    let mut b = (first[0], first[1], first[0], first[1]);
    for p in points {
        b = (b.0.min(p[0]), b.1.min(p[1]), b.2.max(p[0]), b.3.max(p[1]));
    }
    Some(b)
}

/// Whether segment `a → b` meets the rectangle `[x0, y0, x1, y1]`; conservative by floating-point rounding,
/// which the callers' margin absorbs.
pub(crate) fn segment_touches_rect(a: [f64; 2], b: [f64; 2], r: [f64; 4]) -> bool {
    if a[0].max(b[0]) < r[0]
        || a[0].min(b[0]) > r[2]
        || a[1].max(b[1]) < r[1]
        || a[1].min(b[1]) > r[3]
    {
        return false;
    }
    let side = |x: f64, y: f64| (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]);
    let s = [
        side(r[0], r[1]),
        side(r[2], r[1]),
        side(r[2], r[3]),
        side(r[0], r[3]),
    ];
    !(s.iter().all(|&v| v > 0.0) || s.iter().all(|&v| v < 0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring_edges(v: &[[f64; 2]]) -> Vec<([f64; 2], [f64; 2])> {
        (0..v.len()).map(|i| (v[i], v[(i + 1) % v.len()])).collect()
    }

    /// A star with many edges, so some cells become blocks.
    fn star(n: usize) -> Vec<([f64; 2], [f64; 2])> {
        let v: Vec<[f64; 2]> = (0..n)
            .map(|k| {
                let t = k as f64 / n as f64 * std::f64::consts::TAU;
                let r = if k % 2 == 0 { 1.0 } else { 0.35 };
                [r * t.cos(), r * t.sin()]
            })
            .collect();
        ring_edges(&v)
    }

    #[test]
    fn busy_cells_are_split_when_first_queried_and_answer_as_split_ahead() {
        let lazy = PreparedPolygon::new(star(4000));
        let eager = PreparedPolygon::new(star(4000));
        eager.split_all();
        let blocks = lazy.stats().blocks;
        assert!(blocks > 10, "{:?}", lazy.stats());
        assert_eq!(lazy.stats().blocks_split, 0, "nothing split before a query");
        assert_eq!(eager.stats().blocks_split, blocks);
        // A point on the star's outer tip: its busy cell alone is split.
        assert_eq!(lazy.contains([0.999, 0.0]), eager.contains([0.999, 0.0]));
        assert!(lazy.stats().blocks_split <= 1, "{:?}", lazy.stats());
        let mut next = crate::testing::uniform(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let p = [next() * 2.2 - 1.1, next() * 2.2 - 1.1];
            assert_eq!(lazy.contains(p), eager.contains(p), "at {p:?}");
        }
        lazy.split_all();
        assert_eq!(lazy.stats(), eager.stats(), "every block split alike");
    }

    #[test]
    fn square_with_hole_matches_the_reference_on_a_lattice_including_boundaries() {
        let mut edges = ring_edges(&[[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0]]);
        edges.extend(ring_edges(&[
            [1.0, 1.0],
            [1.0, 3.0],
            [3.0, 3.0],
            [3.0, 1.0],
        ]));
        let grid = PreparedPolygon::new(edges);
        for i in -4..=36 {
            for j in -4..=36 {
                let p = [i as f64 * 0.125, j as f64 * 0.125];
                assert_eq!(grid.contains(p), grid.contains_slow(p), "at {p:?}");
            }
        }
        assert!(grid.contains([0.5, 0.5]));
        assert!(!grid.contains([2.0, 2.0]), "in the hole");
    }

    #[test]
    fn busy_cells_become_blocks_and_stay_exact() {
        let grid = PreparedPolygon::new(star(4000));
        assert!(grid.stats().blocks > 0, "{:?}", grid.stats());
        let mut next = crate::testing::uniform(0x2545_f491_4f6c_dd1d);
        for _ in 0..20_000 {
            let p = [next() * 2.2 - 1.1, next() * 2.2 - 1.1];
            assert_eq!(grid.contains(p), grid.contains_slow(p), "at {p:?}");
        }
        // Vertices and edge midpoints: boundary points follow the documented rule.
        for &(a, b) in grid.edges() {
            for p in [a, [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0]] {
                assert_eq!(grid.contains(p), grid.contains_slow(p), "at {p:?}");
            }
        }
    }

    #[test]
    fn nan_and_far_points_are_outside() {
        let grid = PreparedPolygon::new(star(64));
        assert!(!grid.contains([f64::NAN, 0.0]));
        assert!(!grid.contains([0.0, f64::NAN]));
        assert!(!grid.contains([50.0, 0.0]));
        assert!(grid.contains([0.0, 0.0]));
    }

    #[test]
    fn empty_polygon_contains_nothing() {
        let grid = PreparedPolygon::new(Vec::new());
        assert!(!grid.contains([0.0, 0.0]));
    }
}
