//! A small SVG map: zone polygons, a flight track, markers, a graticule, a scale bar.
//!
//! Projection: equirectangular scaled by cos(latitude) at the view's centre — locally
//! conformal enough for a report's view (tens to hundreds of kilometres). Polygon rings are
//! clamped onto a frame around the picture (see `ring_path`), which keeps a 40 000-vertex
//! coastline light and the fill right.

use std::fmt::Write;

use maud::{html, Markup};

/// The area shown.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    /// South edge, degrees.
    pub min_lat: f64,
    /// North edge, degrees.
    pub max_lat: f64,
    /// West edge, degrees.
    pub min_lon: f64,
    /// East edge, degrees.
    pub max_lon: f64,
    /// Picture width, px.
    pub width: f64,
    /// Picture height, px.
    pub height: f64,
}

impl View {
    /// The smallest view with the picture's aspect ratio holding `points` (lat, lon) with a
    /// margin of `margin` (fraction of the extent), at least `min_span_deg` of latitude tall.
    pub fn fit(
        points: &[(f64, f64)],
        width: f64,
        height: f64,
        margin: f64,
        min_span_deg: f64,
    ) -> View {
        let (mut s, mut n, mut w, mut e) = (90.0f64, -90.0f64, 180.0f64, -180.0f64);
        for &(lat, lon) in points
            .iter()
            .filter(|(a, b)| a.is_finite() && b.is_finite())
        {
            s = s.min(lat);
            n = n.max(lat);
            w = w.min(lon);
            e = e.max(lon);
        }
        if s > n {
            (s, n, w, e) = (-1.0, 1.0, -1.0, 1.0);
        }
        let (clat, clon) = ((s + n) / 2.0, (w + e) / 2.0);
        let k = clat.to_radians().cos().max(0.05);
        let mut half_lat = ((n - s) / 2.0 * (1.0 + margin)).max(min_span_deg / 2.0);
        let mut half_lon = (e - w) / 2.0 * (1.0 + margin);
        // aspect: width/height = (2 half_lon k) / (2 half_lat)
        let aspect = width / height;
        if half_lon * k / half_lat > aspect {
            half_lat = half_lon * k / aspect;
        } else {
            half_lon = half_lat * aspect / k;
        }
        View {
            min_lat: clat - half_lat,
            max_lat: clat + half_lat,
            min_lon: clon - half_lon,
            max_lon: clon + half_lon,
            width,
            height,
        }
    }

    /// Picture coordinates of a position.
    pub fn xy(&self, lat: f64, lon: f64) -> (f64, f64) {
        let x = (lon - self.min_lon) / (self.max_lon - self.min_lon) * self.width;
        let y = (self.max_lat - lat) / (self.max_lat - self.min_lat) * self.height;
        (x, y)
    }

    fn contains(&self, lat: f64, lon: f64) -> bool {
        let (dlat, dlon) = (self.max_lat - self.min_lat, self.max_lon - self.min_lon);
        lat >= self.min_lat - dlat
            && lat <= self.max_lat + dlat
            && lon >= self.min_lon - dlon
            && lon <= self.max_lon + dlon
    }
}

/// The outline of a horizontal error ellipse around (lat, lon): semi-axes in metres, the major
/// axis `orientation_deg` clockwise from north; 48 points.
pub fn ellipse_outline(
    lat: f64,
    lon: f64,
    semi_major_m: f64,
    semi_minor_m: f64,
    orientation_deg: f64,
) -> Vec<(f64, f64)> {
    let r = vigia_modes::sphere::EARTH_RADIUS_M;
    let theta = orientation_deg.to_radians();
    let (major_e, major_n) = (theta.sin(), theta.cos());
    let (minor_e, minor_n) = (major_n, -major_e);
    (0..48)
        .map(|k| {
            let t = f64::from(k) * std::f64::consts::TAU / 48.0;
            let (a, b) = (semi_major_m * t.cos(), semi_minor_m * t.sin());
            let (east, north) = (a * major_e + b * minor_e, a * major_n + b * minor_n);
            (
                lat + (north / r).to_degrees(),
                lon + (east / (r * lat.to_radians().cos().max(1e-6))).to_degrees(),
            )
        })
        .collect()
}

