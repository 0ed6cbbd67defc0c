// The phone application page's own code (issue #24). Inlined after vendor.min.js
// (global UDVendor) and the office's configuration (global UD_CONFIG) by
// desktop/printing/application_page.py. The format is desktop/cards/application_qr.py's;
// tests run sealApplication here in node and compare with the Python side.
// The pure part (checks, payload) needs no DOM; the form is wired only in a browser.
(function (root) {
  "use strict";
  var V = root.UDVendor;
  var PREFIX = "UDAPP1:";
  var INFO = "uniondesk-udapp-v1";
  var SEP = "\u001f";
  var FIELD_ORDER = ["name", "id_number", "phone", "employer", "hukou_type", "education",
    "political_status"];
  var PROVINCES = ("11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 " +
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83").split(" ");
  var B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  function utf8(text) { return new TextEncoder().encode(text); }

  function hexBytes(hex) {
    var out = new Uint8Array(hex.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
    return out;
  }

  function concat(parts) {
    var size = 0, i;
    for (i = 0; i < parts.length; i++) size += parts[i].length;
    var out = new Uint8Array(size), at = 0;
    for (i = 0; i < parts.length; i++) { out.set(parts[i], at); at += parts[i].length; }
    return out;
  }

  function base32(bytes) {
    var out = "", bits = 0, value = 0;
    for (var i = 0; i < bytes.length; i++) {
      value = (value << 8) | bytes[i];
      bits += 8;
      while (bits >= 5) { out += B32[(value >>> (bits - 5)) & 31]; bits -= 5; }
    }
    if (bits > 0) out += B32[(value << (5 - bits)) & 31];
    return out;
  }

  function randomBytes(n) {
    var out = new Uint8Array(n);
    root.crypto.getRandomValues(out);
    return out;
  }

  // An ID number as typed: full-width folded, blanks and hyphens dropped, x raised.
  function cleanIdNumber(raw) {
    return String(raw || "").normalize("NFKC").replace(/[\s-]/g, "").toUpperCase();
  }

  function checkDigit(body17) {
    var weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    var sum = 0;
    for (var i = 0; i < 17; i++) sum += (body17.charCodeAt(i) - 48) * weights[i];
    return "10X98765432"[sum % 11];
  }

  // GB 11643: the same checks, in the same words, as desktop/models/validation.py.
  function checkIdNumber(raw) {
    var n = cleanIdNumber(raw);
    if (!n) return { ok: false, message: "身份证号不能为空" };
    if (n.length !== 18) {
      return { ok: false, message: "身份证号应为 18 位，当前为 " + n.length + " 位" };
    }
    if (!/^\d{17}[\dX]$/.test(n)) {
      return { ok: false, message: "身份证号前 17 位应为数字，最后一位为数字或 X" };
    }
    if (PROVINCES.indexOf(n.substr(0, 2)) < 0) {
      return { ok: false, message: "身份证号前两位不是省级行政区划代码，请核对" };
    }
    var expected = checkDigit(n.substr(0, 17));
    if (n[17] !== expected) {
      return { ok: false, message: "身份证号校验位错误，应为 " + expected + "，请核对" };
    }
    var y = +n.substr(6, 4), m = +n.substr(10, 2), d = +n.substr(12, 2);
    var birth = new Date(Date.UTC(y, m - 1, d));
    if (birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d
        || y < 1900) {
      return { ok: false, message: "身份证号中的出生日期不存在，请核对" };
    }
    return { ok: true, value: n, message: "" };
  }

  function cleanPhone(raw) {
    var p = String(raw || "").normalize("NFKC").replace(/[\s-]/g, "");
    if (p.indexOf("+86") === 0) p = p.substr(3);
    return p;
  }

  // The payload (desktop/cards/application_qr.py's module doc). ``opts.ephPrivate`` and
  // ``opts.payloadId`` (hex) are for tests; the page draws both at random.
  function sealApplication(cfg, fields, opts) {
    opts = opts || {};
    var eph = opts.ephPrivate ? hexBytes(opts.ephPrivate) : V.x25519.utils.randomSecretKey();
    var ephPub = V.x25519.getPublicKey(eph);
    var officePub = hexBytes(cfg.key);
    var shared = V.x25519.getSharedSecret(eph, officePub);
    var okm = V.hkdf(V.sha256, shared, concat([ephPub, officePub]), utf8(INFO), 44);
    var header = concat([new Uint8Array([cfg.pageVersion]), hexBytes(cfg.node.substr(0, 8)),
      ephPub]);
    var flags = (fields.is_migrant_worker ? 1 : 0) | (fields.consent ? 2 : 0);
    var text = FIELD_ORDER.map(function (k) { return fields[k] || ""; }).join(SEP);
    var plain = concat([
      opts.payloadId ? hexBytes(opts.payloadId) : randomBytes(8),
      hexBytes(String(fields.union_id).replace(/-/g, "")),
      new Uint8Array([flags]),
      utf8(text)
    ]);
    var body = V.chacha20poly1305(okm.slice(0, 32), okm.slice(32, 44), header).encrypt(plain);
    return PREFIX + base32(concat([header, body]));
  }

  function qrFor(text) {
    var qr = V.qrcode(0, "M");
    qr.addData(text, "Alphanumeric");
    qr.make();
    return qr;
  }

  root.UDApp = {
    sealApplication: sealApplication,
    checkIdNumber: checkIdNumber,
    cleanIdNumber: cleanIdNumber,
    qrFor: qrFor
  };

  if (typeof document === "undefined") return;

  // -- the form -------------------------------------------------------------------------
  var cfg = root.UD_CONFIG;
  function $(id) { return document.getElementById(id); }

  function fillSelect(select, items, blank) {
    if (blank !== null) select.appendChild(new Option(blank, ""));
    items.forEach(function (item) { select.appendChild(new Option(item[1], item[0])); });
  }

  function say(field, message) {
    var box = $("msg-" + field);
    if (box) box.textContent = message || "";
    var input = $(field);
    if (input) input.classList.toggle("bad", !!message);
  }

  // An over-long field is cut to its limit, with a message saying so.
  function cutLong(field, label) {
    var input = $(field), max = cfg.limits[field];
    var chars = Array.from(input.value);
    if (chars.length > max) {
      input.value = chars.slice(0, max).join("");
      say(field, label + "最多 " + max + " 个字，超出部分已删去，请核对");
      return true;
    }
    return false;
  }

  function checkIdLive() {
    var raw = $("id_number").value;
    if (!cleanIdNumber(raw)) { say("id_number", ""); return null; }
    var r = checkIdNumber(raw);
    var n = cleanIdNumber(raw);
    // While typing the first 17 digits only a wrong character is worth a word.
    if (!r.ok && n.length < 18 && /^\d*$/.test(n)) { say("id_number", ""); return null; }
    say("id_number", r.ok ? "" : r.message);
    $("id_number").classList.toggle("good", r.ok);
    return r.ok ? r.value : null;
  }

  function collect() {
    // A field cut here (pasted text the input event missed) stops the submit, so the
    // applicant sees what was cut before the QR fixes it.
    var problems = [];
    if (cutLong("name", "姓名")) problems.push("name");
    if (cutLong("employer", "工作单位")) problems.push("employer");
    var name = $("name").value.normalize("NFKC").trim();
    if (!name) { say("name", "请填写姓名"); problems.push("name"); }
    else if (problems.indexOf("name") < 0) say("name", "");
    if (problems.indexOf("employer") < 0) say("employer", "");
    var id = checkIdNumber($("id_number").value);
    if (!id.ok) { say("id_number", id.message); problems.push("id_number"); }
    else say("id_number", "");
    var phone = cleanPhone($("phone").value);
    if (!/^1[3-9]\d{9}$/.test(phone)) {
      say("phone", "请填写以 1 开头的 11 位手机号");
      problems.push("phone");
    } else say("phone", "");
    if (!$("union_id").value) { say("union_id", "请选择所属工会"); problems.push("union_id"); }
    else say("union_id", "");
    if (!$("consent").checked) {
      say("consent", "请阅读并勾选同意个人信息处理，否则无法提交");
      problems.push("consent");
    } else say("consent", "");
    if (problems.length) {
      var first = $(problems[0]);
      if (first && first.scrollIntoView) first.scrollIntoView({ block: "center" });
      return null;
    }
    return {
      name: name,
      id_number: id.value,
      phone: phone,
      employer: $("employer").value.normalize("NFKC").trim(),
      union_id: $("union_id").value,
      is_migrant_worker: $("is_migrant_worker").value === "1",
      hukou_type: $("hukou_type").value,
      education: $("education").value,
      political_status: $("political_status").value,
      consent: true
    };
  }

  function drawQr(text) {
    var qr = qrFor(text);
    var count = qr.getModuleCount(), quiet = 4;
    var scale = Math.max(4, Math.floor(1000 / (count + 2 * quiet)));
    var canvas = document.createElement("canvas");
    canvas.width = canvas.height = (count + 2 * quiet) * scale;
    var g = canvas.getContext("2d");
    g.fillStyle = "#fff";
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.fillStyle = "#000";
    for (var r = 0; r < count; r++) {
      for (var c = 0; c < count; c++) {
        if (qr.isDark(r, c)) g.fillRect((c + quiet) * scale, (r + quiet) * scale, scale, scale);
      }
    }
    return canvas.toDataURL("image/png");
  }

  function show(text) {
    var png = drawQr(text);
    $("qr-image").src = png;
    $("qr-save").href = png;
    $("qr-view").hidden = false;
    $("form-view").hidden = true;
    root.scrollTo(0, 0);
  }

  function init() {
    $("office").textContent = cfg.office;
    document.title = cfg.office + " · 入会申请";
    fillSelect($("union_id"), cfg.unions, cfg.unions.length === 1 ? null : "请选择");
    fillSelect($("hukou_type"), cfg.codes.hukou_type, "（可不填）");
    fillSelect($("education"), cfg.codes.education, "（可不填）");
    fillSelect($("political_status"), cfg.codes.political_status, "（可不填）");
    $("name").addEventListener("input", function () { cutLong("name", "姓名"); });
    $("employer").addEventListener("input", function () { cutLong("employer", "工作单位"); });
    $("id_number").addEventListener("input", checkIdLive);
    $("hukou_type").addEventListener("change", function () {
      var v = $("hukou_type").value;
      if (v) $("is_migrant_worker").value = /rural$/.test(v) ? "1" : "0";
    });
    $("form").addEventListener("submit", function (event) {
      event.preventDefault();
      var fields = collect();
      if (fields) show(sealApplication(cfg, fields));
    });
    $("qr-back").addEventListener("click", function () {
      $("qr-view").hidden = true;
      $("form-view").hidden = false;
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})(typeof window !== "undefined" ? window : globalThis);
