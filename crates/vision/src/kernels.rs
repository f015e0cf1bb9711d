//! Three tract ops for the face networks' hot paths, on NHWC f32 with one image: a depthwise
//! convolution, a 1×1 convolution and a per-channel PReLU.
//!
//! Why by hand: tract's own depthwise convolution walks each channel with a stride over the
//! image (`eval_c_inner_generic`); its 1×1 convolution is a general matrix product that packs
//! the activations into panels on every run before multiplying (these layers have only 16–128
//! input channels, so the packing and the product's set-up weigh as much as the arithmetic);
//! and PReLU has no tract op (as max/min/mul/add it is four passes over the tensor). Both
//! networks are mostly these ops, and in NHWC each is a loop over contiguous channel runs that
//! the compiler vectorises; the 1×1 convolution's inner block is written with AVX2 intrinsics
//! (see [`micro_6x16`]). `kernels_match_tract` and `pointwise_matches_tract` (in `tflite`)
//! check them against tract's own ops; `cargo bench -p collis-vision` gives the speed.

use tract_core::internal::*;

/// Depthwise 2-D convolution, NHWC input `[1, H, W, C]`, constant kernel `[KH, KW, C]` and bias
/// `[C]`, zero padding `pad_top/pad_left` (bottom/right follow from the output size).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DepthwiseNhwc {
    pub kernel: Arc<Tensor>,
    pub bias: Arc<Tensor>,
    pub stride: [usize; 2],
    pub pad_top_left: [usize; 2],
    pub output_hw: [usize; 2],
}

/// The convolution's geometry, shared by every channel count.
#[derive(Clone, Copy)]
struct Geometry {
    input_hw: [usize; 2],
    kernel_hw: [usize; 2],
    output_hw: [usize; 2],
    stride: [usize; 2],
    pad_top_left: [usize; 2],
}

/// The depthwise loop for `C` channels known at compile time: the accumulator and each tap's
/// input and weights are `[f32; C]` arrays, so the channel loop becomes straight vector code.
#[inline(always)]
fn depthwise_c<const C: usize>(
    g: Geometry,
    input: &[f32],
    k: &[f32],
    bias: &[f32],
    out: &mut [f32],
) {
    let [ih, iw] = g.input_hw;
    let [kh, kw] = g.kernel_hw;
    let [ow, sh, sw] = [g.output_hw[1], g.stride[0], g.stride[1]];
    let [pt, pl] = g.pad_top_left;
    let bias: &[f32; C] = bias.try_into().expect("bias has C values");
    let pixel = |i: usize| -> &[f32; C] { input[i * C..][..C].try_into().expect("C values") };
    let tap = |i: usize| -> &[f32; C] { k[i * C..][..C].try_into().expect("C values") };
    for (oy, row) in out.chunks_exact_mut(ow * C).enumerate() {
        // Kernel rows that land inside the image for this output row.
        let y0 = (oy * sh) as isize - pt as isize;
        let ky_range = (0.max(-y0) as usize)..kh.min((ih as isize - y0).max(0) as usize);
        for (ox, o) in row.chunks_exact_mut(C).enumerate() {
            let x0 = (ox * sw) as isize - pl as isize;
            let kx_range = (0.max(-x0) as usize)..kw.min((iw as isize - x0).max(0) as usize);
            let mut acc = *bias;
            for ky in ky_range.clone() {
                let iy = (y0 + ky as isize) as usize;
                for kx in kx_range.clone() {
                    let ix = (x0 + kx as isize) as usize;
                    let (i, w) = (pixel(iy * iw + ix), tap(ky * kw + kx));
                    for ch in 0..C {
                        acc[ch] += i[ch] * w[ch];
                    }
                }
            }
            o.copy_from_slice(&acc);
        }
    }
}

/// `depthwise_c` compiled for AVX2, chosen at run time where the CPU has it.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn depthwise_avx2<const C: usize>(
    g: Geometry,
    input: &[f32],
    k: &[f32],
    bias: &[f32],
    out: &mut [f32],
) {
    depthwise_c::<C>(g, input, k, bias, out)
}

fn depthwise_dispatch<const C: usize>(
    g: Geometry,
    input: &[f32],
    k: &[f32],
    bias: &[f32],
    out: &mut [f32],
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2 (checked just above).
        return unsafe { depthwise_avx2::<C>(g, input, k, bias, out) };
    }
    depthwise_c::<C>(g, input, k, bias, out)
}

