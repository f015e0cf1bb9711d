//! Head sensors streaming over UDP (`collis serve --udp HOST:PORT`): one CSV line per sample,
//! one or more lines per datagram, each sending address a stream of its own through the same
//! live pipeline as a WebSocket stream. Two line forms are read:
//! - Collis: `seq,time_s,gyr_x,gyr_y,gyr_z,acc_x,acc_y,acc_z[,mag_x,mag_y,mag_z]` (rad/s, m/s²);
//! - sensor-tagged, as Android IMU-streaming apps send it (e.g. "IMU+GPS-Stream", "Wireless
//!   IMU"): `timestamp, 3, ax, ay, az, 4, gx, gy, gz[, 5, mx, my, mz]` — id 3 accelerometer
//!   (m/s²), 4 gyroscope (rad/s), 5 magnetometer (µT); other ids (e.g. 1, GPS) are skipped.
//!   These have no sequence number: the sample slot `round((t − t₀) × rate)` stands for it, so
//!   loss and reordering are still counted.
//!
//! A sample too far ahead of its stream, or with a time that is not seconds, is refused as on a
//! WebSocket (a `warning` to the watchers, counted invalid).
//!
//! A UDP sender cannot answer a WebSocket, so the angles, cues and figures of each stream go
//! to whoever watches it (`/api/live/streams`, `/api/live/watch?stream=…`: the live page).
//! A stream ends after [`IDLE_END_S`] without datagrams; its recording is then analysed and,
//! with `--udp-subject`, stored like any live session. Off loopback every line must start with
//! the server's token (`TOKEN,` prefix), since a datagram carries no header.

use crate::live::{finish, LivePlan, Stream};
use crate::AppState;
use collis_core::ImuSample;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::UdpSocket;
use tokio::sync::broadcast;

/// Seconds without a datagram after which a stream is over.
pub const IDLE_END_S: f64 = 5.0;
/// Messages buffered for a slow watcher before it misses some.
const WATCH_BUFFER: usize = 1024;

/// The live streams that can be watched, by name.
#[derive(Clone, Default)]
pub struct Hub {
    streams: Arc<Mutex<HashMap<String, broadcast::Sender<String>>>>,
}

impl Hub {
    pub(crate) fn open(&self, name: &str) -> broadcast::Sender<String> {
        let (tx, _) = broadcast::channel(WATCH_BUFFER);
        self.streams
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.to_string(), tx.clone());
        tx
    }
    pub(crate) fn close(&self, name: &str) {
        self.streams
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(name);
    }
    /// Names of the streams now running.
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .streams
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .keys()
            .cloned()
            .collect();
        v.sort();
        v
    }
    /// Messages of a running stream from now on.
    pub fn watch(&self, name: &str) -> Option<broadcast::Receiver<String>> {
        self.streams
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(name)
            .map(|t| t.subscribe())
    }
}

/// One line: a sample and its sequence number (or slot), or `None` when it carries no
/// inertial sample (another sensor); `Err` when it cannot be read.
pub fn parse_line(
    line: &str,
    rate_hz: f64,
    t0: &mut Option<f64>,
) -> Result<Option<(u64, ImuSample)>, String> {
    let f: Vec<&str> = line.split(',').map(str::trim).collect();
    let num = |i: usize| -> Result<f64, String> {
        let s = f
            .get(i)
            .ok_or_else(|| format!("field {}: missing", i + 1))?;
        let v: f64 = s
            .parse()
            .map_err(|_| format!("field {}: '{s}' is not a number", i + 1))?;
        if v.is_finite() {
            Ok(v)
        } else {
            Err(format!("field {}: {v} is not finite", i + 1))
        }
    };
    let tagged = f.len() >= 5 && f.len() % 4 == 1 && f[1].parse::<u32>().is_ok() && f[1] != "0";
    if tagged {
        let t = num(0)?;
        let (mut acc, mut gyr, mut mag) = (None, None, None);
        for k in (1..f.len()).step_by(4) {
            let v = [num(k + 1)?, num(k + 2)?, num(k + 3)?];
            match f[k] {
                "3" => acc = Some(v),
                "4" => gyr = Some(v),
                "5" => mag = Some(v),
                _ => {}
            }
        }
        let (Some(acc), Some(gyr)) = (acc, gyr) else {
            return Ok(None);
        };
        let start = *t0.get_or_insert(t);
        let slot = ((t - start) * rate_hz).round();
        if slot < 0.0 {
            return Err(format!(
                "timestamp {t} is before the stream's first ({start})"
            ));
        }
        return Ok(Some((
            slot as u64,
            ImuSample {
                time_s: t - start,
                gyr_rad_s: gyr,
                acc_m_s2: acc,
                mag,
            },
        )));
    }
    if f.len() != 8 && f.len() != 11 {
        return Err(format!(
            "{} fields: expected seq,time_s,gyr×3,acc×3[,mag×3] or a sensor-tagged line",
            f.len()
        ));
    }
    let seq = f[0]
        .parse::<u64>()
        .map_err(|_| format!("field 1 (seq): '{}' is not a whole number", f[0]))?;
    let v: Vec<f64> = (1..f.len()).map(num).collect::<Result<_, _>>()?;
    Ok(Some((
        seq,
        ImuSample {
            time_s: v[0],
            gyr_rad_s: [v[1], v[2], v[3]],
            acc_m_s2: [v[4], v[5], v[6]],
            mag: (v.len() == 10).then(|| [v[7], v[8], v[9]]),
        },
    )))
}

