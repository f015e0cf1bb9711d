//! A direct TFLite flatbuffer → tract-core graph importer for the small op set of MediaPipe's
//! face detector and face mesh.
//!
//! Why by hand: `tract-tflite` reads the flatbuffer (we use its generated schema reader,
//! `tract_tflite::tflite`) but its op registry is private and lacks `DEQUANTIZE` (the fp16 mesh
//! stores its weights as fp16 constants followed by DEQUANTIZE) and `PRELU`; the alternatives
//! need Python at fetch time (tflite2onnx fails on the fp16 mesh, tf2onnx needs TensorFlow).
//! The op set used by both models is small: CONV_2D, DEPTHWISE_CONV_2D, PRELU, ADD, MAX_POOL_2D,
//! PAD, RESHAPE, CONCATENATION, DEQUANTIZE, RELU (+ fused RELU/RELU6). Semantics follow the TFLite
//! builtin op reference (tensorflow/lite/core/c/builtin_op_data.h); layouts are NHWC / OHWI as
//! in `tract-tflite`'s own translation of the same ops.

use std::collections::HashMap;

use tract_core::internal::*;
use tract_core::ops::array::{Pad, PadMode, TypedConcat};
use tract_core::ops::binary::TypedBinOp;
use tract_core::ops::change_axes::wire_with_rank_broadcast;
use tract_core::ops::cnn::{Conv, KernelFormat, MaxPool, PaddingSpec, PoolSpec};
use tract_core::ops::nn::DataFormat;
use tract_tflite::tflite::{self, ActivationFunctionType, BuiltinOperator, Padding, TensorType};

use crate::kernels::{DepthwiseNhwc, PRelu, PointwiseNhwc};
use crate::VisionError;

/// A TFLite model imported into an optimised, runnable tract plan.
#[derive(Debug, Clone)]
pub struct Network {
    plan: Arc<TypedRunnableModel>,
    /// Input shape (NHWC).
    pub input_shape: [usize; 4],
}

fn err(name: &str, e: impl std::fmt::Display) -> VisionError {
    VisionError::Model {
        name: name.to_string(),
        reason: e.to_string(),
    }
}

impl Network {
    /// Imports and optimises a TFLite model. `name` only labels errors.
    pub fn from_tflite(name: &str, bytes: &[u8]) -> Result<Self, VisionError> {
        let model = import(bytes).map_err(|e| err(name, format!("{e:#}")))?;
        let fact = model.input_fact(0).map_err(|e| err(name, e))?.clone();
        let dims = fact
            .shape
            .as_concrete()
            .ok_or_else(|| err(name, "input shape is not concrete"))?
            .to_vec();
        if dims.len() != 4 {
            return Err(err(
                name,
                format!("input rank {} (expected NHWC)", dims.len()),
            ));
        }
        let plan = model
            .into_optimized()
            .and_then(|m| m.into_runnable())
            .map_err(|e| err(name, format!("{e:#}")))?;
        Ok(Network {
            plan,
            input_shape: [dims[0], dims[1], dims[2], dims[3]],
        })
    }

    /// Runs the network on one NHWC f32 input; returns every output flattened.
    pub fn run(&self, input: Tensor) -> Result<Vec<Vec<f32>>, VisionError> {
        let out = self
            .plan
            .run(tvec!(input.into_tvalue()))
            .map_err(|e| VisionError::Inference(format!("{e:#}")))?;
        out.iter()
            .map(|t| {
                t.to_plain_array_view::<f32>()
                    .map(|v| v.iter().copied().collect())
                    .map_err(|e| VisionError::Inference(format!("{e:#}")))
            })
            .collect()
    }
}

/// Most elements of one tensor (the largest in the face models has 0.4 M): a shape is read from the
/// file, and one of 2³¹ × 2³¹ would overflow tract's size arithmetic or allocate without bound.
const MAX_ELEMENTS: usize = 1 << 24;
/// Largest stride, dilation or pooling window.
const MAX_WINDOW: i32 = 1 << 12;

