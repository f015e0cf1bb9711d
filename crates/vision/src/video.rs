//! Video frames through the `ffmpeg` and `ffprobe` programs (Debian package `ffmpeg`): packed
//! RGB24 frames on a pipe, each with its real presentation time (variable frame rate kept:
//! `-fps_mode passthrough`; times from the `showinfo` filter), square pixels (`scale` by the
//! sample aspect ratio), rotation metadata applied (ffmpeg's autorotate).
//! The program, not a library binding, keeps the build free of FFmpeg headers and bindgen.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;

use crate::VisionError;

/// What `ffprobe` says about a file.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoInfo {
    pub width: usize,
    pub height: usize,
    /// Container or stream duration (s), when known.
    pub duration_s: Option<f64>,
    /// Average frame rate (frames/s), when known.
    pub avg_fps: Option<f64>,
}

fn fail(path: &Path, reason: impl Into<String>) -> VisionError {
    VisionError::Video {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

fn spawn_error(path: &Path, tool: &str, e: std::io::Error) -> VisionError {
    if e.kind() == std::io::ErrorKind::NotFound {
        fail(
            path,
            format!("`{tool}` not found: install FFmpeg (Debian/Ubuntu: apt-get install ffmpeg)"),
        )
    } else {
        fail(path, format!("running {tool}: {e}"))
    }
}

fn rate(s: &str) -> Option<f64> {
    let (n, d) = s.split_once('/')?;
    let (n, d): (f64, f64) = (n.trim().parse().ok()?, d.trim().parse().ok()?);
    (d > 0.0 && n > 0.0).then_some(n / d)
}

/// Probes the first video stream of `path`.
pub fn probe(path: &Path) -> Result<VideoInfo, VisionError> {
    let meta = std::fs::metadata(path).map_err(|e| fail(path, e.to_string()))?;
    if meta.len() == 0 {
        return Err(fail(path, "empty file (0 bytes): not a video"));
    }
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0", "-show_entries"])
        .args([
            "stream=width,height,avg_frame_rate,duration:format=duration",
            "-of",
        ])
        .arg("default=noprint_wrappers=1")
        .arg(path)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| spawn_error(path, "ffprobe", e))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(fail(
            path,
            format!(
                "not a readable video (ffprobe: {})",
                err.trim().lines().last().unwrap_or("failed")
            ),
        ));
    }
    let get = |key: &str| {
        text.lines()
            .filter_map(|l| l.split_once('='))
            .find(|(k, v)| *k == key && *v != "N/A")
            .map(|(_, v)| v.trim().to_string())
    };
    let (Some(w), Some(h)) = (get("width"), get("height")) else {
        return Err(fail(path, "no video stream"));
    };
    let (width, height) = match (w.parse::<usize>(), h.parse::<usize>()) {
        (Ok(w), Ok(h)) if w > 0 && h > 0 => (w, h),
        _ => return Err(fail(path, format!("bad frame size {w}x{h}"))),
    };
    Ok(VideoInfo {
        width,
        height,
        duration_s: get("duration").and_then(|d| d.parse().ok()),
        avg_fps: get("avg_frame_rate").and_then(|r| rate(&r)),
    })
}

/// One decoded frame's metadata.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrameInfo {
    /// Presentation time (s) from the start of the file.
    pub time_s: f64,
    pub width: usize,
    pub height: usize,
}

/// Parses a `showinfo` line (`... n: 3 pts: 3003 pts_time:0.1001 ... s:176x144 ...`).
fn parse_showinfo(line: &str) -> Option<(f64, usize, usize)> {
    if !line.contains("Parsed_showinfo") {
        return None;
    }
    let t = line
        .split("pts_time:")
        .nth(1)?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let size = line.split(" s:").nth(1)?.split_whitespace().next()?;
    let (w, h) = size.split_once('x')?;
    Some((t, w.parse().ok()?, h.parse().ok()?))
}

/// A running decoder: frames in presentation order.
pub struct VideoReader {
    path: PathBuf,
    child: Child,
    stdout: ChildStdout,
    frames: Receiver<(f64, usize, usize)>,
    log: Option<JoinHandle<Vec<String>>>,
    start_s: f64,
}