/// Something drawn on the map.
#[derive(Clone, Debug, PartialEq)]
pub enum Layer<'a> {
    /// A polygon's rings (`[lon, lat]` vertices), filled.
    Rings {
        /// The rings.
        rings: Vec<&'a [[f64; 2]]>,
        /// Fill colour.
        fill: &'a str,
        /// Stroke colour.
        stroke: &'a str,
        /// Legend label.
        label: &'a str,
    },
    /// A polyline of (lat, lon).
    Line {
        /// The points.
        points: Vec<(f64, f64)>,
        /// Colour.
        stroke: &'a str,
        /// Width, px.
        width: f64,
        /// Legend label.
        label: &'a str,
    },
    /// Closed outlines of (lat, lon), dashed, with one legend entry: error ellipses.
    Outlines {
        /// The outlines.
        outlines: Vec<Vec<(f64, f64)>>,
        /// Colour.
        stroke: &'a str,
        /// Legend label.
        label: &'a str,
    },
    /// A labelled point.
    Marker {
        /// Latitude.
        lat: f64,
        /// Longitude.
        lon: f64,
        /// Colour.
        color: &'a str,
        /// Label.
        label: String,
    },
}

fn ring_path(view: &View, ring: &[[f64; 2]], out: &mut String) {
    // A ring is drawn when a vertex is in the picture — or when it holds the whole picture (a
    // zone that covers the view is a fill, not nothing).
    let centre = (
        (view.min_lon + view.max_lon) / 2.0,
        (view.min_lat + view.max_lat) / 2.0,
    );
    let visible = ring.iter().any(|v| view.contains(v[1], v[0]))
        || vigia_zones::polygon::ring_holds(ring, centre.0, centre.1);
    if ring.len() < 3 || !visible {
        return;
    }
    // Vertices far outside the picture are clamped onto a frame around it: the ring keeps its
    // topology (the fill stays right inside the view) while runs of distant vertices collapse
    // into a few points.
    let (w, h) = (view.width, view.height);
    let mut last: Option<(f64, f64)> = None;
    for v in ring {
        let (x, y) = view.xy(v[1], v[0]);
        let p = (x.clamp(-w, 2.0 * w), y.clamp(-h, 2.0 * h));
        if last.is_some_and(|q| (q.0 - p.0).abs() < 0.5 && (q.1 - p.1).abs() < 0.5) {
            continue;
        }
        let _ = write!(
            out,
            "{}{:.1},{:.1} ",
            if last.is_none() { "M" } else { "L" },
            p.0,
            p.1
        );
        last = Some(p);
    }
    out.push('Z');
}

/// A coordinate to one decimal, as SVG attributes take it.
fn f1(v: f64) -> String {
    format!("{v:.1}")
}

/// Draw the layers into an SVG element (markup from the template engine: labels are escaped).
pub fn svg(view: &View, layers: &[Layer]) -> Markup {
    let (w, h) = (view.width, view.height);
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {w} {h}")) width=(w) height=(h)
            role="img" aria-label="map of the flight and the zone" {
            rect width=(w) height=(h) fill="#eef3f7" {}
            @for (layer, label_at) in layers.iter().zip(place_labels(view, layers)) {
                (draw(view, layer, label_at))
            }
            (graticule(view))
            (scale_bar(view))
            (legend(layers))
        }
    }
}

/// Where each marker's label goes (its lower-left corner), chosen so that labels do not overlap
/// each other or the legend: to the upper right of the marker, else lower right, upper left,
/// lower left, then further out; `None` for layers that are not markers.
fn place_labels(view: &View, layers: &[Layer]) -> Vec<Option<(f64, f64)>> {
    // The legend's box, top left.
    let legend_rows = layers
        .iter()
        .filter(|l| !matches!(l, Layer::Marker { .. }))
        .count() as f64;
    let mut taken: Vec<[f64; 4]> = vec![[56.0, 4.0, 460.0, 8.0 + 15.0 * legend_rows]];
    let overlaps =
        |a: &[f64; 4], b: &[f64; 4]| a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
    layers
        .iter()
        .map(|layer| {
            let Layer::Marker {
                lat, lon, label, ..
            } = layer
            else {
                return None;
            };
            let (x, y) = view.xy(*lat, *lon);
            // 12 px sans-serif: about 7 px a character.
            let (w, h) = (7.0 * label.chars().count() as f64, 12.0);
            let offsets = [
                (8.0, -6.0),
                (8.0, 16.0),
                (-8.0 - w, -6.0),
                (-8.0 - w, 16.0),
                (8.0, -22.0),
                (8.0, 32.0),
                (-8.0 - w, -22.0),
                (-8.0 - w, 32.0),
            ];
            let boxed = |(dx, dy): (f64, f64)| [x + dx, y + dy - h, x + dx + w, y + dy];
            let chosen = offsets
                .iter()
                .copied()
                .find(|o| !taken.iter().any(|t| overlaps(t, &boxed(*o))))
                .unwrap_or(offsets[0]);
            taken.push(boxed(chosen));
            Some((x + chosen.0, y + chosen.1))
        })
        .collect()
}