/// One datagram into its stream (`t0`: the stream's first sensor-tagged timestamp; `token`:
/// the prefix every line must carry off loopback); the reasons of the samples refused (too far
/// ahead, or a time that is not seconds), to be told to the watchers. Public for the fuzz
/// tests (`crates/fuzz`).
pub fn take_datagram(
    stream: &mut Stream,
    t0: &mut Option<f64>,
    token: Option<&str>,
    datagram: &[u8],
    frames: &mut Vec<Value>,
) -> Vec<String> {
    let mut refused = Vec::new();
    let rate_hz = stream.rate_hz();
    for line in String::from_utf8_lossy(datagram)
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let line = match token {
            Some(t) => match line.split_once(',') {
                Some((given, rest)) if given.trim() == t => rest,
                _ => {
                    stream.invalid();
                    continue;
                }
            },
            None => line,
        };
        match parse_line(line, rate_hz, t0) {
            Ok(Some((seq, s))) => match stream
                .check_seq(seq)
                .and_then(|()| stream.check_time(seq, s.time_s))
            {
                Ok(()) => {
                    let _ = stream.push(seq, s, frames);
                }
                Err(e) => {
                    stream.invalid();
                    refused.push(e);
                }
            },
            Ok(None) => {}
            Err(_) => stream.invalid(),
        }
    }
    refused
}

struct UdpStream {
    stream: Stream,
    tx: broadcast::Sender<String>,
    t0: Option<f64>,
    last_seen: Instant,
    last_figures: Instant,
}

/// Serve UDP head-sensor streams on `socket` until the server stops.
pub async fn run(socket: UdpSocket, st: AppState, plan: LivePlan, token: Option<String>, hub: Hub) {
    let mut streams: HashMap<SocketAddr, UdpStream> = HashMap::new();
    let mut buf = vec![0u8; 65536];
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    loop {
        tokio::select! {
            got = socket.recv_from(&mut buf) => {
                let Ok((n, from)) = got else { continue };
                let u = streams.entry(from).or_insert_with(|| {
                    let name = format!("udp:{from}");
                    UdpStream {
                        stream: Stream::new(plan.clone(), &st.cfg.recordings_dir),
                        tx: hub.open(&name),
                        t0: None,
                        last_seen: Instant::now(),
                        last_figures: Instant::now(),
                    }
                });
                u.last_seen = Instant::now();
                let mut frames = Vec::new();
                for w in take_datagram(&mut u.stream, &mut u.t0, token.as_deref(), &buf[..n], &mut frames) {
                    let _ = u.tx.send(json!({"type": "warning", "message": format!("ignored: {w}")}).to_string());
                }
                if !frames.is_empty() {
                    let _ = u.tx.send(json!({"type": "angles", "frames": frames}).to_string());
                }
                if u.last_figures.elapsed() >= Duration::from_secs(1) {
                    u.last_figures = Instant::now();
                    let _ = u.tx.send(u.stream.figures().to_string());
                }
            }
            _ = tick.tick() => {
                let idle: Vec<SocketAddr> = streams
                    .iter()
                    .filter(|(_, u)| u.last_seen.elapsed().as_secs_f64() > IDLE_END_S || u.stream.is_done())
                    .map(|(a, _)| *a)
                    .collect();
                for from in idle {
                    let Some(mut u) = streams.remove(&from) else { continue };
                    let (st, hub) = (st.clone(), hub.clone());
                    tokio::spawn(async move {
                        let mut frames = Vec::new();
                        let error = u.stream.drain(&mut frames).err();
                        let mut done: Value = finish(&st, &mut u.stream, error).await;
                        crate::live::hide_dir(&mut done, &st.cfg.recordings_dir);
                        done["stream"] = json!(format!("udp:{from}"));
                        let _ = u.tx.send(done.to_string());
                        hub.close(&format!("udp:{from}"));
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_line_forms() {
        let mut t0 = None;
        let (seq, s) = parse_line("7,0.07,0.1,0.2,0.3,0,0,9.81", 100.0, &mut t0)
            .unwrap()
            .unwrap();
        assert_eq!((seq, s.time_s, s.gyr_rad_s[2], s.mag), (7, 0.07, 0.3, None));
        let (_, s) = parse_line("7,0.07,0.1,0.2,0.3,0,0,9.81,20,0,-40", 100.0, &mut t0)
            .unwrap()
            .unwrap();
        assert_eq!(s.mag, Some([20.0, 0.0, -40.0]));
        let mut t0 = None;
        let line = "1000.00, 3, 0.1, 0.2, 9.8, 4, 0.01, 0.02, 0.03, 5, 20, 1, -40";
        let (seq, s) = parse_line(line, 100.0, &mut t0).unwrap().unwrap();
        assert_eq!(
            (seq, s.time_s, s.acc_m_s2[2], s.gyr_rad_s[0]),
            (0, 0.0, 9.8, 0.01)
        );
        let (seq, s) = parse_line("1000.05, 3, 0, 0, 9.8, 4, 0, 0, 0", 100.0, &mut t0)
            .unwrap()
            .unwrap();
        assert_eq!((seq, s.mag), (5, None));
        assert_eq!(
            parse_line("1000.06, 1, 52.1, 13.2, 40", 100.0, &mut t0).unwrap(),
            None,
            "GPS only"
        );
        for bad in [
            "",
            "x,0,0,0,0,0,0,0",
            "1,0,0,0,0,0,0",
            "1,0,0,0,nan,0,0,9.8",
            "999.0, 3, 0, 0, 9.8, 4, 0, 0, 0",
        ] {
            assert!(parse_line(bad, 100.0, &mut t0).is_err(), "{bad}");
        }
    }
}