impl VideoReader {
    /// Starts decoding `path` from `start_s` (if given) for at most `end_s − start_s`.
    pub fn open(
        path: &Path,
        start_s: Option<f64>,
        end_s: Option<f64>,
    ) -> Result<Self, VisionError> {
        let mut cmd = Command::new("ffmpeg");
        cmd.args(["-hide_banner", "-nostdin", "-nostats", "-loglevel", "info"]);
        let start = start_s.unwrap_or(0.0).max(0.0);
        if start > 0.0 {
            cmd.args(["-ss", &format!("{start}")]);
        }
        // One decoding thread: decoding (≈ 3 ms per 640×480 frame) runs beside the face networks
        // (≈ 6 ms) in its own process, so more threads would only contend for the cores.
        cmd.args(["-threads", "1"]).arg("-i").arg(path);
        // The end is cut by a filter before `showinfo`, so that every frame it reports reaches
        // the pipe (`-t` would drop a reported frame at the output).
        let trim = match end_s {
            Some(end) if end <= start => {
                return Err(fail(
                    path,
                    format!("--end {end} s is not after --start {start} s"),
                ));
            }
            Some(end) => format!("trim=end={},", end - start),
            None => String::new(),
        };
        cmd.args(["-an", "-sn", "-dn", "-fps_mode", "passthrough", "-vf"])
            .arg(format!(
                "{trim}scale=trunc(iw*sar/2)*2:ih,setsar=1,showinfo=checksum=0"
            ))
            .args(["-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().map_err(|e| spawn_error(path, "ffmpeg", e))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| fail(path, "no ffmpeg stdout"))?;
        let stderr = child
            .stderr
            .take()
            .ok_or_else(|| fail(path, "no ffmpeg stderr"))?;
        let (tx, rx) = mpsc::channel();
        let log = std::thread::spawn(move || {
            let mut tail = Vec::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(info) = parse_showinfo(&line) {
                    if tx.send(info).is_err() {
                        break;
                    }
                } else if !line.contains("Parsed_showinfo") {
                    tail.push(line);
                    if tail.len() > 20 {
                        tail.remove(0);
                    }
                }
            }
            tail
        });
        Ok(VideoReader {
            path: path.to_path_buf(),
            child,
            stdout,
            frames: rx,
            log: Some(log),
            start_s: start,
        })
    }

    fn finish(&mut self) -> Result<(), VisionError> {
        let status = self
            .child
            .wait()
            .map_err(|e| fail(&self.path, e.to_string()))?;
        let tail = self
            .log
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        if status.success() {
            return Ok(());
        }
        let msg = tail
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty() && !l.starts_with(' '))
            .cloned()
            .unwrap_or_else(|| status.to_string());
        Err(fail(
            &self.path,
            format!("decoding failed (ffmpeg: {})", msg.trim()),
        ))
    }

    /// Reads the next frame into `rgb` (resized as needed); `None` at the end of the video.
    pub fn next_frame(&mut self, rgb: &mut Vec<u8>) -> Result<Option<FrameInfo>, VisionError> {
        let Ok((t, width, height)) = self.frames.recv() else {
            self.finish()?;
            return Ok(None);
        };
        rgb.resize(width * height * 3, 0);
        if let Err(e) = self.stdout.read_exact(rgb) {
            self.finish()?;
            return Err(fail(&self.path, format!("truncated frame at {t} s: {e}")));
        }
        Ok(Some(FrameInfo {
            time_s: self.start_s + t,
            width,
            height,
        }))
    }
}

