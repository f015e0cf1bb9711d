//! The report's figures as SVG text, drawn with plotters: angles over time, where the head
//! points (polar), the tremor spectrum, the jerk raster, the surface-EMG bursts and envelopes, and the
//! longitudinal chart with the treatments marked. Each function returns a standalone `<svg>` element for inlining.

use crate::longitudinal::{Figure, Point};
use crate::ReportError;
use chrono::NaiveDate;
use collis_core::emg::EmgChannel;
use collis_core::results::{AngleTrace, JerkEvent, SpasmEvent, Spectrum};
use plotters::coord::Shift;
use plotters::prelude::*;

type Drawn = Result<(), Box<dyn std::error::Error>>;

/// Colours per axis (rotation, tilt, flexion) and for the other series.
pub const AXIS_COLOURS: [RGBColor; 3] = [
    RGBColor(31, 119, 180),
    RGBColor(230, 120, 20),
    RGBColor(44, 150, 44),
];
const INJECTION: RGBColor = RGBColor(200, 30, 60);
const DBS: RGBColor = RGBColor(120, 60, 170);
const FONT: &str = "sans-serif";
/// Text size in the figures, px. Each figure is drawn at about the size it is printed (its
/// width in px ≈ its column's width on A4 at 96 px per inch), so 15 px prints at 8 pt or more,
/// above the 8 pt that a printed page needs to be read (the record test measures the PDF).
const TEXT: u32 = 15;

/// Draw into an SVG of `size` pixels with `draw`.
fn svg(
    plot: &'static str,
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Drawn,
) -> Result<String, ReportError> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        let result = root
            .fill(&WHITE)
            .map_err(Into::into)
            .and_then(|()| draw(&root))
            .and_then(|()| root.present().map_err(Into::into));
        result.map_err(|e| ReportError::Plot {
            plot,
            message: e.to_string(),
        })?;
    }
    Ok(out)
}

/// Range `[lo, hi]` of `values` widened by a margin, at least `min_span` wide.
fn span(values: impl Iterator<Item = f64>, min_span: f64) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    if !lo.is_finite() {
        return (-min_span / 2.0, min_span / 2.0);
    }
    let mid = 0.5 * (lo + hi);
    let half = (0.5 * (hi - lo) * 1.1).max(min_span / 2.0);
    (mid - half, mid + half)
}

/// Rotation, tilt and flexion over the recording (binned means). Without a rotation
/// reference the rotation's offset is arbitrary: it is drawn centred on its mean.
pub fn angles_over_time(
    trace: &AngleTrace,
    rotation_referenced: bool,
    neutral_s: Option<[f64; 2]>,
) -> Result<String, ReportError> {
    let offset = if rotation_referenced || trace.rows.is_empty() {
        0.0
    } else {
        trace.rows.iter().map(|r| r[1]).sum::<f64>() / trace.rows.len() as f64
    };
    let rows: Vec<[f64; 4]> = trace
        .rows
        .iter()
        .map(|r| [r[0], r[1] - offset, r[2], r[3]])
        .collect();
    svg("angles over time", (400, 160), |root| {
        let t_end = rows.last().map_or(1.0, |r| r[0] + trace.bin_s / 2.0);
        let (lo, hi) = span(rows.iter().flat_map(|r| [r[1], r[2], r[3]]), 20.0);
        let mut chart = ChartBuilder::on(root)
            .margin(6)
            .x_label_area_size(42)
            .y_label_area_size(62)
            .build_cartesian_2d(0.0..t_end, lo..hi)?;
        chart
            .configure_mesh()
            .x_labels(6)
            .y_labels(5)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .x_desc("time (s)")
            .y_desc("angle (°)")
            .light_line_style(WHITE)
            .label_style((FONT, TEXT))
            .draw()?;
        // The neutral segment the angles are measured against, shaded.
        if let Some([a, b]) = neutral_s {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(a, lo), (b, hi)],
                BLACK.mix(0.1).filled(),
            )))?;
        }
        // No legend box over the data: the caption names the colours.
        for i in 0..3 {
            chart.draw_series(LineSeries::new(
                rows.iter().map(|r| (r[0], r[i + 1])),
                AXIS_COLOURS[i].stroke_width(2),
            ))?;
        }
        Ok(())
    })
}

