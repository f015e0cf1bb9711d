//! Fuzzing of the live streams' messages, through the server's own code:
//! - `live-json`: the WebSocket stream of `/api/live/imu` — its query (`query.json`, the
//!   [`LiveQuery`] of the URL, checked by [`LivePlan::from_query`]) and its text messages
//!   (`messages.jsonl`, one message a line), each parsed by [`Incoming::parse`] and taken by
//!   the [`Stream`] (samples decoded, sequence- and time-checked, reordered and put through the
//!   live pipeline; feedback settings checked by [`check_feedback`] and applied), then the
//!   stream drained and its figures made;
//! - `live-udp`: datagrams of `collis serve --udp` (blank lines separate them) through
//!   [`take_datagram`] into a 100-Hz stream, with or without an access token.
//!
//! The stream writes its recording into a temporary recordings directory, prepared as
//! `collis serve` prepares its own.

use collis_fuzz::{Input, Outcome, Target};
use collis_server::api::check_feedback;
use collis_server::live::{Control, Incoming, LivePlan, LiveQuery, Stream};
use collis_server::retention::anonymous_dir;
use collis_server::udp::take_datagram;
use std::path::Path;

const LIVE_JSON: Target = Target {
    name: "live-json",
    tokens: &[
        b"\"seq\": ",
        b"\"t\": ",
        b"\"gyr\": [0, 0, 0]",
        b"\"mag\": null",
        b"{\"type\": \"stop\"}",
        b"{\"type\": \"feedback\", \"zone_deg\": -1}",
        b"\"target_deg\": [1e300, 0, 0]",
        b"\"axes\": [false, false, false]",
        b"[]",
        b"{}",
        b"1e18",
        b"\"exercise\": \"sensory-trick\"",
        b"\"calibration\": ",
    ],
};

const LIVE_UDP: Target = Target {
    name: "live-udp",
    tokens: &[
        b"secret,",
        b", 3, ",
        b", 4, ",
        b", 5, ",
        b", 1, ",
        b"1000000000000000000",
        b"\n\n",
    ],
};

/// A recordings directory as the server makes it at start.
fn recordings() -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("temporary directory");
    std::fs::create_dir_all(anonymous_dir(d.path())).expect("anonymous recordings");
    d
}

fn plan(query: &[u8]) -> Result<LivePlan, String> {
    let q: LiveQuery = serde_json::from_slice(query).map_err(|e| format!("query: {e}"))?;
    LivePlan::from_query(&q)
}

/// A WebSocket session: the messages of the input, one a line, as `run_stream` takes them.
fn websocket(dir: &Path) -> impl Fn(&Input) -> Outcome + '_ {
    move |input| {
        let plan = plan(input.part("query.json").unwrap_or_default())?;
        let mut s = Stream::new(plan, dir);
        let mut frames = Vec::new();
        let text = String::from_utf8_lossy(input.part("messages.jsonl").unwrap_or_default());
        for line in text.lines() {
            frames.clear();
            match Incoming::parse(line) {
                Ok(Incoming::Control(Control::Stop)) => break,
                // Checked as the server checks them (refused settings are a warning).
                Ok(Incoming::Control(Control::Feedback(fb))) => {
                    if check_feedback(&fb).is_ok() {
                        s.set_feedback(fb);
                    }
                }
                Ok(Incoming::Samples(items)) => {
                    let (failed, _refused) = s.take_samples(items, &mut frames);
                    if let Some(e) = failed {
                        return Err(e);
                    }
                }
                // Told to the client as a warning; the stream goes on.
                Err(_) => {}
            }
        }
        frames.clear();
        s.drain(&mut frames)?;
        let _ = s.figures().to_string();
        Ok(())
    }
}

/// A UDP stream at 100 Hz: datagrams separated by blank lines; with a token when the input's
/// variant says so (lines without it are then counted invalid).
fn udp(dir: &Path) -> impl Fn(&Input) -> Outcome + '_ {
    move |input| {
        let plan = plan(br#"{"rate": 100.0, "calibration": 1.0}"#).expect("a valid plan");
        let mut s = Stream::new(plan, dir);
        let token = (input.variant(4) == 0).then_some("secret");
        let (mut t0, mut frames) = (None, Vec::new());
        let bytes = &input.parts[0].bytes;
        for datagram in bytes
            .split(|&b| b == b'\n')
            .collect::<Vec<_>>()
            .split(|l| l.is_empty())
        {
            let datagram = datagram.join(&b'\n');
            frames.clear();
            let _ = take_datagram(&mut s, &mut t0, token, &datagram, &mut frames);
        }
        frames.clear();
        s.drain(&mut frames)?;
        let _ = s.figures().to_string();
        Ok(())
    }
}

#[test]
fn replay_live_json() {
    let d = recordings();
    LIVE_JSON.replay(websocket(d.path()));
}

#[test]
fn fuzz_live_json() {
    let d = recordings();
    LIVE_JSON.fuzz(websocket(d.path()));
}

#[test]
fn replay_live_udp() {
    let d = recordings();
    LIVE_UDP.replay(udp(d.path()));
}

#[test]
fn fuzz_live_udp() {
    let d = recordings();
    LIVE_UDP.fuzz(udp(d.path()));
}
