// What the application page uses from npm, bundled by build.sh into vendor.min.js
// (one IIFE that defines the global UDVendor).
import { x25519 } from "@noble/curves/ed25519.js";
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { qrcode } from "qrcode-generator";

export { x25519, chacha20poly1305, hkdf, sha256, qrcode };