/// Where the head points, seen from behind the patient: rotation across (right = chin to the
/// right), flexion up and down (up = chin up), rings every 10° from neutral; each dot is one
/// bin of the trace, the cross the median posture.
pub fn head_direction(trace: &AngleTrace, median: [Option<f64>; 3]) -> Result<String, ReportError> {
    svg("head direction", (250, 250), |root| {
        let far = trace
            .rows
            .iter()
            .map(|r| r[1].hypot(r[3]))
            .fold(20.0_f64, f64::max);
        let r_max = (far / 10.0).ceil() * 10.0 + 5.0;
        let mut chart = ChartBuilder::on(root)
            .margin(6)
            .x_label_area_size(40)
            .y_label_area_size(52)
            .build_cartesian_2d(-r_max..r_max, -r_max..r_max)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(5)
            .y_labels(5)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .x_desc("← left   rotation (°)   right →")
            .y_desc("↓ down  flexion (°)  up ↑")
            .label_style((FONT, TEXT))
            .draw()?;
        let mut ring = 10.0;
        while ring < r_max {
            let pts: Vec<(f64, f64)> = (0..=72)
                .map(|k| {
                    let a = k as f64 * std::f64::consts::TAU / 72.0;
                    (ring * a.cos(), ring * a.sin())
                })
                .collect();
            chart.draw_series(std::iter::once(PathElement::new(pts, BLACK.mix(0.2))))?;
            chart.draw_series(std::iter::once(Text::new(
                format!("{ring:.0}°"),
                (ring * 0.72, ring * 0.72),
                (FONT, TEXT).into_font().color(&BLACK.mix(0.5)),
            )))?;
            ring += 10.0;
        }
        for (a, b) in [((-r_max, 0.0), (r_max, 0.0)), ((0.0, -r_max), (0.0, r_max))] {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![a, b],
                BLACK.mix(0.3),
            )))?;
        }
        chart.draw_series(
            trace
                .rows
                .iter()
                .map(|r| Circle::new((r[1], -r[3]), 2, AXIS_COLOURS[0].mix(0.5).filled())),
        )?;
        if let (Some(rot), Some(flex)) = (median[0], median[2]) {
            chart.draw_series(std::iter::once(Cross::new(
                (rot, -flex),
                7,
                INJECTION.stroke_width(3),
            )))?;
        }
        Ok(())
    })
}

/// The Welch spectrum of the tremor's main axis, log scale, tremor band shaded.
pub fn tremor_spectrum(
    s: &Spectrum,
    band_hz: [f64; 2],
    peak_hz: Option<f64>,
) -> Result<String, ReportError> {
    svg("tremor spectrum", (410, 160), |root| {
        let floor = 1e-6;
        let f_end = s.start_hz + s.df_hz * (s.density.len().max(2) - 1) as f64;
        let top = s.density.iter().copied().fold(floor * 10.0, f64::max) * 2.0;
        let mut chart = ChartBuilder::on(root)
            .margin(6)
            .x_label_area_size(42)
            .y_label_area_size(70)
            .build_cartesian_2d(s.start_hz..f_end, (floor..top).log_scale())?;
        chart
            .configure_mesh()
            .x_labels(7)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .x_desc("frequency (Hz)")
            .y_desc(format!("{} PSD (°²/Hz)", s.axis))
            .light_line_style(WHITE)
            .label_style((FONT, TEXT))
            .y_label_formatter(&|v| format!("{v:.0e}"))
            .draw()?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(band_hz[0], floor), (band_hz[1].min(f_end), top)],
            AXIS_COLOURS[1].mix(0.08).filled(),
        )))?;
        chart.draw_series(LineSeries::new(
            s.density
                .iter()
                .enumerate()
                .map(|(k, &d)| (s.start_hz + k as f64 * s.df_hz, d.max(floor))),
            AXIS_COLOURS[s.axis as usize].stroke_width(2),
        ))?;
        if let Some(f) = peak_hz {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(f, floor), (f, top)],
                INJECTION.stroke_width(1),
            )))?;
            chart.draw_series(std::iter::once(Text::new(
                format!("tremor {f:.2} Hz"),
                (f + 0.2, top / 4.0),
                (FONT, TEXT).into_font().color(&INJECTION),
            )))?;
        }
        Ok(())
    })
}

