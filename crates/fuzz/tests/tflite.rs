//! Fuzzing of the TFLite importer (`collis_vision::tflite::Network::from_tflite`, which reads
//! the face models fetched by `collis models fetch`): mutated flatbuffers must be imported or
//! refused with a `VisionError`, never panic.
//!
//! The seed, `corpus/tflite/tiny.tflite`, is not one of the real models (megabytes, fetched,
//! not in the repository): it is a 1×4×4×2 network built here, [`tiny_model`], with one of each
//! operator the importer supports — CONV_2D (fused RELU), DEQUANTIZE of fp16 constants, PRELU,
//! DEPTHWISE_CONV_2D, ADD (fused RELU6), MAX_POOL_2D, PAD, RESHAPE, CONCATENATION (negative
//! axis) and RELU. `seed_is_the_tiny_model` checks that the file is what [`tiny_model`] builds
//! (`COLLIS_FUZZ_BLESS=1` rewrites it).

use collis_fuzz::{Input, Outcome, Target};
use collis_vision::tflite::Network;
use flatbuffers::{FlatBufferBuilder, UnionWIPOffset, WIPOffset};
use tract_tflite::tflite::{
    ActivationFunctionType as Act, AddOptions, AddOptionsArgs, Buffer, BufferArgs,
    BuiltinOperator as Op, BuiltinOptions, ConcatenationOptions, ConcatenationOptionsArgs,
    Conv2DOptions, Conv2DOptionsArgs, DepthwiseConv2DOptions, DepthwiseConv2DOptionsArgs, Model,
    ModelArgs, Operator, OperatorArgs, OperatorCode, OperatorCodeArgs, Padding, Pool2DOptions,
    Pool2DOptionsArgs, SubGraph, SubGraphArgs, Tensor, TensorArgs, TensorType,
};

const TFLITE: Target = Target {
    name: "tflite",
    tokens: &[b"TFL3", b"\x00\x00\x80\x7f", b"\xff\xff\xff\x7f"],
};

/// An operator of the seed: operator code index, inputs, output, options.
type OpSpec<'a> = (
    u32,
    &'a [i32],
    i32,
    Option<(BuiltinOptions, WIPOffset<UnionWIPOffset>)>,
);

/// A tensor of the seed: name, shape, type and constant data (empty: computed).
struct T(&'static str, &'static [i32], TensorType, Vec<u8>);

