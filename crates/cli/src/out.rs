//! Standard output that may fail: a reader that stops early (`collis record list | head`) or
//! a full disk (`> /dev/full`) ends the command with an error it can report, never with the
//! panic of `println!`. A closed pipe is no failure of the command: it ends quietly
//! ([`closed_pipe`]).

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
