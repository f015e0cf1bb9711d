//! The mutation engine: turns a valid input into a slightly broken one. Byte-level edits (bit
//! flips, random bytes, insertions, deletions, truncation), edits aimed at text formats
//! (a number or a field name written over or into a field, a line duplicated, dropped or
//! swapped, a delimiter changed, a long run of one byte) and splicing of a chunk from another
//! input. Every choice comes from the caller's seeded generator, so a run is replayable.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Values that break parsers: numbers at and past the limits of the integer and float types,
/// non-numbers, separators, line ends, NUL, a byte-order mark and invalid UTF-8.
pub const TOKENS: [&[u8]; 30] = [
    b"-1",
    b"0",
    b"-0",
    b"1.5",
    b"99999999",
    b"2147483647",
    b"4294967296",
    b"9223372036854775807",
    b"18446744073709551616",
    b"-9223372036854775808",
    b"1e308",
    b"-1e308",
    b"1e-320",
    b"nan",
    b"NaN",
    b"inf",
    b"-inf",
    b"+",
    b"e",
    b".",
    b",",
    b";",
    b"\t",
    b"\"",
    b"\n",
    b"\r\n",
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xc3",
];

/// Longest run of one byte inserted (long fields and lines, without slowing a run down).
const MAX_RUN: usize = 4096;

/// One to four mutations of `input` (one time in ten up to sixteen, stacked); `tokens` are
/// the target's own (field names, keywords), used besides [`TOKENS`]; `donor` is another input
/// to splice from.
pub fn mutate(rng: &mut ChaCha8Rng, input: &[u8], tokens: &[&[u8]], donor: &[u8]) -> Vec<u8> {
    let mut b = input.to_vec();
    let n = if rng.random_bool(0.1) { 16 } else { 4 };
    for _ in 0..rng.random_range(1..=n) {
        mutate_once(rng, &mut b, tokens, donor);
    }
    b
}

fn token<'a>(rng: &mut ChaCha8Rng, tokens: &[&'a [u8]]) -> &'a [u8] {
    let k = rng.random_range(0..TOKENS.len() + tokens.len());
    if k < TOKENS.len() {
        TOKENS[k]
    } else {
        tokens[k - TOKENS.len()]
    }
}

/// Start and end (after its `\n`) of the line holding byte `i`.
fn line_at(b: &[u8], i: usize) -> (usize, usize) {
    let start = b[..i]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |p| p + 1);
    let end = b[i..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| i + p + 1);
    (start, end)
}

fn mutate_once(rng: &mut ChaCha8Rng, b: &mut Vec<u8>, tokens: &[&[u8]], donor: &[u8]) {
    if b.is_empty() {
        let t = token(rng, tokens);
        b.extend_from_slice(t);
        if b.is_empty() {
            b.push(rng.random());
        }
        return;
    }
    let i = rng.random_range(0..b.len());
    match rng.random_range(0..14) {
        0 => b[i] ^= 1 << rng.random_range(0..8),
        1 => b[i] = rng.random(),
        2 => b.insert(i, rng.random()),
        3 => {
            let len = rng.random_range(1..=16.min(b.len() - i));
            b.drain(i..i + len);
        }
        4 => b.truncate(i),
        5 => {
            // A token written over what is there (a header field, a number).
            let t = token(rng, tokens);
            for (k, &c) in t.iter().enumerate() {
                if let Some(x) = b.get_mut(i + k) {
                    *x = c;
                }
            }
        }
        6 => {
            let t = token(rng, tokens);
            b.splice(i..i, t.iter().copied());
        }
        7 => {
            // A number replaced whole: the run of digits, signs, dots and exponents at `i`.
            let num = |c: u8| c.is_ascii_digit() || b"+-.eE".contains(&c);
            let start = b[..i].iter().rposition(|&c| !num(c)).map_or(0, |p| p + 1);
            let end = b[i..]
                .iter()
                .position(|&c| !num(c))
                .map_or(b.len(), |p| i + p);
            let t = token(rng, tokens);
            b.splice(start..end, t.iter().copied());
        }
        8 => {
            // A line duplicated, dropped, or moved elsewhere.
            let (start, end) = line_at(b, i);
            let line = b[start..end].to_vec();
            match rng.random_range(0..3) {
                0 => {
                    b.splice(start..start, line);
                }
                1 => {
                    b.drain(start..end);
                }
                _ => {
                    b.drain(start..end);
                    let at = rng.random_range(0..=b.len());
                    let (to, _) = if at < b.len() {
                        line_at(b, at)
                    } else {
                        (b.len(), 0)
                    };
                    b.splice(to..to, line);
                }
            }
        }
        9 => {
            // Every occurrence of one separator replaced by another, in one line.
            let seps = [b',', b';', b'\t', b' ', b'|', b'\n'];
            let from = seps[rng.random_range(0..seps.len())];
            let to = seps[rng.random_range(0..seps.len())];
            let (start, end) = line_at(b, i);
            for c in &mut b[start..end] {
                if *c == from {
                    *c = to;
                }
            }
        }
        10 => {
            let n = rng.random_range(1..=MAX_RUN);
            let c = if rng.random_bool(0.5) {
                b[i]
            } else {
                rng.random()
            };
            b.splice(i..i, std::iter::repeat_n(c, n));
        }
        11 => {
            // A chunk of this input copied elsewhere (repeated records, blocks).
            let len = rng.random_range(1..=256.min(b.len() - i));
            let chunk = b[i..i + len].to_vec();
            let at = rng.random_range(0..=b.len());
            b.splice(at..at, chunk);
        }
        12 if !donor.is_empty() => {
            // A chunk of another input written over this one at the same offset, or in.
            let j = rng.random_range(0..donor.len());
            let len = rng.random_range(1..=512.min(donor.len() - j));
            let chunk = &donor[j..j + len];
            if rng.random_bool(0.5) && i + len <= b.len() {
                b[i..i + len].copy_from_slice(chunk);
            } else {
                b.splice(i..i, chunk.iter().copied());
            }
        }
        _ => {
            // A little-endian integer field set to an edge value (binary formats).
            let width = [1, 2, 4, 8][rng.random_range(0..4)];
            let v: u64 = match rng.random_range(0..5) {
                0 => 0,
                1 => u64::MAX,
                2 => 1u64 << (8 * width - 1),
                3 => (1u64 << (8 * width - 1)) - 1,
                _ => rng.random_range(0..1024),
            };
            for (k, byte) in v.to_le_bytes().iter().take(width).enumerate() {
                if let Some(x) = b.get_mut(i + k) {
                    *x = *byte;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn mutations_change_inputs_and_are_replayable() {
        let input = b"time_s,gyr_x\n0.00,0.1\n0.01,0.2\n".to_vec();
        let run = |seed| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            (0..200)
                .map(|_| mutate(&mut rng, &input, &[b"time_s"], b"x,y\n1,2\n"))
                .collect::<Vec<_>>()
        };
        let a = run(7);
        assert_eq!(a, run(7), "same seed, same inputs");
        assert!(a.iter().filter(|m| **m != input).count() > 150);
        assert!(a
            .iter()
            .all(|m| m.len() <= input.len() + 4 * (MAX_RUN + 512)));
    }
}