/// The shape of `t` (unknown dimensions, −1, taken as 1), refused when its size exceeds
/// [`MAX_ELEMENTS`].
fn dims_of(t: &tflite::Tensor) -> TractResult<Vec<usize>> {
    let dims: Vec<usize> = t
        .shape()
        .map(|s| s.iter().map(|d| d.max(1) as usize).collect())
        .unwrap_or_default();
    let size = dims.iter().try_fold(1usize, |n, &d| {
        n.checked_mul(d).filter(|&n| n <= MAX_ELEMENTS)
    });
    ensure!(
        size.is_some(),
        "tensor {:?} of shape {dims:?} exceeds {MAX_ELEMENTS} elements",
        t.name()
    );
    Ok(dims)
}

/// Item `i` of a flatbuffer vector: an index read from the file (tensor, buffer, operator
/// code, subgraph) is checked, where the flatbuffer accessors panic out of range.
fn item<I: IntoIterator>(v: I, i: i64, what: &str) -> TractResult<I::Item> {
    usize::try_from(i)
        .ok()
        .and_then(|k| v.into_iter().nth(k))
        .with_context(|| format!("{what} {i} does not exist"))
}

/// A stride, dilation or window size from an operator's options: 1 to [`MAX_WINDOW`].
fn window(v: i32, what: &str) -> TractResult<usize> {
    ensure!(
        (1..=MAX_WINDOW).contains(&v),
        "{what} {v}: expected 1 to {MAX_WINDOW}"
    );
    Ok(v as usize)
}

/// Reads a constant tensor (fp32, fp16 — widened to fp32 — or int32) from its buffer.
fn constant(model: &tflite::Model, t: &tflite::Tensor) -> TractResult<Option<Tensor>> {
    let Some(buffers) = model.buffers() else {
        return Ok(None);
    };
    let Some(data) = item(buffers, t.buffer().into(), "buffer")?.data() else {
        return Ok(None);
    };
    let bytes = data.bytes();
    if bytes.is_empty() {
        return Ok(None);
    }
    let shape = dims_of(t)?;
    let tensor = match t.type_() {
        TensorType::FLOAT32 => {
            let v: Vec<f32> = bytes
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect();
            Tensor::from_shape(&shape, &v)?
        }
        TensorType::FLOAT16 => {
            let v: Vec<f32> = bytes
                .chunks_exact(2)
                .map(|c| f16::from_bits(u16::from_le_bytes([c[0], c[1]])).to_f32())
                .collect();
            Tensor::from_shape(&shape, &v)?
        }
        TensorType::INT32 => {
            let v: Vec<i32> = bytes
                .chunks_exact(4)
                .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect();
            Tensor::from_shape(&shape, &v)?
        }
        other => bail!(
            "constant tensor {:?} of unsupported type {other:?}",
            t.name()
        ),
    };
    Ok(Some(tensor))
}

fn padding(p: Padding) -> TractResult<PaddingSpec> {
    Ok(match p {
        Padding::SAME => PaddingSpec::SameUpper,
        Padding::VALID => PaddingSpec::Valid,
        other => bail!("unsupported padding {other:?}"),
    })
}

/// Wires an element-wise binary op with TFLite (numpy) broadcasting; returns its output.
fn binary(
    target: &mut TypedModel,
    name: impl AsRef<str>,
    op: TypedBinOp,
    a: OutletId,
    b: OutletId,
) -> TractResult<OutletId> {
    Ok(wire_with_rank_broadcast(name, target, op, &[a, b])?[0])
}

fn scalar(target: &mut TypedModel, name: String, v: f32) -> TractResult<OutletId> {
    target.add_const(name, rctensor0(v))
}

