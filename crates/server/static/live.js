// Live biofeedback: webcam frames or the phone's motion sensors go to this server over a
// WebSocket; the server measures the head angles (the same pipeline as for files) and sends
// back the angles and a cue, shown as dials, a colour and a tone. Surface EMG (an amplifier
// on a serial port, one line of channel values per sample, or a stream another client sends)
// is shown as an envelope bar per muscle with its target line, with the same colours and tone.
"use strict";
(() => {
  const $ = collis.el;
  const AXES = [["rotation", "rotation_deg"], ["tilt", "tilt_deg"], ["flexion", "flexion_deg"]];
  let ws = null, stream = null, audio = null, osc = null, gain = null, motionHandler = null;
  let sent = 0, answered = 0, t0 = 0, inFlight = 0;

  // What the patient is asked to do in each part of a sensory-trick trial.
  const PHASES = {
    "without-trick": "Part 1 of 3: without your trick — let the head go where it goes.",
    "with-trick": "Part 2 of 3: apply your sensory trick now (e.g. a light touch to chin or cheek) and keep it.",
    "after-trick": "Part 3 of 3: release the trick; stay as you are.",
  };

  // Dials: a half circle from −90° to +90° with the target zone shaded. + is drawn to the
  // right, which is where the patient sees the head go in the mirrored preview: a turn of the
  // chin to the patient's right, the crown leaning as the right ear goes down. The ends say
  // which way is which in words.
  const ENDS = { rotation: ["turned left", "turned right"], tilt: ["left ear down", "right ear down"], flexion: ["chin up", "chin down"] };
  function dial(name) {
    const [neg, pos] = ENDS[name];
    return `<div class="dial"><svg viewBox="-105 -100 210 118" role="img" aria-label="${name} dial: ${neg} to the left, ${pos} to the right">
      <path d="M -90 0 A 90 90 0 0 1 90 0" fill="none" stroke="#d7dde3" stroke-width="14"/>
      <path id="zone-${name}" fill="none" stroke="#9ad3a8" stroke-width="14"/>
      <line id="needle-${name}" x1="0" y1="0" x2="0" y2="-80" stroke="#1d232b" stroke-width="4" stroke-linecap="round"/>
      <circle r="6" fill="#1d232b"/>
      <text x="-104" y="16" font-size="11" fill="#555">${neg}</text><text x="104" y="16" font-size="11" fill="#555" text-anchor="end">${pos}</text></svg>
      <div>${name}</div><div class="value" id="value-${name}">–</div></div>`;
  }
  $("dials").innerHTML = AXES.map(([n]) => dial(n)).join("");
  // What the angles are measured against, as the server says when the session starts.
  let reference = null;
  function showReference(ready) {
    reference = ready.reference ?? null;
    if (ready.reference_text) $("instructions").textContent = `Reference: ${ready.reference_text}.`;
  }
  const polar = (deg, r) => { const a = (deg - 90) * Math.PI / 180; return [r * Math.cos(a), r * Math.sin(a)]; };
  function drawZone(name, target, zone) {
    const a = Math.max(-90, target - zone), b = Math.min(90, target + zone);
    const [x0, y0] = polar(a, 90), [x1, y1] = polar(b, 90);
    $(`zone-${name}`).setAttribute("d", `M ${x0} ${y0} A 90 90 0 0 1 ${x1} ${y1}`);
  }
  function settings() {
    return {
      target_deg: [+$("t-rot").value, +$("t-tilt").value, +$("t-flex").value],
      zone_deg: +$("zone").value,
      axes: [true, true, true],
      quiet_when_good: $("quiet").checked,
    };
  }
  function showZones() { const s = settings(); AXES.forEach(([n], i) => drawZone(n, s.target_deg[i], s.zone_deg)); }
  showZones();
  for (const id of ["zone", "t-rot", "t-tilt", "t-flex", "quiet"]) $(id).addEventListener("change", () => {
    showZones();
    if (ws && ws.readyState === 1) ws.send(JSON.stringify({ type: "feedback", ...settings() }));
  });

  // Settings per subject, kept in the record (the subject may not exist yet: defaults then);
  // progress from the record.
  $("subject").addEventListener("change", async () => {
    const code = $("subject").value.trim();
    if (!code) return;
    try {
      const s = await collis.get(`/api/subjects/${encodeURIComponent(code)}/feedback`);
      [$("t-rot").value, $("t-tilt").value, $("t-flex").value] = s.target_deg;
      $("zone").value = s.zone_deg; $("quiet").checked = s.quiet_when_good;
      showZones();
    } catch (e) { /* a new subject: the defaults on the page */ }
    loadProgress(code);
  });
  async function saveSettings(code, s) {
    await fetch("/api/subjects", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ code }) });
    const r = await fetch(`/api/subjects/${encodeURIComponent(code)}/feedback`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify(s) });
    if (!r.ok) throw new Error((await r.json()).error);
  }
  async function loadProgress(code) {
    try {
      const sessions = (await collis.get(`/api/subjects/${encodeURIComponent(code)}/sessions`)).filter((s) => s.task === "hold-neutral").slice(-60);
      const points = [];
      for (const s of sessions) points.push({ date: s.recorded_on, value: (await collis.get(`/api/sessions/${s.id}`)).neutral_hold.longest_hold_s });
      $("progress").innerHTML = points.length ? collis.lineChart([{ label: "longest hold within the zone", points, colour: "#1b8a3a" }], [], " s") : "<p class=notice>No hold-neutral sessions yet.</p>";
    } catch (e) { $("progress").innerHTML = `<p class=notice>${collis.esc(e.message)}</p>`; }
  }

  function tone(hz) {
    if (!$("sound").checked || !audio) return;
    if (hz == null) { gain.gain.setTargetAtTime(0, audio.currentTime, 0.05); return; }
    osc.frequency.setTargetAtTime(hz, audio.currentTime, 0.05);
    gain.gain.setTargetAtTime(0.15, audio.currentTime, 0.05);
  }

  // EMG bars: level on a log scale from 0.5 to 100 (× rest or % MVC), the target as a line.
  const BAR_H = 170, LOG_LO = Math.log(0.5), LOG_HI = Math.log(100);
  const barY = (v) => BAR_H * (1 - Math.min(1, Math.max(0, (Math.log(Math.max(v, 1e-9)) - LOG_LO) / (LOG_HI - LOG_LO))));
  let barLabels = "";
  function bars(levels) {
    const key = levels.map((l) => l.label).join(",");
    if (key !== barLabels) {
      barLabels = key;
      $("bars").hidden = false; $("dials").hidden = true;
      $("bars").innerHTML = levels.map((l, i) => `<div class="bar" id="bar-${i}" data-colour="none"><svg viewBox="0 0 60 180" aria-label="${collis.esc(l.label)}">
        <rect x="10" y="0" width="40" height="${BAR_H}" fill="#eef1f4"/><rect class="level" id="level-${i}" x="10" width="40"/>
        <line id="target-${i}" x1="2" x2="58" stroke="#1d232b" stroke-width="3" stroke-dasharray="6 3"/></svg>
        <div>${collis.esc(l.label)}</div><div class="value" id="bar-value-${i}">–</div></div>`).join("");
    }
    levels.forEach((l, i) => {
      const y = barY(l.level);
      $(`level-${i}`).setAttribute("y", y); $(`level-${i}`).setAttribute("height", BAR_H - y);
      $(`bar-value-${i}`).textContent = `${l.level.toFixed(1)}${l.scale === "pct_mvc" ? " % MVC" : " × rest"}`;
      $(`bar-${i}`).dataset.colour = l.cue ? l.cue.colour : "none";
      const t = $(`target-${i}`);
      if (l.cue) { const ty = barY(l.cue.target); t.setAttribute("y1", ty); t.setAttribute("y2", ty); t.style.display = ""; }
      else t.style.display = "none";
    });
  }
  const RANK = { green: 0, amber: 1, red: 2 };
  function showEmg(frame) {
    if (frame.resting) {
      $("status").textContent = `Sit still and relax every muscle… ${frame.remaining_s.toFixed(1)} s`;
      $("cue").dataset.colour = "none"; $("cue").textContent = "measuring rest";
      return;
    }
    bars(frame.levels);
    const cued = frame.levels.filter((l) => l.cue);
    if (!cued.length) return;
    const worst = cued.reduce((a, b) => RANK[b.cue.colour] > RANK[a.cue.colour] ? b : a);
    const out = cued.filter((l) => !l.cue.in_zone).map((l) => l.label);
    const activate = $("exercise").value === "emg-activate";
    $("status").textContent = activate ? "Running: bring each bar above its line and hold." : "Running: keep each bar below its line.";
    $("cue").dataset.colour = worst.cue.colour;
    $("cue").textContent = out.length ? `${out.join(", ")}: ${activate ? "more" : "relax"}` : "in the zone";
    const tones = cued.map((l) => l.cue.tone_hz).filter((h) => h != null);
    tone(tones.length ? Math.max(...tones) : null);
  }

  function show(frame) {
    if (frame.calibrating) {
      const what = reference === "camera" ? "Sit upright, facing the camera" : "Hold the head straight, looking ahead";
      $("status").textContent = `${what}… ${frame.remaining_s.toFixed(1)} s` + (frame.face === false ? " (no face seen: come into the picture)" : "");
      $("cue").dataset.colour = "none"; $("cue").textContent = reference === "camera" ? "getting ready" : "calibrating";
      return;
    }
    if (frame.face === false) { $("cue").dataset.colour = "none"; $("cue").textContent = "no face: come back into the picture"; tone(null); return; }
    $("status").textContent = PHASES[frame.phase] ?? "Running: keep the dial needles in the green zones.";
    AXES.forEach(([n, key]) => {
      const v = frame[key];
      $(`value-${n}`).textContent = collis.deg(v);
      const [x, y] = polar(Math.max(-90, Math.min(90, v)), 80);
      $(`needle-${n}`).setAttribute("x2", x); $(`needle-${n}`).setAttribute("y2", y);
    });
    if (exercise === "rom") { romStep(frame); return; }
    const c = frame.cue;
    $("cue").dataset.colour = c.colour;
    $("cue").textContent = c.in_zone ? "in the zone" : `${c.worst_deg.toFixed(0)}° ${c.worst_axis} — back toward the target`;
    tone(c.tone_hz);
  }

  // Range of motion, guided step by step: one movement per step, in plain words, with the
  // zone colours and tone off (there is no target to stay in: the task is to go as far as
  // possible), and a bar per axis showing how far each side has been reached.
  const ROM_STEPS = [
    "Turn your head to the LEFT as far as you can, and hold it there.",
    "Now turn your head to the RIGHT as far as you can, and hold.",
    "Face ahead, then bring your LEFT ear toward your left shoulder, as far as you can.",
    "Now your RIGHT ear toward your right shoulder, as far as you can.",
    "Bend your head forward: chin toward your chest, as far as you can.",
    "Bend your head back: look up at the ceiling, as far as you can.",
  ];
  let exercise = null, exerciseSeconds = 60, romStart = null;
  function romStep(frame) {
    romStart ??= frame.t;
    const per = exerciseSeconds / ROM_STEPS.length;
    const k = Math.min(ROM_STEPS.length - 1, Math.floor((frame.t - romStart) / per));
    $("status").textContent = `Step ${k + 1} of ${ROM_STEPS.length}`;
    $("cue").dataset.colour = "none";
    $("cue").textContent = ROM_STEPS[k];
    tone(null);
  }
  function reachBars(rom) {
    const bar = (name, a) => {
      if (!a) return "";
      const x = (deg) => 50 + 50 * Math.max(-90, Math.min(90, deg)) / 90;
      const [lo, hi] = [x(a.negative_deg), x(a.positive_deg)];
      const [neg, pos] = ENDS[name];
      return `<div class="reach"><span>${name}</span><svg viewBox="0 0 100 10" role="img" aria-label="${name}: reached ${collis.deg(a.negative_deg)} (${neg}) to ${collis.deg(a.positive_deg)} (${pos})">
        <rect x="0" y="3" width="100" height="4" fill="#eef1f4"/><rect x="${lo}" y="1" width="${hi - lo}" height="8" fill="#2f6ea8"/>
        <line x1="50" x2="50" y1="0" y2="10" stroke="#1d232b"/></svg><span>${collis.deg(a.negative_deg)} … ${collis.deg(a.positive_deg)}</span></div>`;
    };
    $("reach").hidden = false;
    $("reach").innerHTML = bar("rotation", rom.rotation_deg) + bar("tilt", rom.tilt_deg) + bar("flexion", rom.flexion_deg);
  }

  // Range of motion so far: the extremes held on each axis.
  function reachText(rom) {
    const r = (name, a) => a ? `${name} ${collis.deg(a.negative_deg)} … ${collis.deg(a.positive_deg)}` : "";
    return [r("rotation", rom.rotation_deg), r("tilt", rom.tilt_deg), r("flexion", rom.flexion_deg)].filter(Boolean).join(" · ");
  }

  function finish(done) {
    tone(null);
    $("start").disabled = false; $("stop").disabled = true;
    const s = done.score;
    let html = `<h2>Result</h2>`;
    if (done.error) html += `<p class="error">${collis.esc(done.error)}</p>`;
    if (done.warning) html += `<p>${collis.esc(done.warning)}</p>`;
    if (done.outcome) {
      html += "<p>Time within target: " + done.outcome.muscles.map((m) => `${collis.esc(m.label)} ${m.seconds_in_target.toFixed(1)} s (${(100 * m.fraction_in_target).toFixed(0)} %)`).join(", ") + ".</p>";
      if (s) html += "<p>Bursts in the recording: " + s.channels.map((c) => `${collis.esc(c.label)} ${c.burst_count}`).join(", ") + ".</p>";
    } else if (s) {
      const h = s.neutral_hold;
      html += `<p>Time within the zone: ${h.time_within_s.toFixed(1)} s; longest hold ${h.longest_hold_s.toFixed(1)} s; first hold ${h.first_hold_s.toFixed(1)} s.</p>`;
      if (s.sensory_trick) {
        const k = s.sensory_trick;
        html += `<p>Sensory trick: relief ${k.relief_percent == null ? "–" : k.relief_percent.toFixed(0) + " %"} on ${collis.esc(k.axis)}; TWSTRS ${k.twstrs.score}/${k.twstrs.max} — ${collis.esc(k.twstrs.rule)}; TWSTRS-2 ${k.twstrs2.score}/${k.twstrs2.max} — ${collis.esc(k.twstrs2.rule)}</p>`;
      }
      if (s.range_of_motion) html += `<p>Range of motion: ${reachText(s.range_of_motion)}.</p>`;
      if (s.twstrs_rom_item) html += `<p>TWSTRS range of motion: ${s.twstrs_rom_item.score}/${s.twstrs_rom_item.max} — ${collis.esc(s.twstrs_rom_item.rule)}</p>`;
      if (s.twstrs_hold_item) html += `<p>TWSTRS time within 10° of neutral: ${s.twstrs_hold_item.score}/${s.twstrs_hold_item.max} — ${collis.esc(s.twstrs_hold_item.rule)}</p>`;
      if (s.tremor.present) html += `<p>Tremor ${s.tremor.amplitude_deg.toFixed(2)}° at ${s.tremor.frequency_hz.toFixed(1)} Hz.</p>`;
    }
    if (done.session_id != null) html += `<p id="stored">Stored as session ${done.session_id}: <a href="/api/sessions/${done.session_id}/report" target="_blank">report</a>.</p>`;
    html += `<p class="notice">${collis.esc(done.notice ?? "")}</p>`;
    $("result").innerHTML = html;
    $("status").textContent = done.completed ? "Exercise complete." : "Stopped.";
    if ($("subject").value.trim()) loadProgress($("subject").value.trim());
    stopSources();
  }

  function stopSources() {
    if (stream) { for (const t of stream.getTracks()) t.stop(); stream = null; }
    if (motionHandler) { window.removeEventListener("devicemotion", motionHandler); motionHandler = null; }
  }

  function connect(path, params, onOpen, onReady) {
    const q = new URLSearchParams(params);
    ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}?${q}`);
    ws.binaryType = "arraybuffer";
    ws.onopen = onOpen;
    ws.onmessage = (ev) => {
      const m = JSON.parse(ev.data);
      if (m.type === "angles") { answered++; inFlight = Math.max(0, inFlight - 1); m.frames.forEach(show); }
      else if (m.type === "ready") { showReference(m); if (onReady) onReady(m); }
      else if (m.type === "emg") { answered++; if (m.frames.length) showEmg(m.frames[m.frames.length - 1]); }
      else if (m.type === "figures") {
        const h = m.hold, t = m.tremor;
        $("hold").textContent = `within zone ${h.time_within_s.toFixed(1)} s (longest ${h.longest_hold_s.toFixed(1)} s)`;
        $("tremor").textContent = t.present ? `tremor ${t.amplitude_deg.toFixed(2)}° at ${t.frequency_hz.toFixed(1)} Hz` : "no tremor";
        if (m.range_of_motion) { $("hold").textContent = reachText(m.range_of_motion); reachBars(m.range_of_motion); }
        $("fps").textContent = `${(answered / ((performance.now() - t0) / 1000)).toFixed(1)} updates/s`;
      } else if (m.type === "done") finish(m);
      else if (m.type === "warning") console.warn(m.message);
    };
    ws.onclose = () => { $("start").disabled = false; $("stop").disabled = true; };
    ws.onerror = () => { $("status").textContent = "Connection to the server failed."; };
  }

  async function startWebcam(params) {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
    const video = $("preview");
    video.srcObject = stream;
    await video.play();
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth || 640; canvas.height = video.videoHeight || 480;
    const ctx = canvas.getContext("2d");
    const fps = stream.getVideoTracks()[0].getSettings().frameRate || 30;
    connect("/api/live/video", { ...params, rate: fps }, () => {
      // Each new camera frame once (requestVideoFrameCallback where the browser has it), with
      // at most two frames in flight, so the rate adapts to what the server keeps up with.
      const next = (f) => video.requestVideoFrameCallback ? video.requestVideoFrameCallback(f) : requestAnimationFrame(f);
      const pump = () => {
        if (!ws || ws.readyState !== 1) return;
        if (inFlight < 2) {
          ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
          const t = performance.now() / 1000;
          inFlight++;
          canvas.toBlob(async (blob) => {
            const jpeg = new Uint8Array(await blob.arrayBuffer());
            const msg = new Uint8Array(8 + jpeg.length);
            new DataView(msg.buffer).setFloat64(0, t, true);
            msg.set(jpeg, 8);
            if (ws && ws.readyState === 1) { ws.send(msg); sent++; }
          }, "image/jpeg", 0.85);
        }
        next(pump);
      };
      pump();
    });
  }

  function startPhone(params) {
    // DeviceMotion: rotationRate in °/s about the device's z (alpha), x (beta), y (gamma);
    // accelerationIncludingGravity in m/s². Worn on a headband at the back of the head,
    // screen facing out and upright: device x = right, y = up, z = back.
    let seq = 0, batch = [], rate = null;
    const send = () => { if (batch.length && ws && ws.readyState === 1) { ws.send(JSON.stringify(batch)); sent += batch.length; } batch = []; };
    motionHandler = (e) => {
      const r = e.rotationRate, a = e.accelerationIncludingGravity;
      if (!r || !a || a.x == null) return;
      if (!rate) {
        rate = 1000 / (e.interval || 16.7);
        connect("/api/live/imu", { ...params, rate: rate.toFixed(1), axes: "x=right,y=up,z=back", no_mag: true }, () => {});
      }
      const d = Math.PI / 180;
      batch.push({ seq: seq++, t: e.timeStamp / 1000, gyr: [r.beta * d, r.gamma * d, r.alpha * d], acc: [a.x, a.y, a.z] });
      if (batch.length >= 5) send();
    };
    if (typeof DeviceMotionEvent !== "undefined" && typeof DeviceMotionEvent.requestPermission === "function") {
      DeviceMotionEvent.requestPermission().then((p) => { if (p === "granted") window.addEventListener("devicemotion", motionHandler); });
    } else window.addEventListener("devicemotion", motionHandler);
  }

  // Surface EMG from an amplifier on a serial port (Web Serial): one text line per sample,
  // the channels' values separated by commas, spaces or tabs, in the channel unit (µV). The
  // samples go to the server in blocks of the size it asks for, five blocks a message at most.
  async function startSerial(params) {
    if (!navigator.serial) throw new Error("this browser has no Web Serial (use Chromium), or the page is not on localhost/https");
    const port = await navigator.serial.requestPort();
    await port.open({ baudRate: 115200 });
    const channels = $("emg-channels").value.split(",").map((c) => c.trim()).filter(Boolean);
    const q = { channels: channels.join(","), rate: $("emg-rate").value, rest: $("emg-rest").value, exercise: params.exercise.slice(4), seconds: params.seconds, quiet: params.quiet };
    if ($("emg-target").value) q.target = $("emg-target").value;
    if (params.subject) q.subject = params.subject;
    let block = 0, seq = 0, pending = [];
    const data = channels.map(() => []);
    const flush = () => { if (pending.length && ws && ws.readyState === 1) ws.send(JSON.stringify(pending)); pending = []; };
    connect("/api/live/emg", q, () => {}, async (ready) => {
      block = ready.block;
      const reader = port.readable.pipeThrough(new TextDecoderStream()).getReader();
      let rest = "";
      const timer = setInterval(flush, 50);
      try {
        while (ws && ws.readyState === 1) {
          const { value, done } = await reader.read();
          if (done) break;
          const lines = (rest + value).split(/\r?\n/);
          rest = lines.pop();
          for (const line of lines) {
            const v = line.trim().split(/[,;\s]+/).map(Number);
            if (v.length !== channels.length || v.some((x) => !Number.isFinite(x))) continue;
            v.forEach((x, i) => data[i].push(x));
            if (data[0].length === block) {
              pending.push({ seq: seq++, data: data.map((d) => d.splice(0)) });
              if (pending.length >= 5) flush();
            }
          }
        }
      } finally { clearInterval(timer); reader.releaseLock(); await port.close().catch(() => {}); }
    });
  }

  // A head sensor streaming over UDP runs on the server's settings (serve --udp …): the page
  // watches it.
  async function watchUdp() {
    const names = await collis.get("/api/live/streams");
    if (!names.length) throw new Error("nothing is streaming to this server now (collis serve --udp HOST:PORT, or an EMG client on /api/live/emg)");
    $("status").textContent = `Watching ${names[0]}`;
    connect("/api/live/watch", { stream: names[0] }, () => {});
  }

  $("setup").onsubmit = async (ev) => {
    ev.preventDefault();
    $("result").innerHTML = ""; sent = answered = inFlight = 0; t0 = performance.now();
    $("bars").hidden = true; $("dials").hidden = false; barLabels = "";
    if ($("sound").checked && !audio) {
      audio = new AudioContext(); osc = audio.createOscillator(); gain = audio.createGain();
      gain.gain.value = 0; osc.connect(gain).connect(audio.destination); osc.start();
    }
    const code = $("subject").value.trim();
    const s = settings();
    if (code) {
      try { await saveSettings(code, s); } catch (e) { $("status").innerHTML = `<span class="error">${collis.esc(e.message)}</span>`; return; }
    }
    const params = { exercise: $("exercise").value, seconds: $("seconds").value, zone: s.zone_deg, target: s.target_deg.join(","), quiet: s.quiet_when_good };
    exercise = params.exercise; exerciseSeconds = +params.seconds || 60; romStart = null;
    $("reach").hidden = true;
    // Range of motion has no zone to stay in: the dials show the head without one.
    AXES.forEach(([n]) => { $(`zone-${n}`).style.display = exercise === "rom" ? "none" : ""; });
    if (code) params.subject = code;
    $("start").disabled = true; $("stop").disabled = false;
    try {
      const source = $("source").value;
      if (params.exercise.startsWith("emg-") && source !== "emg-serial") throw new Error("EMG exercises need an EMG source");
      if (source === "webcam") await startWebcam(params);
      else if (source === "phone") startPhone(params);
      else if (source === "emg-serial") {
        if (!params.exercise.startsWith("emg-")) throw new Error("choose an EMG exercise (relax or activate) for an EMG source");
        await startSerial(params);
      }
      else await watchUdp();
    } catch (e) {
      $("status").innerHTML = `<span class="error">${collis.esc(e.message)}</span>`;
      $("start").disabled = false; $("stop").disabled = true;
    }
  };
  $("stop").onclick = () => { if (ws && ws.readyState === 1) ws.send(JSON.stringify({ type: "stop" })); };
})();
