//! EMG readers: EDF/EDF+/BDF round trips through an independent writer (pyedflib), malformed
//! headers (each error names file, byte offset and field), WFDB 16/212, delimited text.

use crate::emg_files::{self, digital, edf, two_signals};
use collis_io::emg::{open_emg, open_emg_bytes, EmgFormat, EmgOptions, EmgReader};
use collis_io::ImportError;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every channel read to the end.
pub fn read_all(mut r: EmgReader) -> Result<(EmgReader, Vec<Vec<f64>>), ImportError> {
    let mut all = vec![Vec::new(); r.info().channels.len()];
    let mut block = Vec::new();
    while r.read_block(&mut block)? {
        for (a, b) in all.iter_mut().zip(&block) {
            a.extend_from_slice(b);
        }
    }
    Ok((r, all))
}

fn edf_bytes(bytes: Vec<u8>) -> Result<EmgReader, ImportError> {
    open_emg_bytes(
        Path::new("rec.edf"),
        EmgFormat::Edf,
        bytes,
        Vec::new(),
        &EmgOptions::default(),
    )
}

/// pyedflib (PyPI) is the independent writer. When it cannot be imported the round-trip
/// tests skip, unless COLLIS_REQUIRE_PYEDFLIB=1 (set by .ci/run, which installs it).
fn pyedflib() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import pyedflib"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("COLLIS_REQUIRE_PYEDFLIB").as_deref() != Ok("1"),
            "COLLIS_REQUIRE_PYEDFLIB=1 but python3 cannot import pyedflib (pip install pyedflib)"
        );
        eprintln!("pyedflib not importable: EDF round-trip test skipped");
    }
    ok
}

/// Writes `name` with pyedflib: 3 channels (2000, 2000, 500 Hz), 4 s, sinusoids plus a ramp,
/// two annotations; and `name.txt` with the values given to pyedflib, one channel a line.
fn write_with_pyedflib(dir: &Path, name: &str, filetype: &str) -> PathBuf {
    let path = dir.join(name);
    let script = r#"
import sys, numpy as np, pyedflib
path, filetype = sys.argv[1], sys.argv[2]
rates = [2000, 2000, 500]
labels = ["SCM-L", "Sternocleido R", "EMG3"]
sigs = []
for k, fs in enumerate(rates):
    t = np.arange(4 * fs) / fs
    sigs.append(300.0 * np.sin(2 * np.pi * (37 + 11 * k) * t) + 50.0 * t - 100.0 * k)
f = pyedflib.EdfWriter(path, len(rates), file_type=getattr(pyedflib, filetype))
f.setSignalHeaders([{"label": labels[k], "dimension": "uV", "sample_frequency": fs,
    "physical_max": 1000.0, "physical_min": -1000.0,
    "digital_max": 8388607 if "BDF" in filetype else 32767,
    "digital_min": -8388608 if "BDF" in filetype else -32768,
    "transducer": "AgAgCl", "prefilter": "HP:10Hz"} for k, fs in enumerate(rates)])
f.writeSamples(sigs)
if "PLUS" in filetype:
    f.writeAnnotation(1.25, 0.5, "burst")
    f.writeAnnotation(3.0, -1, "relax")
f.close()
with open(path + ".txt", "w") as out:
    for s in sigs:
        out.write(" ".join(repr(float(x)) for x in s) + "\n")
"#;
    let status = Command::new("python3")
        .args(["-c", script, path.to_str().unwrap(), filetype])
        .status()
        .unwrap();
    assert!(status.success(), "pyedflib failed to write {name}");
    path
}