fn fused(
    target: &mut TypedModel,
    name: &str,
    wire: OutletId,
    act: ActivationFunctionType,
) -> TractResult<OutletId> {
    let relu = |target: &mut TypedModel, wire| -> TractResult<OutletId> {
        let zero = scalar(target, format!("{name}.zero"), 0.0)?;
        binary(
            target,
            format!("{name}.relu"),
            tract_core::ops::math::max(),
            wire,
            zero,
        )
    };
    match act {
        ActivationFunctionType::NONE => Ok(wire),
        ActivationFunctionType::RELU => relu(target, wire),
        ActivationFunctionType::RELU6 => {
            let r = relu(target, wire)?;
            let six = scalar(target, format!("{name}.six"), 6.0)?;
            binary(
                target,
                format!("{name}.relu6"),
                tract_core::ops::math::min(),
                r,
                six,
            )
        }
        other => bail!("unsupported fused activation {other:?}"),
    }
}

fn conv(
    target: &mut TypedModel,
    name: &str,
    inputs: &[OutletId],
    kernel: &[usize],
    depthwise: bool,
    (pad, strides, dilations): (PaddingSpec, [usize; 2], [usize; 2]),
) -> TractResult<OutletId> {
    ensure!(kernel.len() == 4, "kernel rank {}", kernel.len());
    image(
        target,
        name,
        inputs[0],
        [kernel[1], kernel[2]],
        dilations,
        &pad,
    )?;
    // OHWI: [out, h, w, in]; a depthwise kernel is [1, h, w, channels].
    let (ci, co, group) = if depthwise {
        (kernel[3], kernel[3], kernel[3])
    } else {
        (kernel[3], kernel[0], 1)
    };
    let pool_spec = PoolSpec {
        data_format: DataFormat::NHWC,
        kernel_shape: tvec!(kernel[1], kernel[2]),
        padding: pad,
        strides: Some(tvec!(strides[0], strides[1])),
        dilations: Some(tvec!(dilations[0], dilations[1])),
        input_channels: ci,
        output_channels: co,
    };
    let op = Conv {
        pool_spec,
        kernel_fmt: KernelFormat::OHWI,
        group,
        q_params: None,
    };
    Ok(target.wire_node(name, op, inputs)?[0])
}

/// Checks that `x` is an NHWC image (rank 4) in which a `window` dilated by `dilation` fits
/// under `pad`, as convolution and pooling need: tract's ops index the axes unchecked, and a
/// window larger than a VALID-padded input leaves an empty output, which tract's kernels chunk
/// by zero when they evaluate a constant input as it is wired. Returns the image's shape.
fn image(
    target: &TypedModel,
    name: &str,
    x: OutletId,
    window: [usize; 2],
    dilation: [usize; 2],
    pad: &PaddingSpec,
) -> TractResult<Vec<usize>> {
    let shape = shape_of(target, name, x)?;
    ensure!(
        shape.len() == 4,
        "{name}: input of rank {}, expected NHWC (rank 4)",
        shape.len()
    );
    if matches!(pad, PaddingSpec::Valid) {
        for a in 0..2 {
            let span = (window[a].max(1) - 1) * dilation[a] + 1;
            ensure!(
                span <= shape[1 + a],
                "{name}: a window of {span} does not fit in {} (VALID padding)",
                shape[1 + a]
            );
        }
    }
    Ok(shape)
}

/// The concrete shape of `x`, the input of node `name`.
fn shape_of(target: &TypedModel, name: &str, x: OutletId) -> TractResult<Vec<usize>> {
    let fact = target.outlet_fact(x)?;
    let shape = fact.shape.as_concrete().map(<[usize]>::to_vec);
    shape.with_context(|| format!("{name}: input shape"))
}