/// The channel counts built in (those of the face detector and face mesh), as one list for
/// both the check and the dispatch.
macro_rules! channel_counts {
    ($mac:ident ($($arg:tt)*)) => {
        $mac!([8 16 24 28 32 36 42 48 56 64 72 80 88 96 128] $($arg)*)
    };
}

macro_rules! dispatch {
    ([$($n:literal)*] $c:ident, $g:ident, $input:ident, $k:ident, $bias:ident, $out:ident) => {
        match $c {
            $($n => depthwise_dispatch::<$n>($g, $input, $k, $bias, $out),)*
            other => bail!("depthwise convolution with {other} channels is not built in"),
        }
    };
}

macro_rules! supported {
    ([$($n:literal)*] $c:ident) => {
        matches!($c, $($n)|*)
    };
}

impl DepthwiseNhwc {
    /// Whether this op is built for `channels` (otherwise use tract's own convolution).
    pub fn supports(channels: usize) -> bool {
        channel_counts!(supported(channels))
    }

    fn run(&self, input: &[f32], input_hw: [usize; 2], out: &mut [f32]) -> TractResult<()> {
        let kshape = self.kernel.shape();
        let c = kshape[2];
        let g = Geometry {
            input_hw,
            kernel_hw: [kshape[0], kshape[1]],
            output_hw: self.output_hw,
            stride: self.stride,
            pad_top_left: self.pad_top_left,
        };
        let k = self.kernel.try_as_plain_ram()?.as_slice::<f32>()?;
        let bias = self.bias.try_as_plain_ram()?.as_slice::<f32>()?;
        ensure!(
            input.len() == input_hw[0] * input_hw[1] * c
                && out.len() == self.output_hw[0] * self.output_hw[1] * c
        );
        channel_counts!(dispatch(c, g, input, k, bias, out));
        Ok(())
    }
}

impl Op for DepthwiseNhwc {
    fn name(&self) -> StaticName {
        "DepthwiseNhwc".into()
    }

    fn validation(&self) -> Validation {
        Validation::Rounding
    }

    op_as_typed_op!();
}

impl EvalOp for DepthwiseNhwc {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let input = args_1!(inputs);
        let shape = input.shape();
        ensure!(
            shape.len() == 4 && shape[0] == 1,
            "depthwise input {shape:?}"
        );
        let c = shape[3];
        let [oh, ow] = self.output_hw;
        // SAFETY: `run` writes every output value (each output pixel's C channels at once).
        let mut out = unsafe { Tensor::uninitialized::<f32>(&[1, oh, ow, c])? };
        self.run(
            input.try_as_plain_ram()?.as_slice::<f32>()?,
            [shape[1], shape[2]],
            out.try_as_plain_ram_mut()?.as_slice_mut::<f32>()?,
        )?;
        Ok(tvec!(out.into_tvalue()))
    }
}

impl TypedOp for DepthwiseNhwc {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        let s = &inputs[0].shape;
        ensure!(s.rank() == 4, "depthwise input rank {}", s.rank());
        let c = self.kernel.shape()[2];
        ensure!(
            s[3] == c.to_dim(),
            "depthwise input has {} channels, kernel {c}",
            s[3]
        );
        let [oh, ow] = self.output_hw;
        Ok(tvec!(f32::fact([1, oh, ow, c])))
    }

    as_op!();
}

/// PReLU with one slope per channel (last axis): `x` if `x ≥ 0`, else `alpha[c] · x`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PRelu {
    pub alpha: Arc<Tensor>,
}

impl Op for PRelu {
    fn name(&self) -> StaticName {
        "PRelu".into()
    }

    op_as_typed_op!();
}

impl EvalOp for PRelu {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let alpha = self.alpha.try_as_plain_ram()?.as_slice::<f32>()?;
        // In place: the input is this node's only use in these networks, so no copy is made.
        let mut x = args_1!(inputs).into_tensor();
        let mut ram = x.try_as_plain_ram_mut()?;
        let data = ram.as_slice_mut::<f32>()?;
        ensure!(
            data.len() % alpha.len() == 0,
            "PReLU over {} values with {} slopes",
            data.len(),
            alpha.len()
        );
        for run in data.chunks_exact_mut(alpha.len()) {
            for (v, a) in run.iter_mut().zip(alpha) {
                // Branch-free, so the loop vectorises.
                *v = v.max(0.0) + a * v.min(0.0);
            }
        }
        Ok(tvec!(x.into_tvalue()))
    }
}