/// Jerks (ticks, dark = positive direction) and spasms (bars) per axis over the recording.
pub fn jerk_raster(
    jerks: &[JerkEvent],
    spasms: &[SpasmEvent],
    duration_s: f64,
) -> Result<String, ReportError> {
    svg("jerk raster", (400, 95), |root| {
        let names = ["flexion", "tilt", "rotation"];
        let row = |a: collis_core::Axis| 2.0 - (a as usize) as f64;
        let mut chart = ChartBuilder::on(root)
            .margin(6)
            .x_label_area_size(36)
            .y_label_area_size(72)
            .build_cartesian_2d(0.0..duration_s.max(1.0), -0.5..2.5)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .y_labels(3)
            .y_label_formatter(&|v: &f64| {
                let k = v.round();
                if (v - k).abs() < 0.01 && (0.0..=2.0).contains(&k) {
                    names[k as usize].to_string()
                } else {
                    String::new()
                }
            })
            .x_desc("time (s)")
            .label_style((FONT, TEXT))
            .draw()?;
        chart.draw_series(spasms.iter().map(|s| {
            let y = row(s.axis);
            Rectangle::new(
                [(s.start_s, y - 0.2), (s.start_s + s.duration_s, y + 0.2)],
                AXIS_COLOURS[s.axis as usize].mix(0.35).filled(),
            )
        }))?;
        chart.draw_series(jerks.iter().map(|j| {
            let y = row(j.axis);
            let c = AXIS_COLOURS[j.axis as usize];
            let style = if j.amplitude_deg >= 0.0 {
                c.stroke_width(2)
            } else {
                c.mix(0.45).stroke_width(2)
            };
            PathElement::new(vec![(j.time_s, y - 0.35), (j.time_s, y + 0.35)], style)
        }))?;
        if jerks.is_empty() && spasms.is_empty() {
            chart.draw_series(std::iter::once(Text::new(
                "no jerks or spasms detected",
                (duration_s.max(1.0) * 0.35, 1.0),
                (FONT, TEXT).into_font().color(&BLACK.mix(0.6)),
            )))?;
        }
        Ok(())
    })
}

/// Surface-EMG bursts per channel over the recording: one row per channel, a bar per burst,
/// its height the burst's peak envelope relative to the channel's largest; short bursts
/// (< 100 ms, myoclonus support) in red.
pub fn emg_bursts(channels: &[EmgChannel], duration_s: f64) -> Result<String, ReportError> {
    let rows = channels.len().max(1);
    svg("EMG bursts", (400, 50 + 24 * rows as u32), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(6)
            .x_label_area_size(40)
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..duration_s.max(1.0), -0.5..(rows as f64 - 0.5))?;
        let labels: Vec<String> = channels.iter().map(|c| c.label.clone()).collect();
        chart
            .configure_mesh()
            .disable_mesh()
            .y_labels(rows)
            .y_label_formatter(&|v: &f64| {
                let k = v.round();
                let i = rows as f64 - 1.0 - k;
                if (v - k).abs() < 0.01 && i >= 0.0 && (i as usize) < labels.len() {
                    labels[i as usize].clone()
                } else {
                    String::new()
                }
            })
            .x_desc("time (s)")
            .label_style((FONT, TEXT))
            .draw()?;
        for (i, c) in channels.iter().enumerate() {
            let y = (rows - 1 - i) as f64;
            let top = c
                .bursts
                .iter()
                .map(|b| b.peak)
                .fold(0.0, f64::max)
                .max(f64::MIN_POSITIVE);
            chart.draw_series(c.bursts.iter().map(|b| {
                let h = 0.1 + 0.3 * (b.peak / top).clamp(0.0, 1.0);
                let colour = if b.short { INJECTION } else { AXIS_COLOURS[0] };
                Rectangle::new(
                    [
                        (b.onset_s, y - h),
                        (b.offset_s.max(b.onset_s + 0.02), y + h),
                    ],
                    colour.filled(),
                )
            }))?;
        }
        Ok(())
    })
}