fn round_trip(name: &str, filetype: &str, lsb: f64, format: &str) {
    if !pyedflib() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = write_with_pyedflib(dir.path(), name, filetype);
    let truth: Vec<Vec<f64>> = std::fs::read_to_string(format!("{}.txt", path.display()))
        .unwrap()
        .lines()
        .map(|l| l.split(' ').map(|x| x.parse().unwrap()).collect())
        .collect();
    let r = open_emg(&path, &EmgOptions::default()).unwrap();
    assert_eq!(r.info().format, format);
    let ch = &r.info().channels;
    assert_eq!(
        ch.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(),
        ["SCM-L", "Sternocleido R", "EMG3"]
    );
    assert_eq!(
        ch.iter().map(|c| c.rate_hz).collect::<Vec<_>>(),
        [2000.0, 2000.0, 500.0]
    );
    assert!(ch.iter().all(|c| c.unit == "uV"));
    let (r, data) = read_all(r).unwrap();
    for (k, (got, want)) in data.iter().zip(&truth).enumerate() {
        assert_eq!(got.len(), want.len(), "channel {k}");
        let worst = got
            .iter()
            .zip(want)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(worst <= lsb, "channel {k}: error {worst} > {lsb}");
    }
    if format.contains('+') {
        let notes: Vec<(f64, Option<f64>, &str)> = r
            .annotations()
            .iter()
            .map(|a| (a.onset_s, a.duration_s, a.text.as_str()))
            .collect();
        assert_eq!(notes, [(1.25, Some(0.5), "burst"), (3.0, None, "relax")]);
    }
    assert!(r.warnings().is_empty(), "{:?}", r.warnings());
}

#[test]
fn edf_plus_round_trip_with_pyedflib() {
    // 2000 µV over 65535 steps: one step is 0.0305 µV.
    round_trip("rec.edf", "FILETYPE_EDFPLUS", 2000.0 / 65535.0, "EDF+C");
}

#[test]
fn edf_round_trip_with_pyedflib() {
    round_trip("plain.edf", "FILETYPE_EDF", 2000.0 / 65535.0, "EDF");
}

#[test]
fn bdf_plus_round_trip_with_pyedflib() {
    round_trip("rec.bdf", "FILETYPE_BDFPLUS", 2000.0 / 16777215.0, "BDF+C");
}

#[test]
fn bdf_round_trip_with_pyedflib() {
    round_trip("plain.bdf", "FILETYPE_BDF", 2000.0 / 16777215.0, "BDF");
}

#[test]
fn hand_built_edf_bdf_decode_exactly() {
    for (bdf, plus) in [(false, false), (false, true), (true, false), (true, true)] {
        let sigs = two_signals();
        let (r, data) = read_all(edf_bytes(edf(&sigs, 3, 1.0, bdf, plus)).unwrap()).unwrap();
        assert_eq!(data[0].len(), 600);
        assert_eq!(data[1].len(), 300);
        for (k, s) in sigs.iter().enumerate() {
            let gain = (s.phys[1] - s.phys[0]) / (s.dig[1] - s.dig[0]) as f64;
            for (i, v) in data[k].iter().enumerate() {
                let want = s.phys[0] + gain * (digital(k, i, s.dig) - s.dig[0]) as f64;
                assert!((v - want).abs() < 1e-9, "{bdf} {k} {i}: {v} vs {want}");
            }
        }
        if plus {
            assert_eq!(r.annotations().len(), 1);
            assert_eq!(r.annotations()[0].text, "burst");
            assert_eq!(r.annotations()[0].onset_s, 1.5);
        }
    }
}

/// Replaces the header field at `offset` (width `len`) with `text`.
fn patch(mut b: Vec<u8>, offset: usize, len: usize, text: &[u8]) -> Vec<u8> {
    let mut f = text.to_vec();
    f.resize(len, b' ');
    b[offset..offset + len].copy_from_slice(&f);
    b
}

