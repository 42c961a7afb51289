// ftpgate — optional enhancements. Every page works fully without this file;
// each enhancer below finds its elements and quietly does nothing when absent.
//
//   enhanceFlash       the × of the flash banner removes it
//   showNotice         after a reload, the message a scripted action left
//   focusFirstInvalid  a field the server marked invalid gets the focus
//   enhanceUploads     drop or pick files: one PUT each, with progress, resumed after a cut
//   enhanceSort        the column headers sort the rows without a reload
//   enhanceFilter      the filter box narrows the listing as you type
//   loadMoreOnScroll   a big folder's next page loads as you scroll down
//   enhanceActions     Rename and Delete open a dialog instead of a page
//   selectBaseName     the rename page selects the name without its extension
//   enhanceSelection   the row checkboxes: a count, shift-click ranges, Ctrl/Cmd-A
//   enableDragMove     drag rows onto a folder row or a breadcrumb to move them
//   showBusy           a form marked data-busy says so on its button while it waits
//   enhancePicker      Move/Copy selected open a dialog that browses folders
//   enhanceKeyboard    / filters, arrows move through rows, F2 renames, Delete deletes
//   enhancePreview     a preview's ← → keys and swipes for the next file, Escape back
//   enhanceEditor      Ctrl/Cmd-S saves in the text editor
//   enhanceChmod       the permissions page's boxes and octal field follow each other
//   enhanceDoctor      the doctor's "Copy the report" button copies its text
//
// To add one, write a small function and list it in ENHANCERS.
(() => {
  "use strict";

  // ---------------------------------------------------------------- helpers

  /** Builds an element: `el("p", { className: "hint" }, ["text", child])`. */
  function el(tag, props, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === "role" || key.startsWith("aria-") || key.startsWith("data-")) node.setAttribute(key, value);
      else node[key] = value;
    }
    node.append(...[].concat(children === undefined ? [] : children));
    return node;
  }

  let lastId = 0;
  function nextId(prefix) {
    lastId += 1;
    return prefix + "-" + lastId;
  }

  /** "512 B", "1.5 KiB", "300 MiB": the same words as the server's sizes. */
  function humanSize(bytes) {
    const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    if (bytes < 1024) return Math.round(bytes) + " B";
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit += 1;
    }
    return (value < 10 ? value.toFixed(1) : value.toFixed(0)) + " " + units[unit];
  }

  /** "1 file", "12 folders". */
  function count(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  /** "3 files and 2 folders", leaving out a kind there is none of. */
  function contents(files, folders) {
    const parts = [];
    if (files || !folders) parts.push(count(files, "file"));
    if (folders) parts.push(count(folders, "folder"));
    return parts.join(" and ");
  }

  /** A left click without modifier keys (others open new tabs and the like). */
  function plainClick(event) {
    return event.button === 0 && !(event.ctrlKey || event.metaKey || event.shiftKey || event.altKey);
  }

  /** The session's CSRF token, from any form on the page. */
  function csrfToken() {
    const input = document.querySelector("input[name='csrf']");
    return input ? input.value : "";
  }

  /** A response body as JSON, or `{}` when it is not JSON. */
  async function readJson(response) {
    try {
      return JSON.parse(await response.text());
    } catch (err) {
      return {};
    }
  }

  /** POSTs a small form the way a JSON client does; resolves to the answer. */
  async function post(path, fields) {
    const response = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        Accept: "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRF-Token": csrfToken(),
      },
      body: new URLSearchParams(fields).toString(),
    });
    return { ok: response.ok, status: response.status, data: await readJson(response) };
  }

  /** The error words of a failed JSON answer. */
  function errorText(answer) {
    const words = answer.data.error || "The server answered " + answer.status + ".";
    // What the FTP server said, as the pages without script show it.
    return answer.data.server_said ? words + " The server said: " + answer.data.server_said : words;
  }

  // ------------------------------------------------------ flash and focus

  const NOTICE_KEY = "ftpgate-notice";

  /** Reloads the page, which then shows `message` the way the server's
   * flash banner would after a form post. */
  function reloadWith(message) {
    try {
      if (message) sessionStorage.setItem(NOTICE_KEY, message);
    } catch (err) {
      // No storage (private mode): the reloaded listing speaks for itself.
    }
    location.reload();
  }

  /** The message `reloadWith` left, as a banner like the server's flash. */
  function showNotice() {
    let message = null;
    try {
      message = sessionStorage.getItem(NOTICE_KEY);
      sessionStorage.removeItem(NOTICE_KEY);
    } catch (err) {
      return;
    }
    const main = document.getElementById("main");
    if (!message || !main) return;
    const close = el("button", { type: "button", className: "flash-close", title: "Dismiss" }, [
      el("span", { "aria-hidden": "true" }, "×"),
      el("span", { className: "visually-hidden" }, "Dismiss message"),
    ]);
    const wrap = el("div", { className: "flash-wrap" },
      el("div", { className: "flash flash-success", role: "status" }, [
        el("p", { className: "flash-text" }, message),
        close,
      ]));
    close.addEventListener("click", () => {
      wrap.remove();
      main.focus();
    });
    main.prepend(wrap);
  }

  // The flash banner: the close label already hides it through a checkbox
  // (pure CSS); with script, remove it from the page and keep focus in <main>.
  function enhanceFlash() {
    const wrap = document.querySelector(".flash-wrap");
    const close = wrap && wrap.querySelector(".flash-close");
    if (!close) return;
    close.addEventListener("click", (event) => {
      event.preventDefault();
      wrap.remove();
      const main = document.getElementById("main");
      if (main) main.focus();
    });
  }

  // A field the server marked invalid gets the focus, so the person can fix it.
  function focusFirstInvalid() {
    const field = document.querySelector("[aria-invalid='true']");
    if (field && typeof field.focus === "function") field.focus();
  }

  // ---------------------------------------------------------------- uploads

  const PARALLEL_UPLOADS = 2;
  // Seconds between automatic attempts after a lost connection; then the
  // row offers Retry, which resumes too.
  const RESUME_DELAYS = [1, 2, 4, 8, 15, 30];
  const UPLOAD_ID_KEY = "ftpgate-upload:";

  // Files picked in the upload form or dropped anywhere on the page go up one
  // request each (PUT, the file as the body), at most two at a time, each
  // with a row showing its progress. The server keeps what arrived when a
  // connection is cut; the upload then continues from there on its own.
  function enhanceUploads() {
    const form = document.querySelector("form.upload-form");
    const input = form && form.querySelector("input[type='file']");
    if (!input || typeof XMLHttpRequest !== "function" || !window.fetch) return;
    const uploader = makeUploader(form);
    form.addEventListener("submit", (event) => {
      if (!input.files || !input.files.length) return;
      event.preventDefault();
      uploader.add(Array.from(input.files, (file) => ({ file })));
      input.value = "";
    });
    // A whole folder: its tree is made here (MKD) as its files go up.
    // Script only: without it, a form can't send the folders' names.
    const folderInput = el("input", { type: "file", multiple: true, hidden: true, id: "upload-folder-input" });
    if ("webkitdirectory" in folderInput) {
      folderInput.webkitdirectory = true;
      const pick = el("button", { type: "button", className: "button" }, "Choose a folder…");
      pick.addEventListener("click", () => folderInput.click());
      folderInput.addEventListener("change", () => {
        const files = Array.from(folderInput.files || []);
        uploader.add(files.map((file) => ({ file, path: file.webkitRelativePath || file.name })));
        folderInput.value = "";
      });
      form.append(pick, folderInput);
    }
    enableDrop(uploader.add);
    window.addEventListener("beforeunload", (event) => {
      if (!uploader.busy()) return;
      event.preventDefault();
      event.returnValue = "";
    });
  }

  /** Every file under a dropped entry, with its path from the drop. */
  async function filesOf(entry, prefix) {
    if (entry.isFile) {
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
      return [{ file, path: prefix + entry.name }];
    }
    if (!entry.isDirectory) return [];
    const reader = entry.createReader();
    const children = [];
    for (;;) {
      // readEntries hands out a batch at a time, then an empty one.
      const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
      if (!batch.length) break;
      children.push(...batch);
    }
    const nested = [];
    for (const child of children) nested.push(...(await filesOf(child, prefix + entry.name + "/")));
    return nested;
  }

  /** A random upload id: 128 bits in hex. */
  function randomId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  /** The id of an upload of `file` to `folder`: the same one after a reload
   * (so picking the same file again continues what the server holds). */
  function uploadId(folder, file, path) {
    const key = UPLOAD_ID_KEY + [folder, path, file.size, file.lastModified].join("\n");
    try {
      let id = localStorage.getItem(key);
      if (!id) {
        id = randomId();
        localStorage.setItem(key, id);
      }
      return { id, forget: () => localStorage.removeItem(key) };
    } catch (err) {
      return { id: randomId(), forget: () => {} };
    }
  }

  /** The upload queue and its list of rows, placed right after `form`. */
  function makeUploader(form) {
    const action = form.getAttribute("action");
    const csrf = form.querySelector("input[name='csrf']");
    const overwrite = form.querySelector("input[name='overwrite']");
    const list = el("ul", { className: "upload-list" });
    const summary = el("p", { className: "upload-summary", hidden: true });
    const region = el("div", { className: "uploads", role: "region", "aria-live": "polite", "aria-label": "Uploads" }, [
      list,
      summary,
    ]);
    form.after(region);
    const uploads = [];
    let running = 0;

    const total = el("p", { className: "upload-total", hidden: true, "aria-live": "off" });
    list.before(total);
    const mkdirAction = action.replace(/^\/upload\//, "/mkdir/");
    const madeFolders = new Map(); // "a/b" → the promise of its MKD
    let batchStarted = 0;

    function add(items) {
      items.forEach((item) => {
        const up = {
          file: item.file,
          path: item.path || item.file.name,
          overwrite: !!(overwrite && overwrite.checked),
          state: "queued",
        };
        up.row = uploadRow(up.file, up.path);
        uploads.push(up);
        list.append(up.row.li);
        show(up);
      });
      if (!batchStarted || !uploads.some(isPending)) batchStarted = Date.now();
      summary.hidden = true;
      region.scrollIntoView({ block: "nearest" });
      pump();
    }

    /** Makes folder `rel` (below this one) and its parents, once each. */
    function ensureFolder(rel) {
      if (!rel) return Promise.resolve();
      if (!madeFolders.has(rel)) {
        const cut = rel.lastIndexOf("/");
        const parent = cut < 0 ? "" : rel.slice(0, cut);
        const made = ensureFolder(parent).then(async () => {
          const where = mkdirAction + parent.split("/").filter(Boolean).map((s) => encodeURIComponent(s) + "/").join("");
          const answer = await post(where, { name: rel.slice(cut + 1) });
          // 409: it is there already.
          if (!answer.ok && answer.status !== 409) throw new Error(errorText(answer));
        });
        made.catch(() => madeFolders.delete(rel)); // a later attempt tries again
        madeFolders.set(rel, made);
      }
      return madeFolders.get(rel);
    }

    /** The batch's files and bytes so far, and the time left at its pace. */
    function showTotal() {
      const counted = uploads.filter((u) => u.state !== "cancelled");
      if (counted.length < 2) {
        total.hidden = true;
        return;
      }
      const bytes = counted.reduce((n, u) => n + u.file.size, 0);
      const sent = counted.reduce((n, u) => n + (u.state === "done" ? u.file.size : u.sent || 0), 0);
      const done = counted.filter((u) => u.state === "done").length;
      let text = done + " of " + count(counted.length, "file") + " uploaded · " +
        humanSize(sent) + " of " + humanSize(bytes);
      const seconds = (Date.now() - batchStarted) / 1000;
      if (uploads.some(isPending) && seconds > 2 && sent > 0) {
        const left = Math.round(((bytes - sent) * seconds) / sent);
        text += " · about " + (left < 90 ? left + " s" : Math.round(left / 60) + " min") + " left";
      }
      total.textContent = text;
      total.hidden = false;
    }

    function pump() {
      let next;
      while (running < PARALLEL_UPLOADS && (next = uploads.find((u) => u.state === "queued"))) start(next);
      if (running === 0) allSettled();
    }

    /** Where `up` goes, with its id and size (and `extra` query fields). */
    function address(up, extra) {
      return action + up.path.split("/").map(encodeURIComponent).join("/") + "?upload=" + up.key.id +
        "&size=" + up.file.size + (extra || "");
    }

    function start(up) {
      if (!up.key) up.key = uploadId(action, up.file, up.path);
      up.state = "sending";
      up.started = Date.now();
      up.attempts = 0;
      running += 1;
      show(up);
      resume(up);
    }

    /** Asks how much of `up` the server holds (and, before the first byte,
     * whether the name is taken), then sends the rest. */
    async function resume(up) {
      let answer;
      const cut = up.path.lastIndexOf("/");
      try {
        await ensureFolder(cut < 0 ? "" : up.path.slice(0, cut));
      } catch (err) {
        if (err instanceof TypeError) lost(up); // fetch's network error
        else finished(up, "error", "Could not make its folder: " + err.message);
        return;
      }
      if (up.state !== "sending") return;
      try {
        const response = await fetch(address(up), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        answer = { ok: response.ok, status: response.status, data: await readJson(response) };
      } catch (err) {
        lost(up);
        return;
      }
      if (up.state !== "sending") return; // cancelled meanwhile
      if (!answer.ok) {
        if (answer.status === 503) lost(up);
        else finished(up, "error", errorText(answer));
        return;
      }
      if (answer.data.folder) {
        finished(up, "error", "There is a folder named “" + up.file.name + "” here.");
        return;
      }
      if (answer.data.exists && !up.overwrite) {
        up.conflict = true;
        finished(up, "error", up.file.name + " already exists here.");
        return;
      }
      send(up, answer.data.resumable === false ? 0 : answer.data.offset || 0);
    }

    /** Sends the file from byte `offset` on. */
    function send(up, offset) {
      const xhr = new XMLHttpRequest();
      const size = up.file.size;
      up.xhr = xhr;
      up.offset = offset;
      up.started = Date.now();
      if (offset > 0) up.row.status.textContent = "Resuming at " + Math.floor((offset / size) * 100) + "%";
      xhr.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable && size > 0) progress(up, (offset + event.loaded) / size);
      });
      xhr.upload.addEventListener("load", () => {
        progress(up, 1);
        up.row.status.textContent = "Finishing…";
      });
      xhr.addEventListener("load", () => answered(up, xhr));
      xhr.addEventListener("error", () => {
        up.xhr = null;
        lost(up);
      });
      xhr.addEventListener("abort", () => finished(up, "cancelled"));
      xhr.open("PUT", address(up, (up.overwrite ? "&overwrite=1" : "") + (offset ? "&offset=" + offset : "")));
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRF-Token", csrf ? csrf.value : csrfToken());
      xhr.send(offset ? up.file.slice(offset) : up.file);
    }

    function answered(up, xhr) {
      up.xhr = null;
      let data = {};
      try {
        data = JSON.parse(xhr.responseText);
      } catch (err) {
        // Not JSON: say the status.
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        up.key.forget();
        finished(up, "done", "Uploaded");
      } else if (xhr.status === 416 && typeof data.offset === "number" && data.offset !== up.offset) {
        send(up, data.offset); // the server holds a different amount: go on from there
      } else if (xhr.status === 503 || xhr.status === 0) {
        lost(up);
      } else {
        up.conflict = xhr.status === 409;
        // The server's 409 words are for curl (?overwrite=1); the row has buttons.
        const words = up.conflict ? up.file.name + " already exists here." : errorText({ status: xhr.status, data: data });
        finished(up, "error", words);
      }
    }

    /** The connection broke: try again after a pause, from what arrived. */
    function lost(up) {
      if (up.state !== "sending") return;
      const delay = RESUME_DELAYS[up.attempts];
      if (delay === undefined) {
        finished(up, "error", "network error");
        return;
      }
      up.attempts += 1;
      up.row.status.textContent = "Connection lost; resuming in " + delay + " s…";
      up.timer = setTimeout(() => {
        up.timer = null;
        if (up.state === "sending") resume(up);
      }, delay * 1000);
    }

    function finished(up, state, message) {
      if (up.state !== "sending") return;
      running -= 1;
      up.xhr = null;
      settle(up, state, message);
      if (up.conflict) refreshConflicts(); // the others' "… all" buttons count it
      pump();
    }

    function settle(up, state, message) {
      up.state = state;
      up.message = message;
      show(up);
    }

    /** Shows how much of `up` went, as a fraction of the request. */
    function progress(up, fraction) {
      const size = up.file.size;
      const sent = Math.min(size, Math.round(size * fraction));
      up.sent = sent;
      // The speed of this attempt: what went since it began.
      const seconds = (Date.now() - up.started) / 1000;
      const row = up.row;
      row.bar.value = size ? sent : fraction;
      row.bytes.textContent = humanSize(sent) + " of " + humanSize(size);
      row.percent.textContent = Math.floor(fraction * 100) + "%";
      row.speed.textContent = seconds > 0.2 ? humanSize(Math.max(0, sent - (up.offset || 0)) / seconds) + "/s" : "";
      showTotal();
    }

    /** Brings a row's words, classes and buttons up to date with its state. */
    function show(up) {
      const row = up.row;
      const words = {
        queued: "Waiting",
        sending: "Uploading",
        done: "Uploaded",
        error: up.message,
        cancelled: "Cancelled",
        skipped: "Skipped: the file there stays",
      };
      row.li.className = "upload-row upload-" + up.state;
      showTotal();
      row.status.textContent = words[up.state];
      if (up.state === "done") progress(up, 1);
      if (up.state === "skipped" || (up.state === "error" && up.conflict)) {
        // Nothing of it was stored: the bar must not look finished.
        row.bar.value = 0;
        row.percent.textContent = "";
        row.speed.textContent = "";
        row.bytes.textContent = humanSize(up.file.size);
      }
      const buttons = [];
      if (up.state === "queued" || up.state === "sending") {
        buttons.push(button("Cancel", "Cancel uploading " + up.file.name, () => cancel(up)));
      } else if (up.state === "error" && up.conflict) {
        buttons.push(button("Replace", "Replace the existing " + up.file.name, () => retry(up, true)));
        buttons.push(button("Skip", "Skip " + up.file.name + ", keep the existing one", () => skip([up])));
        const others = uploads.filter((u) => u !== up && u.state === "error" && u.conflict);
        if (others.length) {
          const all = [up, ...others];
          buttons.push(button("Replace all", "Replace all " + all.length + " existing files", () =>
            all.forEach((u) => retry(u, true))));
          buttons.push(button("Skip all", "Skip all " + all.length + " files that exist", () => skip(all)));
        }
      } else if (up.state === "error" && up.message === "network error") {
        buttons.push(button("Retry", "Retry uploading " + up.file.name, () => retry(up, up.overwrite)));
      }
      const hadFocus = row.actions.contains(document.activeElement);
      row.actions.replaceChildren(...buttons);
      if (hadFocus) (buttons[0] || row.li).focus();
    }

    /** Leaves these conflicting files alone; the batch then ends as if they were done. */
    function skip(ups) {
      ups.forEach((u) => {
        u.conflict = false;
        settle(u, "skipped");
      });
      refreshConflicts();
      pump();
    }

    /** A conflict row's "… all" buttons follow how many conflicts are left. */
    function refreshConflicts() {
      uploads.filter((u) => u.state === "error" && u.conflict).forEach(show);
    }

    function cancel(up) {
      if (up.timer) clearTimeout(up.timer);
      if (up.xhr) up.xhr.abort(); // the "abort" listener settles it
      else if (up.state === "sending") finished(up, "cancelled");
      else if (up.state === "queued") settle(up, "cancelled");
      if (up.key) {
        // Whatever the server kept of it goes too.
        up.key.forget();
        fetch(address(up), {
          method: "DELETE",
          credentials: "same-origin",
          headers: { Accept: "application/json", "X-CSRF-Token": csrf ? csrf.value : csrfToken() },
        }).catch(() => {});
        up.key = null;
      }
    }

    function retry(up, replace) {
      up.overwrite = replace;
      const wasConflict = up.conflict;
      up.conflict = false;
      up.state = "queued";
      up.row.bar.value = 0;
      up.row.percent.textContent = "0%";
      up.row.speed.textContent = "";
      show(up);
      if (wasConflict) refreshConflicts();
      summary.hidden = true;
      pump();
    }

    /** Once nothing is left to send: reload to show the new files, unless an
     * error row is still worth reading (then offer a Refresh button). */
    function allSettled() {
      const done = uploads.filter((u) => u.state === "done").length;
      if (!done || uploads.some(isPending)) return;
      const failed = uploads.filter((u) => u.state === "error").length;
      if (!failed) {
        const names = uploads.filter((u) => u.state === "done").map((u) => u.file.name);
        summary.textContent = "All uploaded; refreshing the listing…";
        summary.hidden = false;
        reloadWith(names.length === 1
          ? "Uploaded " + names[0]
          : "Uploaded " + names.length + " files: " + names.join(", "));
        return;
      }
      summary.replaceChildren(
        count(done, "file") + " uploaded, " + failed + " failed. ",
        button("Refresh", "Refresh the listing", () => location.reload()),
      );
      summary.hidden = false;
    }

    return { add, busy: () => uploads.some(isPending) };
  }

  /** Not finished yet: waiting or on its way. */
  function isPending(up) {
    return up.state === "queued" || up.state === "sending";
  }

  function button(text, label, onClick) {
    const b = el("button", { type: "button", className: "button quiet", "aria-label": label }, text);
    b.addEventListener("click", onClick);
    return b;
  }

  /** One upload's row: name, state, progress bar, bytes, percent, speed. */
  function uploadRow(file, path) {
    const nameId = nextId("upload-name");
    const row = {
      status: el("span", { className: "upload-status" }, "Waiting"),
      bar: el("progress", { max: file.size || 1, value: 0, "aria-labelledby": nameId }),
      bytes: el("span", { className: "upload-bytes" }, "0 B of " + humanSize(file.size)),
      percent: el("span", { className: "upload-percent" }, "0%"),
      speed: el("span", { className: "upload-speed" }),
      actions: el("span", { className: "upload-actions" }),
    };
    // The numbers change many times a second: not for the live region.
    const numbers = el("span", { className: "upload-numbers", "aria-live": "off" }, [
      row.bytes,
      row.percent,
      row.speed,
    ]);
    row.li = el("li", { className: "upload-row upload-queued", tabIndex: -1 }, [
      el("span", { className: "upload-name", id: nameId }, path || file.name),
      row.status,
      row.bar,
      numbers,
      row.actions,
    ]);
    return row;
  }

  /** Files dragged over the page show an overlay; dropping them uploads them. */
  function enableDrop(onFiles) {
    const folder = document.querySelector("h1.path");
    const overlay = el("div", { className: "drop-overlay", hidden: true, "aria-hidden": "true" }, [
      el("p", {}, ["Drop files to upload them to ", el("strong", {}, folder ? folder.textContent : "this folder")]),
    ]);
    document.body.append(overlay);
    let depth = 0; // dragenter/dragleave pairs, one per element crossed
    const carriesFiles = (event) =>
      !!event.dataTransfer && Array.from(event.dataTransfer.types || []).includes("Files");
    const hide = () => {
      depth = 0;
      overlay.hidden = true;
    };
    document.addEventListener("dragenter", (event) => {
      if (!carriesFiles(event)) return;
      depth += 1;
      overlay.hidden = false;
    });
    document.addEventListener("dragleave", (event) => {
      if (!carriesFiles(event)) return;
      depth -= 1;
      if (depth <= 0) hide();
    });
    document.addEventListener("dragover", (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    });
    document.addEventListener("drop", (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      hide();
      // The entries must be taken now, while the drop event lasts; a
      // dropped folder is then walked for its files.
      const entries = Array.from(event.dataTransfer.items || [])
        .filter((item) => item.kind === "file")
        .map((item) => (item.webkitGetAsEntry ? item.webkitGetAsEntry() : null));
      const files = Array.from(event.dataTransfer.files);
      if (!entries.some((entry) => entry && entry.isDirectory)) {
        if (files.length) onFiles(files.map((file) => ({ file })));
        return;
      }
      Promise.all(entries.map((entry, i) => (entry ? filesOf(entry, "") : [{ file: files[i] }])))
        .then((lists) => {
          const items = lists.flat();
          if (items.length) onFiles(items);
        })
        .catch((err) => console.warn("could not read the dropped folder", err));
    });
  }

  // ------------------------------------------------- the listing's pages

  // A big folder comes in pages of a few hundred rows (the server sorts and
  // filters the whole folder; its pager links work without script). While
  // the page holds every row, sorting and filtering happen right here;
  // otherwise the script asks the server and swaps in the answer's listing,
  // and further pages load as the bottom of the table comes into view.

  /** The part of the page the server renders from the listing. */
  function listingPart() {
    return document.getElementById("listing");
  }

  /** Whether the rows on the page are the whole (unfiltered) folder. */
  function wholeListing() {
    const part = listingPart();
    if (!part) return true;
    if (part.dataset.whole) return part.dataset.whole === "1";
    return !part.querySelector("nav.pager");
  }

  /** Fetches a listing page and parses it. */
  async function fetchPage(href) {
    const response = await fetch(href, { credentials: "same-origin" });
    if (!response.ok) throw new Error("HTTP " + response.status);
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    if (!page.getElementById("listing")) throw new Error("no listing");
    return page;
  }

  /** Shows the listing of `url` (sorted, filtered by the server) in place:
   * no new page, the address follows without a new history entry. An
   * answer no longer `wanted()` (a later one is on its way) is dropped. */
  async function showListing(url, wanted) {
    url.searchParams.delete("page");
    const page = await fetchPage(url.pathname + url.search);
    if (wanted && !wanted()) return;
    const part = listingPart();
    if (!part) throw new Error("no listing");
    part.replaceWith(document.adoptNode(page.getElementById("listing")));
    history.replaceState(history.state, "", url.pathname + url.search + url.hash);
    keepOrder(url.searchParams.get("sort") || "name", url.searchParams.get("order") || "asc");
    loadMoreOnScroll();
  }

  /** The filter form keeps the order, for a reload or a ?q= search. */
  function keepOrder(key, ordering) {
    const filter = document.querySelector("form.filter");
    if (!filter) return;
    const set = (name, value) => {
      const input = filter.querySelector("input[name='" + name + "']");
      if (input) input.value = value;
    };
    set("sort", key);
    set("order", ordering);
  }

  // The bottom pager's "Next" link loads the next page's rows under the
  // table once it comes near the viewport.
  function loadMoreOnScroll() {
    if (typeof IntersectionObserver !== "function") return;
    const part = listingPart();
    const next = part && part.querySelector(".table-wrap + nav.pager a[rel='next']");
    if (!next) return;
    const observer = new IntersectionObserver(async (seen) => {
      if (!seen.some((s) => s.isIntersecting)) return;
      observer.disconnect();
      const pager = next.closest("nav.pager");
      const note = el("p", { className: "loading-more", role: "status" }, "Loading more…");
      pager.before(note);
      try {
        const page = await fetchPage(next.href);
        const tbody = part.querySelector("table.listing tbody");
        const rows = page.querySelectorAll("#listing table.listing tbody tr.entry");
        tbody.append(...Array.from(rows, (row) => document.adoptNode(row)));
        const fresh = page.querySelector("#listing .table-wrap + nav.pager");
        if (fresh && fresh.querySelector("a[rel='next']")) {
          pager.replaceWith(document.adoptNode(fresh));
        } else {
          pager.remove();
          // Every row from the first page on is here now: no pages left to show.
          const top = part.querySelector(".listing-head nav.pager");
          if (top && !top.querySelector("a[rel='prev']")) {
            part.dataset.whole = "1";
            top.remove();
          }
        }
        note.remove();
        loadMoreOnScroll();
      } catch (err) {
        note.remove(); // the link still leads there
      }
    }, { rootMargin: "800px 0px" });
    observer.observe(next);
  }

  // ---------------------------------------------------------------- sorting

  // A first click sorts names A to Z, sizes and times biggest and newest first.
  const NATURAL_DESC = { name: false, size: true, modified: true };

  // The column headers sort the rows in place, in the server's order (folders
  // first, then the key, then the name), so a small folder is not listed
  // again; a folder of several pages is sorted by the server, in place too.
  // Their ?sort= links do the same without script.
  function enhanceSort() {
    if (!document.querySelector("table.listing a.sort")) return;
    // On the document: the filter may swap in a fresh table.
    document.addEventListener("click", (event) => {
      const link = event.target.closest && event.target.closest("table.listing thead a.sort");
      if (!link || !plainClick(event)) return;
      event.preventDefault();
      const url = new URL(link.href);
      if (!wholeListing()) {
        showListing(url).catch(() => {
          location.href = link.href;
        });
        return;
      }
      sortRows(link.closest("table"), url.searchParams.get("sort") || "name", url.searchParams.get("order") === "desc");
    });
  }

  function sortRows(table, key, desc) {
    const tbody = table.tBodies[0];
    const isDir = (row) => row.getAttribute("data-kind") === "dir";
    const number = (row, attr) => {
      const value = row.getAttribute(attr);
      return value ? Number(value) : -Infinity; // unknown sizes and times first, as on the server
    };
    const primary = (row) => {
      if (key === "size" && !isDir(row)) return number(row, "data-size");
      if (key === "modified") return number(row, "data-modified");
      return 0; // a folder's size means nothing: by name
    };
    const keyed = (row) => {
      const name = row.getAttribute("data-name") || "";
      return { row, primary: primary(row), lower: name.toLowerCase(), name };
    };
    const order = (a, b) => {
      if (a.primary !== b.primary) return a.primary < b.primary ? -1 : 1;
      if (a.lower !== b.lower) return a.lower < b.lower ? -1 : 1;
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    };
    const rows = Array.from(tbody.querySelectorAll("tr.entry"), keyed);
    const dirs = rows.filter((k) => isDir(k.row)).sort(order);
    const rest = rows.filter((k) => !isDir(k.row)).sort(order);
    if (desc) {
      dirs.reverse();
      rest.reverse();
    }
    tbody.prepend(...dirs.map((k) => k.row), ...rest.map((k) => k.row));
    const ordering = desc ? "desc" : "asc";
    table.querySelectorAll("thead th").forEach((th) => {
      const link = th.querySelector("a.sort");
      if (!link) return;
      const url = new URL(link.href);
      const column = url.searchParams.get("sort");
      if (column === key) th.setAttribute("aria-sort", desc ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
      const next = column === key ? !desc : NATURAL_DESC[column];
      url.searchParams.set("order", next ? "desc" : "asc");
      link.setAttribute("href", url.pathname + url.search);
    });
    // The address keeps the order, for a reload.
    const here = new URL(location.href);
    here.searchParams.set("sort", key);
    here.searchParams.set("order", ordering);
    history.replaceState(history.state, "", here.pathname + here.search + here.hash);
    keepOrder(key, ordering);
  }

  // ----------------------------------------------------------------- filter

  // Pause in typing before the server is asked to filter a big folder.
  const FILTER_DELAY_MS = 250;

  // The filter box narrows the listing as you type (the server's ?q= does
  // the same without script), keeping the count and the URL up to date:
  // among the rows here when they are the whole folder, else by asking the
  // server (which filters every entry, not just this page's).
  function enhanceFilter() {
    const form = document.querySelector("form.filter");
    const input = form && form.querySelector("#filter-q");
    if (!input) return;
    const submit = form.querySelector(".filter-submit");
    if (submit) submit.hidden = true;
    // What the listing on the page was filtered by (the server's rows).
    let shownQ = input.value;
    let timer = null;
    let asked = 0;

    function apply() {
      const q = input.value;
      keepInUrl(q);
      clearTimeout(timer);
      if (shownQ === "" && wholeListing()) {
        filterHere(q);
        return;
      }
      timer = setTimeout(async () => {
        const mine = ++asked;
        const url = new URL(location.href);
        try {
          await showListing(url, () => mine === asked);
          if (mine === asked) shownQ = q;
        } catch (err) {
          form.submit(); // the server filters with a page load instead
        }
      }, FILTER_DELAY_MS);
    }

    input.addEventListener("input", apply);
    form.addEventListener("submit", (event) => {
      // "Search subfolders" goes to its own page; Enter filters here.
      if (event.submitter && event.submitter.hasAttribute("formaction")) return;
      event.preventDefault();
      apply();
    });
  }

  /** Hides the rows whose names don't contain `q`, any case. */
  function filterHere(q) {
    const needle = q.toLowerCase();
    const all = rows();
    let shown = 0;
    all.forEach((row) => {
      const hit = (row.getAttribute("data-name") || "").toLowerCase().includes(needle);
      row.hidden = !hit;
      if (hit) shown += 1;
    });
    const countText = document.querySelector("#listing .count");
    const items = all.length === 1 ? "item" : "items";
    if (countText) countText.textContent = q ? shown + " of " + all.length + " " + items : all.length + " " + items;
    noMatches(q && !shown ? q : "");
  }

  function rows() {
    return Array.from(document.querySelectorAll("table.listing tbody tr.entry"));
  }

  /** Shows "No names match “q”." as the table's only row, or removes it. */
  function noMatches(q) {
    const tbody = document.querySelector("table.listing tbody");
    if (!tbody) return;
    let row = tbody.querySelector("tr.no-matches");
    if (!q) {
      if (row) row.remove();
      return;
    }
    if (!row) {
      const columns = document.querySelectorAll("table.listing thead th").length || 1;
      row = el("tr", { className: "no-matches" }, el("td", { colSpan: columns }));
      tbody.append(row);
    }
    row.firstChild.textContent = "No names match “" + q + "”.";
  }

  /** Puts `q` in the address (and the sort links) without a new history entry. */
  function keepInUrl(q) {
    const set = (url) => {
      if (q) url.searchParams.set("q", q);
      else url.searchParams.delete("q");
      return url;
    };
    const here = set(new URL(location.href));
    here.searchParams.delete("page");
    history.replaceState(history.state, "", here.pathname + here.search + here.hash);
    document.querySelectorAll("a.sort").forEach((link) => {
      const url = set(new URL(link.href));
      link.setAttribute("href", url.pathname + url.search);
    });
  }

  // ---------------------------------------------------- rename and delete

  // The Rename and Delete links open a dialog; their pages stay the way
  // without script (and the fallback when the preview cannot be fetched).
  function enhanceActions() {
    if (typeof HTMLDialogElement !== "function") return;
    document.addEventListener("click", (event) => {
      const link = event.target.closest && event.target.closest("table.listing a.action");
      if (!link || !plainClick(event)) return;
      if (link.classList.contains("action-delete")) {
        event.preventDefault();
        confirmDelete(link);
      } else if (link.classList.contains("action-rename")) {
        event.preventDefault();
        renameDialog(link);
      }
    });
  }

  let previewing = false;

  async function confirmDelete(link) {
    if (previewing) return;
    previewing = true;
    const path = new URL(link.href).pathname;
    let info;
    try {
      const response = await fetch(path + "?format=json", {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) throw new Error("HTTP " + response.status);
      info = await response.json();
    } catch (err) {
      location.href = link.href; // the confirmation page says what went wrong
      return;
    } finally {
      previewing = false;
    }
    const recursive = info.type === "dir" && !info.empty;
    const name = info.name || link.closest("tr").getAttribute("data-name");
    let question = "Delete “" + name + "”?";
    if (recursive) {
      question =
        "Delete folder “" + name + "” and everything in it: " +
        contents(info.files, info.folders) + "?";
    } else if (info.type === "dir") {
      question = "Delete the empty folder “" + name + "”?";
    }
    openDialog({
      className: "dialog-delete",
      title: question,
      body: [el("p", { className: "hint" }, "This cannot be undone.")],
      confirm: recursive ? "Delete everything" : "Delete",
      danger: true,
      onConfirm: async () => {
        const answer = await post(path, recursive ? { recursive: "1" } : {});
        if (!answer.ok) return errorText(answer);
        reloadWith(answer.data.message);
        return "";
      },
    });
  }

  function renameDialog(link) {
    const path = new URL(link.href).pathname;
    const row = link.closest("tr");
    const name = (row && row.getAttribute("data-name")) || "";
    const inputId = nextId("rename-input");
    const hintId = nextId("rename-hint");
    const input = el("input", {
      type: "text",
      id: inputId,
      name: "to",
      value: name,
      required: true,
      autocomplete: "off",
      autocapitalize: "off",
      spellcheck: false,
      "aria-describedby": hintId,
    });
    const field = el("div", { className: "field" }, [
      el("label", { htmlFor: inputId }, "New name"),
      input,
      el("p", { className: "hint", id: hintId }, "A new name, or a full path starting with / to move it."),
    ]);
    openDialog({
      className: "dialog-rename",
      title: "Rename “" + name + "”",
      body: [field],
      confirm: "Rename",
      focus: input,
      onConfirm: async (close) => {
        if (input.value === name) {
          close();
          return "";
        }
        const answer = await post(path, { to: input.value });
        if (!answer.ok) return errorText(answer);
        reloadWith(answer.data.message);
        return "";
      },
    });
    selectName(input, row && row.getAttribute("data-kind") === "file");
  }

  /** Selects a name without its extension (a file's), ready to type over. */
  function selectName(input, isFile) {
    const dot = input.value.lastIndexOf(".");
    input.setSelectionRange(0, isFile && dot > 0 ? dot : input.value.length);
  }

  // The rename page (the way without script) does the same for its field.
  function selectBaseName() {
    const form = document.querySelector("form.rename-form");
    const input = form && form.querySelector("#rename-to");
    const focused = document.activeElement;
    if (!input || (focused && focused !== document.body && focused !== input)) return;
    input.focus();
    selectName(input, form.getAttribute("data-kind") === "file");
  }

  /**
   * A modal dialog: a title, some content, an error line, Cancel and a
   * confirm button. `onConfirm(close)` resolves to an error message to show
   * (the dialog stays open) or "" when done. Esc and Cancel close it.
   */
  function openDialog(opts) {
    const titleId = nextId("dialog-title");
    const error = el("p", { className: "dialog-error", role: "alert", hidden: true });
    const cancel = el("button", { type: "button", className: "button" }, "Cancel");
    const ok = el("button", { type: "submit", className: "button " + (opts.danger ? "danger" : "primary") }, opts.confirm);
    const form = el("form", { className: "dialog-form stack" }, [
      el("h2", { id: titleId }, opts.title),
    ].concat(opts.body, [error, el("div", { className: "dialog-buttons" }, [cancel, ok])]));
    const dialog = el("dialog", { className: "dialog " + (opts.className || ""), "aria-labelledby": titleId }, form);
    const opener = document.activeElement;
    const close = () => dialog.close();
    cancel.addEventListener("click", close);
    dialog.addEventListener("close", () => {
      dialog.remove();
      if (opener && opener.isConnected && opener.focus) opener.focus();
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      ok.disabled = true;
      error.hidden = true;
      let message;
      try {
        message = await opts.onConfirm(close);
      } catch (err) {
        message = "network error";
      }
      if (message) {
        error.textContent = message;
        error.hidden = false;
        ok.disabled = false;
      }
    });
    document.body.append(dialog);
    dialog.showModal();
    (opts.focus || cancel).focus();
    return dialog;
  }

  // ------------------------------------------------------------------- run

  // ------------------------------------------------------------ selection

  // The row checkboxes already work without script (they belong to the
  // selection form). With it: the bar counts what is ticked and its button
  // waits for a tick; shift-click ticks the range from the last click;
  // Ctrl/Cmd-A (outside text fields) ticks every row shown.
  function enhanceSelection() {
    const bar = document.getElementById("selection");
    if (!bar) return;
    const count = bar.querySelector(".selection-count");
    const buttons = Array.from(bar.querySelectorAll("button[type='submit']"));
    const boxes = () => Array.from(document.querySelectorAll("input.select[form='selection']"));
    const visible = () => boxes().filter((b) => b.offsetParent !== null);
    const update = () => {
      const n = boxes().filter((b) => b.checked).length;
      count.textContent = n ? count_(n) + " selected" : "Tick entries to act on several at once:";
      buttons.forEach((b) => (b.disabled = n === 0));
    };
    const count_ = (n) => (n === 1 ? "1 item" : n + " items");
    let last = null;
    document.addEventListener("click", (event) => {
      const box = event.target;
      if (!(box instanceof HTMLInputElement) || !box.matches("input.select[form='selection']")) return;
      if (event.shiftKey && last && last !== box) {
        const shown = visible();
        const [a, b] = [shown.indexOf(last), shown.indexOf(box)].sort((x, y) => x - y);
        if (a >= 0) shown.slice(a, b + 1).forEach((other) => (other.checked = box.checked));
      }
      last = box;
      update();
    });
    // "Select all on this page" ticks the rows in place instead of reloading.
    document.addEventListener("click", (event) => {
      const link = event.target.closest && event.target.closest("a.select-all-page");
      if (!link || !plainClick(event)) return;
      event.preventDefault();
      visible().forEach((b) => (b.checked = true));
      update();
    });
    document.addEventListener("keydown", (event) => {
      const typing = event.target instanceof HTMLElement && event.target.closest("input:not([type='checkbox']), textarea, select, dialog");
      if (typing || !(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== "a") return;
      const shown = visible();
      if (!shown.length) return;
      event.preventDefault();
      const all = shown.every((b) => b.checked);
      shown.forEach((b) => (b.checked = !all));
      update();
    });
    update();
  }

  // Rows can be dragged onto a folder row or a breadcrumb: the ticked rows
  // when the dragged one is ticked, else just it. The move is the same
  // POST the picker's form makes (checked whole first, never replacing).
  const DRAG_TYPE = "application/x-ftpgate-items";
  function enableDragMove() {
    const bar = document.getElementById("selection");
    const listing = listingPart();
    if (!bar || !listing) return;
    const moveAction = bar.querySelector("button[formaction*='/move-selected/']");
    if (!moveAction) return;
    const action = moveAction.getAttribute("formaction");
    const boxOf = (tr) => tr && tr.querySelector("input.select[form='selection']");
    listing.addEventListener("dragstart", (event) => {
      const tr = event.target.closest && event.target.closest("tr.entry");
      const box = boxOf(tr);
      if (!box) return;
      const ticked = Array.from(document.querySelectorAll("input.select[form='selection']:checked"));
      const items = (box.checked ? ticked : [box]).map((b) => b.value);
      event.dataTransfer.setData(DRAG_TYPE, JSON.stringify(items));
      event.dataTransfer.effectAllowed = "move";
    });
    // Rows are draggable by their name cell's blank space and icon, like a file manager.
    const markRows = () =>
      listing.querySelectorAll("tr.entry").forEach((tr) => {
        if (boxOf(tr)) tr.draggable = true;
      });
    markRows();
    new MutationObserver(markRows).observe(listing, { childList: true, subtree: true });
    /** Where a drop on `el` moves things: a folder row's name, or a breadcrumb's path. */
    const targetOf = (el) => {
      const tr = el.closest && el.closest("tr.entry.dir");
      if (tr) return tr.dataset.name;
      const crumb = el.closest && el.closest("nav.crumbs a");
      if (!crumb || crumb.getAttribute("aria-current")) return null;
      try {
        const path = decodeURIComponent(new URL(crumb.href).pathname.replace(/^\/browse/, ""));
        return path.length > 1 ? path.replace(/\/$/, "") : "/";
      } catch (err) {
        return null; // a name that is not UTF-8: use the picker
      }
    };
    const carries = (event) => Array.from(event.dataTransfer.types || []).includes(DRAG_TYPE);
    document.addEventListener("dragover", (event) => {
      if (!carries(event) || targetOf(event.target) === null) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
    });
    document.addEventListener("drop", async (event) => {
      if (!carries(event)) return;
      const to = targetOf(event.target);
      if (to === null) return;
      event.preventDefault();
      const items = JSON.parse(event.dataTransfer.getData(DRAG_TYPE) || "[]");
      if (!items.length) return;
      const fields = new URLSearchParams({ to });
      items.forEach((item) => fields.append("item", item));
      const answer = await post(action, fields);
      if (answer.ok) reloadWith(answer.data.message);
      else alert(errorText(answer)); // nothing moved: the server checks all first
    });
  }

  // ---------------------------------------------------- move/copy picker

  // "Move selected…" and "Copy selected…" open a dialog that browses the
  // server's folders (the JSON listing) instead of the picker page, which
  // stays the way without script, and the fallback for a name that is not
  // UTF-8 (it cannot be typed back as a path here).
  function enhancePicker() {
    const bar = document.getElementById("selection");
    if (!bar) return;
    bar.querySelectorAll("button[formaction*='-selected/']").forEach((button) => {
      const action = button.getAttribute("formaction");
      const verb = action.includes("/move-selected/") ? "Move" : action.includes("/copy-selected/") ? "Copy" : null;
      if (!verb) return;
      button.addEventListener("click", (event) => {
        const all = bar.querySelector("input[name='all']:checked") || document.querySelector("input[name='all'][form='selection']:checked");
        const items = Array.from(document.querySelectorAll("input.select[form='selection']:checked")).map((b) => b.value);
        if (!all && !items.length) return;
        event.preventDefault();
        openPicker(verb, action, items, Boolean(all));
      });
    });
  }

  /** The folder a /browse/ URL path shows, decoded; null when it is not UTF-8. */
  function folderOf(href) {
    try {
      const path = decodeURIComponent(new URL(href, location.href).pathname.replace(/^\/browse/, ""));
      return path.length > 1 ? path.replace(/\/$/, "") : "/";
    } catch (err) {
      return null;
    }
  }

  function openPicker(verb, action, items, all) {
    const here = folderOf(location.pathname) || "/";
    const where = el("p", { className: "picker-where" });
    const list = el("ul", { className: "picker-list", "aria-label": "Folders" });
    const typed = el("input", { type: "text", id: nextId("picker-to"), autocomplete: "off", spellcheck: false });
    const label = el("label", { htmlFor: typed.id }, "Or type a folder (absolute, or relative to this one)");
    let shown = null;
    const go = async (folder) => {
      list.replaceChildren(el("li", { className: "muted" }, "Loading…"));
      const url = "/browse" + folder.split("/").map(encodeURIComponent).join("/").replace(/\/?$/, "/") + "?format=json";
      const answer = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(async (r) => ({ ok: r.ok, status: r.status, data: await readJson(r) }))
        .catch(() => ({ ok: false, status: 0, data: { error: "network error" } }));
      if (!answer.ok) {
        list.replaceChildren(el("li", { className: "dialog-error" }, errorText(answer)));
        return;
      }
      shown = folder;
      typed.value = folder;
      where.textContent = verb + " to " + folder;
      const rows = [];
      if (folder !== "/") {
        const up = folder.replace(/\/[^/]*$/, "") || "/";
        rows.push(el("li", {}, pickButton("↑ Up to " + up, () => go(up))));
      }
      (answer.data.entries || [])
        .filter((e) => e.type === "dir")
        .forEach((e) => {
          const target = folderOf(e.href);
          if (target === null) return; // not UTF-8: the picker page handles it
          rows.push(el("li", {}, pickButton(e.name, () => go(target))));
        });
      if (rows.length === 0 || (rows.length === 1 && folder !== "/")) rows.push(el("li", { className: "muted" }, "No folders in here."));
      list.replaceChildren(...rows);
    };
    const count = all ? "every entry of this folder" : items.length === 1 ? "1 item" : items.length + " items";
    openDialog({
      className: "dialog-picker",
      title: verb + " " + count + " from " + here,
      body: [where, list, el("div", { className: "field" }, [label, typed])],
      confirm: verb + " here",
      onConfirm: async () => {
        const to = typed.value.trim() || shown || here;
        const fields = new URLSearchParams({ to });
        if (all) fields.append("all", "1");
        else items.forEach((item) => fields.append("item", item));
        const answer = await post(action, fields);
        if (answer.ok) {
          reloadWith(answer.data.message);
          return null;
        }
        return errorText(answer); // nothing changed: the server checks everything first
      },
    });
    go(here);
  }

  function pickButton(text, onClick) {
    const b = el("button", { type: "button", className: "picker-folder" }, text);
    b.addEventListener("click", onClick);
    return b;
  }

  // --------------------------------------------------------------- keyboard

  const FOCUS_KEY = "ftpgate-focus";

  // Keys of a file manager: "/" to the filter, ↑/↓ (and Home/End) through
  // the rows, Enter opens (the name is a link), F2 renames, Delete deletes
  // (through the same dialogs as the row's links). After an action reloads
  // the page, the focus comes back to that row, or to where it stood.
  function enhanceKeyboard() {
    const listing = document.querySelector("table.listing");
    if (!listing) return;
    restoreRowFocus();
    const rows = () => Array.from(listing.querySelectorAll("tr.entry")).filter((tr) => tr.offsetParent !== null);
    const nameLink = (tr) => tr && tr.querySelector("a.entry-name");
    const typing = (t) =>
      t && (t.isContentEditable || /^(TEXTAREA|SELECT)$/.test(t.tagName) ||
        (t.tagName === "INPUT" && !/^(checkbox|radio|button|submit)$/.test(t.type)));
    document.addEventListener("keydown", (event) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      if (document.querySelector("dialog[open]") || typing(event.target)) return;
      const current = event.target.closest && event.target.closest("tr.entry");
      if (event.key === "/") {
        const filter = document.getElementById("filter-q");
        if (!filter) return;
        event.preventDefault();
        filter.focus();
        filter.select();
        return;
      }
      const all = rows();
      if (!all.length) return;
      const at = all.indexOf(current);
      let to = null;
      if (event.key === "ArrowDown") to = at < 0 ? 0 : Math.min(at + 1, all.length - 1);
      else if (event.key === "ArrowUp") to = at < 0 ? all.length - 1 : Math.max(at - 1, 0);
      else if (event.key === "Home" && at >= 0) to = 0;
      else if (event.key === "End" && at >= 0) to = all.length - 1;
      if (to !== null) {
        const link = nameLink(all[to]) || all[to].querySelector("a, input");
        if (!link) return;
        event.preventDefault();
        link.focus();
        return;
      }
      if (!current) return;
      const action = event.key === "F2" ? "a.action-rename" : event.key === "Delete" ? "a.action-delete" : null;
      const link = action && current.querySelector(action);
      if (!link) return;
      event.preventDefault();
      rememberRowFocus(current, all.indexOf(current));
      link.click();
    });
    // A click on a row's action remembers the row too.
    listing.addEventListener("click", (event) => {
      const link = event.target.closest && event.target.closest("a.action");
      const tr = link && link.closest("tr.entry");
      if (tr) rememberRowFocus(tr, rows().indexOf(tr));
    });
  }

  function rememberRowFocus(tr, index) {
    try {
      sessionStorage.setItem(FOCUS_KEY, JSON.stringify({ page: location.pathname, name: tr.getAttribute("data-name"), index }));
    } catch (err) {
      // No storage (private mode): the focus simply starts at the top.
    }
  }

  function restoreRowFocus() {
    let saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(FOCUS_KEY) || "null");
      sessionStorage.removeItem(FOCUS_KEY);
    } catch (err) {
      return;
    }
    if (!saved || saved.page !== location.pathname) return;
    const all = Array.from(document.querySelectorAll("table.listing tr.entry"));
    // The same row (renamed rows keep their place only by index), else the
    // one that took the place of a deleted row.
    const tr = all.find((r) => r.getAttribute("data-name") === saved.name) ||
      all[Math.min(saved.index, all.length - 1)];
    const link = tr && tr.querySelector("a.entry-name");
    if (link) link.focus();
  }

  // -------------------------------------------------------------- busy forms

  // A login to a slow server can take seconds: the button says so and stays
  // pressed, so a second click does not start a second login. Coming back
  // to the page (the back button) shows it ready again.
  function showBusy() {
    document.querySelectorAll("form[data-busy]").forEach((form) => {
      const submit = form.querySelector('button[type="submit"]');
      if (!submit) return;
      const ready = submit.textContent;
      form.addEventListener("submit", (event) => {
        if (submit.disabled) {
          event.preventDefault();
          return;
        }
        // Disabled after the submit is under way, so the form still sends.
        setTimeout(() => {
          submit.disabled = true;
          submit.textContent = form.dataset.busy;
          form.setAttribute("aria-busy", "true");
        }, 0);
      });
      window.addEventListener("pageshow", () => {
        submit.disabled = false;
        submit.textContent = ready;
        form.removeAttribute("aria-busy");
      });
    });
  }

  // ----------------------------------------------------------------- doctor

  // Without script the report's text area is there to select and copy by
  // hand; with it, a button copies it (the clipboard needs a secure
  // context, so over plain HTTP the text is selected instead).
  function enhanceDoctor() {
    const text = document.getElementById("doctor-text");
    const button = document.getElementById("doctor-copy");
    if (!text || !button) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      text.focus();
      text.select();
      try {
        await navigator.clipboard.writeText(text.value);
        button.textContent = "Copied";
      } catch (err) {
        button.textContent = "Selected: press Ctrl+C to copy";
      }
    });
  }

  // ---------------------------------------------------------------- preview

  // The preview page's Previous, Next and Back links are plain links; here
  // ← and → follow them, Escape goes back to the folder, and a sideways
  // swipe over the file does what the arrows do.
  function enhancePreview() {
    const stage = document.getElementById("preview-stage");
    if (!stage || !document.body.classList.contains("page-preview")) return;
    const follow = (selector) => {
      const link = document.querySelector(selector);
      if (link) location.assign(link.href);
      return Boolean(link);
    };
    const KEYS = { ArrowLeft: "a[rel=prev]", ArrowRight: "a[rel=next]", Escape: "a.preview-back" };
    document.addEventListener("keydown", (event) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      // A player seeks with the arrows and a field edits with them: theirs.
      const own = event.target.closest && event.target.closest("audio, video, input, textarea, select, [contenteditable]");
      const selector = KEYS[event.key];
      if (own || !selector) return;
      if (follow(selector)) event.preventDefault();
    });
    let start = null;
    stage.addEventListener(
      "touchstart",
      (event) => {
        // A drag on a player's controls scrubs; it is not a swipe.
        const touch = event.touches.length === 1 && !event.target.closest("audio, video") ? event.touches[0] : null;
        start = touch && { x: touch.clientX, y: touch.clientY };
      },
      { passive: true },
    );
    stage.addEventListener(
      "touchend",
      (event) => {
        const touch = event.changedTouches[0];
        if (!start || !touch) return;
        const dx = touch.clientX - start.x;
        const dy = touch.clientY - start.y;
        start = null;
        // A deliberate sideways swipe: long, and far more sideways than down.
        if (Math.abs(dx) < 60 || Math.abs(dx) < 2 * Math.abs(dy)) return;
        follow(dx < 0 ? "a[rel=next]" : "a[rel=prev]");
      },
      { passive: true },
    );
  }

  // ------------------------------------------------- editor and permissions

  // Ctrl/Cmd-S in the editor submits its form with its first button: Save,
  // or "Save as a copy" after a conflict. The form itself needs no script.
  function enhanceEditor() {
    const form = document.getElementById("edit-form");
    if (!form) return;
    form.addEventListener("keydown", (event) => {
      if (!(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== "s") return;
      event.preventDefault();
      form.requestSubmit(form.querySelector("button[type=submit]"));
    });
  }

  // The permissions page's boxes and octal field follow each other. (Without
  // script the server takes the field when it was changed, else the boxes.)
  function enhanceChmod() {
    const form = document.getElementById("chmod-form");
    if (!form) return;
    const field = form.querySelector("input[name=mode]");
    const was = form.querySelector("input[name=was]");
    const boxes = Array.from(form.querySelectorAll("input[name=bit]"));
    const OCTAL = /^[0-7]{1,4}$/;
    // Setuid, setgid and sticky have no box: they stay as they were.
    const special = () => (OCTAL.test(was.value) ? parseInt(was.value, 8) & 0o7000 : 0);
    boxes.forEach((box) =>
      box.addEventListener("change", () => {
        const mode = boxes.reduce((m, b) => (b.checked ? m | parseInt(b.value, 8) : m), special());
        field.value = mode.toString(8).padStart(4, "0");
      }),
    );
    field.addEventListener("input", () => {
      const typed = field.value.trim();
      if (!OCTAL.test(typed)) return;
      const mode = parseInt(typed, 8);
      boxes.forEach((b) => {
        b.checked = (mode & parseInt(b.value, 8)) !== 0;
      });
    });
  }

  const ENHANCERS = [
    enhanceFlash,
    showNotice,
    focusFirstInvalid,
    enhanceUploads,
    enhanceSort,
    enhanceFilter,
    loadMoreOnScroll,
    enhanceActions,
    selectBaseName,
    enhanceSelection,
    enableDragMove,
    showBusy,
    enhancePicker,
    enhanceKeyboard,
    enhancePreview,
    enhanceEditor,
    enhanceChmod,
    enhanceDoctor,
  ];

  function run() {
    ENHANCERS.forEach((enhance) => {
      try {
        enhance();
      } catch (err) {
        // One broken enhancement must not stop the others; the page still works.
        if (window.console) console.error("ftpgate:", err);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
