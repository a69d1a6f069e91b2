import { describe, expect, test } from "bun:test";
import {
  formatCheckpoint,
  NoteError,
  noteVerifierKey,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  signNote,
} from "./checkpoint.ts";
import { generateKeyPair, publicKeyOf } from "./sign.ts";

// The signed-note example published with Go's golang.org/x/mod/sumdb/note (the C2SP signed-note
// reference): its signer key, verifier key, text and exact signed note.
const GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const GO_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

const goSeed = Buffer.from(GO_SIGNER.split("+").slice(4).join("+"), "base64").subarray(1).toString("hex");
const goPub = publicKeyOf(goSeed);

describe("C2SP signed note", () => {
  test("reproduces the Go reference note byte for byte, and its verifier key", () => {
    expect(noteVerifierKey("PeterNeumann", goPub)).toBe(GO_VERIFIER);
    expect(signNote(GO_TEXT, "PeterNeumann", goSeed, goPub)).toBe(GO_NOTE);
    expect(openNote(GO_NOTE, [{ name: "PeterNeumann", publicKey: goPub }]).body).toBe(GO_TEXT);
  });

  test("the verifier key parses back to its name and key; a wrong hash is refused", () => {
    expect(parseVerifierKey(GO_VERIFIER)).toEqual({ name: "PeterNeumann", publicKey: goPub });
    expect(() => parseVerifierKey(GO_VERIFIER.replace("c74f20a3", "c74f20a4"))).toThrow(/does not match/);
    expect(() => parseVerifierKey("PeterNeumann+c74f20a3+AAAA")).toThrow(/not an Ed25519 note verifier key/);
  });

  test("an altered text, an unknown signer and a malformed note are refused by name", () => {
    const key = { name: "PeterNeumann", publicKey: goPub };
    expect(() => openNote(GO_NOTE.replace("answer", "answers"), [key])).toThrow(/does not verify/);
    expect(() => openNote(GO_NOTE, [{ name: "Other", publicKey: goPub }])).toThrow(/no signature by Other/);
    expect(() =>
      openNote(GO_NOTE, [{ name: "PeterNeumann", publicKey: generateKeyPair().publicKey }]),
    ).toThrow(/no signature by PeterNeumann/);
    expect(() => openNote(GO_TEXT, [key])).toThrow(NoteError);
    expect(() => openNote(`${GO_TEXT}\n— PeterNeumann !!\n`, [key])).toThrow(/malformed signature line/);
  });

  test("signatures by other keys (a witness's cosignature) are ignored, not refused", () => {
    const witness = generateKeyPair();
    const cosigned = signNote(GO_TEXT, "witness.example", witness.secretKey, witness.publicKey);
    const both = `${GO_NOTE}${cosigned.slice(GO_TEXT.length + 1)}`;
    expect(openNote(both, [{ name: "PeterNeumann", publicKey: goPub }]).body).toBe(GO_TEXT);
    expect(openNote(both, [{ name: "witness.example", publicKey: witness.publicKey }]).signedBy.name).toBe(
      "witness.example",
    );
  });
});

describe("tlog checkpoint", () => {
  const cp = {
    origin: "cloud.example/tlog/clinic-1",
    size: 8,
    root: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    extensions: [],
  };

  test("origin, decimal size and base64 root, one per line", () => {
    const body = formatCheckpoint(cp);
    expect(body).toBe("cloud.example/tlog/clinic-1\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n");
    expect(parseCheckpoint(body)).toEqual(cp);
    expect(parseCheckpoint(`${body}ts 1700000000\n`).extensions).toEqual(["ts 1700000000"]);
  });

  test.each([
    ["no final newline", "o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg="],
    ["a leading zero", "o\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"],
    ["a short root", "o\n8\nXcnaeacG\n"],
    ["two lines", "o\n8\n"],
  ])("refuses %s", (_, body) => {
    expect(() => parseCheckpoint(body)).toThrow(NoteError);
  });
});
