//! Small EMG files built byte by byte from the specifications (EDF/BDF header layout, WFDB
//! formats 16 and 212), for the malformed-header tests; they also wrote the EMG seeds of the
//! fuzzing corpus (`crates/fuzz/corpus/emg-edf`, `emg-wfdb`). The round-trip tests use an
//! independent writer (pyedflib) instead.

/// One EDF/BDF signal: label, unit, samples per record, physical and digital range.
pub struct Sig {
    pub label: &'static str,
    pub unit: &'static str,
    pub per_record: usize,
    pub phys: [f64; 2],
    pub dig: [i64; 2],
}

fn pad(s: &str, n: usize) -> Vec<u8> {
    let mut b = s.as_bytes().to_vec();
    b.resize(n, b' ');
    b.truncate(n);
    b
}

/// An EDF (or BDF with `bdf`) file: `records` data records of `duration_s`, samples given
/// by `value(signal, index)` as digital integers. `plus` makes it EDF+C with an annotation
/// signal of 30 bytes holding the time-keeping TAL and, in record 1, "burst".
pub fn edf(sigs: &[Sig], records: usize, duration_s: f64, bdf: bool, plus: bool) -> Vec<u8> {
    let bps = if bdf { 3 } else { 2 };
    let ann = Sig {
        label: if bdf {
            "BDF Annotations"
        } else {
            "EDF Annotations"
        },
        unit: "",
        per_record: 60 / bps,
        phys: [-1.0, 1.0],
        dig: if bdf {
            [-8388608, 8388607]
        } else {
            [-32768, 32767]
        },
    };
    let mut all: Vec<&Sig> = sigs.iter().collect();
    if plus {
        all.push(&ann);
    }
    let ns = all.len();
    let mut h = Vec::new();
    if bdf {
        h.push(0xff);
        h.extend(pad("BIOSEMI", 7));
    } else {
        h.extend(pad("0", 8));
    }
    h.extend(pad("X X X X", 80));
    h.extend(pad("Startdate 01-JAN-2024 X X X", 80));
    h.extend(pad("01.01.24", 8));
    h.extend(pad("10.00.00", 8));
    h.extend(pad(&(256 * (ns + 1)).to_string(), 8));
    let reserved = match (bdf, plus) {
        (false, true) => "EDF+C",
        (true, true) => "BDF+C",
        (true, false) => "24BIT",
        _ => "",
    };
    h.extend(pad(reserved, 44));
    h.extend(pad(&records.to_string(), 8));
    h.extend(pad(&duration_s.to_string(), 8));
    h.extend(pad(&ns.to_string(), 4));
    for s in &all {
        h.extend(pad(s.label, 16));
    }
    for _ in &all {
        h.extend(pad("AgAgCl electrodes", 80));
    }
    for s in &all {
        h.extend(pad(s.unit, 8));
    }
    for s in &all {
        h.extend(pad(&s.phys[0].to_string(), 8));
    }
    for s in &all {
        h.extend(pad(&s.phys[1].to_string(), 8));
    }
    for s in &all {
        h.extend(pad(&s.dig[0].to_string(), 8));
    }
    for s in &all {
        h.extend(pad(&s.dig[1].to_string(), 8));
    }
    for _ in &all {
        h.extend(pad("HP:10Hz", 80));
    }
    for s in &all {
        h.extend(pad(&s.per_record.to_string(), 8));
    }
    for _ in &all {
        h.extend(pad("", 32));
    }
    for r in 0..records {
        for (k, s) in all.iter().enumerate() {
            if plus && k == ns - 1 {
                let mut tal = format!("+{}\x14\x14\0", r as f64 * duration_s).into_bytes();
                if r == 1 {
                    tal.extend(
                        format!("+{}\x150.25\x14burst\x14\0", r as f64 * duration_s + 0.5).bytes(),
                    );
                }
                tal.resize(s.per_record * bps, 0);
                h.extend(tal);
                continue;
            }
            for i in 0..s.per_record {
                let v = digital(k, r * s.per_record + i, s.dig);
                h.extend(&v.to_le_bytes()[..bps]);
            }
        }
    }
    h
}

/// The digital sample of signal `k` at index `i`: a ramp through the digital range.
pub fn digital(k: usize, i: usize, dig: [i64; 2]) -> i64 {
    let span = (dig[1] - dig[0]) as usize;
    dig[0] + ((i * 37 + k * 1000) % span) as i64
}

/// Two EMG signals at 200 and 100 samples per 1-s record, µV.
pub fn two_signals() -> Vec<Sig> {
    vec![
        Sig {
            label: "SCM-L",
            unit: "uV",
            per_record: 200,
            phys: [-3276.8, 3276.7],
            dig: [-32768, 32767],
        },
        Sig {
            label: "SCM-R",
            unit: "uV",
            per_record: 100,
            phys: [-1000.0, 1000.0],
            dig: [-2048, 2047],
        },
    ]
}

/// A WFDB header and its signal file: 2 signals in `fmt` (16 or 212), `n` frames.
pub fn wfdb(fmt: u32, n: usize) -> (String, Vec<u8>, Vec<[i32; 2]>) {
    let header = format!(
        "emg 2 1000 {n}\nemg.dat {fmt} 100(0)/mV 12 0 0 0 0 SCM-L\nemg.dat {fmt} 200(10)/mV 12 0 0 0 0 SCM-R\n"
    );
    let frames: Vec<[i32; 2]> = (0..n)
        .map(|i| {
            [
                ((i * 53) % 4000) as i32 - 2000,
                1000 - ((i * 7) % 2000) as i32,
            ]
        })
        .collect();
    let mut dat = Vec::new();
    for f in &frames {
        if fmt == 16 {
            dat.extend((f[0] as i16).to_le_bytes());
            dat.extend((f[1] as i16).to_le_bytes());
        } else {
            let (a, b) = (f[0] & 0xfff, f[1] & 0xfff);
            dat.push((a & 0xff) as u8);
            dat.push(((a >> 8) | ((b >> 8) << 4)) as u8);
            dat.push((b & 0xff) as u8);
        }
    }
    (header, dat, frames)
}
