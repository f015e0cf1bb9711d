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
    $("sessions").tBodies[0].innerHTML = sessions.map((s) => `<tr><td>${s.id}</td><td>${s.recorded_on}</td><td>${collis.esc(s.task)}</td><td>${collis.esc(s.source)}</td>
      <td>${collis.deg(s.rotation_median_deg)}</td><td>${collis.deg(s.tilt_median_deg)}</td><td>${collis.deg(s.flexion_median_deg)}</td>
      <td>${s.tremor_amplitude_deg == null ? "–" : s.tremor_amplitude_deg.toFixed(2) + "° @ " + (s.tremor_frequency_hz ?? 0).toFixed(1) + " Hz"}</td>
      <td>${s.jerk_rate_per_min.toFixed(1)}</td><td>${s.twstrs_machine_subtotal}/${s.twstrs_machine_max}</td>
      <td><a href="/api/sessions/${s.id}/report" target="_blank">report</a></td></tr>`).join("");
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

  loadSubjects();
})();