/// Surface-EMG envelopes, one panel per channel: the decimated envelope (log scale, in % MVC
/// or multiples of the resting level), the detected bursts shaded and the onset threshold
/// dashed. Channels without an envelope (results before schema 1.3) get a note.
pub fn emg_envelopes(channels: &[EmgChannel], duration_s: f64) -> Result<String, ReportError> {
    let rows = channels.len().max(1);
    svg("EMG envelopes", (400, 20 + 95 * rows as u32), |root| {
        let t_end = duration_s.max(1.0);
        for (c, area) in channels.iter().zip(root.split_evenly((rows, 1))) {
            let Some(env) = &c.envelope else {
                area.draw(&Text::new(
                    format!("{}: no envelope in these results", c.label),
                    (80, 40),
                    (FONT, TEXT).into_font().color(&BLACK.mix(0.6)),
                ))?;
                continue;
            };
            let top = env
                .values
                .iter()
                .copied()
                .fold(env.threshold * 4.0, f64::max)
                .max(f64::MIN_POSITIVE)
                * 1.5;
            let floor = (env.threshold / 4.0).max(top * 1e-4);
            let unit = match env.scale.as_str() {
                "pct_mvc" => "% MVC".to_string(),
                "x_baseline" => "× rest".to_string(),
                u => u.to_string(),
            };
            let mut chart = ChartBuilder::on(&area)
                .margin(4)
                .x_label_area_size(30)
                .y_label_area_size(80)
                .caption(&c.label, (FONT, TEXT))
                .build_cartesian_2d(0.0..t_end, (floor..top).log_scale())?;
            chart
                .configure_mesh()
                .light_line_style(WHITE)
                .y_labels(4)
                .y_desc(unit)
                .y_label_formatter(&|v| format!("{v:.3}"))
                .label_style((FONT, TEXT))
                .draw()?;
            chart.draw_series(c.bursts.iter().map(|b| {
                let colour = if b.short { INJECTION } else { AXIS_COLOURS[1] };
                Rectangle::new(
                    [(b.onset_s, floor), (b.offset_s.max(b.onset_s + 0.02), top)],
                    colour.mix(0.18).filled(),
                )
            }))?;
            let dt = 1.0 / env.rate_hz;
            chart.draw_series(LineSeries::new(
                env.values
                    .iter()
                    .enumerate()
                    .map(|(k, &v)| (env.start_s + (k as f64 + 0.5) * dt, v.max(floor))),
                AXIS_COLOURS[0].stroke_width(1),
            ))?;
            chart.draw_series(DashedLineSeries::new(
                [(0.0, env.threshold), (t_end, env.threshold)],
                5,
                4,
                BLACK.mix(0.7).stroke_width(1),
            ))?;
        }
        Ok(())
    })
}

/// One figure's points over the visits.
type FigureSeries = (Figure, Vec<Point>);