#[test]
fn malformed_headers_name_offset_and_field() {
    let good = edf(&two_signals(), 3, 1.0, false, true);
    // ns = 3 (two signals + annotations): signal fields start at 256, each field block
    // holds 3 entries.
    let sig_field = |block_start: usize, width: usize, k: usize| 256 + 3 * block_start + k * width;
    let cases: Vec<(Vec<u8>, u64, &str, &str)> = vec![
        (
            patch(good.clone(), 0, 8, b"1"),
            0,
            "version",
            "expected '0' (EDF)",
        ),
        (
            patch(good.clone(), 184, 8, b"1280"),
            184,
            "number of bytes in header record",
            "does not match",
        ),
        (
            patch(good.clone(), 236, 8, b"x"),
            236,
            "number of data records",
            "expected an integer, found 'x'",
        ),
        (
            patch(good.clone(), 236, 8, b"-5"),
            236,
            "number of data records",
            "expected −1 or a count",
        ),
        (
            patch(good.clone(), 236, 8, b"0"),
            236,
            "number of data records",
            "no data records",
        ),
        (
            patch(good.clone(), 244, 8, b"0"),
            244,
            "duration of a data record",
            "positive number of seconds",
        ),
        (
            patch(good.clone(), 244, 8, b"nan"),
            244,
            "duration of a data record",
            "expected a number",
        ),
        (
            patch(good.clone(), 252, 4, b"0"),
            252,
            "number of signals",
            "expected 1 to",
        ),
        (
            patch(good.clone(), sig_field(16 + 80 + 8, 8, 1), 8, b"abc"),
            sig_field(104, 8, 1) as u64,
            "physical minimum of signal 2",
            "expected a number, found 'abc'",
        ),
        (
            patch(good.clone(), sig_field(112, 8, 0), 8, b"-3276.8"),
            sig_field(112, 8, 0) as u64,
            "physical maximum of signal 1",
            "equals the physical minimum",
        ),
        (
            patch(good.clone(), sig_field(128, 8, 1), 8, b"-2048"),
            sig_field(128, 8, 1) as u64,
            "digital maximum of signal 2",
            "not above the digital minimum",
        ),
        (
            patch(good.clone(), sig_field(120, 8, 0), 8, b"-99999"),
            sig_field(120, 8, 0) as u64,
            "digital minimum of signal 1",
            "outside the 16-bit sample range",
        ),
        (
            patch(good.clone(), sig_field(216, 8, 0), 8, b"0"),
            sig_field(216, 8, 0) as u64,
            "number of samples in each data record of signal 1",
            "expected a positive count",
        ),
        (
            patch(good.clone(), sig_field(216, 8, 0), 8, b"99999999"),
            sig_field(216, 8, 0) as u64,
            "number of samples in each data record of signal 1",
            "expected a positive count",
        ),
        (
            patch(good.clone(), sig_field(216, 8, 1), 8, "1\u{e9}".as_bytes()),
            sig_field(216, 8, 1) as u64,
            "number of samples in each data record of signal 2",
            "not printable ASCII",
        ),
    ];
    for (bytes, offset, field, msg) in cases {
        let e = edf_bytes(bytes).unwrap_err();
        assert_eq!(e.offset(), Some(offset), "{e}");
        assert_eq!(e.field(), Some(field), "{e}");
        assert!(e.message().contains(msg), "{e}");
        assert!(
            e.to_string()
                .starts_with(&format!("rec.edf: byte {offset}: field '{field}': ")),
            "{e}"
        );
    }
    // Truncated inside the fixed header, the signal headers, and empty.
    let e = edf_bytes(good[..100].to_vec()).unwrap_err();
    assert_eq!(e.offset(), Some(100), "{e}");
    let e = edf_bytes(good[..300].to_vec()).unwrap_err();
    assert!(e.message().contains("inside the header"), "{e}");
    let e = edf_bytes(Vec::new()).unwrap_err();
    assert_eq!(e.message(), "empty file");
    // A malformed annotation list names the byte where it starts.
    let ann_start = 256 * 4 + 2 * (200 + 100);
    let mut bad = good.clone();
    bad[ann_start] = b'x';
    let e = read_all(edf_bytes(bad).unwrap()).unwrap_err();
    assert_eq!(e.offset(), Some(ann_start as u64), "{e}");
    assert_eq!(e.field(), Some("EDF Annotations (record 1)"), "{e}");
}