fn f32s(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn i32s(v: &[i32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// The seed network (see the module documentation).
fn tiny_model() -> Vec<u8> {
    const FLOAT32: TensorType = TensorType::FLOAT32;
    const FLOAT16: TensorType = TensorType::FLOAT16;
    const INT32: TensorType = TensorType::INT32;
    let ramp = |n: usize, k: f32| -> Vec<f32> {
        (0..n).map(|i| (i as f32 - n as f32 / 2.0) * k).collect()
    };
    // fp16 0.25, 0.125, 0.5, 1.0: PReLU slopes.
    let alpha: Vec<u8> = [0x3400u16, 0x3000, 0x3800, 0x3c00]
        .iter()
        .flat_map(|x| x.to_le_bytes())
        .collect();
    let tensors = [
        T("input", &[1, 4, 4, 2], FLOAT32, vec![]),
        T("conv/kernel", &[4, 1, 1, 2], FLOAT32, f32s(&ramp(8, 0.1))),
        T("conv/bias", &[4], FLOAT32, f32s(&[0.1, -0.1, 0.2, 0.0])),
        T("conv", &[1, 4, 4, 4], FLOAT32, vec![]),
        T("prelu/alpha_fp16", &[4], FLOAT16, alpha),
        T("prelu/alpha", &[4], FLOAT32, vec![]),
        T("prelu", &[1, 4, 4, 4], FLOAT32, vec![]),
        T("dw/kernel", &[1, 3, 3, 4], FLOAT32, f32s(&ramp(36, 0.05))),
        T("dw/bias", &[4], FLOAT32, f32s(&[0.0; 4])),
        T("dw", &[1, 4, 4, 4], FLOAT32, vec![]),
        T("add", &[1, 4, 4, 4], FLOAT32, vec![]),
        T("pool", &[1, 2, 2, 4], FLOAT32, vec![]),
        T(
            "pad/paddings",
            &[4, 2],
            INT32,
            i32s(&[0, 0, 1, 1, 1, 1, 0, 0]),
        ),
        T("pad", &[1, 4, 4, 4], FLOAT32, vec![]),
        T("reshape", &[1, 64], FLOAT32, vec![]),
        T("reshape/shape", &[2], INT32, i32s(&[1, 64])),
        T("reshape2", &[1, 64], FLOAT32, vec![]),
        T("concat", &[1, 128], FLOAT32, vec![]),
        T("output", &[1, 128], FLOAT32, vec![]),
    ];
    let codes = [
        Op::CONV_2D,
        Op::DEQUANTIZE,
        Op::PRELU,
        Op::DEPTHWISE_CONV_2D,
        Op::ADD,
        Op::MAX_POOL_2D,
        Op::PAD,
        Op::RESHAPE,
        Op::CONCATENATION,
        Op::RELU,
    ];
    let mut fb = FlatBufferBuilder::new();
    let b = &mut fb;
    // Buffer 0 is empty by convention; constant tensor k has buffer k + 1.
    let mut buffers = vec![Buffer::create(b, &BufferArgs { data: None })];
    let mut ts = Vec::new();
    for T(name, shape, type_, data) in &tensors {
        let buffer = if data.is_empty() {
            0
        } else {
            let data = b.create_vector(data);
            buffers.push(Buffer::create(b, &BufferArgs { data: Some(data) }));
            buffers.len() as u32 - 1
        };
        let (name, shape) = (b.create_string(name), b.create_vector(shape));
        ts.push(Tensor::create(
            b,
            &TensorArgs {
                shape: Some(shape),
                type_: *type_,
                buffer,
                name: Some(name),
                ..Default::default()
            },
        ));
    }
    let conv = Conv2DOptions::create(
        b,
        &Conv2DOptionsArgs {
            padding: Padding::SAME,
            stride_w: 1,
            stride_h: 1,
            fused_activation_function: Act::RELU,
            dilation_w_factor: 1,
            dilation_h_factor: 1,
        },
    )
    .as_union_value();
    let dw = DepthwiseConv2DOptions::create(
        b,
        &DepthwiseConv2DOptionsArgs {
            padding: Padding::SAME,
            stride_w: 1,
            stride_h: 1,
            depth_multiplier: 1,
            fused_activation_function: Act::NONE,
            dilation_w_factor: 1,
            dilation_h_factor: 1,
        },
    )
    .as_union_value();
    let add = AddOptions::create(
        b,
        &AddOptionsArgs {
            fused_activation_function: Act::RELU6,
            pot_scale_int16: true,
        },
    )
    .as_union_value();
    let pool = Pool2DOptions::create(
        b,
        &Pool2DOptionsArgs {
            padding: Padding::VALID,
            stride_w: 2,
            stride_h: 2,
            filter_width: 2,
            filter_height: 2,
            fused_activation_function: Act::NONE,
        },
    )
    .as_union_value();
    let concat = ConcatenationOptions::create(
        b,
        &ConcatenationOptionsArgs {
            axis: -1,
            fused_activation_function: Act::NONE,
        },
    )
    .as_union_value();
    let ops: [OpSpec<'_>; 11] = [
        (
            0,
            &[0, 1, 2],
            3,
            Some((BuiltinOptions::Conv2DOptions, conv)),
        ),
        (1, &[4], 5, None),
        (2, &[3, 5], 6, None),
        (
            3,
            &[6, 7, 8],
            9,
            Some((BuiltinOptions::DepthwiseConv2DOptions, dw)),
        ),
        (4, &[9, 6], 10, Some((BuiltinOptions::AddOptions, add))),
        (5, &[10], 11, Some((BuiltinOptions::Pool2DOptions, pool))),
        (6, &[11, 12], 13, None),
        (7, &[13, 15], 14, None),
        (7, &[6, 15], 16, None),
        (
            8,
            &[14, 16],
            17,
            Some((BuiltinOptions::ConcatenationOptions, concat)),
        ),
        (9, &[17], 18, None),
    ];
    let ops: Vec<_> = ops
        .iter()
        .map(|(code, ins, out, opts)| {
            let (inputs, outputs) = (b.create_vector(ins), b.create_vector(&[*out]));
            Operator::create(
                b,
                &OperatorArgs {
                    opcode_index: *code,
                    inputs: Some(inputs),
                    outputs: Some(outputs),
                    builtin_options_type: opts.map_or(BuiltinOptions::NONE, |o| o.0),
                    builtin_options: opts.map(|o| o.1),
                    ..Default::default()
                },
            )
        })
        .collect();
    let codes: Vec<_> = codes
        .iter()
        .map(|&c| {
            OperatorCode::create(
                b,
                &OperatorCodeArgs {
                    deprecated_builtin_code: c.0 as i8,
                    builtin_code: c,
                    version: 1,
                    custom_code: None,
                },
            )
        })
        .collect();
    let (tensors, operators) = (b.create_vector(&ts), b.create_vector(&ops));
    let (inputs, outputs) = (b.create_vector(&[0i32]), b.create_vector(&[18i32]));
    let name = b.create_string("tiny");
    let graph = SubGraph::create(
        b,
        &SubGraphArgs {
            tensors: Some(tensors),
            inputs: Some(inputs),
            outputs: Some(outputs),
            operators: Some(operators),
            name: Some(name),
        },
    );
    let (subgraphs, codes) = (b.create_vector(&[graph]), b.create_vector(&codes));
    let buffers = b.create_vector(&buffers);
    let description = b.create_string("collis-fuzz seed");
    let model = Model::create(
        b,
        &ModelArgs {
            version: 3,
            operator_codes: Some(codes),
            subgraphs: Some(subgraphs),
            description: Some(description),
            buffers: Some(buffers),
            ..Default::default()
        },
    );
    fb.finish(model, Some("TFL3"));
    fb.finished_data().to_vec()
}

fn import(input: &Input) -> Outcome {
    Network::from_tflite("fuzz.tflite", &input.parts[0].bytes)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[test]
fn seed_is_the_tiny_model() {
    let path = collis_fuzz::crate_dir().join("corpus/tflite/tiny.tflite");
    let built = tiny_model();
    if std::env::var_os("COLLIS_FUZZ_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().expect("corpus dir")).expect("corpus dir");
        std::fs::write(&path, &built).expect("seed written");
    }
    let stored = std::fs::read(&path).expect("the seed (COLLIS_FUZZ_BLESS=1 writes it)");
    assert!(
        stored == built,
        "{} is not what tiny_model builds",
        path.display()
    );
}

#[test]
fn replay_tflite() {
    TFLITE.replay(import);
}

#[test]
fn fuzz_tflite() {
    TFLITE.fuzz(import);
}