impl TypedOp for PRelu {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        let s = &inputs[0].shape;
        ensure!(
            s.rank() >= 1 && s[s.rank() - 1] == self.alpha.len().to_dim(),
            "PReLU input {s:?}, {} slopes",
            self.alpha.len()
        );
        Ok(tvec!(inputs[0].without_value()))
    }

    as_op!();
}

/// 1×1 convolution with stride 1 (a matrix product over pixels), NHWC input `[1, H, W, CI]`,
/// constant weights and bias, `CO` a multiple of 8. The weights are stored in panels of
/// [`LANES`] (then 8) output channels, `[panel][CI][lanes]`, so each step of the inner loop
/// reads one contiguous run of weights and one input value per pixel.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PointwiseNhwc {
    /// `[CI · CO]` in panels (see [`PointwiseNhwc::new`]).
    panels: Arc<Tensor>,
    bias: Arc<Tensor>,
    input_channels: usize,
    output_channels: usize,
}

/// Output channels per panel: 16 (two AVX registers); a trailing panel of 8 when `CO % 16 = 8`.
const LANES: usize = 16;
/// Pixels per step: 6 pixels × 16 channels are 12 accumulator registers of the 16 AVX2 has.
const PIXELS: usize = 6;

impl PointwiseNhwc {
    /// From TFLite's OHWI kernel `[CO, 1, 1, CI]` and bias `[CO]`; `None` when `CO` is not a
    /// multiple of 8 (then use tract's own convolution).
    pub fn new(kernel: &Tensor, bias: &Tensor) -> TractResult<Option<Self>> {
        let k = kernel.shape();
        ensure!(
            k.len() == 4 && k[1] == 1 && k[2] == 1 && bias.len() == k[0],
            "1×1 kernel {k:?}, bias of {}",
            bias.len()
        );
        let (co, ci) = (k[0], k[3]);
        if co % 8 != 0 {
            return Ok(None);
        }
        let w = kernel.try_as_plain_ram()?.as_slice::<f32>()?;
        let mut panels = Vec::with_capacity(co * ci);
        for (start, lanes) in panel_layout(co) {
            for i in 0..ci {
                panels.extend((start..start + lanes).map(|o| w[o * ci + i]));
            }
        }
        Ok(Some(PointwiseNhwc {
            panels: tensor1(&panels).into_arc_tensor(),
            bias: bias.clone().into_shape(&[co])?.into_arc_tensor(),
            input_channels: ci,
            output_channels: co,
        }))
    }

    fn run(&self, input: &[f32], out: &mut [f32]) -> TractResult<()> {
        let (ci, co) = (self.input_channels, self.output_channels);
        let panels = self.panels.try_as_plain_ram()?.as_slice::<f32>()?;
        let bias = self.bias.try_as_plain_ram()?.as_slice::<f32>()?;
        ensure!(input.len() % ci == 0 && out.len() == input.len() / ci * co);
        #[cfg(target_arch = "x86_64")]
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has AVX2 and FMA (checked just above).
            unsafe { pointwise_avx2_fma(ci, co, input, panels, bias, out) };
            return Ok(());
        }
        pointwise_portable(ci, co, input, panels, bias, out);
        Ok(())
    }
}

/// `(first output channel, lanes)` of each weight panel.
fn panel_layout(co: usize) -> impl Iterator<Item = (usize, usize)> {
    (0..co)
        .step_by(LANES)
        .map(move |start| (start, LANES.min(co - start)))
}

