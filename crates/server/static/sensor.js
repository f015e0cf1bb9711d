// The paired phone's sensor page: streams the phone's motion sensors to the session it was
// paired for (/api/live/paired); the computer's live page shows the feedback.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  let ws = null, stop = null;
  const status = (text, error) => { $("status").textContent = text; $("status").className = error ? "error" : ""; };
  function end(text) {
    if (stop) { stop(); stop = null; }
    $("start").disabled = false; $("stop").disabled = true;
    status(text);
  }
  $("start").onclick = () => {
    $("start").disabled = true; $("stop").disabled = false;
    status("Waiting for the motion sensors…");
    try {
      stop = collisMotion.start((rate) => {
        ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/live/paired?rate=${rate.toFixed(1)}`);
        ws.onmessage = (ev) => {
          const m = JSON.parse(ev.data);
          if (m.type === "ready") status("Sending: sit upright and look ahead; the computer shows the feedback.");
          else if (m.type === "done") end(m.error ? `Ended: ${m.error}` : "Finished: you can take the phone off.");
        };
        ws.onclose = () => { if (stop) end("The connection to the computer ended."); };
        ws.onerror = () => status("The connection to the computer failed: is this phone on the same network?", true);
      }, (batch) => { if (ws && ws.readyState === 1) ws.send(JSON.stringify(batch)); });
    } catch (e) { status(e.message, true); $("start").disabled = false; $("stop").disabled = true; }
  };
  $("stop").onclick = () => { if (ws && ws.readyState === 1) ws.send(JSON.stringify({ type: "stop" })); };
})();
