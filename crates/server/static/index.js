// The record page: subjects, their sessions and trends, upload-and-analyse.
"use strict";
(() => {
  const $ = collis.el;
  let trends = [];

  async function loadSubjects() {
    try {
      const rows = await collis.get("/api/subjects");
      $("subjects").tBodies[0].innerHTML = rows.map((s) =>
        `<tr class="pick" data-code="${collis.esc(s.code)}"><td>${collis.esc(s.code)}</td><td>${s.sessions}</td><td>${collis.esc(s.sex ?? "")}</td><td>${s.onset_year ?? ""}</td><td>${collis.esc(s.affected_side ?? "")}</td></tr>`).join("")
        || `<tr><td colspan="5" class="notice">No subjects yet: upload a recording with a subject code, or run a live exercise.</td></tr>`;
      for (const tr of $("subjects").querySelectorAll("tr.pick")) tr.onclick = () => openSubject(tr.dataset.code);
    } catch (e) { $("subjects-error").textContent = e.message; }
  }

  function drawTrend() {
    const t = trends[$("trend-figure").selectedIndex];
    if (!t) return;
    $("trend").innerHTML = collis.lineChart([{ label: t.figure, points: t.points, colour: "#2f6ea8" }],
      t.injections.map((d) => ({ date: d, label: "BoNT" })), t.unit, $("trend").clientWidth);
    $("trend-compared").textContent = t.compared ? `Sessions recorded the same way: ${t.compared}.` +
      (t.not_compared ? ` Not compared: ${t.not_compared} other session${t.not_compared === 1 ? "" : "s"} (exercises, trials).` : "") : "";
  }

  async function openSubject(code) {
    for (const tr of $("subjects").querySelectorAll("tr.pick")) tr.setAttribute("aria-selected", tr.dataset.code === code);
    $("subject-panel").hidden = false;
    $("subject-title").textContent = `Sessions of ${code}`;
    const [sessions, trend] = await Promise.all([
      collis.get(`/api/subjects/${encodeURIComponent(code)}/sessions`),
      collis.get(`/api/subjects/${encodeURIComponent(code)}/trend`),
    ]);
    trends = trend;
    $("trend-figure").innerHTML = trend.map((t) => `<option>${collis.esc(t.figure)}</option>`).join("");
    $("trend-figure").onchange = drawTrend;
    drawTrend();
    // Newest first: the visit a clinician opens the record for is at the top.
    $("sessions").tBodies[0].innerHTML = sessions.slice().reverse().map((s) => `<tr><td>${s.id}</td><td>${s.recorded_on}</td><td>${collis.esc(s.task)}</td><td>${collis.esc(s.source)}</td>
      <td>${collis.deg(s.rotation_median_deg)}</td><td>${collis.deg(s.tilt_median_deg)}</td><td>${collis.deg(s.flexion_median_deg)}</td>
      <td>${s.tremor_amplitude_deg == null ? "–" : s.tremor_amplitude_deg.toFixed(2) + "° @ " + (s.tremor_frequency_hz ?? 0).toFixed(1) + " Hz"}</td>
      <td>${s.jerk_rate_per_min.toFixed(1)}</td><td>${s.twstrs_machine_subtotal}/${s.twstrs_machine_max}</td>
      <td><a href="/api/sessions/${s.id}/report">report</a></td></tr>`).join("");
    loadTreatments(code);
    // Exercise progress: the longest hold within the zone of each hold-neutral session.
    const holds = sessions.filter((s) => s.task === "hold-neutral").slice(-60);
    const points = [];
    for (const s of holds) {
      const r = await collis.get(`/api/sessions/${s.id}`);
      points.push({ date: s.recorded_on, value: r.neutral_hold.longest_hold_s });
    }
    $("progress").innerHTML = holds.length
      ? collis.lineChart([{ label: "longest hold within 10°", points, colour: "#1b8a3a" }], [], " s", $("progress").clientWidth)
      : "<p class=notice>No hold-neutral exercises yet (Live biofeedback page).</p>";
  }

  function summary(r) {
    const p = r.posture, t = r.tremor, tw = r.twstrs;
    const missing = r.not_assessed ?? [];
    const absent = (figure) => missing.some((n) => n.figure === figure);
    const ax = (a) => a ? collis.deg(a.median) + (a.uncertainty_deg != null ? ` ± ${a.uncertainty_deg.toFixed(1)}°` : "") : absent("posture") ? "not assessed" : "unreferenced";
    const items = [["rotation", tw.rotation], ["laterocollis", tw.laterocollis], ["antero/retrocollis", tw.antero_retrocollis], ["duration factor", tw.duration_factor], ["time within 10°", tw.hold_within_10deg]]
      .filter(([, i]) => i).map(([n, i]) => `<li>${n}: ${i.score}/${i.max} — ${collis.esc(i.rule)}</li>`).join("")
      + (tw.unscored ?? []).map((u) => `<li>${collis.esc(u.item.replace("_", "/"))}: not scored — ${collis.esc(u.reason)}; to score it: ${collis.esc(u.remedy)}</li>`).join("");
    return `<p>${collis.esc(r.recording.file ?? "")}: ${r.recording.duration_s.toFixed(1)} s, ${collis.esc(r.recording.source)}, ${collis.esc(r.recording.reference.description)}</p>
      <p>Posture (median ± 95 % uncertainty): rotation ${ax(p.rotation_deg)}, tilt ${ax(p.tilt_deg)}, flexion ${ax(p.flexion_deg)}</p>
      <p>Tremor: ${t.present ? `${t.amplitude_deg.toFixed(2)}° at ${t.frequency_hz.toFixed(1)} Hz (${t.axis})` : absent("tremor") ? "not assessed" : "none"}; jerks: ${r.jerks.count}</p>
      ${missing.length ? `<p>Not assessed (the recording cannot support them): ${missing.map((n) => `${collis.esc(n.figure.replace("_", " "))}: ${collis.esc(n.reason)}`).join("; ")}</p>` : ""}
      <p>TWSTRS (machine-scored items, ${tw.machine_subtotal_max ? `${tw.machine_subtotal}/${tw.machine_subtotal_max}` : "none scored"}):</p><ul>${items}</ul>
      <p class="notice">${collis.esc(r.notice)}</p>`;
  }

  // Treatments and the diary: listed newest first, entered through the forms (the record
  // checks each entry and says what is wrong).
  let current = null;
  async function loadTreatments(code) {
    current = code;
    const rows = await collis.get(`/api/subjects/${encodeURIComponent(code)}/treatments`);
    $("treatments").tBodies[0].innerHTML = rows.map((r) => `<tr><td>${r.date}</td><td>${collis.esc(r.kind)}</td><td>${collis.esc(r.details)}${r.warning ? ` <span class="error">${collis.esc(r.warning)}</span>` : ""}</td></tr>`).join("")
      || `<tr><td colspan="3" class="notice">Nothing recorded yet.</td></tr>`;
  }
  function doses(text) {
    return text.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
      const [muscle, side, units] = l.split(",").map((x) => x.trim());
      return { muscle, side, units: Number(units) };
    });
  }
  const FORMS = {
    "add-injection": ["injections", (f) => ({ given_on: f.given_on, product: f.product, guidance: f.guidance || null, doses: doses(f.doses), note: f.note || null })],
    "add-dbs": ["dbs", (f) => ({ ...f, amplitude: +f.amplitude, pulse_width_us: +f.pulse_width_us, frequency_hz: +f.frequency_hz, note: f.note || null })],
    "add-medication": ["medications", (f) => ({ ...f, stopped_on: f.stopped_on || null, note: f.note || null })],
    "add-diary": ["diary", (f) => ({ entry_on: f.entry_on, note: f.note || null, ...Object.fromEntries(["pain", "twstrs_disability", "twstrs_pain"].map((k) => [k, f[k] === "" ? null : +f[k]])) })],
  };
  for (const [id, [path, body]] of Object.entries(FORMS)) {
    $(id).onsubmit = async (ev) => {
      ev.preventDefault();
      if (!current) return;
      const fields = Object.fromEntries(new FormData($(id)));
      const r = await fetch(`/api/subjects/${encodeURIComponent(current)}/${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body(fields)) });
      const out = await r.json().catch(() => ({ error: r.statusText }));
      if (!r.ok) { $("treat-status").innerHTML = `<span class="error">${collis.esc(out.error)}</span>`; return; }
      $("treat-status").textContent = `Added.${out.warning ? " " + out.warning : ""}`;
      $(id).reset();
      openSubject(current);
    };
  }

  $("upload").onsubmit = (ev) => {
    ev.preventDefault();
    const f = $("file").files[0];
    if (!f) return;
    const q = new URLSearchParams({ name: f.name, task: $("up-task").value });
    for (const [k, id] of [["subject", "up-subject"], ["neutral", "up-neutral"], ["axes", "up-axes"]]) if ($(id).value.trim()) q.set(k, $(id).value.trim());
    const xhr = new XMLHttpRequest();
    const bar = $("up-progress");
    bar.hidden = false; bar.value = 0; $("up-status").textContent = "uploading…"; $("up-result").innerHTML = "";
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = e.loaded / e.total; };
    xhr.upload.onload = () => { $("up-status").textContent = "analysing…"; bar.removeAttribute("value"); };
    xhr.onload = () => {
      bar.hidden = true;
      let body; try { body = JSON.parse(xhr.responseText); } catch { body = { error: xhr.statusText }; }
      if (xhr.status !== 200) { $("up-status").innerHTML = `<span class="error">${collis.esc(body.error)}</span>`; return; }
      $("up-status").textContent = body.duplicate ? `already stored as session ${body.session_id}` : body.session_id ? `stored as session ${body.session_id}` : "analysed (not stored: no subject)";
      if (body.results) $("up-result").innerHTML = summary(body.results);
      loadSubjects();
      if (q.get("subject")) openSubject(q.get("subject"));
    };
    xhr.onerror = () => { bar.hidden = true; $("up-status").innerHTML = `<span class="error">upload failed</span>`; };
    xhr.open("POST", "/api/analyze?" + q.toString());
    xhr.send(f);
  };

  // Opened from a report's way back (/?subject=CODE): that subject again.
  loadSubjects().then(() => {
    const code = new URLSearchParams(location.search).get("subject");
    if (code) openSubject(code);
  });
})();