/// `P` pixels × `L` output channels from `panel` (`[CI][L]`) into `out` (rows of `co`).
#[inline(always)]
fn micro<const FMA: bool, const P: usize, const L: usize>(
    ci: usize,
    co: usize,
    x: &[f32],
    panel: &[f32],
    bias: &[f32; L],
    out: &mut [f32],
) {
    // Sliced to length `ci` once here, so the loop below has no bounds checks left.
    let pixels: [&[f32]; P] = std::array::from_fn(|p| &x[p * ci..][..ci]);
    let panel = &panel[..ci * L];
    let mut acc = [*bias; P];
    for i in 0..ci {
        let w: &[f32; L] = panel[i * L..][..L].try_into().expect("L weights");
        for (a, px) in acc.iter_mut().zip(&pixels) {
            let v = px[i];
            for l in 0..L {
                a[l] = if FMA {
                    v.mul_add(w[l], a[l])
                } else {
                    a[l] + v * w[l]
                };
            }
        }
    }
    for (p, a) in acc.iter().enumerate() {
        out[p * co..][..L].copy_from_slice(a);
    }
}

/// One panel over every pixel: blocks of `PIXELS` pixels by `block`, the rest one by one.
#[inline(always)]
fn panel_pass<const FMA: bool, const L: usize>(
    ci: usize,
    co: usize,
    input: &[f32],
    panel: &[f32],
    bias: &[f32; L],
    out: &mut [f32],
    block: impl Fn(&[f32], &mut [f32]),
) {
    let pixels = input.len() / ci;
    let full = pixels / PIXELS * PIXELS;
    for (x, o) in input[..full * ci]
        .chunks_exact(PIXELS * ci)
        .zip(out.chunks_mut(PIXELS * co))
    {
        block(x, o);
    }
    for p in full..pixels {
        micro::<FMA, 1, L>(ci, co, &input[p * ci..], panel, bias, &mut out[p * co..]);
    }
}

/// Every panel over every pixel; the blocks of `PIXELS` pixels × 16 channels by `block16`
/// (`x`, `panel`, `bias`, `out`), those of a trailing 8-channel panel by [`micro`].
#[inline(always)]
fn pointwise<const FMA: bool>(
    ci: usize,
    co: usize,
    input: &[f32],
    panels: &[f32],
    bias: &[f32],
    out: &mut [f32],
    block16: impl Fn(&[f32], &[f32], &[f32; LANES], &mut [f32]),
) {
    for (start, lanes) in panel_layout(co) {
        let panel = &panels[start * ci..][..lanes * ci];
        let out = &mut out[start..];
        if lanes == LANES {
            let b = bias[start..][..LANES].try_into().expect("16 biases");
            let block = |x: &[f32], o: &mut [f32]| block16(x, panel, b, o);
            panel_pass::<FMA, LANES>(ci, co, input, panel, b, out, block);
        } else {
            let b = bias[start..][..8].try_into().expect("8 biases");
            let block = |x: &[f32], o: &mut [f32]| micro::<FMA, PIXELS, 8>(ci, co, x, panel, b, o);
            panel_pass::<FMA, 8>(ci, co, input, panel, b, out, block);
        }
    }
}

/// Portable 1×1 convolution.
fn pointwise_portable(
    ci: usize,
    co: usize,
    input: &[f32],
    panels: &[f32],
    bias: &[f32],
    out: &mut [f32],
) {
    let block16 = |x: &[f32], panel: &[f32], b: &[f32; LANES], o: &mut [f32]| {
        micro::<false, PIXELS, LANES>(ci, co, x, panel, b, o)
    };
    pointwise::<false>(ci, co, input, panels, bias, out, block16);
}

/// 1×1 convolution with AVX2 and fused multiply-add: the 16-channel blocks in [`micro_6x16`],
/// the rest in the portable [`micro`] compiled for these features.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn pointwise_avx2_fma(
    ci: usize,
    co: usize,
    input: &[f32],
    panels: &[f32],
    bias: &[f32],
    out: &mut [f32],
) {
    let block16 = |x: &[f32], panel: &[f32], b: &[f32; LANES], o: &mut [f32]| {
        // SAFETY: only reached when the CPU has AVX2 and FMA (`PointwiseNhwc::run`); the
        // slices are checked inside.
        unsafe { micro_6x16(ci, co, x, panel, b, o) }
    };
    pointwise::<true>(ci, co, input, panels, bias, out, block16);
}