fn draw(view: &View, layer: &Layer, label_at: Option<(f64, f64)>) -> Markup {
    match layer {
        Layer::Rings {
            rings,
            fill,
            stroke,
            ..
        } => {
            let mut d = String::new();
            for r in rings {
                ring_path(view, r, &mut d);
            }
            html! {
                @if !d.is_empty() {
                    path d=(d) fill=(fill) fill-rule="evenodd" stroke=(stroke) stroke-width="1.2" {}
                }
            }
        }
        Layer::Line {
            points,
            stroke,
            width,
            ..
        } => {
            let mut d = String::new();
            for (k, (lat, lon)) in points.iter().enumerate() {
                let (x, y) = view.xy(*lat, *lon);
                let _ = write!(d, "{}{x:.1},{y:.1} ", if k == 0 { "M" } else { "L" });
            }
            html! {
                path d=(d) fill="none" stroke=(stroke) stroke-width=(width) stroke-linejoin="round" {}
            }
        }
        Layer::Outlines {
            outlines, stroke, ..
        } => {
            let mut d = String::new();
            for outline in outlines {
                for (k, (lat, lon)) in outline.iter().enumerate() {
                    let (x, y) = view.xy(*lat, *lon);
                    let _ = write!(d, "{}{x:.1},{y:.1} ", if k == 0 { "M" } else { "L" });
                }
                if !outline.is_empty() {
                    d.push_str("Z ");
                }
            }
            html! {
                @if !d.is_empty() {
                    path d=(d) fill="none" stroke=(stroke) stroke-width="1.2" stroke-dasharray="4 3" {}
                }
            }
        }
        Layer::Marker {
            lat,
            lon,
            color,
            label,
        } => {
            let (x, y) = view.xy(*lat, *lon);
            let (tx, ty) = label_at.unwrap_or((x + 8.0, y - 6.0));
            html! {
                circle cx=(f1(x)) cy=(f1(y)) r="5" fill=(color) stroke="white" stroke-width="1.5" {}
                text x=(f1(tx)) y=(f1(ty)) font-size="12" font-family="sans-serif" fill="#111"
                    stroke="white" stroke-width="3" paint-order="stroke" { (label) }
            }
        }
    }
}

fn nice_step(span: f64) -> f64 {
    let raw = span / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
}

/// The values `start + k·step` inside `(min, max)`, at most 100 of them.
fn ticks(min: f64, max: f64) -> Vec<f64> {
    let step = nice_step(max - min);
    let first = (min / step).ceil() * step;
    (0..100)
        .map(|k| first + f64::from(k) * step)
        .take_while(|v| *v < max)
        .collect()
}

fn graticule(view: &View) -> Markup {
    html! {
        @for lat in ticks(view.min_lat, view.max_lat) {
            @let y = view.xy(lat, view.min_lon).1;
            line x1="0" y1=(f1(y)) x2=(view.width) y2=(f1(y)) stroke="#9ab" stroke-width="0.5" stroke-dasharray="3 3" {}
            text x="4" y=(f1(y - 2.0)) font-size="10" font-family="sans-serif" fill="#456" { (format!("{lat:.2}°")) }
        }
        @for lon in ticks(view.min_lon, view.max_lon) {
            @let x = view.xy(view.min_lat, lon).0;
            line x1=(f1(x)) y1="0" x2=(f1(x)) y2=(view.height) stroke="#9ab" stroke-width="0.5" stroke-dasharray="3 3" {}
            text x=(f1(x + 2.0)) y=(view.height - 4.0) font-size="10" font-family="sans-serif" fill="#456" { (format!("{lon:.2}°")) }
        }
    }
}

