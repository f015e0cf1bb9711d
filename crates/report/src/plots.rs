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
    let rotation_name = if rotation_referenced {
        "rotation"
    } else {
        "rotation (centred, no reference)"
    };
    svg("angles over time", (520, 170), |root| {
        let t_end = rows.last().map_or(1.0, |r| r[0] + trace.bin_s / 2.0);
        let (lo, hi) = span(rows.iter().flat_map(|r| [r[1], r[2], r[3]]), 20.0);
        let mut chart = ChartBuilder::on(root)
            .margin(6)
            .x_label_area_size(30)
            .y_label_area_size(40)
            .build_cartesian_2d(0.0..t_end, lo..hi)?;
        chart
            .configure_mesh()
            .x_desc("time (s)")
            .y_desc("angle (°)")
            .light_line_style(WHITE)
            .label_style((FONT, 12))
            .draw()?;
        for (i, name) in [rotation_name, "tilt", "flexion"].into_iter().enumerate() {
            let c = AXIS_COLOURS[i];
            chart
                .draw_series(LineSeries::new(
                    rows.iter().map(|r| (r[0], r[i + 1])),
                    c.stroke_width(2),
                ))?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], c.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .label_font((FONT, 12))
            .draw()?;
        Ok(())
    })
}

/// Where the head points, seen from behind the patient: rotation across (right = chin to the
/// right), flexion up and down (up = chin up), rings every 10° from neutral; each dot is one
/// bin of the trace, the cross the median posture.
pub fn head_direction(trace: &AngleTrace, median: [Option<f64>; 3]) -> Result<String, ReportError> {
    svg("head direction", (300, 300), |root| {
        let far = trace
            .rows
            .iter()
            .map(|r| r[1].hypot(r[3]))
            .fold(20.0_f64, f64::max);
        let r_max = (far / 10.0).ceil() * 10.0 + 5.0;
        let mut chart = ChartBuilder::on(root)
            .margin(6)
            .x_label_area_size(26)
            .y_label_area_size(34)
            .build_cartesian_2d(-r_max..r_max, -r_max..r_max)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("← left   rotation (°)   right →")
            .y_desc("↓ down  flexion (°)  up ↑")
            .label_style((FONT, 11))
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
                (FONT, 10).into_font().color(&BLACK.mix(0.5)),
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
    svg("tremor spectrum", (520, 170), |root| {
        let floor = 1e-6;
        let f_end = s.start_hz + s.df_hz * (s.density.len().max(2) - 1) as f64;
        let top = s.density.iter().copied().fold(floor * 10.0, f64::max) * 2.0;
        let mut chart = ChartBuilder::on(root)
            .margin(6)
            .x_label_area_size(30)
            .y_label_area_size(52)
            .build_cartesian_2d(s.start_hz..f_end, (floor..top).log_scale())?;
        chart
            .configure_mesh()
            .x_desc("frequency (Hz)")
            .y_desc(format!("{} PSD (°²/Hz)", s.axis))
            .light_line_style(WHITE)
            .label_style((FONT, 12))
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
                (FONT, 12).into_font().color(&INJECTION),
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
    svg("jerk raster", (520, 105), |root| {
        let names = ["flexion", "tilt", "rotation"];
        let row = |a: collis_core::Axis| 2.0 - (a as usize) as f64;
        let mut chart = ChartBuilder::on(root)
            .margin(6)
            .x_label_area_size(30)
            .y_label_area_size(60)
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
            .label_style((FONT, 12))
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
                (FONT, 13).into_font().color(&BLACK.mix(0.6)),
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
    svg("EMG bursts", (520, 40 + 22 * rows as u32), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(6)
            .x_label_area_size(30)
            .y_label_area_size(70)
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
            .label_style((FONT, 12))
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
    svg("EMG envelopes", (520, 20 + 95 * rows as u32), |root| {
        let t_end = duration_s.max(1.0);
        for (c, area) in channels.iter().zip(root.split_evenly((rows, 1))) {
            let Some(env) = &c.envelope else {
                area.draw(&Text::new(
                    format!("{}: no envelope in these results", c.label),
                    (80, 40),
                    (FONT, 12).into_font().color(&BLACK.mix(0.6)),
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
                .x_label_area_size(22)
                .y_label_area_size(70)
                .caption(&c.label, (FONT, 12))
                .build_cartesian_2d(0.0..t_end, (floor..top).log_scale())?;
            chart
                .configure_mesh()
                .light_line_style(WHITE)
                .y_labels(4)
                .y_desc(unit)
                .y_label_formatter(&|v| format!("{v:.3}"))
                .label_style((FONT, 11))
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

/// The longitudinal chart: the angle figures (top) and the scores (bottom) per visit, with
/// botulinum toxin injections (red) and DBS programming (purple) marked on the same time axis.
pub fn longitudinal(
    series: &[(Figure, Vec<Point>)],
    injections: &[NaiveDate],
    dbs: &[NaiveDate],
    current: Option<NaiveDate>,
) -> Result<String, ReportError> {
    svg("longitudinal chart", (560, 440), |root| {
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
                (180, 200),
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
        let panels = root.split_evenly((2, 1));
        let groups: [(&str, &[Figure]); 2] = [
            (
                "angle (°)",
                &[
                    Figure::Rotation,
                    Figure::Tilt,
                    Figure::Flexion,
                    Figure::TremorAmplitude,
                ],
            ),
            (
                "score",
                &[Figure::TwstrsSubtotal, Figure::Pain, Figure::JerkRate],
            ),
        ];
        let colours = [
            AXIS_COLOURS[0],
            AXIS_COLOURS[1],
            AXIS_COLOURS[2],
            RGBColor(140, 86, 75),
            RGBColor(23, 190, 207),
            RGBColor(188, 189, 34),
            RGBColor(127, 127, 127),
        ];
        for (panel, (y_desc, figures)) in panels.iter().zip(groups) {
            let chosen: Vec<&(Figure, Vec<Point>)> =
                series.iter().filter(|(f, _)| figures.contains(f)).collect();
            let top = chosen
                .iter()
                .flat_map(|(_, p)| p.iter().map(|p| p.value))
                .fold(1.0_f64, f64::max)
                * 1.15;
            let mut chart = ChartBuilder::on(panel)
                .margin(4)
                .x_label_area_size(24)
                .y_label_area_size(44)
                .build_cartesian_2d(-4.0..x_end, 0.0..top)?;
            chart
                .configure_mesh()
                .light_line_style(WHITE)
                .x_label_formatter(&label)
                .x_labels(8)
                .y_desc(y_desc)
                .label_style((FONT, 11))
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
                chart.draw_series(std::iter::once(Text::new(
                    name,
                    (x(*d) + 0.8, top * 0.97),
                    (FONT, 11).into_font().color(&colour),
                )))?;
            }
            if let Some(c) = current {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x(c) - 1.5, 0.0), (x(c) + 1.5, top)],
                    BLACK.mix(0.08).filled(),
                )))?;
            }
            for (figure, points) in chosen {
                let colour = colours[Figure::ALL.iter().position(|f| f == figure).unwrap_or(0)];
                chart
                    .draw_series(LineSeries::new(
                        points.iter().map(|p| (x(p.date), p.value)),
                        colour.stroke_width(2),
                    ))?
                    .label(format!("{} ({})", figure.label(), figure.unit()))
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2))
                    });
                chart.draw_series(
                    points
                        .iter()
                        .map(|p| Circle::new((x(p.date), p.value), 3, colour.filled())),
                )?;
            }
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK.mix(0.3))
                .label_font((FONT, 11))
                .draw()?;
        }
        Ok(())
    })
}
