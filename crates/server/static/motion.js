// A phone's motion sensors as Collis head-sensor samples, for the live page's phone source and
// the paired phone's sensor page. DeviceMotion gives rotationRate in °/s about the device's
// z (alpha), x (beta) and y (gamma), and accelerationIncludingGravity in m/s². Worn on a
// headband at the back of the head, screen facing out and upright, the device's x is the
// head's right, y up and z back (the mounting the server is told: collisMotion.AXES).
"use strict";
const collisMotion = {
  AXES: "x=right,y=up,z=back",
  // Starts listening; `onRate(hz)` once, with the sensor's rate, then `onSamples(batch)` with
  // five samples at a time. Returns the function that stops it. Motion sensors are given only
  // to secure pages (https, or this device's own localhost) and, on iPhones, after a tap.
  start(onRate, onSamples) {
    if (!window.isSecureContext) throw new Error("Motion sensors work only on a secure page: open it through https:// (collis serve --https, and pair the phone by its QR code) or on this device itself.");
    let seq = 0, batch = [], rate = null;
    const handler = (e) => {
      const r = e.rotationRate, a = e.accelerationIncludingGravity;
      if (!r || !a || a.x == null) return;
      if (!rate) { rate = 1000 / (e.interval || 16.7); onRate(rate); }
      const d = Math.PI / 180;
      batch.push({ seq: seq++, t: e.timeStamp / 1000, gyr: [r.beta * d, r.gamma * d, r.alpha * d], acc: [a.x, a.y, a.z] });
      if (batch.length >= 5) { onSamples(batch); batch = []; }
    };
    const listen = () => window.addEventListener("devicemotion", handler);
    if (typeof DeviceMotionEvent !== "undefined" && typeof DeviceMotionEvent.requestPermission === "function") {
      DeviceMotionEvent.requestPermission().then((p) => { if (p === "granted") listen(); });
    } else listen();
    return () => window.removeEventListener("devicemotion", handler);
  },
};
