//! Whole-recording orientation for files, streamed with flat memory.
//!
//! A file is analysed after the fact, so every sample's orientation can use the samples after
//! it too ([`super::block`]): the magnetometer's heading and the gyroscope bias apply from the
//! first sample, and the corrections follow a drift without lag. Keeping the whole recording
//! would cost ≈ 200 bytes a sample (0.65 GB for 8 h at 100 Hz), so the stream is cut into
//! blocks of [`BLOCK_S`], each estimated with [`MARGIN_S`] of the recording on either side
//! (≫ the filters' time constants: what lies further away changes a sample's estimate by less
//! than e^(−MARGIN_S/τ_mag) ≈ 0.1 %). A recording up to `BLOCK_S + MARGIN_S` long is one block,
//! estimated exactly as a whole. Without a magnetometer each block's heading is arbitrary, so
//! it is joined to the previous block's at their first shared sample.
//!
//! Live streams keep the causal filter ([`super::Orientation`]).

use super::block::{self, BlockBias, Scratch};
use super::rest::{longest_rest, Rest};
use collis_core::ImuSample;
use nalgebra::{UnitQuaternion, Vector3};

/// Length of the samples emitted per block, seconds.
pub const BLOCK_S: f64 = 600.0;
/// Context on either side of a block, seconds.
pub const MARGIN_S: f64 = 60.0;

/// Where the gyroscope bias comes from.
#[derive(Clone)]
pub enum BiasPlan {
    /// Offline VQF's own estimate (real-time VQF forward and backward, fused), with these
    /// parameters: `collis orient` and the BROAD benchmark.
    Vqf(Box<vqf_rs::Params>),
    /// Head recordings: true rest found in the recording (the latest up to each block) wins;
    /// else this bias (a named still segment or the neutral segment), else none.
    Head { bias_rad_s: Option<[f64; 3]> },
}

/// Streams `(sample, sensor → earth orientation)` from samples, estimated block by block.
pub struct WholeOrientation<I> {
    input: I,
    rate_hz: f64,
    use_mag: bool,
    plan: BiasPlan,
    block_n: usize,
    margin_n: usize,
    buf: Vec<ImuSample>,
    /// Samples of context at the start of `buf` (already emitted).
    context: usize,
    quats: Vec<UnitQuaternion<f64>>,
    /// The estimated samples `buf[next..emit_end]` still to give out.
    next: usize,
    emit_end: usize,
    scratch: Scratch,
    /// The previous block's estimate of the next block's first sample (6D joining).
    join: Option<UnitQuaternion<f64>>,
    rest: Option<Rest>,
    mag_disturbed: u64,
    ended: bool,
}