#[test]
fn truncated_data_is_read_up_to_the_last_whole_record_with_a_warning() {
    let good = edf(&two_signals(), 3, 1.0, false, false);
    let cut = good.len() - 10;
    let (r, data) = read_all(edf_bytes(good[..cut].to_vec()).unwrap()).unwrap();
    assert_eq!(data[0].len(), 400);
    assert!(r.warnings()[0]
        .message()
        .contains("announces 3 data records"));
    // −1 records (still recording): count from the file length.
    let open = patch(good, 236, 8, b"-1");
    let (_, data) = read_all(edf_bytes(open).unwrap()).unwrap();
    assert_eq!(data[0].len(), 600);
}

fn wfdb_read(header: &str, dat: Vec<u8>) -> Result<(EmgReader, Vec<Vec<f64>>), ImportError> {
    read_all(open_emg_bytes(
        Path::new("emg.hea"),
        EmgFormat::Wfdb,
        header.as_bytes().to_vec(),
        dat,
        &EmgOptions::default(),
    )?)
}

#[test]
fn wfdb_formats_16_and_212() {
    for fmt in [16, 212] {
        // 5001 frames: more than one block, an odd count.
        let (header, dat, frames) = emg_files::wfdb(fmt, 5001);
        let (r, data) = wfdb_read(&header, dat).unwrap();
        assert_eq!(r.info().format, format!("WFDB {fmt}"));
        assert_eq!(r.info().channels[1].label, "SCM-R");
        assert_eq!(r.info().channels[0].rate_hz, 1000.0);
        assert_eq!(data[0].len(), 5001);
        for (i, f) in frames.iter().enumerate() {
            assert_eq!(data[0][i], f64::from(f[0]) / 100.0);
            assert_eq!(data[1][i], (f64::from(f[1]) - 10.0) / 200.0);
        }
    }
    // Written on disk and found next to the header.
    let dir = tempfile::tempdir().unwrap();
    let (header, dat, _) = emg_files::wfdb(212, 100);
    std::fs::write(dir.path().join("emg.hea"), header).unwrap();
    std::fs::write(dir.path().join("emg.dat"), dat).unwrap();
    let (_, data) =
        read_all(open_emg(&dir.path().join("emg.hea"), &EmgOptions::default()).unwrap()).unwrap();
    assert_eq!(data[1].len(), 100);
}

#[test]
fn wfdb_header_errors_name_line_and_field() {
    let (_, dat, _) = emg_files::wfdb(16, 10);
    for (header, line, field, msg) in [
        ("", None, None, "no record line"),
        (
            "emg x 1000\n",
            Some(1),
            Some("number of signals"),
            "expected 1 to",
        ),
        (
            "emg 1 -5\n",
            Some(1),
            Some("sampling frequency"),
            "positive number",
        ),
        (
            "# c\nemg 1 1000\nemg.dat 80 200 12 0 0 0 0 SCM-L\n",
            Some(3),
            Some("format of signal 1"),
            "format 80 is not supported",
        ),
        (
            "emg 1 1000\nemg.dat 16 abc\n",
            Some(2),
            Some("ADC gain of signal 1"),
            "GAIN",
        ),
        (
            "emg 2 1000\nemg.dat 16\n",
            None,
            Some("signal specification"),
            "1 of 2 signal lines",
        ),
        (
            "emg/3 2 1000\n",
            Some(1),
            Some("record name"),
            "multi-segment",
        ),
    ] {
        let e = wfdb_read(header, dat.clone()).unwrap_err();
        assert_eq!(e.line(), line, "{e}");
        assert_eq!(e.field(), field, "{e}");
        assert!(e.message().contains(msg), "{e}");
    }
    // A short signal file: what is there is read, with a warning.
    let (header, dat, _) = emg_files::wfdb(16, 100);
    let (r, data) = wfdb_read(&header, dat[..200].to_vec()).unwrap();
    assert_eq!(data[0].len(), 50);
    assert!(
        r.warnings()[0].message().contains("50 samples before"),
        "{:?}",
        r.warnings()
    );
}