/// The longitudinal chart, one panel per unit (angles in °, jerk rate per minute, TWSTRS
/// points, diary pain out of 10: no shared "score" axis), each with the figures it has over
/// the visits, botulinum toxin injections (red) and DBS programming (purple) marked on the
/// same time axis, the session reported shaded, and the legend beside the panel, not on the
/// data. Drawn at the full width of a printed page.
pub fn longitudinal(
    series: &[(Figure, Vec<Point>)],
    injections: &[NaiveDate],
    dbs: &[NaiveDate],
    current: Option<NaiveDate>,
) -> Result<String, ReportError> {
    let groups: [(&str, &[Figure]); 4] = [
        (
            "angle (°)",
            &[
                Figure::Rotation,
                Figure::Tilt,
                Figure::Flexion,
                Figure::TremorAmplitude,
            ],
        ),
        ("jerks (/min)", &[Figure::JerkRate]),
        ("TWSTRS (points)", &[Figure::TwstrsSubtotal]),
        ("pain (/10)", &[Figure::Pain]),
    ];
    let shown: Vec<(&str, Vec<&FigureSeries>)> = groups
        .iter()
        .map(|(desc, figures)| {
            (
                *desc,
                series.iter().filter(|(f, _)| figures.contains(f)).collect(),
            )
        })
        .filter(|(_, chosen): &(&str, Vec<_>)| !chosen.is_empty())
        .collect();
    // The angles' panel holds four lines; the others one each.
    let panel_h = |desc: &str| if desc.starts_with("angle") { 130 } else { 90 };
    let height: u32 = shown.iter().map(|(d, _)| panel_h(d)).sum::<u32>().max(90);
    svg("longitudinal chart", (1040, height), |root| {
        let dates = series
            .iter()
            .flat_map(|(_, p)| p.iter().map(|p| p.date))
            .chain(injections.iter().copied())
            .chain(dbs.iter().copied());
        let first = dates.clone().min();
        let last = dates.max();
        let (Some(first), Some(last)) = (first, last) else {
            root.draw(&Text::new(
                "no sessions or treatments yet",
                (400, 60),
                (FONT, 14).into_font(),
            ))?;
            return Ok(());
        };
        let x = |d: NaiveDate| (d - first).num_days() as f64;
        let x_end = x(last).max(1.0) + 4.0;
        let label = move |v: &f64| {
            (first + chrono::Duration::days(v.round() as i64))
                .format("%Y-%m-%d")
                .to_string()
        };
        let colours = [
            AXIS_COLOURS[0],
            AXIS_COLOURS[1],
            AXIS_COLOURS[2],
            RGBColor(140, 86, 75),
            RGBColor(23, 190, 207),
            RGBColor(188, 189, 34),
            RGBColor(127, 127, 127),
        ];
        let mut rest = root.clone();
        let mut panels = Vec::new();
        for (desc, _) in &shown {
            let (panel, below) = rest.split_vertically(panel_h(desc));
            panels.push(panel);
            rest = below;
        }
        for (panel, (y_desc, chosen)) in panels.iter().zip(&shown) {
            // The legend's own strip at the right.
            let (plot, legend) = panel.split_horizontally(840);
            let top = chosen
                .iter()
                .flat_map(|(_, p)| p.iter().map(|p| p.value))
                .fold(1.0_f64, f64::max)
                * 1.15;
            let mut chart = ChartBuilder::on(&plot)
                .margin(4)
                .margin_top(14)
                .x_label_area_size(24)
                .y_label_area_size(64)
                .build_cartesian_2d(-4.0..x_end, 0.0..top)?;
            chart
                .configure_mesh()
                .light_line_style(WHITE)
                .x_label_formatter(&label)
                .x_labels(8)
                .y_labels(4)
                .y_desc(*y_desc)
                .label_style((FONT, TEXT))
                .draw()?;
            for (d, colour, name) in injections
                .iter()
                .map(|d| (d, INJECTION, "BoNT"))
                .chain(dbs.iter().map(|d| (d, DBS, "DBS")))
            {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x(*d), 0.0), (x(*d), top)],
                    colour.mix(0.7).stroke_width(2),
                )))?;
                // The marker's name above the plotting area, off the data.
                let (px, _) = chart.backend_coord(&(x(*d), top));
                plot.draw(&Text::new(
                    name,
                    (px + 2, 1),
                    (FONT, TEXT).into_font().color(&colour),
                ))?;
            }
            if let Some(c) = current {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x(c) - 1.5, 0.0), (x(c) + 1.5, top)],
                    BLACK.mix(0.08).filled(),
                )))?;
            }
            for (k, (figure, points)) in chosen.iter().enumerate() {
                let colour = colours[Figure::ALL.iter().position(|f| f == figure).unwrap_or(0)];
                chart.draw_series(LineSeries::new(
                    points.iter().map(|p| (x(p.date), p.value)),
                    colour.stroke_width(2),
                ))?;
                chart.draw_series(
                    points
                        .iter()
                        .map(|p| Circle::new((x(p.date), p.value), 3, colour.filled())),
                )?;
                let y = 20 + 20 * k as i32;
                legend.draw(&PathElement::new(
                    vec![(8, y), (28, y)],
                    colour.stroke_width(3),
                ))?;
                legend.draw(&Text::new(
                    format!("{} ({})", figure.label(), figure.unit()),
                    (34, y - 7),
                    (FONT, TEXT).into_font(),
                ))?;
            }
        }
        Ok(())
    })
}
