// tdkt console: small progressive enhancements. Every form also works without this script.
(function () {
  "use strict";

  function kb(bytes) {
    return (bytes / 1024).toFixed(1).replace(".", ",") + " KB";
  }

  function nextAttachmentIndex(list) {
    var max = -1;
    list.querySelectorAll("input[name^='attachments[']").forEach(function (input) {
      var m = /^attachments\[(\d+)\]/.exec(input.name);
      if (m) { max = Math.max(max, parseInt(m[1], 10)); }
    });
    return max + 1;
  }

  function hidden(name, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value == null ? "" : String(value);
    return input;
  }

  // Upload each picked file at once, with a progress bar; keep only its SHA-256 reference in the form.
  function uploadOne(picker, file, kind, kindLabel, list) {
    var row = document.createElement("li");
    row.className = "file";
    row.setAttribute("data-file-row", "");
    var name = document.createElement("span");
    name.className = "fname";
    name.textContent = file.name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Tiến độ tải lên " + file.name);
    var state = document.createElement("span");
    state.textContent = " đang tải lên…";
    row.append(name, " — " + kindLabel + " ", bar, state);
    list.appendChild(row);

    var data = new FormData();
    data.append("files", file);
    data.append("kind", kind);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", picker.getAttribute("data-upload"));
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.value = Math.round((100 * e.loaded) / e.total); }
    });
    xhr.addEventListener("load", function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
      if (xhr.status === 201 && Array.isArray(body)) {
        var stored = body[0];
        var i = nextAttachmentIndex(list);
        ["sha256", "name", "kind", "size"].forEach(function (key) {
          row.appendChild(hidden("attachments[" + i + "]." + key, stored[key]));
        });
        bar.value = 100;
        bar.remove();
        state.className = "ok";
        state.textContent = " đã tải lên (" + kb(stored.size) + ")";
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "linkish";
        remove.setAttribute("data-remove-file", "");
        remove.textContent = "Bỏ tệp";
        row.append(" ", remove);
      } else {
        bar.remove();
        state.className = "fail";
        state.setAttribute("role", "alert");
        var messages = [];
        if (body && body.errors) {
          Object.keys(body.errors).forEach(function (k) { messages.push(body.errors[k]); });
        }
        state.textContent = " chưa tải lên được: " + (messages.join(" ") || (body && body.detail) || "lỗi " + xhr.status);
      }
    });
    xhr.addEventListener("error", function () {
      bar.remove();
      state.className = "fail";
      state.setAttribute("role", "alert");
      state.textContent = " chưa tải lên được: mất kết nối tới máy chủ.";
    });
    xhr.send(data);
  }

  document.addEventListener("change", function (e) {
    var picker = e.target;
    if (!(picker instanceof HTMLInputElement) || !picker.hasAttribute("data-upload")) { return; }
    var kindSelect = document.getElementById(picker.getAttribute("data-kind-select"));
    var list = document.getElementById(picker.getAttribute("data-list"));
    var kind = kindSelect ? kindSelect.value : "OTHER";
    var kindLabel = kindSelect ? kindSelect.options[kindSelect.selectedIndex].text : "Tài liệu khác";
    Array.prototype.forEach.call(picker.files, function (file) {
      uploadOne(picker, file, kind, kindLabel, list);
    });
    picker.value = "";  // the files are on the server now; the form sends their references
  });

  document.addEventListener("click", function (e) {
    var target = e.target;
    if (!(target instanceof Element)) { return; }
    if (target.hasAttribute("data-remove-file")) {
      target.closest("[data-file-row]").remove();
    } else if (target.hasAttribute("data-remove-row")) {
      var group = target.closest(".row-group");
      var fieldset = group && group.parentElement && group.parentElement.closest("fieldset");
      group.remove();
      if (fieldset) { fieldset.focus && fieldset.querySelector("button, input, select") && fieldset.querySelector("button, input, select").focus(); }
    } else if (target.closest("a[data-download]")) {
      e.preventDefault();
      download(target.closest("a[data-download]"));
    }
  });

  // Exports: fetch with a progress bar, then hand the file to the browser under its own name.
  function download(link) {
    var status = document.querySelector("[data-download-status]");
    var bar = document.createElement("progress");
    bar.setAttribute("aria-label", "Tiến độ tải về");
    var text = document.createElement("span");
    text.textContent = " Đang lập và tải tệp: " + link.textContent + "…";
    status.replaceChildren(bar, text);
    link.setAttribute("aria-busy", "true");
    fetch(link.href, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error("Dịch vụ báo cáo trả lỗi " + response.status + "."); }
      var total = parseInt(response.headers.get("Content-Length") || "0", 10);
      if (total) { bar.max = total; }
      var name = "bao-cao";
      var cd = response.headers.get("Content-Disposition") || "";
      var m = /filename\*=UTF-8''([^;]+)/i.exec(cd) || /filename="?([^";]+)"?/i.exec(cd);
      if (m) { name = decodeURIComponent(m[1]); }
      var reader = response.body.getReader();
      var chunks = [];
      var received = 0;
      function pump() {
        return reader.read().then(function (step) {
          if (step.done) { return; }
          chunks.push(step.value);
          received += step.value.length;
          if (total) { bar.value = received; }
          return pump();
        });
      }
      return pump().then(function () {
        var blob = new Blob(chunks, { type: response.headers.get("Content-Type") || "application/octet-stream" });
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = name;
        document.body.appendChild(a);
        a.click();
        a.remove();
        bar.max = 1; bar.value = 1;
        text.textContent = " Đã tải về " + name + " (" + kb(received) + ").";
      });
    }).catch(function (err) {
      bar.remove();
      text.textContent = " Chưa tải về được: " + err.message;
      status.setAttribute("role", "alert");
    }).finally(function () {
      link.removeAttribute("aria-busy");
    });
  }

  // A form being sent says so, and is not sent twice by a double click.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.hasAttribute("hx-post") || form.hasAttribute("hx-get") || form.method.toLowerCase() === "get") { return; }
    if (form.getAttribute("data-sending") === "1") { e.preventDefault(); return; }
    form.setAttribute("data-sending", "1");
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.setAttribute("aria-busy", "true");
      button.dataset.label = button.textContent;
      button.textContent = "Đang gửi…";
    }
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(function (form) {
      form.removeAttribute("data-sending");
      var button = form.querySelector("button[type=submit][aria-busy]");
      if (button) { button.removeAttribute("aria-busy"); button.textContent = button.dataset.label || button.textContent; }
    });
  });

  // A row added by htmx takes the keyboard to its first field.
  document.addEventListener("htmx:afterSettle", function (e) {
    var trigger = e.detail && e.detail.requestConfig && e.detail.requestConfig.elt;
    if (!trigger || !trigger.hasAttribute || !trigger.hasAttribute("data-focus-new-row")) { return; }
    var rows = e.detail.target.querySelectorAll(".row-group");
    var last = rows[rows.length - 1];
    var field = last && last.querySelector("select, input:not([type=hidden]), textarea");
    if (field) { field.focus(); }
  });

  // After a refused submission, take the keyboard to the list of what to fix.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("loi");
    if (summary) {
      // Name the field beside its message: "Tên phong trào: Trường này là bắt buộc."
      summary.querySelectorAll("a[href^='#f-']").forEach(function (link) {
        var label = document.querySelector("label[for='" + link.getAttribute("href").slice(1) + "']");
        var legend = !label && document.querySelector(link.getAttribute("href") + " > legend");
        var name = (label || legend) ? (label || legend).childNodes[0].textContent.trim() : "";
        if (name) { link.textContent = name + ": " + link.textContent; }
      });
      summary.focus();
    }
  });
})();