impl<I, E> WholeOrientation<I>
where
    I: Iterator<Item = Result<ImuSample, E>>,
{
    pub fn new(input: I, rate_hz: f64, use_mag: bool, plan: BiasPlan) -> Self {
        let block_n = ((BLOCK_S * rate_hz).round() as usize).max(1);
        let margin_n = (MARGIN_S * rate_hz).round() as usize;
        WholeOrientation {
            input,
            rate_hz,
            use_mag,
            plan,
            block_n,
            margin_n,
            buf: Vec::new(),
            context: 0,
            quats: Vec::new(),
            next: 0,
            emit_end: 0,
            scratch: Scratch::default(),
            join: None,
            rest: None,
            mag_disturbed: 0,
            ended: false,
        }
    }

    /// Samples whose magnetometer was not fused (disturbed or missing), 9D, so far.
    pub fn mag_disturbed_samples(&self) -> u64 {
        self.mag_disturbed
    }

    /// The true rest whose bias is in use (the latest found so far).
    pub fn rest(&self) -> Option<Rest> {
        self.rest
    }

    /// Give back the input.
    pub fn into_input(self) -> I {
        self.input
    }

    /// Read the next block with its margins and estimate it; its samples are then given out
    /// from `buf[context..emit_end]`.
    fn fill(&mut self) -> Result<(), E> {
        // Keep the margin before the next block as its context.
        if self.emit_end > 0 {
            let keep_from = self.emit_end.saturating_sub(self.margin_n);
            self.buf.drain(..keep_from);
            self.context = self.emit_end - keep_from;
            self.emit_end = 0;
        }
        // A quarter block more than the block and its margin: a tail shorter than that is
        // estimated with this block rather than on its own.
        let want = self.context + self.block_n + self.margin_n + self.block_n / 4;
        while self.buf.len() < want {
            match self.input.next() {
                Some(s) => self.buf.push(s?),
                None => {
                    self.ended = true;
                    break;
                }
            }
        }
        if self.buf.len() <= self.context {
            self.ended = true;
            return Ok(());
        }
        let bias = match &self.plan {
            BiasPlan::Vqf(p) => BlockBias::Vqf(p.clone()),
            BiasPlan::Head { bias_rad_s } => {
                if let Some(r) = longest_rest(&self.buf, self.rate_hz) {
                    self.rest = Some(r);
                }
                BlockBias::Known(
                    self.rest
                        .map(|r| r.bias_rad_s)
                        .or(*bias_rad_s)
                        .unwrap_or([0.0; 3]),
                )
            }
        };
        let stats = block::estimate(
            &self.buf,
            self.rate_hz,
            self.use_mag,
            &bias,
            &mut self.scratch,
            &mut self.quats,
        );
        let emit_end = if self.ended {
            self.buf.len()
        } else {
            self.context + self.block_n
        };
        // 6D: join this block's heading to the previous block's at the first emitted sample.
        let nine_d = self.use_mag && self.buf.iter().any(|s| s.mag.is_some());
        if !nine_d {
            if let Some(prev) = self.join {
                let here = self.quats[self.context];
                let turn = heading(&prev) - heading(&here);
                let r = UnitQuaternion::from_axis_angle(&Vector3::z_axis(), turn);
                self.quats.iter_mut().for_each(|q| *q = r * *q);
            }
            self.join = self.quats.get(emit_end).copied();
        }
        let share = (emit_end - self.context) as f64 / self.buf.len() as f64;
        self.mag_disturbed += (stats.mag_disturbed as f64 * share).round() as u64;
        self.next = self.context;
        self.emit_end = emit_end;
        Ok(())
    }
}

/// Heading of a sensor → earth orientation: the angle about the vertical of the sensor's
/// x axis (or y when x points up), radians.
fn heading(q: &UnitQuaternion<f64>) -> f64 {
    let x = q * Vector3::x();
    let v = if x.x.hypot(x.y) > 0.1 {
        x
    } else {
        q * Vector3::y()
    };
    v.y.atan2(v.x)
}

impl<I, E> Iterator for WholeOrientation<I>
where
    I: Iterator<Item = Result<ImuSample, E>>,
{
    type Item = Result<(ImuSample, UnitQuaternion<f64>), E>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.next < self.emit_end {
                let i = self.next;
                self.next += 1;
                return Some(Ok((self.buf[i], self.quats[i])));
            }
            if self.ended {
                return None;
            }
            if let Err(e) = self.fill() {
                self.ended = true;
                return Some(Err(e));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use collis_sim::{simulate, Profile, SimOptions};

    fn angle_between(a: &UnitQuaternion<f64>, b: &UnitQuaternion<f64>) -> f64 {
        a.angle_to(b).to_degrees()
    }

    /// Blocks give the same orientation as one estimate over the whole recording, in 9D and 6D
    /// (6D up to one heading for the whole recording).
    #[test]
    fn blocks_match_the_whole_recording_estimate() {
        for with_mag in [true, false] {
            let sim = simulate(&SimOptions {
                duration_s: 900.0,
                with_mag,
                ..SimOptions::new(Profile::TorticollisTremor, 4)
            });
            let plan = BiasPlan::Head { bias_rad_s: None };
            let blocks: Vec<_> = WholeOrientation::new(
                sim.head.iter().map(|s| Ok::<_, ()>(*s)),
                100.0,
                with_mag,
                plan.clone(),
            )
            .map(|r| r.unwrap().1)
            .collect();
            assert_eq!(blocks.len(), sim.head.len());
            let mut whole = Vec::new();
            block::estimate(
                &sim.head,
                100.0,
                with_mag,
                &BlockBias::Known([0.0; 3]),
                &mut Scratch::default(),
                &mut whole,
            );
            let offset = heading(&whole[0]) - heading(&blocks[0]);
            let r = UnitQuaternion::from_axis_angle(&Vector3::z_axis(), offset);
            let worst = blocks
                .iter()
                .zip(&whole)
                .map(|(b, w)| angle_between(&(if with_mag { *b } else { r * b }), w))
                .fold(0.0, f64::max);
            assert!(worst < 0.5, "with_mag {with_mag}: {worst}°");
        }
    }
}
