// Live biofeedback: webcam frames or the phone's motion sensors go to this server over a
// WebSocket; the server measures the head angles (the same pipeline as for files) and sends
// back the angles and a cue, shown as dials, a colour and a tone. Surface EMG (an amplifier
// on a serial port, one line of channel values per sample, or a stream another client sends)
// is shown as an envelope bar per muscle with its target line, with the same colours and tone.
"use strict";
(() => {
  const $ = collis.el;
  const AXES = [["rotation", "rotation_deg"], ["tilt", "tilt_deg"], ["flexion", "flexion_deg"]];
  let ws = null, stream = null, audio = null, osc = null, gain = null, motionStop = null;
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
  $("needle-rotation").closest(".dial").classList.add("worst");
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

  // The patient view (/live?view=patient&subject=…&exercise=…&seconds=…&source=…): the
  // therapist's settings hidden (they are the subject's, saved in the record, and not changed
  // from here), what to do in plain words, one large cue, a countdown and a clear end.
  const query = new URLSearchParams(location.search);
  const patientView = query.get("view") === "patient";
  const TASKS = {
    "hold-neutral": ["Hold your head straight", (s) => `Sit upright and look straight ahead. Keep your head there for ${s} seconds. The box tells you which way to move when you drift; green means good.`],
    rom: ["Move your head as far as it goes", (s) => `Six movements, one at a time, about ${Math.round(s / 6)} seconds each: follow the words in the box. Go only as far as is comfortable.`],
    "sensory-trick": ["Your sensory trick", (s) => `${s} seconds in three parts: first without your trick, then with it, then without again. The box tells you when.`],
    relaxation: ["Relax your neck", (s) => `Sit comfortably, let your shoulders drop and breathe slowly for ${s} seconds. The box tells you if your head drifts.`],
    free: ["Keep your head in the green", (s) => `For ${s} seconds: the box tells you which way to move; green means good.`],
  };
  function describeTask() {
    const [title, text] = TASKS[$("exercise").value] ?? ["Your exercise", () => ""];
    $("task-title").textContent = title;
    $("task-text").textContent = text(+$("seconds").value || 60);
  }
  function patientLink() {
    const q = new URLSearchParams({ view: "patient", subject: $("subject").value.trim(), exercise: $("exercise").value, seconds: $("seconds").value, source: $("source").value });
    $("patient-link").href = `/live?${q}`;
  }
  for (const id of ["subject", "exercise", "seconds", "source"]) $(id).addEventListener("change", patientLink);
  patientLink();

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
      $("progress").innerHTML = points.length ? collis.lineChart([{ label: "longest hold within the zone", points, colour: "#1b8a3a" }], [], " s", $("progress").clientWidth) : "<p class=notice>No hold-neutral sessions yet.</p>";
    } catch (e) {
      // A subject new to the record has no sessions yet: that is no error.
      $("progress").innerHTML = `<p class=notice>${/^no subject/.test(e.message) ? "No hold-neutral sessions yet." : collis.esc(e.message)}</p>`;
    }
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
      $("status").textContent = `${what}… ${frame.remaining_s.toFixed(1)} s` + (frame.face === false ? ` (${NO_FACE})` : "");
      $("cue").dataset.colour = "none"; $("cue").textContent = reference === "camera" ? "getting ready" : "calibrating";
      return;
    }
    if (frame.face === false) { $("cue").dataset.colour = "none"; $("cue").textContent = NO_FACE; tone(null); return; }
    clock(frame.t);
    $("status").textContent = PHASES[frame.phase] ?? (patientView ? "Running: do what the box says." : "Running: keep the dial needles in the green zones.");
    AXES.forEach(([n, key]) => {
      const v = frame[key];
      $(`value-${n}`).textContent = collis.deg(v);
      const [x, y] = polar(Math.max(-90, Math.min(90, v)), 80);
      $(`needle-${n}`).setAttribute("x2", x); $(`needle-${n}`).setAttribute("y2", y);
    });
    if (exercise === "rom") { romStep(frame); return; }
    const c = frame.cue;
    $("cue").dataset.colour = c.colour;
    // The patient reads what to do; the therapist sees by how much too.
    $("cue").textContent = patientView || c.in_zone ? frame.say : `${frame.say} (${c.worst_deg.toFixed(0)}° ${c.worst_axis} from the target)`;
    // On a phone the patient view shows only the dial the cue is about.
    AXES.forEach(([n]) => $(`needle-${n}`).closest(".dial").classList.toggle("worst", n === c.worst_axis));
    tone(c.tone_hz);
  }

  // No face in the picture: what to do about it.
  const NO_FACE = "We cannot see your face: sit in front of the camera with light on your face";

  // The countdown and progress of the exercise after the neutral hold.
  let runStart = null;
  function clock(t) {
    runStart ??= t;
    if (!exerciseSeconds) return;
    const left = Math.max(0, exerciseSeconds - (t - runStart));
    $("clock").hidden = false;
    const secs = Math.ceil(left);
    $("countdown").textContent = secs > 0 ? `${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, "0")} left` : "Time is up: working out your result…";
    $("elapsed").value = Math.min(1, (t - runStart) / exerciseSeconds);
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
    if (patientView) html = patientResult(done);
    $("cue").dataset.colour = "none";
    $("cue").textContent = done.error ? "Stopped" : "Finished";
    $("result").innerHTML = html;
    $("status").textContent = done.completed ? "Exercise complete." : "Stopped.";
    $("clock").hidden = true;
    if ($("subject").value.trim()) loadProgress($("subject").value.trim());
    stopSources();
  }

  // The end as the patient reads it: what was done, in a sentence, and what to do next.
  function patientResult(done) {
    const s = done.score;
    let html = `<h2>${done.error ? "Not finished" : "Well done: finished"}</h2>`;
    if (done.error) html += `<p class="error">${collis.esc(done.error)}</p>`;
    else if (s && s.neutral_hold && exercise !== "rom") {
      const h = s.neutral_hold;
      html += `<p>Your head was where it should be for ${h.time_within_s.toFixed(0)} of ${exerciseSeconds} seconds; your longest hold was ${h.longest_hold_s.toFixed(0)} seconds.</p>`;
    }
    if (s && s.range_of_motion) html += `<p>How far you got: ${reachText(s.range_of_motion)}.</p>`;
    html += `<p><strong>What next:</strong> rest for a minute. Press Start to do it again${done.session_id != null ? ", or close this page: your therapist sees this result in your record" : ""}.</p>`;
    html += `<p class="notice">${collis.esc(done.notice ?? "")}</p>`;
    return html;
  }

  function stopSources() {
    if (stream) { for (const t of stream.getTracks()) t.stop(); stream = null; }
    $("camera").hidden = true;
    if (motionStop) { motionStop(); motionStop = null; }
    stopPairing(); $("pair").hidden = true;
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
        // A head sensor's hold that was not upright against gravity: said, not hidden.
        if (m.hold_level) { $("level").hidden = !m.hold_level.warning; $("level").textContent = m.hold_level.warning ?? ""; }
        $("fps").textContent = `connection: ${(answered / ((performance.now() - t0) / 1000)).toFixed(1)} updates/s`;
      } else if (m.type === "done") finish(m);
      else if (m.type === "warning") console.warn(m.message);
    };
    ws.onclose = () => { $("start").disabled = false; $("stop").disabled = true; };
    ws.onerror = () => { $("status").textContent = "Connection to the server failed."; };
  }

  async function startWebcam(params) {
    if (!navigator.mediaDevices) throw Object.assign(new Error("no camera access on this page"), { name: "SecurityError" });
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
    const video = $("preview");
    video.srcObject = stream;
    $("camera").hidden = false;
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
    const stop = collisMotion.start((rate) => {
      connect("/api/live/imu", { ...params, rate: rate.toFixed(1), axes: collisMotion.AXES, no_mag: true }, () => {});
    }, (batch) => { if (ws && ws.readyState === 1) { ws.send(JSON.stringify(batch)); sent += batch.length; } });
    motionStop = stop;
  }

  // A phone on the patient's head, paired by a QR code: the server gives a one-time address
  // for the phone (shown as a QR code); once the phone streams, this page watches its session
  // and gives the feedback here, where the patient can see and hear it.
  let pairPoll = null;
  async function startPaired(params) {
    const body = { exercise: params.exercise, seconds: +params.seconds, zone: +params.zone, target: params.target, quiet: params.quiet };
    if (params.subject) body.subject = params.subject;
    const r = await fetch("/api/pair", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const offer = await r.json();
    if (!r.ok) throw new Error(offer.error);
    $("pair").hidden = false;
    $("pair-qr").innerHTML = offer.qr_svg;
    $("pair-url").textContent = offer.url;
    $("pair-warning").textContent = offer.warning ?? "";
    $("status").textContent = "Scan the QR code with the phone's camera, fasten the phone at the back of the head and press Start sensor on it.";
    const until = performance.now() + offer.expires_s * 1000;
    pairPoll = setInterval(async () => {
      if (performance.now() > until) { stopPairing(); finish({ error: "The pairing code expired: press Start for a new one." }); return; }
      const names = await collis.get("/api/live/streams").catch(() => []);
      if (!names.includes(offer.stream)) return;
      stopPairing();
      $("pair").hidden = true;
      $("status").textContent = "The phone is streaming: sit upright and look ahead.";
      connect("/api/live/watch", { stream: offer.stream }, () => {});
    }, 1000);
  }
  function stopPairing() { if (pairPoll) { clearInterval(pairPoll); pairPoll = null; } }

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

  if (patientView) {
    document.body.classList.add("patient");
    for (const [id, key] of [["subject", "subject"], ["exercise", "exercise"], ["seconds", "seconds"], ["source", "source"]]) {
      const v = query.get(key);
      const el = $(id);
      if (v && (el.tagName !== "SELECT" || el.querySelector(`option[value="${CSS.escape(v)}"]`))) el.value = v;
    }
    describeTask();
    // The subject's saved settings (zones, targets) come from the record.
    if ($("subject").value.trim()) $("subject").dispatchEvent(new Event("change"));
    $("start").textContent = "Start";
  }

  $("setup").onsubmit = async (ev) => {
    ev.preventDefault();
    $("result").innerHTML = ""; sent = answered = inFlight = 0; t0 = performance.now();
    $("level").hidden = true;
    $("bars").hidden = true; $("dials").hidden = false; barLabels = "";
    if ($("sound").checked && !audio) {
      audio = new AudioContext(); osc = audio.createOscillator(); gain = audio.createGain();
      gain.gain.value = 0; osc.connect(gain).connect(audio.destination); osc.start();
    }
    const code = $("subject").value.trim();
    const s = settings();
    runStart = null; $("clock").hidden = true;
    if (code && !patientView) {
      try { await saveSettings(code, s); } catch (e) { $("status").innerHTML = `<span class="error">${collis.esc(e.message)}</span>`; return; }
    }
    const params = { exercise: $("exercise").value, seconds: $("seconds").value, zone: s.zone_deg, target: s.target_deg.join(","), quiet: s.quiet_when_good };
    exercise = params.exercise; exerciseSeconds = +params.seconds || 60; romStart = null;
    $("reach").hidden = true;
    // Range of motion has no zone to stay in: the dials show the head without one.
    AXES.forEach(([n]) => { $(`zone-${n}`).style.display = exercise === "rom" ? "none" : ""; });
    if (code) params.subject = code;
    $("start").disabled = true; $("stop").disabled = false;
    // On a phone the task and the buttons fill the screen: the patient is shown the cue.
    if (patientView) $("status").scrollIntoView({ block: "start" });
    try {
      const source = $("source").value;
      if (params.exercise.startsWith("emg-") && source !== "emg-serial") throw new Error("EMG exercises need an EMG source");
      if (source === "webcam") await startWebcam(params);
      else if (source === "phone") startPhone(params);
      else if (source === "paired-phone") await startPaired(params);
      else if (source === "emg-serial") {
        if (!params.exercise.startsWith("emg-")) throw new Error("choose an EMG exercise (relax or activate) for an EMG source");
        await startSerial(params);
      }
      else await watchUdp();
    } catch (e) {
      $("status").innerHTML = `<span class="error">${collis.esc(cameraAdvice(e))}</span>`;
      $("start").disabled = false; $("stop").disabled = true;
    }
  };

  // What to do when the camera cannot be opened, by the browser's reason.
  function cameraAdvice(e) {
    const ADVICE = {
      NotAllowedError: "The camera was not allowed. Allow it (the camera symbol in the address bar, or the browser's site settings), then press Start again.",
      NotFoundError: "No camera was found. Plug one in or use a device with a camera, then press Start again.",
      NotReadableError: "The camera is in use by another program (a video call?). Close that program, then press Start again.",
      OverconstrainedError: "The camera cannot give the picture needed. Try another camera.",
      SecurityError: "This page may not use the camera: open it as https:// or on this computer (localhost).",
    };
    return ADVICE[e && e.name] ?? e.message;
  }
  $("stop").onclick = () => {
    if (pairPoll) { stopSources(); finish({ error: "Stopped before the phone was paired." }); return; }
    if (ws && ws.readyState === 1) ws.send(JSON.stringify({ type: "stop" }));
  };
})();