fn text(content: &str, rate: Option<f64>) -> Result<(EmgReader, Vec<Vec<f64>>), ImportError> {
    read_all(open_emg_bytes(
        Path::new("emg.csv"),
        EmgFormat::Text,
        content.as_bytes().to_vec(),
        Vec::new(),
        &EmgOptions { rate_hz: rate },
    )?)
}

#[test]
fn delimited_text_with_time_column_rate_or_header() {
    let mut csv = String::from("time_s,SCM-L [uV],SCM-R [uV]\n");
    for i in 0..10_000 {
        csv.push_str(&format!(
            "{},{},{}\n",
            i as f64 / 2000.0,
            i % 7,
            -(i as i64 % 5)
        ));
    }
    let (r, data) = text(&csv, None).unwrap();
    assert!((r.info().channels[0].rate_hz - 2000.0).abs() < 1e-6);
    assert_eq!(r.info().channels[1].label, "SCM-R");
    assert_eq!(r.info().channels[1].unit, "uV");
    assert_eq!(data[0].len(), 10_000);
    assert_eq!(data[1][9_999], -4.0);
    // --rate that contradicts the time column.
    let e = text(&csv, Some(1000.0)).unwrap_err();
    assert_eq!(e.field(), Some("time_s"), "{e}");
    // No header, no time: --rate is required.
    let bare = "1\t2\n3\t4\n5\t6\n";
    let e = text(bare, None).unwrap_err();
    assert!(e.message().contains("--rate"), "{e}");
    let (r, data) = text(bare, Some(500.0)).unwrap();
    assert_eq!(r.info().channels[0].label, "ch1");
    assert_eq!(data[1], [2.0, 4.0, 6.0]);
    // Bad cell, ragged row, NaN, time going backwards.
    let e = text("time,EMG\n0,1\n0.001,abc\n", None).unwrap_err();
    assert_eq!((e.line(), e.field()), (Some(3), Some("EMG")), "{e}");
    let e = text("time,EMG\n0,1\n0.001,1,2\n", None).unwrap_err();
    assert_eq!(e.line(), Some(3), "{e}");
    let (r, data) = text("time,EMG\n0,1\n0.001,nan\n0.002,3\n", None).unwrap();
    assert!(data[0][1].is_nan());
    assert!(r.warnings()[0].message().contains("1 missing"));
    let e = text("time,EMG\n0,1\n0.001,1\n0.0005,2\n", None).unwrap_err();
    assert_eq!((e.line(), e.field()), (Some(4), Some("time")), "{e}");
    let e = text("", None).unwrap_err();
    assert!(e.message().contains("no data rows"), "{e}");
    let e = text(
        "# Simple Text Format\n# Sampling Rate (Hz):= fast\n1\n",
        None,
    )
    .unwrap_err();
    assert_eq!(
        (e.line(), e.field()),
        (Some(2), Some("Sampling Rate (Hz)")),
        "{e}"
    );
}

#[test]
fn opensignals_simple_text_format() {
    let content = "# Simple Text Format\n# Sampling Rate (Hz):= 1000.00\n# Resolution:= 12\n# Labels:= SCM-L\n2048\n2050\n2046\n";
    let (r, data) = text(content, None).unwrap();
    assert_eq!(r.info().format, "OpenSignals text");
    assert_eq!(r.info().channels[0].label, "SCM-L");
    assert_eq!(r.info().channels[0].unit, "ADC counts");
    assert_eq!(r.info().channels[0].rate_hz, 1000.0);
    assert_eq!(data[0], [2048.0, 2050.0, 2046.0]);
}

