// Interop oracle for core/tests/npm_interop.rs: the age-encryption package (typage, by age's
// author) decrypts files with an identity file, or encrypts to a recipient. Must not: do
// anything but read its arguments and write its output file.
import { readFileSync, writeFileSync } from "node:fs";
import { Decrypter, Encrypter } from "age-encryption";

const [mode, a, input, output] = process.argv.slice(2);
const data = readFileSync(input);
if (mode === "decrypt") {
  const d = new Decrypter();
  for (const line of readFileSync(a, "utf8").split("\n")) {
    const t = line.trim();
    if (t !== "" && !t.startsWith("#")) d.addIdentity(t);
  }
  writeFileSync(output, await d.decrypt(new Uint8Array(data)));
} else if (mode === "encrypt") {
  const e = new Encrypter();
  e.addRecipient(a);
  writeFileSync(output, await e.encrypt(new Uint8Array(data)));
} else {
  console.error("usage: node age.mjs decrypt IDENTITIES IN OUT | encrypt RECIPIENT IN OUT");
  process.exit(2);
}