/// A depthwise convolution with constant weights as [`DepthwiseNhwc`], TFLite's SAME/VALID
/// padding made explicit (SAME: the extra row/column of an odd total goes at the bottom/right).
fn depthwise_nhwc(
    target: &mut TypedModel,
    name: &str,
    x: OutletId,
    kernel: &Tensor,
    bias: &Tensor,
    pad: Padding,
    stride: [usize; 2],
) -> TractResult<OutletId> {
    let s = target
        .outlet_fact(x)?
        .shape
        .as_concrete()
        .context("depthwise input shape")?
        .to_vec();
    let k = kernel.shape();
    ensure!(
        s.len() == 4 && k.len() == 4 && k[0] == 1 && k[3] == s[3],
        "depthwise {s:?} × {k:?}"
    );
    image(target, name, x, [k[1], k[2]], [1, 1], &padding(pad)?)?;
    let mut output_hw = [0; 2];
    let mut pad_top_left = [0; 2];
    for a in 0..2 {
        let (size, kk, st) = (s[1 + a], k[1 + a], stride[a]);
        match pad {
            Padding::SAME => {
                output_hw[a] = size.div_ceil(st);
                pad_top_left[a] = ((output_hw[a] - 1) * st + kk).saturating_sub(size) / 2;
            }
            Padding::VALID => output_hw[a] = (size + 1).saturating_sub(kk).div_ceil(st),
            other => bail!("unsupported padding {other:?}"),
        }
    }
    let op = DepthwiseNhwc {
        kernel: kernel.clone().into_shape(&k[1..])?.into_arc_tensor(),
        bias: bias.clone().into_shape(&[k[3]])?.into_arc_tensor(),
        stride,
        pad_top_left,
        output_hw,
    };
    Ok(target.wire_node(name, op, &[x])?[0])
}

