//! The pattern profile and sensory-trick parts of the terminal summary.

use collis_core::results::{Measurements, PatternLabel};
use std::fmt::Write;

/// Scores listed under the profile: the top one and every other from this score on.
const LIST_FROM: f64 = 0.2;

pub fn render(m: &Measurements, s: &mut String) {
    if let Some(p) = &m.pattern {
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "Movement pattern (decision support, not a diagnosis): {}",
            p.top.describe()
        );
        for e in &p.explanations {
            if e.label == p.top || (e.score >= LIST_FROM && e.label != PatternLabel::WithinNormal) {
                let _ = writeln!(s, "  {}  [confidence {:.2}]", e.summary, e.confidence);
            }
        }
        if !p.typical_of.is_empty() {
            let _ = writeln!(s, "  Typical of: {}", p.typical_of.join("; "));
        }
        let _ = writeln!(s, "  {}", p.caveat);
    }
    for n in m.not_assessed.iter().filter(|n| n.figure == "pattern") {
        let _ = writeln!(s);
        let _ = writeln!(s, "Movement pattern: not assessed: {}", n.reason);
    }
    let short_tricks: Vec<_> = m
        .not_assessed
        .iter()
        .filter(|n| n.figure == "sensory_trick")
        .collect();
    if m.sensory_trick.is_none() && !short_tricks.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(s, "Sensory trick not assessed");
    }
    if let Some(t) = &m.sensory_trick {
        let _ = writeln!(s);
        let _ = writeln!(s, "Sensory trick ({}, {} axis)", t.design, t.axis);
        for trial in &t.trials {
            let tremor = match (trial.tremor_before_deg, trial.tremor_during_deg) {
                (Some(b), Some(d)) => format!(", tremor {b:.2}° → {d:.2}°"),
                _ => String::new(),
            };
            let _ = writeln!(
                s,
                "  {:.1}–{:.1} s: {:+.1}° → {:+.1}° ({:.0} % relief){tremor}, benefit {:.1} s",
                trial.start_s,
                trial.end_s,
                trial.before_deg,
                trial.during_deg,
                trial.relief_percent,
                trial.benefit_s
            );
        }
        let _ = writeln!(
            s,
            "  TWSTRS sensory trick   {}/{}  {}",
            t.twstrs.score, t.twstrs.max, t.twstrs.rule
        );
        let _ = writeln!(
            s,
            "  TWSTRS-2 sensory trick {}/{}  {}",
            t.twstrs2.score, t.twstrs2.max, t.twstrs2.rule
        );
    }
    for n in &short_tricks {
        let _ = writeln!(s, "  not assessed: {}", n.reason);
    }
}