#[test]
fn real_opensignals_emg_recording() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/emg/emg_1.txt");
    if !path.exists() {
        eprintln!("{} not found: skipped", path.display());
        return;
    }
    let (r, data) = read_all(open_emg(&path, &EmgOptions::default()).unwrap()).unwrap();
    assert_eq!(r.info().channels[0].rate_hz, 1000.0);
    assert_eq!(data[0].len(), 63_880);
    // 12-bit ADC counts.
    assert!(data[0].iter().all(|&v| (0.0..4096.0).contains(&v)));
}

#[test]
fn edf_writer_round_trip_and_independent_reader() {
    use collis_io::emg::{EdfChannel, EdfWriter};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.edf");
    let channels = [
        EdfChannel {
            label: "SCM-L".into(),
            unit: "uV".into(),
            samples_per_record: 200,
            physical_range: [-500.0, 500.0],
        },
        EdfChannel {
            label: "SPL-R".into(),
            unit: "uV".into(),
            samples_per_record: 100,
            physical_range: [-1000.0, 1000.0],
        },
    ];
    let signal = |k: usize, i: usize| 400.0 * ((i as f64) * 0.37 + k as f64).sin();
    let mut w = EdfWriter::create(&path, &channels, 1.0).unwrap();
    for r in 0..3 {
        let a: Vec<f64> = (0..200).map(|i| signal(0, r * 200 + i)).collect();
        let b: Vec<f64> = (0..100).map(|i| signal(1, r * 100 + i)).collect();
        w.write_record(&[&a, &b]).unwrap();
    }
    assert!(w.write_record(&[&[0.0; 3], &[0.0; 100]]).is_err());
    assert_eq!(w.finish().unwrap(), 3);
    let (r, data) = read_all(open_emg(&path, &EmgOptions::default()).unwrap()).unwrap();
    assert_eq!(r.info().format, "EDF");
    assert_eq!(r.info().channels[1].rate_hz, 100.0);
    for (k, (lsb, n)) in [(1000.0 / 65535.0, 600), (2000.0 / 65535.0, 300)]
        .iter()
        .enumerate()
    {
        assert_eq!(data[k].len(), *n);
        for (i, v) in data[k].iter().enumerate() {
            assert!((v - signal(k, i)).abs() <= *lsb, "{k} {i}");
        }
    }
    // pyedflib, an independent reader, reads the same values.
    if pyedflib() {
        let out = Command::new("python3")
            .args([
                "-c",
                "import sys, pyedflib; f = pyedflib.EdfReader(sys.argv[1]); \
                 print(f.signals_in_file, f.getSignalLabels()[1], f.getSampleFrequency(1), \
                 repr(float(f.readSignal(0)[123])))",
                path.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let f: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(&f[..3], ["2", "SPL-R", "100.0"], "{text}");
        let v: f64 = f[3].parse().unwrap();
        assert!((v - data[0][123]).abs() < 1e-9, "{v} vs {}", data[0][123]);
    }
}

#[test]
fn discontinuous_edf_plus_warns_about_gaps() {
    let mut b = edf(&two_signals(), 3, 1.0, false, true);
    b = patch(b, 192, 44, b"EDF+D");
    // Record 3 starts at 5 s instead of 2 s: a 3-s gap.
    let at = b
        .windows(4)
        .position(|w| w == b"+2\x14\x14")
        .expect("time-keeping TAL of record 3");
    b[at + 1] = b'5';
    let (r, data) = read_all(edf_bytes(b).unwrap()).unwrap();
    assert_eq!(r.info().format, "EDF+D");
    assert_eq!(data[0].len(), 600);
    assert!(
        r.warnings()
            .iter()
            .any(|w| w.message().contains("discontinuous EDF+D")),
        "{:?}",
        r.warnings()
    );
}