impl Drop for VideoReader {
    fn drop(&mut self) {
        if self.log.is_some() {
            // Stopped early: end ffmpeg (our own child) and reap it.
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// ffmpeg options of every encoder run here: no banner, no input from the terminal, errors
/// only, overwrite the output.
const ENCODER_QUIET: [&str; 6] = [
    "-hide_banner",
    "-nostdin",
    "-nostats",
    "-loglevel",
    "error",
    "-y",
];

/// Encodes RGB24 frames into a video file through `ffmpeg` (for overlays). Frames are
/// written at a constant `fps` (variable frame-rate timing is not kept in the overlay).
pub struct VideoWriter {
    path: PathBuf,
    child: Child,
    stdin: Option<std::process::ChildStdin>,
    size: (usize, usize),
}

impl VideoWriter {
    pub fn create(path: &Path, width: usize, height: usize, fps: f64) -> Result<Self, VisionError> {
        let mut child = Command::new("ffmpeg")
            .args(ENCODER_QUIET)
            .args(["-f", "rawvideo", "-pix_fmt", "rgb24", "-s"])
            .arg(format!("{width}x{height}"))
            .arg("-r")
            .arg(format!("{fps:.3}"))
            .args([
                "-i",
                "pipe:0",
                "-pix_fmt",
                "yuv420p",
                "-vf",
                "pad=ceil(iw/2)*2:ceil(ih/2)*2",
            ])
            .arg(path)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| spawn_error(path, "ffmpeg", e))?;
        let stdin = child.stdin.take();
        Ok(VideoWriter {
            path: path.to_path_buf(),
            child,
            stdin,
            size: (width, height),
        })
    }

    /// Appends one frame (must have the writer's size).
    pub fn write(&mut self, width: usize, height: usize, rgb: &[u8]) -> Result<(), VisionError> {
        if (width, height) != self.size {
            return Err(fail(
                &self.path,
                format!("frame size changed to {width}x{height}"),
            ));
        }
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| fail(&self.path, "writer closed"))?;
        std::io::Write::write_all(stdin, rgb)
            .map_err(|e| fail(&self.path, format!("encoding the overlay: {e}")))
    }

    /// Closes the stream and waits for the encoder.
    pub fn finish(self) -> Result<(), VisionError> {
        let VideoWriter {
            path, child, stdin, ..
        } = self;
        wait_encoder(&path, child, stdin, "encoding the overlay")
    }
}

/// Closes an encoder's input and waits for it; its error output becomes the error.
fn wait_encoder(
    path: &Path,
    child: Child,
    stdin: Option<std::process::ChildStdin>,
    what: &str,
) -> Result<(), VisionError> {
    drop(stdin);
    let out = child
        .wait_with_output()
        .map_err(|e| fail(path, e.to_string()))?;
    if !out.status.success() {
        return Err(fail(
            path,
            format!(
                "{what} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        ));
    }
    Ok(())
}

/// Stores JPEG frames as they come (a live webcam session): appended to a Motion-JPEG stream
/// file (`.mjpeg`, itself readable by ffmpeg, so a crash keeps every frame written), then
/// put without re-encoding into a Matroska video at the session's measured frame rate, so the
/// session can be analysed again like any video file.
pub struct JpegVideoWriter {
    path: PathBuf,
    raw: PathBuf,
    out: std::io::BufWriter<std::fs::File>,
}

impl JpegVideoWriter {
    /// Frames go to `path` with the extension `.mjpeg` until [`Self::finish`] writes `path`.
    pub fn create(path: &Path) -> Result<Self, VisionError> {
        let raw = path.with_extension("mjpeg");
        let file = std::fs::File::create(&raw).map_err(|e| fail(&raw, e.to_string()))?;
        Ok(JpegVideoWriter {
            path: path.to_path_buf(),
            raw,
            out: std::io::BufWriter::new(file),
        })
    }

    /// Appends one JPEG frame.
    pub fn write(&mut self, jpeg: &[u8]) -> Result<(), VisionError> {
        std::io::Write::write_all(&mut self.out, jpeg)
            .map_err(|e| fail(&self.raw, format!("storing the frames: {e}")))
    }

    /// Writes the video at `fps` frames per second and removes the stream file.
    pub fn finish(self, fps: f64) -> Result<(), VisionError> {
        let JpegVideoWriter { path, raw, out } = self;
        out.into_inner()
            .map_err(|e| fail(&raw, format!("storing the frames: {e}")))?
            .sync_all()
            .map_err(|e| fail(&raw, format!("storing the frames: {e}")))?;
        let child = Command::new("ffmpeg")
            .args(ENCODER_QUIET)
            .args(["-f", "mjpeg", "-framerate"])
            .arg(format!("{fps:.4}"))
            .arg("-i")
            .arg(&raw)
            .args(["-c:v", "copy", "-f", "matroska"])
            .arg(&path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| spawn_error(&path, "ffmpeg", e))?;
        wait_encoder(&path, child, None, "writing the video")?;
        std::fs::remove_file(&raw).map_err(|e| fail(&raw, e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn showinfo_lines_parse() {
        let l = "[Parsed_showinfo_2 @ 0x55] n:   3 pts:   3003 pts_time:0.1001  pos: 9 fmt:yuv420p sar:1/1 s:176x144 i:P";
        assert_eq!(parse_showinfo(l), Some((0.1001, 176, 144)));
        assert_eq!(
            parse_showinfo("[Parsed_showinfo_2 @ 0x55] config in time_base: 1/30000"),
            None
        );
        assert_eq!(
            rate("30000/1001").map(|r| (r * 1000.0).round()),
            Some(29970.0)
        );
        assert_eq!(rate("0/0"), None);
    }
}
