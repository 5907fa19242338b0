"use strict";

/** The text a person should see for an error: NachbarstromError and viem errors carry a shortMessage. */
function errorText(error) {
  if (error && typeof error === "object") {
    if (typeof error.shortMessage === "string") return error.shortMessage;
    if (typeof error.message === "string") return error.message;
  }
  return String(error);
}

/** The full text for the log: short message and details, never the cause's stack. */
function errorLogText(error) {
  const details = error && typeof error === "object" && typeof error.details === "string" ? error.details : "";
  return details ? `${errorText(error)}: ${details}` : errorText(error);
}

/** Node-RED status texts are shown under the node: keep them short. */
function shortText(text, max = 60) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A 0x… hash or id shortened for a status text. */
function shortHex(hex) {
  return typeof hex === "string" && hex.length > 12 ? `${hex.slice(0, 8)}…${hex.slice(-4)}` : String(hex);
}

/** The status of a node that cannot work because of its configuration. */
function configErrorStatus(error) {
  return { fill: "red", shape: "ring", text: shortText(errorText(error)) };
}

module.exports = { errorText, errorLogText, shortText, shortHex, configErrorStatus };