fn scale_bar(view: &View) -> Markup {
    let clat = (view.min_lat + view.max_lat) / 2.0;
    let km_per_px = (view.max_lon - view.min_lon) * 111.32 * clat.to_radians().cos() / view.width;
    let nm = nice_step(km_per_px * view.width / 1.852 / 2.0);
    let px = nm * 1.852 / km_per_px;
    let (x0, y0) = (view.width - px - 20.0, view.height - 24.0);
    html! {
        rect x=(f1(x0)) y=(f1(y0)) width=(f1(px)) height="6" fill="#111" {}
        text x=(f1(x0)) y=(f1(y0 - 4.0)) font-size="11" font-family="sans-serif" { (nm) " NM" }
        text x=(f1(view.width - 44.0)) y="22" font-size="16" font-family="sans-serif" font-weight="bold" { "N ↑" }
    }
}

fn legend(layers: &[Layer]) -> Markup {
    let entries: Vec<(&str, &str)> = layers
        .iter()
        .filter_map(|layer| match layer {
            Layer::Rings { fill, label, .. } => Some((*fill, *label)),
            Layer::Line { stroke, label, .. } => Some((*stroke, *label)),
            Layer::Outlines { stroke, label, .. } => Some((*stroke, *label)),
            Layer::Marker { .. } => None,
        })
        .collect();
    html! {
        @for (k, (color, label)) in entries.iter().enumerate() {
            @let y = 16.0 + 15.0 * k as f64;
            rect x="60" y=(f1(y - 9.0)) width="14" height="10" fill=(color) stroke="#333" stroke-width="0.5" {}
            text x="80" y=(f1(y)) font-size="11" font-family="sans-serif" fill="#111" stroke="white"
                stroke-width="3" paint-order="stroke" { (label) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_points_inside_and_aspect() {
        let v = View::fit(&[(30.0, -115.0), (31.0, -114.0)], 800.0, 500.0, 0.2, 0.1);
        for (lat, lon) in [(30.0, -115.0), (31.0, -114.0)] {
            let (x, y) = v.xy(lat, lon);
            assert!((0.0..=800.0).contains(&x) && (0.0..=500.0).contains(&y));
        }
        let k = 30.5f64.to_radians().cos();
        let aspect = (v.max_lon - v.min_lon) * k / (v.max_lat - v.min_lat);
        assert!((aspect - 1.6).abs() < 1e-9);
    }

    #[test]
    fn svg_draws_what_it_is_given() {
        let v = View::fit(&[(30.0, -115.0), (31.0, -114.0)], 400.0, 300.0, 0.2, 0.1);
        let ring: Vec<[f64; 2]> = vec![
            [-115.5, 29.5],
            [-114.5, 29.5],
            [-114.5, 30.5],
            [-115.5, 30.5],
        ];
        let svg = svg(
            &v,
            &[
                Layer::Rings {
                    rings: vec![&ring],
                    fill: "#fc9",
                    stroke: "#c60",
                    label: "MEX sovereign airspace",
                },
                Layer::Line {
                    points: vec![(30.0, -115.0), (31.0, -114.0)],
                    stroke: "#06c",
                    width: 2.0,
                    label: "track",
                },
                Layer::Marker {
                    lat: 30.5,
                    lon: -114.5,
                    color: "#c00",
                    label: "entry <12:00>".into(),
                },
            ],
        );
        let svg = svg.into_string();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("fill=\"#fc9\"") && svg.contains("entry &lt;12:00&gt;"));
        assert!(svg.contains(" NM</text>"));
    }

    #[test]
    fn labels_of_nearby_markers_do_not_overlap() {
        let v = View::fit(&[(30.0, -115.0), (31.0, -114.0)], 800.0, 500.0, 0.2, 0.1);
        // Four markers a pixel apart: their labels go to four different places.
        let markers: Vec<Layer> = (0..4)
            .map(|k| Layer::Marker {
                lat: 30.5,
                lon: -114.5 + f64::from(k) * 1e-4,
                color: "#c00",
                label: format!("P{k} 12:00:0{k}"),
            })
            .collect();
        let at: Vec<(f64, f64)> = place_labels(&v, &markers).into_iter().flatten().collect();
        assert_eq!(at.len(), 4);
        for i in 0..4 {
            for j in 0..i {
                let (a, b) = (at[i], at[j]);
                let apart = (a.0 - b.0).abs() >= 7.0 * 11.0 || (a.1 - b.1).abs() >= 12.0;
                assert!(apart, "labels {j} and {i} overlap: {a:?} {b:?}");
            }
        }
    }
}