/// Builds the tract graph for the first subgraph of a TFLite flatbuffer.
fn import(bytes: &[u8]) -> TractResult<TypedModel> {
    let model = tflite::root_as_model(bytes)?;
    let graph = item(model.subgraphs().context("no subgraphs")?, 0, "subgraph")?;
    let tensors = graph.tensors().context("no tensors")?;
    let codes = model.operator_codes().context("no operator codes")?;
    let mut target = TypedModel::default();
    let mut wires: HashMap<i32, OutletId> = HashMap::new();
    let mut consts: HashMap<i32, Tensor> = HashMap::new();

    let inputs = graph.inputs().context("no inputs")?;
    // One image in: `Network::run` feeds one tensor (and tract's `input_fact(0)` panics on a
    // graph without inputs).
    ensure!(
        inputs.len() == 1,
        "{} inputs: expected one image",
        inputs.len()
    );
    for input in inputs {
        let t = item(tensors, input.into(), "input tensor")?;
        ensure!(t.type_() == TensorType::FLOAT32, "input must be float32");
        let src = target.add_source(
            t.name().unwrap_or("input"),
            f32::fact(dims_of(&t)?.as_slice()),
        )?;
        wires.insert(input, src);
    }

    for op in graph.operators().context("no operators")? {
        let code = item(codes, op.opcode_index().into(), "operator code")?;
        let builtin = if code.deprecated_builtin_code() as i32
            == BuiltinOperator::PLACEHOLDER_FOR_GREATER_OP_CODES.0
        {
            code.builtin_code()
        } else {
            BuiltinOperator(code.deprecated_builtin_code() as i32)
        };
        let in_ids: Vec<i32> = op.inputs().context("op without inputs")?.iter().collect();
        let out_id = item(op.outputs().context("op without outputs")?, 0, "op output")?;
        let out_t = item(tensors, out_id.into(), "output tensor")?;
        let name = out_t.name().unwrap_or("node").to_string();
        // Constants become graph constants on first use (fp16 widened to fp32).
        for &id in &in_ids {
            if id < 0 || wires.contains_key(&id) {
                continue;
            }
            let t = item(tensors, id.into(), "tensor")?;
            let value = constant(&model, &t)?.with_context(|| {
                format!("tensor {:?} is neither computed nor constant", t.name())
            })?;
            let w = target.add_const(
                format!("{}.const{id}", t.name().unwrap_or("c")),
                value.clone(),
            )?;
            consts.insert(id, value);
            wires.insert(id, w);
        }
        let input = |k: usize| -> TractResult<OutletId> {
            let id = *in_ids
                .get(k)
                .with_context(|| format!("{name}: missing input {k}"))?;
            wires
                .get(&id)
                .copied()
                .with_context(|| format!("{name}: unbound input {id}"))
        };
        let konst = |k: usize| -> TractResult<&Tensor> {
            in_ids
                .get(k)
                .and_then(|id| consts.get(id))
                .with_context(|| format!("{name}: input {k} must be constant"))
        };
        let kernel_dims = |k: usize| -> TractResult<Vec<usize>> {
            let id = *in_ids
                .get(k)
                .with_context(|| format!("{name}: missing input {k}"))?;
            dims_of(&item(tensors, id.into(), "tensor")?)
        };
        let wire = match builtin {
            BuiltinOperator::DEQUANTIZE => input(0)?,
            BuiltinOperator::RELU => {
                fused(&mut target, &name, input(0)?, ActivationFunctionType::RELU)?
            }
            BuiltinOperator::RELU6 => {
                fused(&mut target, &name, input(0)?, ActivationFunctionType::RELU6)?
            }
            BuiltinOperator::CONV_2D | BuiltinOperator::DEPTHWISE_CONV_2D => {
                let depthwise = builtin == BuiltinOperator::DEPTHWISE_CONV_2D;
                let (pad, strides, dilations, act) = if depthwise {
                    let o = op
                        .builtin_options_as_depthwise_conv_2_doptions()
                        .context("depthwise options")?;
                    ensure!(o.depth_multiplier() <= 1, "depth multiplier > 1");
                    (
                        o.padding(),
                        [
                            window(o.stride_h(), "stride")?,
                            window(o.stride_w(), "stride")?,
                        ],
                        [
                            window(o.dilation_h_factor(), "dilation")?,
                            window(o.dilation_w_factor(), "dilation")?,
                        ],
                        o.fused_activation_function(),
                    )
                } else {
                    let o = op
                        .builtin_options_as_conv_2_doptions()
                        .context("conv options")?;
                    (
                        o.padding(),
                        [
                            window(o.stride_h(), "stride")?,
                            window(o.stride_w(), "stride")?,
                        ],
                        [
                            window(o.dilation_h_factor(), "dilation")?,
                            window(o.dilation_w_factor(), "dilation")?,
                        ],
                        o.fused_activation_function(),
                    )
                };
                let kdims = kernel_dims(1)?;
                ensure!(kdims.len() == 4, "{name}: kernel of rank {}", kdims.len());
                if depthwise && dilations == [1, 1] && DepthwiseNhwc::supports(kdims[3]) {
                    if let (Ok(kernel), Some(bias)) =
                        (konst(1), in_ids.get(2).and_then(|b| consts.get(b)))
                    {
                        let w = depthwise_nhwc(
                            &mut target,
                            &name,
                            input(0)?,
                            kernel,
                            bias,
                            pad,
                            strides,
                        )?;
                        wires.insert(out_id, fused(&mut target, &name, w, act)?);
                        continue;
                    }
                }
                if !depthwise && kdims[1..3] == [1, 1] && strides == [1, 1] {
                    if let (Ok(kernel), Some(bias)) =
                        (konst(1), in_ids.get(2).and_then(|b| consts.get(b)))
                    {
                        if let Some(op) = PointwiseNhwc::new(kernel, bias)? {
                            let w = target.wire_node(&name, op, &[input(0)?])?[0];
                            wires.insert(out_id, fused(&mut target, &name, w, act)?);
                            continue;
                        }
                    }
                }
                let co = if depthwise { kdims[3] } else { kdims[0] };
                let bias = if in_ids.len() > 2 && in_ids[2] >= 0 {
                    input(2)?
                } else {
                    target.add_const(format!("{name}.bias"), Tensor::zero::<f32>(&[co])?)?
                };
                let w = conv(
                    &mut target,
                    &name,
                    &[input(0)?, input(1)?, bias],
                    &kdims,
                    depthwise,
                    (padding(pad)?, strides, dilations),
                )?;
                fused(&mut target, &name, w, act)?
            }
            BuiltinOperator::PRELU => {
                let x = input(0)?;
                let channels = target
                    .outlet_fact(x)?
                    .shape
                    .last()
                    .and_then(|d| d.to_usize().ok());
                match konst(1) {
                    Ok(alpha) if Some(alpha.len()) == channels => {
                        let alpha = alpha.clone().into_shape(&[alpha.len()])?.into_arc_tensor();
                        wires.insert(out_id, target.wire_node(&name, PRelu { alpha }, &[x])?[0]);
                        continue;
                    }
                    _ => {}
                }
                // prelu(x) = max(x, 0) + alpha · min(x, 0)
                let alpha = input(1)?;
                let zero = scalar(&mut target, format!("{name}.zero"), 0.0)?;
                let pos = binary(
                    &mut target,
                    format!("{name}.pos"),
                    tract_core::ops::math::max(),
                    x,
                    zero,
                )?;
                let neg = binary(
                    &mut target,
                    format!("{name}.neg"),
                    tract_core::ops::math::min(),
                    x,
                    zero,
                )?;
                let scaled = binary(
                    &mut target,
                    format!("{name}.scaled"),
                    tract_core::ops::math::mul(),
                    neg,
                    alpha,
                )?;
                binary(
                    &mut target,
                    &name,
                    tract_core::ops::math::add(),
                    pos,
                    scaled,
                )?
            }
            BuiltinOperator::ADD => {
                let act = op
                    .builtin_options_as_add_options()
                    .map(|o| o.fused_activation_function())
                    .unwrap_or(ActivationFunctionType::NONE);
                let (a, b) = (input(0)?, input(1)?);
                let w = binary(&mut target, &name, tract_core::ops::math::add(), a, b)?;
                fused(&mut target, &name, w, act)?
            }
            BuiltinOperator::MAX_POOL_2D => {
                let o = op
                    .builtin_options_as_pool_2_doptions()
                    .context("pool options")?;
                let x = input(0)?;
                let window_hw = [
                    window(o.filter_height(), "pool window")?,
                    window(o.filter_width(), "pool window")?,
                ];
                let c = image(&target, &name, x, window_hw, [1, 1], &padding(o.padding())?)?[3];
                let pool_spec = PoolSpec {
                    data_format: DataFormat::NHWC,
                    kernel_shape: tvec!(window_hw[0], window_hw[1]),
                    padding: padding(o.padding())?,
                    strides: Some(tvec!(
                        window(o.stride_h(), "stride")?,
                        window(o.stride_w(), "stride")?
                    )),
                    dilations: None,
                    input_channels: c,
                    output_channels: c,
                };
                let w = target.wire_node(
                    &name,
                    MaxPool {
                        pool_spec,
                        with_index_outputs: None,
                    },
                    &[x],
                )?[0];
                fused(&mut target, &name, w, o.fused_activation_function())?
            }
            BuiltinOperator::PAD => {
                let pads = konst(1)?.cast_to::<i32>()?;
                let pads = pads.try_as_plain_ram()?.as_slice::<i32>()?;
                let pads: Vec<(usize, usize)> = pads
                    .chunks_exact(2)
                    .map(|p| (p[0].max(0) as usize, p[1].max(0) as usize))
                    .collect();
                // The padded size is bounded like any tensor's: tract pads a constant input
                // when the node is wired, and paddings of 2³¹ would allocate gigabytes.
                let x = input(0)?;
                let shape = shape_of(&target, &name, x)?;
                ensure!(
                    pads.len() == shape.len(),
                    "{name}: {} paddings for a tensor of rank {}",
                    pads.len(),
                    shape.len()
                );
                let size = shape
                    .iter()
                    .zip(&pads)
                    .try_fold(1usize, |n, (&d, &(a, b))| {
                        n.checked_mul(d.checked_add(a)?.checked_add(b)?)
                            .filter(|&n| n <= MAX_ELEMENTS)
                    });
                ensure!(
                    size.is_some(),
                    "{name}: padded tensor exceeds {MAX_ELEMENTS} elements"
                );
                let mode = PadMode::Constant(rctensor0(0f32));
                target.wire_node(&name, Pad { pads, mode }, &[x])?[0]
            }
            BuiltinOperator::RESHAPE => {
                let x = input(0)?;
                let from: TVec<TDim> = target.outlet_fact(x)?.shape.to_tvec();
                let to: TVec<TDim> = dims_of(&out_t)?.iter().map(|d| d.to_dim()).collect();
                if from == to {
                    x
                } else {
                    target.wire_node(&name, AxisOp::Reshape(0, from, to), &[x])?[0]
                }
            }
            BuiltinOperator::CONCATENATION => {
                let o = op
                    .builtin_options_as_concatenation_options()
                    .context("concat options")?;
                let ins: Vec<OutletId> =
                    (0..in_ids.len()).map(input).collect::<TractResult<_>>()?;
                let first = *ins.first().with_context(|| format!("{name}: no inputs"))?;
                let rank = target.outlet_fact(first)?.rank() as i32;
                let axis = if o.axis() < 0 {
                    rank + o.axis()
                } else {
                    o.axis()
                };
                ensure!(
                    (0..rank).contains(&axis),
                    "{name}: axis {} of rank {rank}",
                    o.axis()
                );
                let w = target.wire_node(&name, TypedConcat::new(axis as usize), &ins)?[0];
                fused(&mut target, &name, w, o.fused_activation_function())?
            }
            other => bail!(
                "TFLite operator {:?} ({}) is not supported by this importer",
                other.variant_name(),
                other.0
            ),
        };
        if builtin == BuiltinOperator::DEQUANTIZE {
            if let Some(v) = in_ids.first().and_then(|id| consts.get(id)).cloned() {
                consts.insert(out_id, v);
            }
        }
        wires.insert(out_id, wire);
    }
    let outputs: Vec<OutletId> = graph
        .outputs()
        .context("no outputs")?
        .iter()
        .map(|o| wires.get(&o).copied().context("unbound output"))
        .collect::<TractResult<_>>()?;
    target.select_output_outlets(&outputs)?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic values in [−1, 1) (a fixed linear congruential sequence).
    fn values(n: usize, seed: u64) -> Vec<f32> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
            })
            .collect()
    }

    fn run(model: TypedModel, input: &Tensor) -> Vec<Vec<f32>> {
        let plan = model.into_optimized().unwrap().into_runnable().unwrap();
        let out = plan.run(tvec!(input.clone().into_tvalue())).unwrap();
        out.iter()
            .map(|t| {
                t.to_plain_array_view::<f32>()
                    .unwrap()
                    .iter()
                    .copied()
                    .collect()
            })
            .collect()
    }

    #[test]
    fn kernels_match_tract() {
        // (height, width, channels, kernel, stride, padding): the networks' cases (3×3 and
        // 5×5, stride 1 and 2, SAME) plus odd sizes and VALID for the padding arithmetic.
        let cases = [
            (96, 96, 16, 3, 1, Padding::SAME),
            (48, 48, 32, 3, 2, Padding::SAME),
            (17, 12, 24, 5, 2, Padding::SAME),
            (16, 16, 88, 5, 1, Padding::SAME),
            (13, 10, 8, 3, 2, Padding::VALID),
        ];
        for (i, &(h, w, c, k, stride, pad)) in cases.iter().enumerate() {
            let kernel =
                Tensor::from_shape(&[1, k, k, c], &values(k * k * c, 1 + i as u64)).unwrap();
            let bias = Tensor::from_shape(&[c], &values(c, 100 + i as u64)).unwrap();
            let alpha = Tensor::from_shape(&[c], &values(c, 200 + i as u64)).unwrap();
            let input =
                Tensor::from_shape(&[1, h, w, c], &values(h * w * c, 300 + i as u64)).unwrap();
            let mut m = TypedModel::default();
            let x = m.add_source("x", f32::fact([1, h, w, c])).unwrap();
            let ours = depthwise_nhwc(&mut m, "ours", x, &kernel, &bias, pad, [stride; 2]).unwrap();
            let ours = m
                .wire_node(
                    "ours.prelu",
                    PRelu {
                        alpha: alpha.clone().into_arc_tensor(),
                    },
                    &[ours],
                )
                .unwrap()[0];
            let kw = m.add_const("k", kernel).unwrap();
            let bw = m.add_const("b", bias).unwrap();
            let spec = (padding(pad).unwrap(), [stride; 2], [1, 1]);
            let theirs = conv(&mut m, "tract", &[x, kw, bw], &[1, k, k, c], true, spec).unwrap();
            // prelu as max(x, 0) + alpha · min(x, 0) in tract's own ops
            let zero = scalar(&mut m, "zero".into(), 0.0).unwrap();
            let aw = m.add_const("alpha", alpha).unwrap();
            let pos = binary(&mut m, "pos", tract_core::ops::math::max(), theirs, zero).unwrap();
            let neg = binary(&mut m, "neg", tract_core::ops::math::min(), theirs, zero).unwrap();
            let neg = binary(&mut m, "scaled", tract_core::ops::math::mul(), neg, aw).unwrap();
            let theirs = binary(&mut m, "prelu", tract_core::ops::math::add(), pos, neg).unwrap();
            m.select_output_outlets(&[ours, theirs]).unwrap();
            let shapes: Vec<_> = [ours, theirs]
                .iter()
                .map(|o| m.outlet_fact(*o).unwrap().shape.to_tvec())
                .collect();
            assert_eq!(shapes[0], shapes[1], "case {i}: output shapes");
            let out = run(m, &input);
            let worst = out[0]
                .iter()
                .zip(&out[1])
                .map(|(a, b)| (a - b).abs())
                .fold(0f32, f32::max);
            assert!(worst < 1e-5, "case {i}: largest difference {worst}");
        }
    }

    #[test]
    fn pointwise_matches_tract() {
        // (height, width, input channels, output channels): the networks' cases (panels of 16,
        // a trailing panel of 8 at 24 and 88) and pixel counts that leave a partial block of 6.
        let cases = [
            (96, 96, 16, 16),
            (24, 24, 32, 64),
            (3, 3, 128, 32),
            (7, 5, 16, 24),
            (5, 1, 88, 88),
        ];
        for (i, &(h, w, ci, co)) in cases.iter().enumerate() {
            let kernel =
                Tensor::from_shape(&[co, 1, 1, ci], &values(co * ci, 1 + i as u64)).unwrap();
            let bias = Tensor::from_shape(&[co], &values(co, 100 + i as u64)).unwrap();
            let input =
                Tensor::from_shape(&[1, h, w, ci], &values(h * w * ci, 300 + i as u64)).unwrap();
            let mut m = TypedModel::default();
            let x = m.add_source("x", f32::fact([1, h, w, ci])).unwrap();
            let op = PointwiseNhwc::new(&kernel, &bias).unwrap().unwrap();
            let ours = m.wire_node("ours", op, &[x]).unwrap()[0];
            let kw = m.add_const("k", kernel).unwrap();
            let bw = m.add_const("b", bias).unwrap();
            let spec = (PaddingSpec::Valid, [1, 1], [1, 1]);
            let theirs = conv(&mut m, "tract", &[x, kw, bw], &[co, 1, 1, ci], false, spec).unwrap();
            m.select_output_outlets(&[ours, theirs]).unwrap();
            let out = run(m, &input);
            assert_eq!(out[0].len(), h * w * co, "case {i}: output size");
            let worst = out[0]
                .iter()
                .zip(&out[1])
                .map(|(a, b)| (a - b).abs())
                .fold(0f32, f32::max);
            assert!(worst < 1e-4, "case {i}: largest difference {worst}");
        }
        // An output channel count that is not a multiple of 8 is left to tract.
        let kernel = Tensor::zero::<f32>(&[28, 1, 1, 16]).unwrap();
        let bias = Tensor::zero::<f32>(&[28]).unwrap();
        assert!(PointwiseNhwc::new(&kernel, &bias).unwrap().is_none());
    }
}