/// 6 pixels × 16 output channels with the 12 accumulators named one by one, so that they stay
/// in registers (written as generic loops, the compiler kept them on the stack in some builds:
/// a store and a reload around every multiply-add).
///
/// # Safety
/// The CPU must have AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn micro_6x16(
    ci: usize,
    co: usize,
    x: &[f32],
    panel: &[f32],
    bias: &[f32; LANES],
    out: &mut [f32],
) {
    use std::arch::x86_64::{__m256, _mm256_storeu_ps};
    use std::arch::x86_64::{_mm256_broadcast_ss, _mm256_fmadd_ps, _mm256_loadu_ps};
    assert!(x.len() >= PIXELS * ci && panel.len() >= LANES * ci);
    assert!(out.len() >= (PIXELS - 1) * co + LANES);
    let (xp, wp) = (x.as_ptr(), panel.as_ptr());
    // SAFETY (all loads and stores below): in bounds by the asserts above.
    unsafe {
        let b0 = _mm256_loadu_ps(bias.as_ptr());
        let b1 = _mm256_loadu_ps(bias.as_ptr().add(8));
        let (mut a0, mut a1, mut a2, mut a3, mut a4, mut a5) = (b0, b1, b0, b1, b0, b1);
        let (mut a6, mut a7, mut a8, mut a9, mut a10, mut a11) = (b0, b1, b0, b1, b0, b1);
        for i in 0..ci {
            let w0 = _mm256_loadu_ps(wp.add(i * LANES));
            let w1 = _mm256_loadu_ps(wp.add(i * LANES + 8));
            let v = _mm256_broadcast_ss(&*xp.add(i));
            a0 = _mm256_fmadd_ps(v, w0, a0);
            a1 = _mm256_fmadd_ps(v, w1, a1);
            let v = _mm256_broadcast_ss(&*xp.add(ci + i));
            a2 = _mm256_fmadd_ps(v, w0, a2);
            a3 = _mm256_fmadd_ps(v, w1, a3);
            let v = _mm256_broadcast_ss(&*xp.add(2 * ci + i));
            a4 = _mm256_fmadd_ps(v, w0, a4);
            a5 = _mm256_fmadd_ps(v, w1, a5);
            let v = _mm256_broadcast_ss(&*xp.add(3 * ci + i));
            a6 = _mm256_fmadd_ps(v, w0, a6);
            a7 = _mm256_fmadd_ps(v, w1, a7);
            let v = _mm256_broadcast_ss(&*xp.add(4 * ci + i));
            a8 = _mm256_fmadd_ps(v, w0, a8);
            a9 = _mm256_fmadd_ps(v, w1, a9);
            let v = _mm256_broadcast_ss(&*xp.add(5 * ci + i));
            a10 = _mm256_fmadd_ps(v, w0, a10);
            a11 = _mm256_fmadd_ps(v, w1, a11);
        }
        let acc: [__m256; 12] = [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11];
        let op = out.as_mut_ptr();
        for (p, pair) in acc.chunks_exact(2).enumerate() {
            _mm256_storeu_ps(op.add(p * co), pair[0]);
            _mm256_storeu_ps(op.add(p * co + 8), pair[1]);
        }
    }
}

impl Op for PointwiseNhwc {
    fn name(&self) -> StaticName {
        "PointwiseNhwc".into()
    }

    fn validation(&self) -> Validation {
        Validation::Rounding
    }

    op_as_typed_op!();
}

impl EvalOp for PointwiseNhwc {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let input = args_1!(inputs);
        let shape = input.shape();
        ensure!(
            shape.len() == 4 && shape[0] == 1 && shape[3] == self.input_channels,
            "1×1 convolution input {shape:?}"
        );
        // SAFETY: `run` writes every output value (each pixel's channels, panel by panel).
        let mut out = unsafe {
            Tensor::uninitialized::<f32>(&[1, shape[1], shape[2], self.output_channels])?
        };
        self.run(
            input.try_as_plain_ram()?.as_slice::<f32>()?,
            out.try_as_plain_ram_mut()?.as_slice_mut::<f32>()?,
        )?;
        Ok(tvec!(out.into_tvalue()))
    }
}

impl TypedOp for PointwiseNhwc {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        let s = &inputs[0].shape;
        ensure!(
            s.rank() == 4 && s[3] == self.input_channels.to_dim(),
            "1×1 convolution input {s:?}, {} input channels",
            self.input_channels
        );
        Ok(tvec!(f32::fact([
            s[0].clone(),
            s[1].clone(),
            s[2].clone(),
            self.output_channels.to_dim()
        ])))
    }

    as_op!();
}
