//! Standard output that may fail: a reader that stops early (`collis record list | head`) or
//! a full disk (`> /dev/full`) ends the command with an error it can report, never with the
//! panic of `println!`. A closed pipe is no failure of the command: it ends quietly
//! ([`closed_pipe`]). Stored free text is printed [`visible`]: it never drives the terminal.

use std::borrow::Cow;

/// `print!` returning the write's `io::Result` (the error names standard output).
macro_rules! out {
    ($($arg:tt)*) => {
        std::io::Write::write_fmt(&mut std::io::stdout(), format_args!($($arg)*))
            .map_err(|e| std::io::Error::new(e.kind(), format!("standard output: {e}")))
    };
}

/// `println!` returning the write's `io::Result` (the error names standard output).
macro_rules! outln {
    () => {
        $crate::out::out!("\n")
    };
    ($($arg:tt)*) => {
        $crate::out::out!("{}\n", format_args!($($arg)*))
    };
}

pub(crate) use {out, outln};

/// Whether `e` comes from the reader of standard output having closed it.
pub fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// `text` with every control character (C0, DEL, C1) and bidirectional-text control shown as
/// an escape (`\u{1b}`, `\t`, `\n`): stored free text (a note, a file name) then neither
/// drives the terminal (colours, cursor moves, its title, text shown reversed) nor breaks the
/// columns of a tab-separated listing.
pub fn visible(text: &str) -> Cow<'_, str> {
    let hidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.contains(hidden) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\t' | '\n' | '\r' => out.extend(c.escape_default()),
            c if hidden(c) => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out.into()
}

/// A table on standard output: tab-separated when it goes to a pipe or a file (one field per
/// tab, for `cut` and spreadsheets), in aligned columns on a terminal ([`table_lines`]), so
/// that one command serves both readers.
pub fn table(rows: &[Vec<String>]) -> std::io::Result<()> {
    use std::io::IsTerminal;
    let aligned = std::io::stdout().is_terminal();
    table_lines(rows, aligned)
        .iter()
        .try_for_each(|line| outln!("{line}"))
}

/// The lines of a table: fields joined by tabs, or `aligned` in columns (the first left, the
/// others, numbers, right; two spaces between). Written here rather than taken from a table
/// crate: the two forms of a few short rows are a dozen lines.
pub fn table_lines(rows: &[Vec<String>], aligned: bool) -> Vec<String> {
    if !aligned {
        return rows.iter().map(|r| r.join("\t")).collect();
    }
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|k| {
            rows.iter()
                .filter_map(|r| r.get(k))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    rows.iter()
        .map(|r| {
            let cells: Vec<String> = r
                .iter()
                .enumerate()
                .map(|(k, c)| match k {
                    0 => format!("{c:<w$}", w = widths[0]),
                    _ => format!("{c:>w$}", w = widths[k]),
                })
                .collect();
            cells.join("  ").trim_end().to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(visible("plain, ünïcode °"), "plain, ünïcode °");
        assert_eq!(
            visible("a\u{1b}[31mred\u{9b}2J\tb\nc\u{202e}d\u{7f}"),
            "a\\u{1b}[31mred\\u{9b}2J\\tb\\nc\\u{202e}d\\u{7f}"
        );
    }

    #[test]
    fn tables_align_on_a_terminal_and_are_tab_separated_otherwise() {
        let rows = vec![
            vec!["figure".to_string(), "visits".into()],
            vec!["|rotation| (°)".into(), "19".into()],
        ];
        assert_eq!(
            table_lines(&rows, false),
            ["figure\tvisits", "|rotation| (°)\t19"]
        );
        assert_eq!(
            table_lines(&rows, true),
            ["figure          visits", "|rotation| (°)      19"]
        );
    }
}
