//! Limits on one fuzz input: time and memory. A hang or a runaway allocation cannot be caught
//! like a panic, so:
//! - a counting global allocator ([`Counting`], installed by this crate for every fuzz test
//!   binary) measures each input's peak allocation on its thread (checked after the input:
//!   [`MAX_INPUT_BYTES`]) and stops any thread whose allocation would take the process past
//!   [`MAX_PROCESS_BYTES`] (it waits there for the watchdog instead of exhausting memory);
//! - a watchdog thread per running target watches the input in progress: past
//!   `COLLIS_FUZZ_INPUT_SECONDS` (default [`DEFAULT_INPUT_SECONDS`]) or when the allocator
//!   stopped a thread, it saves the input (see [`crate::save_crash`]), says why on standard
//!   error and aborts the process — the only way to stop a thread that does not return.

use crate::Input;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Most bytes one input may have allocated at once on its thread (inputs are kilobytes: a
/// reader that needs this much trusts a size read from the input).
pub const MAX_INPUT_BYTES: usize = 256 << 20;
/// Most bytes the whole test process may hold.
pub const MAX_PROCESS_BYTES: usize = 3 << 30;
/// Seconds one input may take before the run is stopped as a hang.
pub const DEFAULT_INPUT_SECONDS: f64 = 20.0;

static LIVE: AtomicUsize = AtomicUsize::new(0);
/// Size of the allocation that would have passed [`MAX_PROCESS_BYTES`] (0: none).
static OVER: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Bytes allocated minus bytes freed on this thread, and the highest value since reset.
    static NET: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
    /// Set on watchdog threads, which must still allocate when the process is over its cap.
    static EXEMPT: Cell<bool> = const { Cell::new(false) };
}

/// The system allocator, counting.
pub struct Counting;

fn count(delta: isize) {
    let _ = NET.try_with(|n| {
        let v = n.get() + delta;
        n.set(v);
        let _ = PEAK.try_with(|p| p.set(p.get().max(v)));
    });
}

/// Blocks the calling thread when `size` more bytes would pass the process cap; the watchdog
/// then reports and aborts.
fn admit(size: usize) {
    if LIVE.load(Ordering::Relaxed).saturating_add(size) <= MAX_PROCESS_BYTES
        || EXEMPT.try_with(Cell::get).unwrap_or(true)
    {
        return;
    }
    OVER.store(size.max(1), Ordering::SeqCst);
    loop {
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// Counts a new block of `size` bytes at `p` (none when the allocation failed).
fn counted(p: *mut u8, size: usize) -> *mut u8 {
    if !p.is_null() {
        LIVE.fetch_add(size, Ordering::Relaxed);
        count(size as isize);
    }
    p
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        admit(layout.size());
        counted(System.alloc(layout), layout.size())
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        admit(layout.size());
        counted(System.alloc_zeroed(layout), layout.size())
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        count(-(layout.size() as isize));
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        admit(new_size.saturating_sub(layout.size()));
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            LIVE.fetch_add(new_size, Ordering::Relaxed);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            count(new_size as isize - layout.size() as isize);
        }
        p
    }
}

/// Starts measuring the calling thread's peak allocation; returns the baseline.
pub(crate) fn reset_peak() -> isize {
    let now = NET.with(Cell::get);
    PEAK.with(|p| p.set(now));
    now
}

/// Highest allocation on the calling thread above `baseline` since [`reset_peak`].
pub(crate) fn peak_above(baseline: isize) -> usize {
    (PEAK.with(Cell::get) - baseline).max(0) as usize
}

/// Seconds one input may run (`COLLIS_FUZZ_INPUT_SECONDS`).
fn input_limit() -> Duration {
    let s = std::env::var("COLLIS_FUZZ_INPUT_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s > 0.0)
        .unwrap_or(DEFAULT_INPUT_SECONDS);
    Duration::from_secs_f64(s)
}

#[derive(Default)]
struct Current {
    input: Option<(Arc<Input>, Instant, String)>,
    stop: bool,
}

/// A watchdog over one target's inputs; stops with [`Watchdog::stop`] or on drop.
pub(crate) struct Watchdog {
    current: Arc<Mutex<Current>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Whether some watchdog is already reporting (one report is enough).
static REPORTING: AtomicBool = AtomicBool::new(false);

impl Watchdog {
    pub(crate) fn start(target: &str) -> Watchdog {
        let current = Arc::new(Mutex::new(Current::default()));
        let shared = current.clone();
        let target = target.to_string();
        let limit = input_limit();
        let thread = std::thread::spawn(move || {
            EXEMPT.with(|e| e.set(true));
            loop {
                std::thread::sleep(Duration::from_millis(100));
                let cur = shared.lock().unwrap_or_else(|p| p.into_inner());
                if cur.stop {
                    return;
                }
                let over = OVER.load(Ordering::SeqCst);
                let Some((input, started, what)) = &cur.input else {
                    continue;
                };
                let reason = if over > 0 {
                    format!(
                        "an allocation of {over} bytes would take the process past {} MiB \
                         (input allocating without bound?)",
                        MAX_PROCESS_BYTES >> 20
                    )
                } else if started.elapsed() > limit {
                    format!(
                        "the input has run for more than {:.0} s (a hang? \
                         COLLIS_FUZZ_INPUT_SECONDS sets the limit)",
                        limit.as_secs_f64()
                    )
                } else {
                    continue;
                };
                if REPORTING.swap(true, Ordering::SeqCst) {
                    return;
                }
                let saved = crate::save_crash(&target, input);
                // Straight to the process's standard error: the test harness's capture of
                // `eprintln!` is lost when the process aborts.
                let _ = writeln!(
                    std::io::stderr(),
                    "\nfuzz {target}: {what}: {reason}\n  input saved as {saved}\n  \
                     (after fixing, copy it to crates/fuzz/regressions/{target}/)"
                );
                std::process::abort();
            }
        });
        Watchdog {
            current,
            thread: Some(thread),
        }
    }

    /// Marks `input` (described by `what`) as running from now.
    pub(crate) fn begin(&self, input: Arc<Input>, what: String) {
        self.lock().input = Some((input, Instant::now(), what));
    }

    /// The input in progress has finished.
    pub(crate) fn end(&self) {
        self.lock().input = None;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Current> {
        self.current.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.lock().stop = true;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
